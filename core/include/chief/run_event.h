#pragma once
// The run event model: one stream of what happens to triggers and runs, which the journal
// logger, the D-Bus signals and telemetry all subscribe to.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "chief/time_types.h"

namespace chief {

using SysMillis = date::sys_time<std::chrono::milliseconds>;
using RunId = std::string;
// Whether `text` has the form of a run id chiefd makes ("20261127T210000.123Z-0001", maybe
// with "-o<pid>" after it): how `chiefctl cancel` tells a run id from a job name.
bool hasRunIdShape(std::string_view text);
// The instant a run was due: a schedule's fire time, or the minute `chiefd --once
// --respect-schedule` found due. Runs nobody scheduled (manual ones, plain --once) have none.
using DueInstant = std::optional<SysSeconds>;

// Why a run exists.
enum class TriggerKind {
    Schedule,  // its schedule came due under chiefd
    Manual,    // an operator asked for it (D-Bus RunJob / chiefctl run)
    Once,      // chiefd --once
};
const char* triggerKindName(TriggerKind kind);

// How one script ended.
struct ScriptOutcome {
    enum class Status {
        Exited,         // exited on its own; exitCode says how
        Signaled,       // killed by a signal it did not ask for
        TimedOut,       // exceeded its timeout and was killed
        Stopped,        // stopped by chiefd (cancel, shutdown)
        SpawnFailed,    // could not be started; error says why
        Skipped,        // not run: an earlier script failed and stop_on_failure is set, or cancelled
    };
    Status status = Status::Skipped;
    int exitCode = -1;  // Exited: the exit status
    int signal = 0;     // Signaled / TimedOut / Stopped: the signal that ended it
    std::string error;  // SpawnFailed: the reason
    // TimedOut / Stopped: the limits that applied, and whether the group had to be killed
    // (SIGKILL after the grace) rather than ending on SIGTERM.
    int timeoutSeconds = 0;
    int killGraceSeconds = 0;
    bool killedAfterGrace = false;
    bool succeeded() const { return status == Status::Exited && exitCode == 0; }
};
const char* scriptStatusName(ScriptOutcome::Status status);

// One script of a run, as recorded.
struct ScriptRecord {
    std::string path;  // resolved
    ScriptOutcome outcome;
    std::optional<SysMillis> startedAt;
    std::optional<SysMillis> endedAt;
    std::int64_t pid = 0;
    std::string outputTail;  // its last lines of output when it ended (chief/output_tail.h), "" if none
};

// How a whole run ended.
enum class RunResult {
    Succeeded,
    Failed,
    Cancelled,    // an operator cancelled it
    Interrupted,  // chiefd stopped (or crashed) before it ended: cut short at shutdown, or found
                  // unfinished at the next start (then its end time is unknown)
};
const char* runResultName(RunResult result);

// Everything known about one run.
struct RunRecord {
    RunId id;
    std::string job;
    TriggerKind trigger = TriggerKind::Schedule;
    DueInstant scheduledFor;
    SysMillis startedAt;
    std::optional<SysMillis> endedAt;
    std::optional<RunResult> result;  // unset while running
    std::vector<ScriptRecord> scripts;
    std::int64_t durationMs() const;
};

// ---- events ------------------------------------------------------------------------------

// A trigger was dropped: the job is busy (overlap "skip", or a run already waits), disabled, or removed.
struct TriggerSkipped {
    std::string job;
    DueInstant scheduledFor;
    TriggerKind trigger;
    std::string reason;
};
// A trigger waits for its turn (the job is running under "queue", or other jobs hold the slots).
struct TriggerQueued {
    RunId runId;
    std::string job;
    DueInstant scheduledFor;
    TriggerKind trigger;
    std::string reason;
};
// A fire time passed while chiefd could not act on it (suspend, clock jumped forward).
struct TriggerMissed {
    std::string job;
    SysSeconds scheduledFor;
    SysMillis noticedAt;
};
// A run was handed to the runner.
struct RunStarted {
    RunId runId;
    std::string job;
    DueInstant scheduledFor;
    TriggerKind trigger;
    SysMillis startedAt;
};
struct ScriptStarted {
    RunId runId;
    std::string job;
    std::size_t index = 0;
    std::string path;
    std::int64_t pid = 0;
    SysMillis startedAt;
};
struct ScriptFinished {
    RunId runId;
    std::string job;
    std::size_t index = 0;
    ScriptRecord record;
};
struct RunFinished {
    RunRecord record;
    // A waiting trigger that never started (cancelled, removed or disabled by a reload, chiefd
    // stopping): it ends only so that whoever holds its run id hears of it. TriggerSkipped has
    // already said why; it has no scripts and is not history.
    bool dropped = false;
};
// Fire times that passed while chiefd was not running, found at start (no catch-up runs them):
// counted from the job's last recorded run, or from chiefd's last clean stop if later.
struct MissedWhileStopped {
    std::string job;
    std::size_t count = 0;
    bool capped = false;  // there were more than `count` (counting stops there)
    SysSeconds first;
    SysSeconds last;
};
// The job's next fire time changed (nullopt: it will not fire again).
struct NextScheduled {
    std::string job;
    std::optional<SysSeconds> next;
};

using RunEvent = std::variant<TriggerSkipped, TriggerQueued, TriggerMissed, MissedWhileStopped, RunStarted,
                              ScriptStarted, ScriptFinished, RunFinished, NextScheduled>;

// Fan-out of RunEvents to subscribers, synchronously and in subscription order.
class RunEventBus {
public:
    using Handler = std::function<void(const RunEvent&)>;
    void subscribe(Handler handler) { handlers_.push_back(std::move(handler)); }
    void publish(const RunEvent& event) const {
        for (const Handler& handler : handlers_) handler(event);
    }

private:
    std::vector<Handler> handlers_;
};

}  // namespace chief
