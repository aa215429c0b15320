#include "chief/cron_exporter.h"

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

}  // namespace

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
    std::string out;
    out += "# Chief jobs exported from " + config.sourcePath + " at " + formatIsoUtc(options.now) + ".\n";
    out += "# Each line runs one job once through chiefd's one-shot mode; --respect-schedule makes chiefd\n";
    out += "# re-check the schedule, which hybrid lines rely on. CRON_TZ sets the zone of the lines after it\n";
    out += "# (cronie); a cron without CRON_TZ support reads every line in the system's zone.\n";
    const SysSeconds yearAhead = options.now + date::days{366};
    for (const Job* job : jobs) {
        const CompiledSchedule& s = job->schedule;
        out += "\n# " + job->name + ": " + s.description + " [" + modeName(s.mode) + "]\n";
        if (s.mode == ScheduleMode::RuntimeOnly) {
            out += "# runtime_only: no single cron line fires on this schedule; run it under chiefd.\n";
            continue;
        }
        if (s.mode == ScheduleMode::Hybrid) out += "# hybrid: cron fires at a superset; the guard runs it " + s.guard + ".\n";
        for (const std::string& line : cronDstDifferences(*job, options.now, yearAhead)) out += "# " + line + "\n";
        const std::string command = escapePercent(options.chiefdCommand + " --once --config " + quoteShellWord(config.sourcePath) +
                                    " --job " + quoteShellWord(job->name) + " --respect-schedule");
        if (!job->enabled) out += "# disabled in the config (chiefd --once refuses disabled jobs); enable it there first:\n# ";
        out += "CRON_TZ=" + job->timezone + "\n";
        if (!job->enabled) out += "# ";
        out += s.cron + " " + command + "\n";
    }
    return out;
}

}  // namespace chief
