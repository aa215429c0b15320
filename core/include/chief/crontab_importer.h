#pragma once
// CrontabImporter: reads a crontab (Vixie cron / cronie syntax) and writes the chief.yaml that
// runs the same commands at the same times. Pure: text in, text and notes out.

#include <string>
#include <string_view>
#include <vector>

namespace chief {

enum class CrontabFormat {
    Auto,    // System for a source named /etc/crontab or /etc/cron.d/..., else User
    User,    // five time fields, then the command (crontab -e)
    System,  // five time fields, a user name, then the command (/etc/crontab, /etc/cron.d)
};

struct CrontabImportOptions {
    CrontabFormat format = CrontabFormat::Auto;
    // Where the text came from, for comments and notes ("-" for standard input).
    std::string sourceName = "-";
};

// Something about one line of the crontab: what it became, or why it did not.
struct CrontabImportNote {
    enum class Kind {
        Info,      // how a line was mapped, when that is worth knowing (%, TZ=, a never-matching date)
        Unmapped,  // a line Chief has no equivalent for (@reboot, MAILTO=): kept as a comment
        Error,     // a line cron itself would reject: kept as a comment
    };
    int line = 0;  // 1-based line of the crontab
    Kind kind = Kind::Info;
    std::string message;
};

const char* crontabNoteKindName(CrontabImportNote::Kind kind);

struct CrontabImport {
    // The chief.yaml text: one job per entry line, in order, each schedule the friendliest
    // frequency that fires exactly when cron would (daily, weekly, monthly, yearly, interval,
    // else custom, with day_match: any where cron ORs the day fields), each command run as
    // [SHELL, -c, command]. It validates with Chief's loader whenever `jobs` > 0 (and the users
    // and shells it names exist).
    std::string yaml;
    int jobs = 0;
    std::vector<CrontabImportNote> notes;  // in line order
};

CrontabImport importCrontab(std::string_view text, const CrontabImportOptions& options);

}  // namespace chief
