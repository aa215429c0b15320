#include "text_report.h"

#include <algorithm>
#include <iomanip>
#include <ostream>

#include "chief/shell_words.h"
#include "chief/time_format.h"

namespace chief::ctl {

namespace {

const char* kWeekdayShort[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

std::string runLine(const FireTime& fire, const ZoneRules& zone) {
    const OffsetInfo info = zone.offsetAt(fire.instant);
    const auto wd = date::weekday{date::floor<date::days>(fire.local)}.c_encoding();
    std::string line = std::string(kWeekdayShort[wd]) + " " + formatLocalMinute(fire.local) + " " + info.abbreviation +
                       " (" + formatOffset(info.offset) + ")";
    if (fire.ambiguous) line += "  [first of two]";
    return line;
}

}  // namespace

void printValidateSummary(const Config& config, std::ostream& out) {
    std::size_t nameWidth = 4, cronWidth = 4;
    for (const Job& job : config.jobs) {
        nameWidth = std::max(nameWidth, job.name.size());
        cronWidth = std::max(cronWidth, job.schedule.cron.size());
    }
    out << config.sourcePath << ": valid, " << config.jobs.size() << (config.jobs.size() == 1 ? " job" : " jobs") << "\n";
    out << "  " << std::left << std::setw(static_cast<int>(nameWidth)) << "JOB" << "  " << std::setw(8) << "ENABLED"
        << "  " << std::setw(12) << "MODE" << "  " << std::setw(static_cast<int>(cronWidth)) << "CRON" << "  TIMEZONE\n";
    for (const Job& job : config.jobs) {
        out << "  " << std::setw(static_cast<int>(nameWidth)) << job.name << "  " << std::setw(8)
            << (job.enabled ? "yes" : "no") << "  " << std::setw(12) << modeName(job.schedule.mode) << "  "
            << std::setw(static_cast<int>(cronWidth)) << (job.schedule.cron.empty() ? "-" : job.schedule.cron) << "  "
            << job.timezone << "\n";
    }
}

void printErrorCount(const LoadResult& loaded, std::ostream& err) {
    const auto errors = std::count_if(loaded.diagnostics.begin(), loaded.diagnostics.end(),
                                      [](const Diagnostic& d) { return d.severity == Severity::Error; });
    err << errors << (errors == 1 ? " error" : " errors") << "; the config is not valid.\n";
}

void printJobPreview(const JobPreview& preview, std::ostream& out) {
    const Job& job = *preview.job;
    const CompiledSchedule& s = job.schedule;
    const ZoneRules& zone = *s.schedule.zone;
    out << job.name << (job.enabled ? "" : "  (disabled)") << "\n";
    out << "  schedule:   " << s.description << "\n";
    out << "  timezone:   " << job.timezone << "\n";
    out << "  mode:       " << modeName(s.mode);
    if (!s.cron.empty()) out << "  (cron: " << s.cron << ")";
    out << "\n";
    if (!s.guard.empty()) out << "  guard:      runs " << s.guard << "\n";
    const ScheduleBounds& bounds = s.schedule.bounds;
    if (bounds.start || bounds.end) {
        out << "  bounds:    ";
        if (bounds.start) out << " from " << formatIsoInZone(*bounds.start, zone);
        if (bounds.end) out << " until " << formatIsoInZone(*bounds.end, zone);
        out << "\n";
    }
    if (!bounds.excludedDates.empty()) {
        out << "  excluded:  ";
        for (LocalDays day : bounds.excludedDates) out << " " << formatDate(day);
        out << "\n";
    }
    out << "  overlap:    " << overlapName(job.overlap) << ", stop_on_failure: " << (job.stopOnFailure ? "true" : "false")
        << "\n";
    out << "  working dir: " << job.workingDir << "\n";
    out << "  scripts:\n";
    int n = 1;
    for (const Script& script : job.scripts) {
        out << "    " << n++ << ". ";
        if (!script.interpreter.empty()) out << joinShellWords(script.interpreter) << " ";
        out << quoteShellWord(script.path);
        if (!script.args.empty()) out << " " << joinShellWords(script.args);
        out << "  (timeout " << script.timeoutSeconds << "s)\n";
    }
    out << "  next runs:\n";
    if (preview.nextRuns.empty()) out << "    (none)\n";
    for (const FireTime& fire : preview.nextRuns) out << "    " << runLine(fire, zone) << "\n";
    if (!preview.notes.empty()) {
        out << "  notes:\n";
        for (const PreviewNote& note : preview.notes) {
            const bool dst = note.kind == PreviewNote::Kind::DstSkipped || note.kind == PreviewNote::Kind::DstAmbiguous;
            out << "    " << (dst ? "DST: " : "") << note.message << "\n";
        }
    }
}

}  // namespace chief::ctl
