#pragma once
// TextReport: chiefctl's human-readable output: validate and preview on a config file, and the
// answers chiefd gives over the bus.

#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chief/config_loader.h"
#include "chief/schedule_preview.h"
#include "chief/zone_rules.h"
#include "chief_client.h"
#include "preview_view.h"
#include "terminal_style.h"

namespace chief::ctl {

void printValidateSummary(const Config& config, std::ostream& out);
void printErrorCount(const LoadResult& loaded, std::ostream& err);

// ---- bus answers (times shown in `zone`, this machine's) ----------------------------------

// "2027-01-01 06:00:00 UTC".
std::string formatInstant(SysSeconds instant, const ZoneRules& zone);
// "0.4s", "12.3s", "5m 03s", "2h 05m".
std::string formatDuration(Millis duration);
// How a script ended, e.g. "exit 0", "killed by signal 9 (KILL)", "timed out (signal 15, TERM)".
std::string describeScriptEnd(const bus::ScriptEntry& script);

// The lines of a script's kept output (GetRunOutput's tail: each line ends in '\n').
std::vector<std::string_view> tailLines(std::string_view tail);

// `list`: JOB ENABLED NEXT RUN LAST RESULT SCHEDULE.
// Jobs soonest first, then those with no next run, by name (list's order, text and JSON alike).
void sortByNextRun(std::vector<bus::JobSummary>& jobs);
// "5h 10min", "3min 2s", "2 days 4h": a span as systemctl list-timers shows it.
std::string formatSpan(Seconds span);
// list: NEXT LEFT LAST PASSED RESULT JOB SCHEDULE, as systemctl list-timers; `hidden` disabled
// jobs were left out. LEFT and PASSED need `now`.
void printJobList(const std::vector<bus::JobSummary>& jobs, std::size_t hidden, const ZoneRules& zone,
                  const std::optional<SysSeconds>& now, std::ostream& out, const TerminalStyle& style = TerminalStyle());
// `status`: chiefd's properties, then JOB STATE NEXT RUN LAST RESULT FINISHED.
void printStatus(const bus::ManagerState& manager, const std::vector<bus::JobSummary>& jobs, const ZoneRules& zone,
                 std::ostream& out, const TerminalStyle& style = TerminalStyle());
// `show JOB`.
void printJobDetails(const bus::JobSummary& job, const ZoneRules& zone, std::ostream& out,
                     const TerminalStyle& style = TerminalStyle());
// `history`: RUN ID [JOB] TRIGGER STARTED DURATION RESULT.
void printRunHistory(const std::vector<bus::RunEntry>& runs, bool withJob, const ZoneRules& zone, std::ostream& out,
                     const TerminalStyle& style = TerminalStyle());
// `run`: the accepted run, each script as it ends, the end.
void printRunAccepted(const std::string& job, const bus::RunAccepted& start, std::ostream& out);
void printScriptFinished(const bus::ScriptEntry& script, std::ostream& out);
// For each failed script of a run: why it could not start, and its last lines of output
// (GetRunOutput), indented under a heading naming the script.
void printFailedScriptOutput(const std::vector<bus::ScriptEntry>& scripts, const std::vector<bus::ScriptOutput>& outputs,
                             std::ostream& out);
void printRunEnd(const bus::RunEnd& end, std::ostream& out, const TerminalStyle& style = TerminalStyle());
// A run of a RunJobs request, as it is waited for: started, or queued with chiefd's reason.
void printRunRequested(const bus::JobRunOutcome& request, std::ostream& out);
// A job of a RunJobs request that was not run: not due at `minute`, or skipped by its overlap
// policy.
void printRunNotStarted(const bus::JobRunOutcome& request, const std::optional<SysSeconds>& minute,
                        const ZoneRules& zone, std::ostream& out);
// `preview` from chiefd's JSON document (the `preview --json` shape), laid out as offline.
// One job of a preview, from its entry in the `preview --json` document ("jobs"[i]): the one
// preview printer, online and offline.
// Zones by name, each located (and its TZif footer read) once: a preview of 10,000 jobs names a
// handful of zones, and locating one reads a file.
class ZoneCache {
public:
    // nullptr for a name the tz database does not know.
    const ZoneRules* find(const std::string& name);

private:
    std::unordered_map<std::string, std::shared_ptr<const ZoneRules>> zones_;
};

// One job of `preview`, from either client (preview_view.h).
void printPreviewJob(const PreviewView& job, ZoneCache& zones, std::ostream& out);

}  // namespace chief::ctl
