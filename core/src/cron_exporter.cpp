#include "chief/cron_exporter.h"

#include <set>

#include "chief/schedule_fields.h"
#include "chief/shell_words.h"
#include "chief/time_format.h"

namespace chief {

namespace {

std::string range(LocalSeconds begin, LocalSeconds end) {
    return formatLocalMinute(begin).substr(11) + "-" + formatLocalMinute(end).substr(11);
}

// cron turns an unescaped % in a command into a newline.
std::string escapePercent(const std::string& command) {
    std::string out;
    for (char c : command) {
        if (c == '%') out += '\\';
        out += c;
    }
    return out;
}

// The job's cron minute field as a bit set (bit n = minute n).
std::uint64_t cronMinutes(const CompiledSchedule& s) {
    const std::string_view cron = s.cron;
    auto bits = parseCronField(cron.substr(0, cron.find(' ')), CronFieldKind::Minute);
    return bits ? bits.value() : ~0ULL;
}

// The different offsets (job zone minus system zone) in force in the year after `now`.
std::set<std::int64_t> offsetDifferences(const ZoneRules& job, const ZoneRules& system, SysSeconds now) {
    std::set<std::int64_t> out;
    std::vector<SysSeconds> instants{now};
    const SysSeconds end = now + date::days{366};
    for (const OffsetTransition& t : job.transitionsBetween(now, end)) instants.push_back(t.at);
    for (const OffsetTransition& t : system.transitionsBetween(now, end)) instants.push_back(t.at);
    for (SysSeconds at : instants)
        out.insert((job.offsetAt(at).offset - system.offsetAt(at).offset).count());
    return out;
}

}  // namespace

const char* cronFlavorName(CronFlavor flavor) { return flavor == CronFlavor::Debian ? "debian" : "cronie"; }

std::string systemZoneMinutes(const Job& job, const ZoneRules& system, SysSeconds now) {
    const std::set<std::int64_t> differences = offsetDifferences(*job.schedule.schedule.zone, system, now);
    if (differences.size() == 1 && *differences.begin() == 0) return {};
    const std::uint64_t minutes = cronMinutes(job.schedule);
    std::uint64_t shifted = 0;
    for (std::int64_t difference : differences) {
        // A job minute m in its zone is minute m - difference in the system's (in whole minutes;
        // hours do not matter, the line fires every hour).
        const std::int64_t shift = ((-difference / 60) % 60 + 60) % 60;
        for (int m = 0; m < 60; ++m)
            if (minutes & (1ULL << m)) shifted |= 1ULL << ((m + shift) % 60);
    }
    return formatCronField(shifted, 0, 59);
}

std::vector<std::string> cronDstDifferences(const Job& job, SysSeconds from, SysSeconds to) {
    std::vector<std::string> lines;
    const CompiledSchedule& compiled = job.schedule;
    if (compiled.mode == ScheduleMode::RuntimeOnly) return lines;
    const ZoneRules& zone = *compiled.schedule.zone;
    for (const OffsetTransition& t : zone.transitionsBetween(from, to)) {
        const LocalSeconds begin = t.localBegin();
        const LocalSeconds end = t.localEnd();
        // Cron implementations (cronie, Vixie) special-case fixed-time jobs across DST: a job due in
        // a skipped hour runs right after the jump. Frequent jobs (a wildcard minute or hour) are
        // run by the clock as it reads, so in a repeated hour they run again.
        int runs = 0;
        LocalSeconds cursor = begin - Seconds{1};
        std::optional<LocalSeconds> firstRun;
        while (auto match = nextLocalMatch(compiled.schedule, cursor)) {
            if (LocalSeconds{*match} >= end) break;
            if (!firstRun) firstRun = LocalSeconds{*match};
            cursor = LocalSeconds{*match};
            ++runs;
        }
        if (runs == 0) continue;
        const std::string day = formatDate(date::floor<date::days>(begin));
        const std::string what = runs == 1 ? "run at " + formatLocalMinute(*firstRun).substr(11)
                                           : std::to_string(runs) + " runs from " + formatLocalMinute(*firstRun).substr(11);
        if (t.isGap() && !compiled.minuteOrHourWildcard) {
            lines.push_back("DST: on " + day + " " + zone.name() + " skips " + range(begin, end) + "; Chief skips this job's " +
                            what + ", while cron (cronie, Vixie) runs it right after the jump");
        } else if (!t.isGap() && compiled.minuteOrHourWildcard) {
            lines.push_back("DST: on " + day + " " + zone.name() + " repeats " + range(begin, end) + "; Chief runs each of this job's " +
                            what + " once, while cron runs them again in the repeated hour");
        }
    }
    return lines;
}

std::string exportCron(const Config& config, const std::vector<const Job*>& selected, const CronExportOptions& options) {
    std::vector<const Job*> jobs = selected;
    if (jobs.empty())
        for (const Job& job : config.jobs) jobs.push_back(&job);
    const bool debian = options.flavor == CronFlavor::Debian;
    auto systemZone = ZoneRules::locate(options.systemTimezone);
    if (!systemZone) systemZone = ZoneRules::locate("UTC");
    std::string out;
    out += "# Chief jobs exported from " + config.sourcePath + " at " + formatIsoUtc(options.now) + " for " +
           (debian ? "Debian's cron" : "cronie") + ".\n";
    out += "# Each line runs one job once through chiefd's one-shot mode; --respect-schedule makes chiefd\n";
    out += "# re-check the schedule, which hybrid lines rely on. Output goes to the journal; the run is\n";
    out += "# recorded in chiefd's history (chiefctl history).\n";
    if (debian)
        out += "# Debian's cron ignores CRON_TZ and reads every line in the system's zone (" + options.systemTimezone +
               "): a job in\n# another zone gets a line that fires at a superset, and chiefd's guard picks its due runs.\n";
    else
        out += "# CRON_TZ sets the zone of the lines after it (cronie); Debian's cron ignores it (use --cron debian).\n";
    const SysSeconds yearAhead = options.now + date::days{366};
    for (const Job* job : jobs) {
        const CompiledSchedule& s = job->schedule;
        out += "\n# " + job->name + ": " + s.description + " [" + modeName(s.mode) + "]\n";
        if (s.mode == ScheduleMode::RuntimeOnly) {
            out += "# runtime_only: no single cron line fires on this schedule; run it under chiefd.\n";
            continue;
        }
        if (s.mode == ScheduleMode::Hybrid) out += "# hybrid: cron fires at a superset; the guard runs it " + s.guard + ".\n";
        const std::string supersetMinutes =
            debian && systemZone ? systemZoneMinutes(*job, *systemZone.value(), options.now) : std::string();
        // Only a line in the job's own zone meets cron's DST handling; an hourly superset line
        // leaves every decision to the guard, which follows Chief's rules.
        if (supersetMinutes.empty())
            for (const std::string& line : cronDstDifferences(*job, options.now, yearAhead)) out += "# " + line + "\n";
        const std::string command = escapePercent(options.chiefdCommand + " --once" + (options.perUser ? " --user" : "") +
                                                  " --config " + quoteShellWord(config.sourcePath) +
                                    " --job " + quoteShellWord(job->name) + " --respect-schedule --log-target journal");
        std::string line = s.cron;
        if (!supersetMinutes.empty()) {
            out += "# " + job->timezone + " is not the system's zone (" + options.systemTimezone +
                   "): this line fires at these minutes of every hour, a superset of the job's runs; chiefd's\n"
                   "# guard (--respect-schedule) runs it only when its own schedule is due.\n";
            line = supersetMinutes + " * * * *";
        }
        if (!job->enabled) out += "# disabled in the config (chiefd --once refuses disabled jobs); enable it there first:\n# ";
        if (!debian) {
            out += "CRON_TZ=" + job->timezone + "\n";
            if (!job->enabled) out += "# ";
        }
        out += line + " " + command + "\n";
    }
    return out;
}

}  // namespace chief
