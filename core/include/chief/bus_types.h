#pragma once
// The value types of the D-Bus contract (org.chief.Scheduler1), shared by chiefd and chiefctl
// and free of sd-bus: what a job, a run and the manager look like on the bus, and what a run
// request can come to. The codec (chief/dbus/codec.h) puts them on messages and reads them back;
// chiefd builds them from its own state, chiefctl prints them. See docs/dbus-api.md.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "chief/bus_api.h"
#include "chief/result.h"
#include "chief/run_event.h"

namespace chief::bus {

using Millis = std::chrono::milliseconds;

// The Manager object's properties.
// Telemetry's delivery state (docs/telemetry.md): the manager's Telemetry* properties.
struct TelemetryState {
    bool enabled = false;             // some job is monitored
    bool connected = false;           // the last request to the monitor got a 2xx
    std::uint64_t pendingMemory = 0;  // events not yet in the spool
    std::uint64_t pendingSpool = 0;   // events in the spool, not yet acknowledged
    std::uint64_t dead = 0;           // refused by the monitor since chiefd started (in <spool>.dead)
    std::uint64_t dropped = 0;        // lost to the spool bound or a full queue since chiefd started
    std::string lastError;            // the last delivery problem, "" when none
    bool operator==(const TelemetryState&) const = default;
};

struct ManagerState {
    std::string version;
    std::string configPath;
    unsigned jobCount = 0;
    unsigned runningRuns = 0;
    std::optional<SysSeconds> nextRun;
    TelemetryState telemetry;  // read on demand: no PropertiesChanged (it changes with every batch)
    // chiefctl pause: names, sorted. Unknown (nullopt) from a chiefd older than the property.
    std::optional<std::vector<std::string>> pausedJobs;
    bool operator==(const ManagerState&) const = default;
};

// One job: a ListJobs entry, or a Job object's properties. Fields an answer does not carry stay
// unset: ListJobs has no cron line or last run id, and offline (a config read without chiefd)
// the run-time fields are unknown.
struct JobSummary {
    std::string name;
    std::string description;
    bool enabled = true;
    std::string schedule;             // one line, e.g. "every day at 06:00 (Europe/Berlin)"
    std::string mode;                 // pure_cron | hybrid | runtime_only
    std::optional<std::string> cron;  // "" for runtime_only jobs
    std::string timezone;
    std::optional<SysSeconds> nextRun;
    std::optional<std::string> lastRunId;  // "" = never ran
    std::string lastResult;                // a run result name, or "" (never ran / unknown)
    std::optional<SysMillis> lastRunFinished;
    std::optional<unsigned> runningCount;
    std::optional<bool> pendingQueued;
    // Job object only (ListJobs' entry has no room for them within version 1): what `cancel`
    // needs. The ids of the job's runs in progress, oldest first, and of its queued run ("" none).
    std::optional<std::vector<std::string>> runningRunIds;
    std::optional<std::string> queuedRunId;
    // chiefctl pause; on the Job object, and filled from the manager's PausedJobs for lists.
    std::optional<bool> paused;
    bool operator==(const JobSummary&) const = default;
};

// One script of a run on the bus. `status` is a script status name (scriptStatusName), or, while
// the run goes on, "running" (started) or "pending" (not yet).
struct ScriptEntry {
    unsigned index = 0;  // 0-based position in the job's script list
    std::string path;
    std::string status;
    int exitCode = -1;
    int signal = 0;
    Millis duration{0};
    bool operator==(const ScriptEntry&) const = default;
};

// A run record on the bus. `result` is a run result name, or "running". Names are kept as text:
// values added within version 1 reach old clients as they are.
struct RunEntry {
    RunId id;
    std::string job;
    std::string trigger;  // schedule | manual | once
    DueInstant scheduledFor;
    std::optional<SysMillis> startedAt;
    std::optional<SysMillis> endedAt;
    std::string result;
    std::vector<ScriptEntry> scripts;
    bool operator==(const RunEntry&) const = default;
};

// What one script of a run left behind (GetRunOutput): why it could not start, and its last
// lines of output (at most 20 lines / 4 KiB, chief/output_tail.h).
struct ScriptOutput {
    unsigned index = 0;
    std::string error;  // a spawn failure's reason (missing interpreter, ENOENT, EACCES), or ""
    std::string tail;   // each line ends in '\n'; "" when it wrote nothing
    bool operator==(const ScriptOutput&) const = default;
};

inline constexpr std::string_view kRunning = "running";
inline constexpr std::string_view kPending = "pending";

// A run record as the bus shows it: result "running" and scripts "running"/"pending" while the
// run goes on.
RunEntry runEntryOf(const RunRecord& run);
ScriptEntry scriptEntryOf(const RunRecord& run, std::size_t index);

// What RunJob did with the request.
enum class RunStartOutcome { Started, Queued };
const char* runStartOutcomeName(RunStartOutcome outcome);
std::optional<RunStartOutcome> runStartOutcomeFromName(std::string_view name);

struct RunAccepted {
    RunId runId;
    RunStartOutcome outcome = RunStartOutcome::Started;
    bool operator==(const RunAccepted&) const = default;
};

// What RunJobs did with one job.
enum class RunRequestOutcome {
    Started,
    Queued,
    Skipped,  // the overlap policy dropped it
    NotDue,   // respect_schedule, and the job is not due this minute
};
const char* runRequestOutcomeName(RunRequestOutcome outcome);
std::optional<RunRequestOutcome> runRequestOutcomeFromName(std::string_view name);

struct JobRunOutcome {
    std::string job;
    RunId runId;  // set when started or queued
    RunRequestOutcome outcome = RunRequestOutcome::Started;
    std::string reason;  // queued, skipped: the scheduler's reason
    bool operator==(const JobRunOutcome&) const = default;
};

// RunJobs' answer: the minute "due" was judged against, and one outcome per selected job in
// request order (YAML order when no names were given).
struct RunJobsOutcome {
    std::optional<SysSeconds> minute;
    std::vector<JobRunOutcome> runs;
    bool operator==(const RunJobsOutcome&) const = default;
};

// How a run ended (RunFinished, or GetRun once it had).
struct RunEnd {
    RunId runId;
    std::string job;
    std::string result;  // a run result name
    Millis duration{0};
    bool operator==(const RunEnd&) const = default;
};

// A run began (RunStarted).
struct RunBegan {
    RunId runId;
    std::string job;
    std::string trigger;
    DueInstant scheduledFor;
    bool operator==(const RunBegan&) const = default;
};

// One script of a run ended (ScriptFinished).
struct ScriptEnded {
    RunId runId;
    std::string job;
    ScriptEntry script;
    bool operator==(const ScriptEnded&) const = default;
};

// Who is calling, from the bus's credentials.
struct Caller {
    std::optional<uid_t> uid;
    std::vector<gid_t> groups;  // primary and supplementary
};

// A refused call: which error of the shared table, and a message for humans.
struct ControlError {
    ErrorEntry error;
    std::string message;
};

template <typename T>
using ControlResult = Result<T, ControlError>;

struct Done {};  // the value of calls that return nothing

}  // namespace chief::bus
