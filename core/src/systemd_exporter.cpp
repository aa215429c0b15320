#include "chief/systemd_exporter.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstdio>
#include <map>
#include <numeric>

#include "chief/time_format.h"

namespace chief {

namespace {

constexpr std::array<const char*, 7> kWeekdayAbbrev = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

std::string pad2(int value) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d", value);
    return buf;
}

std::uint64_t bitRange(int low, int high) {
    std::uint64_t bits = 0;
    for (int i = low; i <= high; ++i) bits |= std::uint64_t{1} << i;
    return bits;
}

// A numeric calendar component: "*", "00/15" (from 00 in steps of 15 to the end of the range,
// which is what systemd's A/S means), "01..07", or a list of those.
std::string calendarNumbers(std::uint64_t bits, int low, int high) {
    const std::uint64_t all = bitRange(low, high);
    bits &= all;
    if (bits == all) return "*";
    const int first = std::countr_zero(bits);
    const int count = std::popcount(bits);
    if (count >= 3) {  // two values read better as a list ("06,18")
        const std::uint64_t rest = bits & ~(std::uint64_t{1} << first);
        const int step = std::countr_zero(rest) - first;
        std::uint64_t progression = 0;
        int last = first;
        for (int v = first; v <= high; v += step) {
            progression |= std::uint64_t{1} << v;
            last = v;
        }
        if (progression == bits && step > 1 && last + step > high) return pad2(first) + "/" + std::to_string(step);
    }
    std::string out;
    for (int v = low; v <= high;) {
        if (!(bits >> v & 1U)) {
            ++v;
            continue;
        }
        int end = v;
        while (end + 1 <= high && (bits >> (end + 1) & 1U)) ++end;
        if (!out.empty()) out += ',';
        if (end - v >= 2) {
            out += pad2(v) + ".." + pad2(end);
        } else {
            out += pad2(v);
            if (end == v + 1) out += "," + pad2(end);
        }
        v = end + 1;
    }
    return out;
}

// "Mon..Fri", "Sat,Sun", "Mon,Wed,Fri": weekdays in Monday-first order, runs of three or more
// as ranges (systemd's ranges do not wrap past Sunday).
std::string calendarWeekdays(std::uint8_t weekdays) {
    std::string out;
    auto has = [&](int mondayFirst) { return (weekdays >> (mondayFirst % 7) & 1U) != 0; };  // 1..7, 7 = Sunday
    for (int d = 1; d <= 7;) {
        if (!has(d)) {
            ++d;
            continue;
        }
        int end = d;
        while (end + 1 <= 7 && has(end + 1)) ++end;
        if (!out.empty()) out += ',';
        if (end - d >= 2) {
            out += std::string(kWeekdayAbbrev[static_cast<std::size_t>(d % 7)]) + ".." + kWeekdayAbbrev[static_cast<std::size_t>(end % 7)];
        } else {
            out += kWeekdayAbbrev[static_cast<std::size_t>(d % 7)];
            if (end == d + 1) out += std::string(",") + kWeekdayAbbrev[static_cast<std::size_t>(end % 7)];
        }
        d = end + 1;
    }
    return out;
}

// The date part after "*-<months>": "-*", "-01,15", "~01" (the last day), "-01..07".
std::vector<std::string> dayParts(std::uint32_t daysOfMonth) {
    std::vector<std::string> parts;
    const std::uint64_t days = daysOfMonth & ~kLastDayOfMonthBit;
    if (days != 0) parts.push_back("-" + calendarNumbers(days, 1, 31));
    if (daysOfMonth & kLastDayOfMonthBit) parts.push_back("~01");
    return parts;
}

// Times of day (minutes 0-1439) as "HH:MM:00" components: minutes sharing the same hours go
// on one line ("00/3:00:00" and "01/3:30:00" for every 90 minutes).
std::vector<std::string> timeComponents(const std::vector<bool>& minuteOfDay) {
    std::map<std::uint32_t, std::uint64_t> minutesByHours;  // hours bit set -> minutes bit set
    for (int m = 0; m < 60; ++m) {
        std::uint32_t hours = 0;
        for (int h = 0; h < 24; ++h)
            if (minuteOfDay[static_cast<std::size_t>(h * 60 + m)]) hours |= 1U << h;
        if (hours) minutesByHours[hours] |= std::uint64_t{1} << m;
    }
    // In order of the first minute, so the lines read in time order.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> groups;
    for (const auto& [hours, minutes] : minutesByHours) groups.emplace_back(minutes, hours);
    std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
        return std::countr_zero(a.second) * 60 + std::countr_zero(a.first) <
               std::countr_zero(b.second) * 60 + std::countr_zero(b.first);
    });
    std::vector<std::string> out;
    for (const auto& [minutes, hours] : groups)
        out.push_back(calendarNumbers(hours, 0, 23) + ":" + calendarNumbers(minutes, 0, 59) + ":00");
    return out;
}

std::int64_t positiveMod(std::int64_t a, std::int64_t b) { return ((a % b) + b) % b; }

std::string plural(std::int64_t n, const char* unit) { return std::to_string(n) + " " + unit + (n == 1 ? "" : "s"); }

SystemdCalendar intervalCalendar(const IntervalRule& rule, const std::string& zoneSuffix) {
    SystemdCalendar out;
    const std::int64_t n = rule.everyMinutes;
    const std::int64_t phase = positiveMod(rule.anchorMinute, 1440);
    // The grid's times of day: exact when n divides a day; otherwise every g = gcd(n, 1440)
    // minutes from the anchor's phase is the smallest daily superset, and --check-due keeps
    // only the grid's own instants.
    const std::int64_t g = std::gcd(n, std::int64_t{1440});
    std::vector<bool> minuteOfDay(1440, false);
    for (std::int64_t m = phase % g; m < 1440; m += g) minuteOfDay[static_cast<std::size_t>(m)] = true;
    for (const std::string& time : timeComponents(minuteOfDay)) out.onCalendar.push_back("*-*-* " + time + zoneSuffix);
    if (1440 % n != 0) {
        out.exact = false;
        out.guardReason = "every " + plural(n, "minute") +
                          " continues across midnight from its anchor, which no calendar expression repeats: the timer "
                          "elapses every " + plural(g, "minute") + " on the grid's phase and --check-due keeps the grid's own times";
    }
    return out;
}

SystemdCalendar calendarRuleCalendar(const CalendarRule& rule, const std::string& zoneSuffix) {
    SystemdCalendar out;
    const std::string months = calendarNumbers(rule.months, 1, 12);
    std::vector<bool> minuteOfDay(1440, false);
    for (int h = 0; h < 24; ++h)
        for (int m = 0; m < 60; ++m)
            if ((rule.hours >> h & 1U) && (rule.minutes >> m & 1U)) minuteOfDay[static_cast<std::size_t>(h * 60 + m)] = true;
    const std::vector<std::string> times = timeComponents(minuteOfDay);
    const std::string weekdays = rule.weekdays == 0x7F ? "" : calendarWeekdays(rule.weekdays) + " ";

    // (weekday prefix, date part) pairs; each with every time component is one OnCalendar= line.
    std::vector<std::pair<std::string, std::string>> dates;
    if (rule.ordinal) {
        // The nth weekday is within days 7n-6..7n; the last within the month's last 7 days.
        static constexpr const char* kOrdinalDays[] = {"-01..07", "-08..14", "-15..21", "-22..28", "~07/1"};
        dates.emplace_back(weekdays, kOrdinalDays[static_cast<int>(rule.ordinal->ordinal)]);
    } else if (rule.dayMatchAny) {
        // Either field: the union of two lines (systemd ANDs the fields of one line).
        for (const std::string& part : dayParts(rule.daysOfMonth)) dates.emplace_back("", part);
        dates.emplace_back(weekdays, "-*");
    } else {
        for (const std::string& part : dayParts(rule.daysOfMonth)) dates.emplace_back(weekdays, part);
    }
    for (const auto& [prefix, date] : dates)
        for (const std::string& time : times) out.onCalendar.push_back(prefix + "*-" + months + date + " " + time + zoneSuffix);
    return out;
}

// A whole line for a unit file: specifiers in free text (Description=) are escaped.
std::string escapeSpecifiers(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '%') out += '%';
        if (c == '\n') {
            out += ' ';
            continue;
        }
        out += c;
    }
    return out;
}

std::string commandLine(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& word : words) out += (out.empty() ? "" : " ") + quoteSystemdWord(word);
    return out;
}

// "Environment=" needs one quoted word per assignment; C escapes and %% as in commands, but
// no $ expansion happens there, so '$' stays as it is.
std::string environmentAssignment(const std::string& name, const std::string& value) {
    std::string out = "\"";
    for (char c : name + "=" + value) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '%') {
            out += "%%";
        } else if (u < 0x20 || u == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

bool hasOnlyDigits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string overlapComment(OverlapPolicy overlap) {
    switch (overlap) {
        case OverlapPolicy::Skip:
            return "overlap: skip. systemd does the same: a timer that elapses while the service still runs leaves it "
                   "running and starts nothing.";
        case OverlapPolicy::Queue:
            return "overlap: queue differs: systemd keeps no pending run; a timer that elapses while the service still "
                   "runs starts nothing, as skip would.";
        case OverlapPolicy::Parallel:
            return "overlap: parallel differs: systemd runs one instance of a unit at a time; a timer that elapses while "
                   "the service still runs starts nothing, as skip would.";
    }
    return "";
}

// Comment text on one line: a line break in a path would end the comment and start a directive.
std::string oneLine(std::string_view text) {
    std::string out(text);
    std::replace(out.begin(), out.end(), '\n', ' ');
    std::replace(out.begin(), out.end(), '\r', ' ');
    return out;
}

void commentLines(std::string& out, const std::vector<std::string>& notes) {
    for (const std::string& note : notes) out += "# " + oneLine(note) + "\n";
}

}  // namespace

const char* runnerName(SystemdRunner runner) { return runner == SystemdRunner::Native ? "native" : "chiefd"; }

std::string quoteSystemdWord(std::string_view word) {
    // A lone ";" would separate commands in older systemd; "\;" is its documented escape.
    if (word == ";") return "\\;";
    const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("_@+=:,./-%$").find(c) != std::string_view::npos;
    });
    std::string out = plain ? "" : "\"";
    for (char c : word) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '%') {
            out += "%%";
        } else if (c == '$') {
            out += "$$";
        } else if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    return plain ? out : out + "\"";
}

std::string systemdUnitName(std::string_view prefix, std::string_view jobName, std::string_view suffix) {
    std::string out(prefix);
    for (char c : jobName) {
        if (c == '@')
            out += "\\x40";
        else
            out += c;
    }
    return out + std::string(suffix);
}

SystemdCalendar systemdCalendarFor(const CompiledSchedule& schedule, const std::string& timezone) {
    const std::string zoneSuffix = timezone.empty() ? "" : " " + timezone;
    SystemdCalendar out;
    if (const auto* calendar = std::get_if<CalendarRule>(&schedule.schedule.rule))
        out = calendarRuleCalendar(*calendar, zoneSuffix);
    else
        out = intervalCalendar(std::get<IntervalRule>(schedule.schedule.rule), zoneSuffix);
    const ScheduleBounds& bounds = schedule.schedule.bounds;
    if (!bounds.empty()) {
        std::string what;
        if (bounds.start && bounds.end)
            what = "start and end bounds";
        else if (bounds.start || bounds.end)
            what = bounds.start ? "start bound" : "end bound";
        if (!bounds.excludedDates.empty()) what += std::string(what.empty() ? "" : " and ") + "excluded dates";
        out.guardReason += std::string(out.guardReason.empty() ? "" : "; ") + "the calendar cannot say the schedule's " + what;
        out.exact = false;
    }
    return out;
}

SystemdJobExport exportSystemdJob(const Config& config, const Job& job, const SystemdExportOptions& options) {
    SystemdJobExport out;
    out.job = job.name;
    out.timerUnit = systemdUnitName(options.unitPrefix, job.name, ".timer");
    out.serviceUnit = systemdUnitName(options.unitPrefix, job.name, ".service");
    out.calendar = systemdCalendarFor(job.schedule, job.timezone);
    out.guarded = !out.calendar.exact;
    const std::string& cfg = config.sourcePath;
    const std::string what = job.description.empty() ? job.schedule.description : job.description;

    std::vector<std::string> timerNotes, serviceNotes;
    if (out.guarded) timerNotes.push_back("guarded: " + out.calendar.guardReason + "; " + out.serviceUnit +
                                          " runs only when chiefd --check-due says the trigger time is a fire time.");
    if (!job.enabled)
        timerNotes.push_back("disabled in the config: no [Install] section, so this timer cannot be enabled until the "
                             "job is enabled and the units exported again.");

    // ---- .timer
    std::string timer;
    timer += "# Chief job \"" + job.name + "\" from " + oneLine(cfg) + ": " + job.schedule.description + " [" +
             modeName(job.schedule.mode) + "]\n";
    timer += "# Written by Chief's systemd export; chiefctl export-systemd writes it again from the config.\n";
    commentLines(timer, timerNotes);
    timer += "\n[Unit]\nDescription=" + escapeSpecifiers("Timer of Chief job " + job.name + " (" + job.schedule.description + ")") +
             "\nDocumentation=man:chief.yaml(5)\n\n[Timer]\n";
    for (const std::string& line : out.calendar.onCalendar) timer += "OnCalendar=" + line + "\n";
    timer += "# Elapse at the calendar time itself (the default accuracy is a minute), so the trigger time\n"
             "# is in the minute chiefd would run the job.\n";
    timer += "AccuracySec=1s\n";
    timer += "# chiefd does not catch up on runs missed while it (or the machine) was down; neither does this.\n";
    timer += "Persistent=false\n";
    timer += "Unit=" + out.serviceUnit + "\n";
    if (job.enabled) timer += "\n[Install]\nWantedBy=timers.target\n";

    // ---- .service
    serviceNotes.push_back(overlapComment(job.overlap));
    std::string service;
    service += "# Chief job \"" + job.name + "\" from " + oneLine(cfg) + ", run by " +
               (options.runner == SystemdRunner::Chiefd ? "chiefd --once" : "systemd itself (--runner native)") + ".\n";
    std::string body;
    body += "\n[Unit]\nDescription=" + escapeSpecifiers("Chief job " + job.name + ": " + what) +
            "\nDocumentation=man:chief.yaml(5)\n\n[Service]\nType=oneshot\n";
    if (out.guarded)
        body += "ExecCondition=" + commandLine({options.chiefdPath, "--check-due", "--config", cfg, "--job", job.name}) + "\n";
    if (options.runner == SystemdRunner::Chiefd) {
        body += "ExecStart=" + commandLine({options.chiefdPath, "--once", "--config", cfg, "--job", job.name}) + "\n";
        body += "# chiefd ends each script at its own timeout.\nTimeoutStartSec=infinity\n";
        std::string identity = "working directory " + job.workingDir;
        if (!job.user.empty()) identity += ", user " + job.user;
        if (!job.group.empty()) identity += ", group " + job.group;
        serviceNotes.push_back("chiefd --once applies the job's " + identity +
                               ", environment, per-script timeouts and stop_on_failure itself, exactly as chiefd does.");
    } else {
        int totalTimeout = 0;
        for (const Script& script : job.scripts) totalTimeout += script.timeoutSeconds;
        body += "WorkingDirectory=" + escapeSpecifiers(oneLine(job.workingDir)) + "\n";
        if (!job.user.empty()) body += "User=" + job.user + "\n";
        if (!job.group.empty()) body += "Group=" + job.group + "\n";
        if (options.includeEnvironment) {
            for (const auto& [name, value] : job.environment) body += "Environment=" + environmentAssignment(name, value) + "\n";
        } else if (!job.environment.empty()) {
            std::string names;
            for (const auto& entry : job.environment) names += (names.empty() ? "" : ", ") + entry.first;
            serviceNotes.push_back("environment not written (values may be secrets; export with --include-environment): " +
                                   names + ".");
        }
        for (const Script& script : job.scripts) {
            std::vector<std::string> words = script.interpreter;
            words.push_back(script.resolvedPath);
            words.insert(words.end(), script.args.begin(), script.args.end());
            // "-": a failing script does not stop the ones after it (stop_on_failure: false).
            body += "ExecStart=" + std::string(job.stopOnFailure ? "" : "-") + commandLine(words) + "\n";
        }
        body += "TimeoutStartSec=" + std::to_string(totalTimeout) + "s\n";
        body += "TimeoutStopSec=" + std::to_string(job.killGraceSeconds) + "s\n";
        serviceNotes.push_back("native runner: one deadline for the whole run (TimeoutStartSec=" + std::to_string(totalTimeout) +
                               "s, the sum of the scripts' timeouts) instead of one per script; on it systemd sends "
                               "SIGTERM to every process of the run and SIGKILL " + std::to_string(job.killGraceSeconds) +
                               "s later.");
        if (job.stopOnFailure)
            serviceNotes.push_back("stop_on_failure: true: a failing ExecStart= ends the run, as in chiefd.");
        else
            serviceNotes.push_back("stop_on_failure: false: every script runs (\"-\" prefix), but the unit then succeeds even "
                                   "when a script failed, where chiefd marks the run failed.");
        serviceNotes.push_back("native runner: no CHIEF_RUN_ID, CHIEF_JOB_NAME, CHIEF_SCRIPT_PATH, CHIEF_SCHEDULED_FOR or "
                               "monitor variables, no run history in chiefd, output in the unit's journal rather than "
                               "chiefd's.");
        for (const Script& script : job.scripts)
            if (!script.interpreter.empty() && script.interpreter.front().find('/') == std::string::npos) {
                serviceNotes.push_back(script.interpreter.front() + " is looked up in systemd's own PATH "
                                       "(/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin), not chiefd's.");
                break;
            }
    }
    commentLines(service, serviceNotes);
    service += body;

    out.files.push_back({out.timerUnit, timer});
    out.files.push_back({out.serviceUnit, service});
    out.notes = timerNotes;
    out.notes.insert(out.notes.end(), serviceNotes.begin(), serviceNotes.end());
    return out;
}

std::vector<SystemdJobExport> exportSystemd(const Config& config, const std::vector<const Job*>& jobs,
                                            const SystemdExportOptions& options) {
    std::vector<SystemdJobExport> out;
    if (jobs.empty()) {
        for (const Job& job : config.jobs) out.push_back(exportSystemdJob(config, job, options));
    } else {
        for (const Job* job : jobs) out.push_back(exportSystemdJob(config, *job, options));
    }
    return out;
}

bool isFireTime(const CompiledSchedule& schedule, SysSeconds instant) { return firesAtMinute(schedule.schedule, instant); }

Result<SysSeconds> parseTriggerRealtimeUsec(std::string_view text) {
    std::uint64_t usec = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), usec);
    // Up to year 9999 in microseconds: anything longer is not a timestamp.
    if (!hasOnlyDigits(text) || ec != std::errc{} || ptr != text.data() + text.size() || usec > 253402300799999999ULL)
        return makeError("TRIGGER_TIMER_REALTIME_USEC=\"" + std::string(text) +
                         "\" is not a time in microseconds since the epoch");
    return SysSeconds{Seconds{static_cast<std::int64_t>(usec / 1000000)}};
}

CheckDueVerdict checkDue(const Job& job, const std::optional<std::string_view>& triggerRealtimeUsec) {
    if (!job.enabled) return {1, "job \"" + job.name + "\" is disabled in the config; not running it"};
    if (!triggerRealtimeUsec)
        return {0, "job \"" + job.name + "\": TRIGGER_TIMER_REALTIME_USEC is not set (started by hand, not by its timer); "
                   "running it now"};
    auto instant = parseTriggerRealtimeUsec(*triggerRealtimeUsec);
    if (!instant) return {255, instant.error()};
    const std::string when = formatIsoInZone(instant.value(), *job.schedule.schedule.zone);
    if (isFireTime(job.schedule, instant.value()))
        return {0, "job \"" + job.name + "\" is due at " + when};
    return {1, "job \"" + job.name + "\" is not due at " + when + " (" +
               (job.schedule.guard.empty() ? job.schedule.description : job.schedule.guard) + "); not running it"};
}

}  // namespace chief
