#include "chief/crontab_importer.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <optional>

#include "chief/schedule_compiler.h"
#include "chief/schedule_fields.h"
#include "chief/shell_words.h"
#include "chief/yaml_text.h"
#include "chief/zone_rules.h"

namespace chief {

namespace {

constexpr std::uint64_t kAllMinutes = (std::uint64_t{1} << 60) - 1;
constexpr std::uint64_t kAllHours = (std::uint64_t{1} << 24) - 1;
constexpr std::uint64_t kAllDays = ((std::uint64_t{1} << 32) - 1) & ~std::uint64_t{1};
constexpr std::uint64_t kAllMonths = ((std::uint64_t{1} << 13) - 1) & ~std::uint64_t{1};
constexpr std::uint64_t kAllWeekdays = 0x7F;
constexpr std::uint64_t kMondayToFriday = 0x3E;
// cron has no timeout; Chief's default (an hour) would end long cron jobs, so imported jobs get
// a day, said in the header.
constexpr int kImportedTimeoutSeconds = 86400;

constexpr std::array<const char*, 7> kWeekdayNames = {"sunday",   "monday", "tuesday", "wednesday",
                                                      "thursday", "friday", "saturday"};
constexpr std::array<const char*, 13> kMonthNames = {"",     "january", "february", "march",   "april",
                                                     "may",  "june",    "july",     "august",  "september",
                                                     "october", "november", "december"};

std::string trim(std::string_view text) {
    std::size_t b = 0, e = text.size();
    while (b < e && (text[b] == ' ' || text[b] == '\t')) ++b;
    while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r')) --e;
    return std::string(text.substr(b, e - b));
}

// The next whitespace-separated token of `rest`, removed from it.
std::string nextToken(std::string_view& rest) {
    std::size_t b = 0;
    while (b < rest.size() && (rest[b] == ' ' || rest[b] == '\t')) ++b;
    std::size_t e = b;
    while (e < rest.size() && rest[e] != ' ' && rest[e] != '\t') ++e;
    const std::string token(rest.substr(b, e - b));
    rest.remove_prefix(e);
    return token;
}

bool validUtf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        const int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
        if (extra < 0 || i + static_cast<std::size_t>(extra) >= text.size() + (extra == 0 ? 1 : 0)) return false;
        for (int k = 1; k <= extra; ++k)
            if ((static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]) >> 6) != 0x2) return false;
        i += static_cast<std::size_t>(extra) + 1;
    }
    return true;
}

// A crontab line shown in a YAML comment: tabs as spaces, other control characters as '?'.
std::string commentText(std::string_view text) {
    std::string out;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        out += c == '\t' ? ' ' : (u < 0x20 || u == 0x7F) ? '?' : c;
    }
    return validUtf8(out) ? out : std::string("(not UTF-8)");
}

// Vixie cron's field syntax, item by item: "*", N, N-M, either with /S, and three-letter month
// or weekday names. cronie's and croniter's "N/S" (N to the end in steps of S) is accepted too.
std::optional<std::string> fieldSyntaxError(const std::string& field, CronFieldKind kind) {
    const bool names = kind == CronFieldKind::Month || kind == CronFieldKind::DayOfWeek;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = field.find(',', start);
        const std::string item = field.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const std::size_t slash = item.find('/');
        const std::string base = item.substr(0, slash);
        const auto isValue = [&](const std::string& v) {
            if (!v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) return true;
            return names && v.size() == 3 && std::all_of(v.begin(), v.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
        };
        bool ok = false;
        if (base == "*") {
            ok = true;
        } else {
            const std::size_t dash = base.find('-');
            ok = dash == std::string::npos ? isValue(base) : isValue(base.substr(0, dash)) && isValue(base.substr(dash + 1));
        }
        if (ok && slash != std::string::npos) {
            const std::string step = item.substr(slash + 1);
            ok = !step.empty() && std::all_of(step.begin(), step.end(), [](char c) { return c >= '0' && c <= '9'; });
        }
        if (!ok) return "\"" + item + "\" is not a cron " + cronFieldName(kind) + " (numbers, *, ranges, steps" +
                        (names ? ", three-letter names" : "") + ")";
        if (comma == std::string::npos) return std::nullopt;
        start = comma + 1;
    }
}

struct Fields {
    std::string text[5];  // minute, hour, day of month, month, day of week, as written
    std::uint64_t bits[5] = {};
};

constexpr CronFieldKind kKinds[5] = {CronFieldKind::Minute, CronFieldKind::Hour, CronFieldKind::DayOfMonth,
                                     CronFieldKind::Month, CronFieldKind::DayOfWeek};

// Reads the five fields, or says why cron would not.
std::optional<std::string> readFields(Fields& fields) {
    for (int i = 0; i < 5; ++i) {
        if (auto error = fieldSyntaxError(fields.text[i], kKinds[i])) return error;
        auto bits = parseCronField(fields.text[i], kKinds[i]);
        if (!bits) return bits.error();
        // Chief reads "fri-mon" as a week that wraps; Vixie cron runs such a range never, cronie
        // refuses it: refuse it too rather than guess.
        const std::string& t = fields.text[i];
        if (kKinds[i] == CronFieldKind::DayOfWeek) {
            for (std::size_t start = 0;;) {
                const std::size_t comma = t.find(',', start);
                const std::string item = t.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                const std::string base = item.substr(0, item.find('/'));
                const std::size_t dash = base.find('-');
                if (dash != std::string::npos) {
                    auto from = parseCronField(base.substr(0, dash), CronFieldKind::DayOfWeek);
                    auto to = parseCronField(base.substr(dash + 1), CronFieldKind::DayOfWeek);
                    const bool toSunday7 = base.substr(dash + 1) == "7";
                    if (from && to && !toSunday7 && std::countr_zero(from.value()) > std::countr_zero(to.value()))
                        return "day_of_week range \"" + base + "\" runs backwards";
                }
                if (comma == std::string::npos) break;
                start = comma + 1;
            }
        }
        fields.bits[i] = bits.value();
    }
    return std::nullopt;
}

bool single(std::uint64_t bits) { return std::popcount(bits) == 1; }
int lowest(std::uint64_t bits) { return std::countr_zero(bits); }

std::string weekdayList(std::uint64_t bits) {
    std::string out;
    for (int wd = 1; wd <= 7; ++wd)
        if (bits >> (wd % 7) & 1U) out += (out.empty() ? "" : ",") + std::string(kWeekdayNames[static_cast<std::size_t>(wd % 7)]);
    return out;
}

std::string hhmm(int hour, int minute) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", hour, minute);
    return buf;
}

// If `bits` is {0, n, 2n, ...} over [0, high], n; else 0.
int evenStep(std::uint64_t bits, int high) {
    if (!(bits & 1U) || bits == 1U) return 0;
    const int n = std::countr_zero(bits & ~std::uint64_t{1});
    if ((high + 1) % n != 0) return 0;
    std::uint64_t expected = 0;
    for (int v = 0; v <= high; v += n) expected |= std::uint64_t{1} << v;
    return expected == bits ? n : 0;
}

// The schedule block (lines indented for a job's "schedule:") that fires exactly when cron runs
// `fields`, with Vixie cron's day rule: the day fields are ORed unless one starts with "*".
std::vector<std::string> scheduleLines(const Fields& f, const std::string& zone, std::vector<std::string>& notes) {
    const std::uint64_t minutes = f.bits[0], hours = f.bits[1], months = f.bits[3];
    std::uint64_t dom = f.bits[2], dow = f.bits[4];
    const bool domStar = f.text[2].starts_with('*'), dowStar = f.text[4].starts_with('*');
    const bool cronOrs = !domStar && !dowStar;
    bool any = false, explicitAll = false;
    if (cronOrs) {
        if (dom == kAllDays || dow == kAllWeekdays) {
            // Either field matching every day makes every day match.
            if (dom != kAllDays || dow != kAllWeekdays)
                notes.push_back("cron ORs the day fields here and one of them is every day, so it runs every day");
            dom = kAllDays;
            dow = kAllWeekdays;
        } else {
            any = true;
        }
    } else if (dom != kAllDays && dow != kAllWeekdays) {
        explicitAll = true;  // cron ANDs them because one starts with "*"
        notes.push_back("cron ANDs the day fields here (one starts with \"*\"), so day_match: all");
    }
    std::vector<std::string> out;
    const auto add = [&](const std::string& key, const std::string& value) { out.push_back(key + ": " + value); };
    const bool fixedTime = single(minutes) && single(hours);
    const std::string at = fixedTime ? quoteYamlString(hhmm(lowest(hours), lowest(minutes))) : "";
    const bool everyDay = dom == kAllDays && dow == kAllWeekdays;
    if (months == kAllMonths && everyDay && fixedTime) {
        add("frequency", "daily");
        add("time", at);
    } else if (months == kAllMonths && everyDay && hours == kAllHours && (minutes == kAllMinutes || evenStep(minutes, 59))) {
        add("frequency", "interval");
        add("every", minutes == kAllMinutes ? "1m" : std::to_string(evenStep(minutes, 59)) + "m");
    } else if (months == kAllMonths && everyDay && minutes == 1U && (hours == kAllHours || evenStep(hours, 23))) {
        add("frequency", "interval");
        add("every", hours == kAllHours ? "1h" : std::to_string(evenStep(hours, 23)) + "h");
    } else if (months == kAllMonths && dom == kAllDays && dow != kAllWeekdays && fixedTime) {
        if (dow == kMondayToFriday) {
            add("frequency", "daily");
            add("time", at);
            add("weekdays_only", "true");
        } else {
            add("frequency", "weekly");
            add("day", quoteYamlString(weekdayList(dow)));
            add("time", at);
        }
    } else if (months == kAllMonths && single(dom) && dow == kAllWeekdays && fixedTime) {
        add("frequency", "monthly");
        add("day_of_month", std::to_string(lowest(dom)));
        add("time", at);
    } else if (single(months) && single(dom) && dow == kAllWeekdays && fixedTime) {
        add("frequency", "yearly");
        add("month", kMonthNames[static_cast<std::size_t>(lowest(months))]);
        add("day_of_month", std::to_string(lowest(dom)));
        add("time", at);
    } else {
        add("frequency", "custom");
        if (minutes != kAllMinutes) add("minute", quoteYamlString(f.text[0]));
        if (hours != kAllHours) add("hour", quoteYamlString(f.text[1]));
        if (dom != kAllDays) add("day_of_month", quoteYamlString(f.text[2]));
        if (months != kAllMonths) add("month", quoteYamlString(f.text[3]));
        if (dow != kAllWeekdays) add("day_of_week", quoteYamlString(f.text[4]));
        if (out.size() == 1) add("minute", quoteYamlString(f.text[0]));  // every minute of every day: cannot happen here
        if (any) add("day_match", "any");
        if (explicitAll) add("day_match", "all");
    }
    if (!zone.empty()) add("timezone", quoteYamlString(zone));
    return out;
}

// Vixie cron's reading of the command part: up to the first unescaped %, with "\%" as "%";
// after it, standard input, with each further unescaped % a newline and a final newline added.
struct CommandParts {
    std::string command;
    std::optional<std::string> input;
};

CommandParts splitPercent(std::string_view text) {
    CommandParts parts;
    std::string* target = &parts.command;
    std::string input;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\' && i + 1 < text.size() && text[i + 1] == '%') {
            *target += '%';
            ++i;
        } else if (c == '%') {
            if (target == &parts.command)
                target = &input;
            else
                input += '\n';
        } else {
            *target += c;
        }
    }
    if (target == &input) {
        if (input.empty() || input.back() != '\n') input += '\n';
        parts.input = input;
    }
    return parts;
}

bool validJobName(const std::string& name) {
    if (name.empty() || name.size() > 128 || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@';
    });
}

// A job name: the --job of a `chiefd --once` line (what export-cron writes), else
// cron-line-N-<the command's program>.
std::string jobNameFor(int line, const std::string& command) {
    std::vector<std::string> words;
    if (auto split = splitShellWords(command)) words = split.value();
    for (std::size_t i = 0; i + 1 < words.size(); ++i)
        if (words[i] == "--job" && std::find(words.begin(), words.end(), "--once") != words.end() && validJobName(words[i + 1]))
            return words[i + 1];
    static const std::array<std::string_view, 22> kSkip = {"cd",   "test", "[",    "]",    "if",   "then", "command", "-v",
                                                           "exec", "nice", "ionice", "sudo", "env",  "&&",   "||",      ";",
                                                           "{",    "(",    "!",    "[[",   "true", "sh"};
    std::string program;
    std::string_view rest = command;
    while (!rest.empty() && program.empty()) {
        std::string word = nextToken(rest);
        if (word.empty()) break;
        if (std::find(kSkip.begin(), kSkip.end(), word) != kSkip.end() || word.starts_with('-') || word.starts_with('$') ||
            word.find('=') != std::string::npos)
            continue;
        word = word.substr(word.find_last_of('/') == std::string::npos ? 0 : word.find_last_of('/') + 1);
        std::string clean;
        for (char c : word)
            if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') clean += c;
        if (std::any_of(clean.begin(), clean.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }))
            program = clean.substr(0, 40);
    }
    return "cron-line-" + std::to_string(line) + (program.empty() ? "" : "-" + program);
}

bool validEnvironmentName(const std::string& name) {
    return !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') &&
           std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// What the importer keeps while reading: cron's environment lines apply to the lines after them.
struct State {
    std::string shell = "/bin/sh";
    std::string zone;         // CRON_TZ / TZ in effect; empty: the system's
    bool zoneBroken = false;  // the zone named is unknown: lines under it are not imported
    std::vector<std::pair<std::string, std::string>> environment;
};

void setVariable(std::vector<std::pair<std::string, std::string>>& env, const std::string& name, const std::string& value) {
    for (auto& entry : env)
        if (entry.first == name) {
            entry.second = value;
            return;
        }
    env.emplace_back(name, value);
}

}  // namespace

const char* crontabNoteKindName(CrontabImportNote::Kind kind) {
    switch (kind) {
        case CrontabImportNote::Kind::Info: return "info";
        case CrontabImportNote::Kind::Unmapped: return "unmapped";
        case CrontabImportNote::Kind::Error: return "error";
    }
    return "";
}

CrontabImport importCrontab(std::string_view text, const CrontabImportOptions& options) {
    CrontabImport result;
    bool systemFormat = options.format == CrontabFormat::System;
    if (options.format == CrontabFormat::Auto)
        systemFormat = options.sourceName == "/etc/crontab" || options.sourceName.starts_with("/etc/cron.d/");
    State state;
    std::string jobsText;
    const auto note = [&](int line, CrontabImportNote::Kind kind, std::string message) {
        result.notes.push_back({line, kind, std::move(message)});
    };
    const auto commentOut = [&](int line, std::string_view source, const std::string& why) {
        jobsText += "  # line " + std::to_string(line) + ", not imported (" + commentText(why) + "): " + commentText(source) + "\n";
    };

    int lineNumber = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t end = std::min(text.find('\n', pos), text.size());
        const std::string_view raw = text.substr(pos, end - pos);
        pos = end + 1;
        ++lineNumber;
        const std::string line = trim(raw);
        if (line.empty() || line.starts_with('#')) {
            if (end == text.size()) break;
            continue;
        }
        if (!validUtf8(line)) {
            note(lineNumber, CrontabImportNote::Kind::Error, "the line is not UTF-8, which chief.yaml must be");
            commentOut(lineNumber, "", "not UTF-8");
            continue;
        }
        const char first = line.front();
        const bool entry = first == '*' || first == '@' || (first >= '0' && first <= '9');
        if (!entry) {
            // An environment line: NAME = VALUE, the value trimmed and unquoted as cron does.
            const std::size_t eq = line.find('=');
            const std::string name = eq == std::string::npos ? "" : trim(std::string_view(line).substr(0, eq));
            if (eq == std::string::npos || name.empty() || name.find_first_of(" \t") != std::string::npos) {
                note(lineNumber, CrontabImportNote::Kind::Error, "neither a cron entry nor a NAME=VALUE line; cron rejects it");
                commentOut(lineNumber, line, "cron rejects it");
                continue;
            }
            std::string value = trim(std::string_view(line).substr(eq + 1));
            if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
                value = value.substr(1, value.size() - 2);
            if (name == "CRON_TZ" || name == "TZ") {
                const bool known = value.empty() || ZoneRules::locate(value).ok();
                state.zone = known ? value : "";
                state.zoneBroken = !known;
                if (!known)
                    note(lineNumber, CrontabImportNote::Kind::Error,
                         name + "=" + value + " is not a time zone this machine knows; the lines under it are not imported");
                else if (name == "TZ")
                    note(lineNumber, CrontabImportNote::Kind::Info,
                         "TZ=" + value + " is read as the zone of the schedules after it (as cronie's CRON_TZ); it is "
                         "also passed to their commands");
                if (name == "TZ" && known) setVariable(state.environment, name, value);
                jobsText += "  # line " + std::to_string(lineNumber) + ": " + commentText(line) +
                            (known ? " (the schedules below are read in " + (value.empty() ? std::string("the system's zone") : value) + ")"
                                   : " (unknown zone)") + "\n";
                continue;
            }
            if (name == "SHELL") {
                state.shell = value;
                jobsText += "  # line " + std::to_string(lineNumber) + ": " + commentText(line) + " (the shell of the commands below)\n";
                continue;
            }
            if (name == "MAILTO" || name == "MAILFROM" || name == "CONTENT_TYPE" || name == "CONTENT_TRANSFER_ENCODING" ||
                name == "RANDOM_DELAY" || name == "CRON_CORRECT_DST") {
                note(lineNumber, CrontabImportNote::Kind::Unmapped,
                     name + " is cron's own setting; Chief sends no mail (scripts' output goes to the journal) and has no "
                            "equivalent");
                jobsText += "  # line " + std::to_string(lineNumber) + ", not imported (" + name +
                            " has no Chief equivalent; output goes to the journal): " + commentText(line) + "\n";
                continue;
            }
            if (!validEnvironmentName(name) || name.starts_with("CHIEF_")) {
                note(lineNumber, CrontabImportNote::Kind::Unmapped,
                     "\"" + name + "\" cannot be a Chief environment variable (letters, digits and '_', not CHIEF_*)");
                commentOut(lineNumber, line, "not a Chief environment variable name");
                continue;
            }
            setVariable(state.environment, name, value);
            continue;
        }

        // An entry: five fields (or a nickname), the user for a system crontab, the command.
        std::string_view rest = line;
        Fields fields;
        std::string nickname;
        if (first == '@') {
            nickname = nextToken(rest);
            static const std::array<std::pair<std::string_view, std::array<const char*, 5>>, 7> kNicknames = {{
                {"@yearly", {"0", "0", "1", "1", "*"}},
                {"@annually", {"0", "0", "1", "1", "*"}},
                {"@monthly", {"0", "0", "1", "*", "*"}},
                {"@weekly", {"0", "0", "*", "*", "0"}},
                {"@daily", {"0", "0", "*", "*", "*"}},
                {"@midnight", {"0", "0", "*", "*", "*"}},
                {"@hourly", {"0", "*", "*", "*", "*"}},
            }};
            std::string lowered = nickname;
            std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
            if (lowered == "@reboot") {
                note(lineNumber, CrontabImportNote::Kind::Unmapped,
                     "@reboot runs at cron's start; Chief has no such schedule (a systemd unit with WantedBy=multi-user.target "
                     "does it)");
                commentOut(lineNumber, line, "@reboot has no Chief schedule");
                continue;
            }
            const auto it = std::find_if(kNicknames.begin(), kNicknames.end(), [&](const auto& n) { return n.first == lowered; });
            if (it == kNicknames.end()) {
                note(lineNumber, CrontabImportNote::Kind::Error, "unknown nickname " + nickname + "; cron rejects it");
                commentOut(lineNumber, line, "cron rejects it");
                continue;
            }
            for (int i = 0; i < 5; ++i) fields.text[i] = it->second[static_cast<std::size_t>(i)];
        } else {
            for (auto& field : fields.text) field = nextToken(rest);
        }
        std::string user;
        if (systemFormat) user = nextToken(rest);
        const std::string commandText = trim(rest);
        if (commandText.empty() || (systemFormat && user.empty())) {
            note(lineNumber, CrontabImportNote::Kind::Error,
                 std::string("no command") + (systemFormat ? " (or no user: a system crontab has a user column)" : "") +
                     "; cron rejects the line");
            commentOut(lineNumber, line, "cron rejects it");
            continue;
        }
        if (auto error = readFields(fields)) {
            note(lineNumber, CrontabImportNote::Kind::Error, *error + "; cron rejects the line");
            commentOut(lineNumber, line, "cron rejects it");
            continue;
        }
        if (state.zoneBroken) {
            commentOut(lineNumber, line, "under an unknown time zone");
            continue;
        }
        // A date no selected month has never comes: cron never runs it, and Chief refuses it.
        static constexpr int kMaxDays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        bool possible = false;
        for (int m = 1; m <= 12; ++m)
            if (fields.bits[3] >> m & 1U)
                for (int d = 1; d <= kMaxDays[m]; ++d)
                    if (fields.bits[2] >> d & 1U) possible = true;
        // ...unless cron ORs the day fields and the weekdays alone run it.
        const bool dayOred = !fields.text[2].starts_with('*') && !fields.text[4].starts_with('*');
        if (!possible && !dayOred) {
            note(lineNumber, CrontabImportNote::Kind::Info, "none of the selected months has the selected days: cron never runs it");
            commentOut(lineNumber, line, "cron never runs it: no selected month has the selected days");
            continue;
        }

        std::vector<std::string> scheduleNotes;
        const std::vector<std::string> schedule = scheduleLines(fields, state.zone, scheduleNotes);
        for (const std::string& n : scheduleNotes) note(lineNumber, CrontabImportNote::Kind::Info, n);
        const CommandParts parts = splitPercent(commandText);
        std::vector<std::string> args;
        if (parts.input) {
            note(lineNumber, CrontabImportNote::Kind::Info,
                 "the text after % is the command's standard input, as cron gives it: printf pipes it in");
            args = {"-c", "printf '%s' \"$1\" | \"$0\" -c \"$2\"", state.shell, *parts.input, parts.command};
        } else {
            args = {"-c", parts.command};
        }
        std::string name = jobNameFor(lineNumber, parts.command);
        if (jobsText.find("  - name: " + quoteYamlString(name) + "\n") != std::string::npos || !validJobName(name))
            name = "cron-line-" + std::to_string(lineNumber);

        std::string job;
        job += "  # line " + std::to_string(lineNumber) + ": " + commentText(line) + "\n";
        job += "  - name: " + quoteYamlString(name) + "\n";
        job += "    description: " +
               quoteYamlString("cron: " + (nickname.empty() ? fields.text[0] + " " + fields.text[1] + " " + fields.text[2] + " " +
                                                                  fields.text[3] + " " + fields.text[4]
                                                            : nickname) +
                               " (line " + std::to_string(lineNumber) + " of " + options.sourceName + ")") +
               "\n";
        if (!user.empty()) job += "    user: " + quoteYamlString(user) + "\n";
        job += "    schedule:\n";
        for (const std::string& s : schedule) job += "      " + s + "\n";
        if (!state.environment.empty()) {
            job += "    environment:\n";
            // Keys quoted too: YAML 1.1 readers take a bare Y or ON for a boolean.
            for (const auto& [key, value] : state.environment)
                job += "      " + quoteYamlString(key) + ": " + quoteYamlString(value) + "\n";
        }
        job += "    scripts:\n      - path: " + quoteYamlString(state.shell) + "\n        args:\n";
        for (const std::string& arg : args) job += "          - " + quoteYamlString(arg) + "\n";
        job += "        timeout: " + std::to_string(kImportedTimeoutSeconds) + "\n";
        jobsText += job;
        ++result.jobs;
    }

    std::string yaml;
    yaml += "# chief.yaml imported from the crontab " + commentText(options.sourceName) + " (" +
            (systemFormat ? "system format, with a user column" : "user format") + ") by Chief.\n";
    yaml += "# Each job runs its cron command line as SHELL -c COMMAND, as cron does, and fires exactly when\n"
            "# cron would (Vixie cron's rules: the day fields are ORed unless one starts with \"*\").\n"
            "# What differs from cron:\n"
            "# - DST: Chief skips a local time that does not exist and runs a repeated one once; cron runs a\n"
            "#   fixed-time job of a skipped hour right after the jump, and wildcard jobs again in a repeated hour.\n"
            "# - Commands run in each job's working_dir (the config's folder unless set), with chiefd's\n"
            "#   environment plus the variables below, not in the user's home with cron's minimal environment.\n"
            "# - cron has no timeout; each job gets " + std::to_string(kImportedTimeoutSeconds) +
            " seconds (Chief's default is 3600): change it as needed.\n"
            "# - No mail: output goes to the journal (journalctl CHIEF_JOB=NAME).\n";
    yaml += "version: 1\n";
    if (result.jobs > 0) {
        yaml += "defaults:\n"
                "  # cron starts every line when it is due, whatever else is running; so do these jobs.\n"
                "  overlap: parallel\n"
                "  max_parallel_jobs: " + std::to_string(result.jobs) + "\n";
        yaml += "jobs:\n" + jobsText;
    } else {
        yaml += "# No cron entry could be imported, so there is no job (a config needs at least one):\n" + jobsText;
    }
    result.yaml = std::move(yaml);
    return result;
}

}  // namespace chief
