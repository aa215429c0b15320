#pragma once
// ScheduleCompiler: turns a ScheduleSpec into an engine rule, a cron line, a mode and a description.

#include <string>
#include <vector>

#include "chief/diagnostic.h"
#include "chief/schedule.h"
#include "chief/schedule_spec.h"

namespace chief {

// How much of a schedule cron can express.
enum class ScheduleMode {
    PureCron,     // the cron line alone fires exactly when Chief would
    Hybrid,       // the cron line fires at a superset; a runtime guard decides
    RuntimeOnly,  // no single cron line fits; only chiefd can run it
};

const char* modeName(ScheduleMode mode);

// A schedule ready for the engine, plus what preview and export-cron show about it.
struct CompiledSchedule {
    Schedule schedule;
    Frequency frequency = Frequency::Daily;
    ScheduleMode mode = ScheduleMode::PureCron;
    std::string cron;         // five fields; empty for RuntimeOnly
    std::string guard;        // Hybrid: what the runtime guard checks, in words
    std::string description;  // one line, e.g. "on the last Friday of every month at 18:00"
    std::vector<std::string> notes;  // static caveats, e.g. "months without day 31 are skipped"
    bool minuteOrHourWildcard = false;  // cron would treat it as a wildcard job across DST
    // The loader's warnings about this schedule (FILE:LINE:COL), shown again by preview.
    std::vector<Diagnostic> warnings;
};

CompiledSchedule compileSchedule(const ScheduleSpec& spec);

// Renders a bit set as a cron field ("*", "*/15", "1-5", "0,30", "5-59/15").
std::string formatCronField(std::uint64_t bits, int low, int high);

// The same, never starting with "*" unless every value is allowed ("1-31/2" rather than "*/2").
// Vixie cron and cronie decide whether a day field is restricted by its first character, so a
// restricted day field of a day_match: any schedule must not start with "*".
std::string formatRestrictedCronField(std::uint64_t bits, int low, int high);

const char* dayMatchName(DayMatch match);

}  // namespace chief
