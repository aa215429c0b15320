#include "text_report.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iomanip>
#include <ostream>

#include <date/tz.h>

#include "chief/display_text.h"
#include "chief/json_text.h"
#include "chief/shell_words.h"
#include "chief/time_format.h"

namespace chief::ctl {

namespace {

// Every string that came from a user (a config, chiefd's answers about one) goes to the terminal
// through this: control characters and bytes that are not UTF-8 are shown escaped, never sent.
std::string shown(std::string_view text) { return escapeForDisplay(text); }

const char* kWeekdayShort[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

// One cell of printTable: its text, and the part of it ([begin, begin + length)) to colour in
// `tone` when the style has colour.
struct Cell {
    Cell(const char* plain) : text(plain) {}          // NOLINT(google-explicit-constructor): header cells
    Cell(std::string plain) : text(std::move(plain)) {}  // NOLINT(google-explicit-constructor)
    Cell(std::string plain, Tone painted, std::size_t from = 0, std::size_t count = std::string::npos)
        : text(std::move(plain)), tone(painted), begin(from), length(count) {}

    std::string text;
    Tone tone = Tone::Plain;
    std::size_t begin = 0;
    std::size_t length = std::string::npos;
};

// A cell escaped for the terminal (`shown`) and painted; `width` is what it takes on screen,
// without the escape codes, so that colour never moves a column.
struct RenderedCell {
    std::string text;
    std::size_t width;
};

RenderedCell render(const Cell& cell, const TerminalStyle& style) {
    if (!style.colour() || cell.tone == Tone::Plain || cell.begin >= cell.text.size()) {
        std::string plain = shown(cell.text);
        const std::size_t width = plain.size();
        return {std::move(plain), width};
    }
    const std::string_view text(cell.text);
    const std::string before = shown(text.substr(0, cell.begin));
    const std::string word = shown(text.substr(cell.begin, cell.length));
    const std::string after =
        cell.length == std::string::npos ? std::string() : shown(text.substr(std::min(text.size(), cell.begin + cell.length)));
    return {before + style.paint(word, cell.tone) + after, before.size() + word.size() + after.size()};
}

// Prints rows as left-aligned columns two spaces apart; the last column is not padded.
void printTable(const std::vector<std::vector<Cell>>& rows, std::ostream& out, const std::string& indent = "",
                const TerminalStyle& style = TerminalStyle()) {
    std::vector<std::size_t> widths;
    std::vector<std::vector<RenderedCell>> cells;
    for (const auto& row : rows) {
        std::vector<RenderedCell> rendered;
        for (const Cell& cell : row) rendered.push_back(render(cell, style));
        cells.push_back(std::move(rendered));
    }
    for (const auto& row : cells) {
        if (widths.size() < row.size()) widths.resize(row.size(), 0);
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].width);
    }
    for (const auto& row : cells) {
        std::string line = indent;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i].text;
            if (i + 1 < row.size()) line += std::string(widths[i] - row[i].width + 2, ' ');
        }
        out << line << "\n";
    }
}

// A result or state word, coloured by what it says.
Cell resultCell(std::string word) {
    const Tone tone = toneOf(word);
    return Cell(std::move(word), tone);
}

std::string orDash(const std::string& s) { return s.empty() ? "-" : s; }

std::string instantOrDash(const std::optional<SysSeconds>& t, const ZoneRules& zone) {
    return t ? formatInstant(*t, zone) : "-";
}

std::string instantOrDash(const std::optional<SysMillis>& t, const ZoneRules& zone) {
    return t ? formatInstant(date::floor<Seconds>(*t), zone) : "-";
}

std::string signalText(int signal) {
    std::string text = "signal " + std::to_string(signal);
    if (const char* abbrev = ::sigabbrev_np(signal)) text += std::string(" (") + abbrev + ")";
    return text;
}

std::string jobState(const bus::JobSummary& job) {
    if (!job.enabled) return "disabled";
    const unsigned running = job.runningCount.value_or(0);
    const bool queued = job.pendingQueued.value_or(false);
    const std::string paused = job.paused.value_or(false) ? "paused" : "";
    if (running > 0) return (queued ? "running, 1 queued" : "running") + (paused.empty() ? "" : ", " + paused);
    if (queued) return "queued" + (paused.empty() ? "" : ", " + paused);
    return paused.empty() ? "idle" : paused;
}

// "Fri 2027-01-29 18:00 CET (+01:00)" from "2027-01-29T18:00:00+01:00" and the job's zone.
std::string runLine(const PreviewRun& run, const ZoneRules* zone) {
    if (!run.unreadable.empty()) return run.unreadable;
    const auto wd = date::weekday{date::floor<date::days>(run.local)}.c_encoding();
    std::string line = std::string(kWeekdayShort[wd]) + " " + formatLocalMinute(run.local) + " ";
    const SysSeconds instant{run.local.time_since_epoch() - run.offset};
    if (zone) line += zone->offsetAt(instant).abbreviation + " ";
    line += "(" + formatOffset(run.offset) + ")";
    // A local time that occurs twice (the fall-back hour) runs at its first occurrence.
    if (zone) {
        const LocalResolution resolved = zone->resolve(run.local);
        if (resolved.kind == LocalResolution::Kind::Ambiguous && resolved.first == instant) line += "  [first of two]";
    }
    return line;
}

}  // namespace

void printValidateSummary(const Config& config, std::ostream& out) {
    std::size_t nameWidth = 4, cronWidth = 4;
    for (const Job& job : config.jobs) {
        nameWidth = std::max(nameWidth, job.name.size());
        cronWidth = std::max(cronWidth, job.schedule.cron.size());
    }
    out << shown(config.sourcePath) << ": valid, " << countOf(config.jobs.size(), "job") << "\n";
    out << "  " << std::left << std::setw(static_cast<int>(nameWidth)) << "JOB" << "  " << std::setw(8) << "ENABLED"
        << "  " << std::setw(12) << "MODE" << "  " << std::setw(static_cast<int>(cronWidth)) << "CRON" << "  TIMEZONE\n";
    for (const Job& job : config.jobs) {
        out << "  " << std::setw(static_cast<int>(nameWidth)) << shown(job.name) << "  " << std::setw(8)
            << (job.enabled ? "yes" : "no") << "  " << std::setw(12) << modeName(job.schedule.mode) << "  "
            << std::setw(static_cast<int>(cronWidth)) << (job.schedule.cron.empty() ? "-" : job.schedule.cron) << "  "
            << job.timezone << "\n";
    }
}

void printErrorCount(const LoadResult& loaded, std::ostream& err) {
    const auto errors = std::count_if(loaded.diagnostics.begin(), loaded.diagnostics.end(),
                                      [](const Diagnostic& d) { return d.severity == Severity::Error; });
    err << countOf(static_cast<std::size_t>(errors), "error") << "; the config is not valid.\n";
}



std::string formatInstant(SysSeconds instant, const ZoneRules& zone) {
    const LocalSeconds local = zone.toLocal(instant);
    const auto seconds = (local - date::floor<Minutes>(local)).count();
    char buf[8];
    std::snprintf(buf, sizeof buf, ":%02d", static_cast<int>(seconds));
    return formatLocalMinute(local) + buf + " " + zone.offsetAt(instant).abbreviation;
}

std::string formatDuration(Millis duration) {
    const long long ms = std::max<long long>(duration.count(), 0);
    char buf[32];
    if (ms < 60'000) {
        std::snprintf(buf, sizeof buf, "%lld.%llds", ms / 1000, (ms % 1000) / 100);
    } else if (ms < 3'600'000) {
        std::snprintf(buf, sizeof buf, "%lldm %02llds", ms / 60'000, (ms / 1000) % 60);
    } else {
        std::snprintf(buf, sizeof buf, "%lldh %02lldm", ms / 3'600'000, (ms / 60'000) % 60);
    }
    return buf;
}

std::string describeScriptEnd(const bus::ScriptEntry& script) {
    if (script.status == "exited") return "exit " + std::to_string(script.exitCode);
    if (script.status == "signaled") return "killed by " + signalText(script.signal);
    if (script.status == "timed-out") return "timed out, ended with " + signalText(script.signal);
    if (script.status == "stopped") return "stopped by chiefd with " + signalText(script.signal);
    if (script.status == "spawn-failed") return "could not be started";
    if (script.status == "skipped") return "skipped";
    return script.status;
}

namespace {

// Whether two zone names are one zone ("UTC" and "Etc/UTC" are: tzdata links one to the other).
bool sameZone(const std::string& a, const std::string& b) {
    if (a == b) return true;
    try {
        return date::locate_zone(a)->name() == date::locate_zone(b)->name();
    } catch (const std::exception&) {
        return false;  // a name the tz database does not know is not the viewer's zone
    }
}

}  // namespace

void sortByNextRun(std::vector<bus::JobSummary>& jobs) {
    std::stable_sort(jobs.begin(), jobs.end(), [](const bus::JobSummary& a, const bus::JobSummary& b) {
        if (a.nextRun.has_value() != b.nextRun.has_value()) return a.nextRun.has_value();
        if (a.nextRun && *a.nextRun != *b.nextRun) return *a.nextRun < *b.nextRun;
        return a.name < b.name;
    });
}

std::string formatSpan(Seconds span) {
    long long s = span.count() < 0 ? 0 : span.count();
    const long long days = s / 86400, hours = s % 86400 / 3600, minutes = s % 3600 / 60, seconds = s % 60;
    auto unit = [](long long n, const char* one, const char* many) { return std::to_string(n) + (n == 1 ? one : many); };
    if (days > 0) return unit(days, " day", " days") + (hours ? " " + std::to_string(hours) + "h" : "");
    if (hours > 0) return std::to_string(hours) + "h" + (minutes ? " " + std::to_string(minutes) + "min" : "");
    if (minutes > 0) return std::to_string(minutes) + "min" + (seconds ? " " + std::to_string(seconds) + "s" : "");
    return std::to_string(seconds) + "s";
}

void printJobList(const std::vector<bus::JobSummary>& jobs, std::size_t hidden, const ZoneRules& zone,
                  const std::optional<SysSeconds>& now, std::ostream& out, const TerminalStyle& style) {
    std::vector<std::vector<Cell>> rows{{"NEXT", "LEFT", "LAST", "PASSED", "RESULT", "JOB", "SCHEDULE"}};
    for (const bus::JobSummary& job : jobs) {
        std::string left = "-", passed = "-";
        if (now && job.nextRun) left = formatSpan(*job.nextRun - *now);
        if (now && job.lastRunFinished) passed = formatSpan(*now - date::floor<Seconds>(*job.lastRunFinished)) + " ago";
        std::string result = job.lastResult;
        if (job.runningCount && *job.runningCount > 0) result = "running";
        if (!job.enabled) result = result.empty() ? "disabled" : result + ", disabled";
        if (job.paused.value_or(false)) result = result.empty() ? "paused" : result + ", paused";
        // The viewer's zone is named in each time; a schedule in another zone says which.
        std::string schedule = orDash(job.schedule);
        if (!job.timezone.empty() && !sameZone(job.timezone, zone.name()) && schedule.find(job.timezone) == std::string::npos)
            schedule += " (" + job.timezone + ")";
        rows.push_back({instantOrDash(job.nextRun, zone), left, instantOrDash(job.lastRunFinished, zone), passed,
                        resultCell(orDash(result)), job.name, schedule});
    }
    printTable(rows, out, "", style);
    out << "\n" << countOf(jobs.size(), "job") << " listed.";
    if (hidden > 0) out << " " << countOf(hidden, "disabled job") << " not shown; --all shows " << (hidden == 1 ? "it" : "them") << ".";
    out << "\n";
}

void printStatus(const bus::ManagerState& manager, const std::vector<bus::JobSummary>& jobs, const ZoneRules& zone,
                 std::ostream& out, const TerminalStyle& style) {
    out << "chiefd " << shown(manager.version) << " is running\n";
    out << "    config: " << shown(orDash(manager.configPath)) << "\n";
    out << "      jobs: " << manager.jobCount << ", " << countOf(manager.runningRuns, "run") << " in progress\n";
    out << "  next run: " << instantOrDash(manager.nextRun, zone) << "\n";
    const bus::TelemetryState& t = manager.telemetry;
    if (t.enabled) {
        out << " telemetry: " << (t.connected ? "connected" : "not connected") << ", " << t.pendingMemory + t.pendingSpool
            << " pending (" << t.pendingSpool << " in the spool), " << t.dead << " dead, " << t.dropped << " dropped\n";
        if (!t.lastError.empty()) out << "            last error: " << shown(t.lastError) << "\n";
    } else {
        out << " telemetry: off\n";
    }
    if (jobs.empty()) return;
    out << "\n";
    std::vector<std::vector<Cell>> rows{{"JOB", "STATE", "NEXT RUN", "LAST RESULT", "FINISHED"}};
    for (const bus::JobSummary& job : jobs)
        rows.push_back({job.name, resultCell(jobState(job)), instantOrDash(job.nextRun, zone), resultCell(orDash(job.lastResult)),
                        instantOrDash(job.lastRunFinished, zone)});
    printTable(rows, out, "", style);
}

void printJobDetails(const bus::JobSummary& job, const ZoneRules& zone, std::ostream& out, const TerminalStyle& style) {
    out << shown(job.name) << (job.description.empty() ? "" : " - " + shown(job.description)) << "\n";
    std::vector<std::vector<Cell>> rows;
    rows.push_back({"enabled:", job.enabled ? "yes" : "no"});
    if (job.paused.value_or(false)) rows.push_back({"paused:", "yes (chiefctl resume " + job.name + ")"});
    rows.push_back({"schedule:", orDash(job.schedule)});
    rows.push_back({"timezone:", orDash(job.timezone)});
    std::string mode = orDash(job.mode);
    if (job.cron && !job.cron->empty()) mode += "  (cron: " + *job.cron + ")";
    rows.push_back({"mode:", mode});
    rows.push_back({"next run:", job.nextRun ? formatInstant(*job.nextRun, zone) : "none"});
    if (job.lastRunId) {
        Cell last("never");
        if (!job.lastRunId->empty()) {
            const std::string result = job.lastResult.empty() ? "running" : job.lastResult;
            std::string text = *job.lastRunId + " " + result;
            if (job.lastRunFinished) text += ", ended " + instantOrDash(job.lastRunFinished, zone);
            last = Cell(std::move(text), toneOf(result), job.lastRunId->size() + 1, result.size());
        }
        rows.push_back({"last run:", std::move(last)});
    }
    if (job.runningCount) {
        std::string running = countOf(*job.runningCount, "run");
        if (job.pendingQueued.value_or(false)) running += ", 1 queued";
        rows.push_back({"running:", running});
    }
    // The ids `chiefctl cancel` takes (a chiefd older than these properties sends none).
    if (job.runningRunIds)
        for (const std::string& id : *job.runningRunIds) rows.push_back({"run:", id + " running"});
    if (job.queuedRunId && !job.queuedRunId->empty()) rows.push_back({"run:", *job.queuedRunId + " queued"});
    printTable(rows, out, "  ", style);
}

void printRunHistory(const std::vector<bus::RunEntry>& runs, bool withJob, const ZoneRules& zone, std::ostream& out,
                     const TerminalStyle& style) {
    if (runs.empty()) {
        out << "No runs recorded.\n";
        return;
    }
    std::vector<std::vector<Cell>> rows;
    rows.push_back(withJob ? std::vector<Cell>{"RUN ID", "JOB", "TRIGGER", "STARTED", "DURATION", "RESULT"}
                           : std::vector<Cell>{"RUN ID", "TRIGGER", "STARTED", "DURATION", "RESULT"});
    for (const bus::RunEntry& run : runs) {
        std::vector<Cell> row{run.id};
        if (withJob) row.push_back(run.job);
        std::string duration = "-";
        if (run.startedAt && run.endedAt) duration = formatDuration(*run.endedAt - *run.startedAt);
        row.insert(row.end(), {orDash(run.trigger), instantOrDash(run.startedAt, zone), duration,
                               resultCell(orDash(run.result))});
        rows.push_back(std::move(row));
    }
    printTable(rows, out, "", style);
}

void printRunAccepted(const std::string& job, const bus::RunAccepted& start, std::ostream& out) {
    if (start.outcome == bus::RunStartOutcome::Queued)
        out << "Run " << shown(start.runId) << " of " << shown(job) << " is queued behind the job's current run; waiting.\n";
    else
        out << "Run " << shown(start.runId) << " of " << shown(job) << " started; waiting for it to end.\n";
    out << std::flush;
}

void printScriptFinished(const bus::ScriptEntry& script, std::ostream& out) {
    out << "  " << script.index + 1 << ". " << shown(script.path) << ": " << shown(describeScriptEnd(script));
    if (script.status != "skipped") out << " (" << formatDuration(script.duration) << ")";
    out << "\n" << std::flush;
}

void printRunEnd(const bus::RunEnd& end, std::ostream& out, const TerminalStyle& style) {
    const std::string result = end.result.empty() ? "ended" : end.result;
    out << "Run " << shown(end.runId) << " " << style.paint(shown(result), toneOf(result)) << " after "
        << formatDuration(end.duration) << ".\n";
}

void printFailedScriptOutput(const std::vector<bus::ScriptEntry>& scripts, const std::vector<bus::ScriptOutput>& outputs,
                             std::ostream& out) {
    for (const bus::ScriptEntry& script : scripts) {
        const bool failed = script.status != "skipped" && !(script.status == "exited" && script.exitCode == 0);
        if (!failed) continue;
        const auto it = std::find_if(outputs.begin(), outputs.end(),
                                     [&](const bus::ScriptOutput& o) { return o.index == script.index; });
        if (it == outputs.end()) continue;
        if (!it->error.empty())
            out << "Script " << script.index + 1 << " (" << shown(script.path) << ") could not start: " << shown(it->error)
                << "\n";
        if (it->tail.empty()) {
            if (it->error.empty()) out << "Script " << script.index + 1 << " (" << shown(script.path) << ") wrote no output.\n";
            continue;
        }
        out << "Last output of script " << script.index + 1 << " (" << shown(script.path) << "):\n";
        for (const std::string_view line : tailLines(it->tail)) out << "    " << shown(line) << "\n";
    }
}

std::vector<std::string_view> tailLines(std::string_view tail) {
    std::vector<std::string_view> lines;
    for (std::size_t from = 0; from < tail.size();) {
        std::size_t end = tail.find('\n', from);
        if (end == std::string_view::npos) end = tail.size();
        lines.push_back(tail.substr(from, end - from));
        from = end + 1;
    }
    return lines;
}

void printRunRequested(const bus::JobRunOutcome& request, std::ostream& out) {
    if (request.outcome == bus::RunRequestOutcome::Queued)
        out << "Run " << shown(request.runId) << " of " << shown(request.job) << " was queued ("
            << shown(request.reason.empty() ? "waiting for its turn" : request.reason) << "); waiting for it to end.\n";
    else
        out << "Run " << shown(request.runId) << " of " << shown(request.job) << " started; waiting for it to end.\n";
    out << std::flush;
}

void printRunNotStarted(const bus::JobRunOutcome& request, const std::optional<SysSeconds>& minute,
                        const ZoneRules& zone, std::ostream& out) {
    if (request.outcome == bus::RunRequestOutcome::NotDue) {
        out << shown(request.job) << ": not due";
        if (minute) out << " at " << formatInstant(*minute, zone);
        out << "; not run.\n";
    } else {
        out << shown(request.job) << ": not started: " << shown(request.reason.empty() ? std::string(bus::runRequestOutcomeName(request.outcome)) : request.reason)
            << ".\n";
    }
    out << std::flush;
}

const ZoneRules* ZoneCache::find(const std::string& name) {
    if (auto it = zones_.find(name); it != zones_.end()) return it->second.get();
    auto located = ZoneRules::locate(name);
    std::shared_ptr<const ZoneRules> zone = located ? located.value() : nullptr;
    return zones_.emplace(name, std::move(zone)).first->second.get();
}

void printPreviewJob(const PreviewView& job, ZoneCache& zones, std::ostream& out) {
    const ZoneRules* zone = zones.find(job.timezone);
    out << shown(job.name) << (job.enabled ? "" : "  (disabled)") << "\n";
    out << "  schedule:   " << shown(job.description) << "\n";
    out << "  timezone:   " << shown(job.timezone) << "\n";
    out << "  mode:       " << shown(job.mode);
    if (!job.cron.empty()) out << "  (cron: " << shown(job.cron) << ")";
    out << "\n";
    if (!job.guard.empty()) out << "  guard:      runs " << shown(job.guard) << "\n";
    if (!job.start.empty() || !job.end.empty()) {
        out << "  bounds:    ";
        if (!job.start.empty()) out << " from " << shown(job.start);
        if (!job.end.empty()) out << " until " << shown(job.end);
        out << "\n";
    }
    if (!job.exclude.empty()) {
        out << "  excluded:  ";
        for (const std::string& day : job.exclude) out << " " << shown(day);
        out << "\n";
    }
    out << "  overlap:    " << shown(job.overlap) << ", stop_on_failure: " << (job.stopOnFailure ? "true" : "false")
        << "\n";
    out << "  working dir: " << shown(job.workingDir) << "\n";
    out << "  scripts:\n";
    int n = 1;
    for (const PreviewScriptView& script : job.scripts) {
        out << "    " << n++ << ". ";
        if (const std::string interpreter = joinShellWords(script.interpreter); !interpreter.empty())
            out << shown(interpreter) << " ";
        out << shown(quoteShellWord(script.path));
        if (const std::string args = joinShellWords(script.args); !args.empty()) out << " " << shown(args);
        out << "  (timeout " << script.timeoutSeconds << "s)\n";
    }
    out << "  next runs:\n";
    if (job.nextRuns.empty()) out << "    (none)\n";
    for (const PreviewRun& run : job.nextRuns) out << "    " << shown(runLine(run, zone)) << "\n";
    if (!job.notes.empty()) {
        out << "  notes:\n";
        for (const PreviewNoteView& note : job.notes) out << "    " << (note.dst ? "DST: " : "") << shown(note.message) << "\n";
    }
}

}  // namespace chief::ctl
