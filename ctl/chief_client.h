#pragma once
// ChiefClient: what chiefctl asks chiefd, one virtual method per bus method the verbs use, in
// plain values. BusClient implements it over sd-bus; the unit tests drive the verbs with a fake.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "chief/run_event.h"
#include "chief/time_types.h"

namespace chief::ctl {

using Millis = std::chrono::milliseconds;

// One job as chiefd reports it. Fields the answer did not carry stay unset (nullopt / empty),
// and offline (--config) the run-time fields are unknown.
struct JobInfo {
    std::string name;
    std::string description;
    bool enabled = true;
    std::string schedule;  // one-line description, e.g. "every day at 06:00"
    std::string mode;      // pure_cron | hybrid | runtime_only
    std::optional<std::string> cron;  // Job object only; "" for runtime_only jobs
    std::string timezone;
    std::optional<SysSeconds> nextRun;
    std::optional<std::string> lastRunId;  // Job object only; "" = never ran
    std::string lastResult;                // succeeded | failed | cancelled | "" (never ran / unknown)
    std::optional<SysMillis> lastRunFinished;
    std::optional<unsigned> runningCount;  // unknown offline
    std::optional<bool> pendingQueued;     // unknown offline
};

// The Manager object's properties.
struct ManagerInfo {
    std::string version;
    std::string configPath;
    unsigned jobCount = 0;
    unsigned runningRuns = 0;
    std::optional<SysSeconds> nextRun;
};

// How one script of a run ended (a ScriptFinished signal, or an entry of a run record).
struct ScriptResult {
    unsigned index = 0;  // 0-based position in the job's script list
    std::string path;
    std::string status;  // exited | signaled | timed-out | stopped | spawn-failed | skipped
    int exitCode = -1;
    int signal = 0;
    Millis duration{0};
};

// One run as chiefd records it.
struct RunInfo {
    std::string id;
    std::string job;
    std::string trigger;  // schedule | manual | once
    std::optional<SysSeconds> scheduledFor;
    std::optional<SysMillis> startedAt;
    std::optional<SysMillis> endedAt;
    std::string result;  // succeeded | failed | cancelled | running
    // A script's status while the run goes on is "running" (started) or "pending" (not yet).
    std::vector<ScriptResult> scripts;
};

// RunJob's answer.
struct RunStart {
    std::string runId;
    std::string outcome;  // started | queued
};

// One job of RunJobs' answer.
struct JobRunRequest {
    std::string job;
    std::string runId;    // "" unless started or queued
    std::string outcome;  // started | queued | skipped (overlap policy) | not-due
    std::string reason;   // queued, skipped: chiefd's reason; otherwise ""
};

// RunJobs' answer: the minute chiefd judged "due" against, and one entry per selected job in
// the order chiefd handled them (YAML order when no names were given).
struct RunJobsAnswer {
    std::optional<SysSeconds> minute;
    std::vector<JobRunRequest> runs;
};

// How a waited-for run ended (RunFinished, or GetRun when it had already ended).
struct RunEnd {
    std::string runId;
    std::string result;  // succeeded | failed | cancelled
    Millis duration{0};
};

// A call that did not succeed.
struct ClientError {
    enum class Kind {
        Daemon,      // chiefd (or the bus on its behalf) answered with the D-Bus error `name`
        NoBus,       // the bus itself could not be reached
        NotRunning,  // nothing owns org.chief.Scheduler1 on that bus
        Lost,        // the connection or chiefd went away (or did not answer) mid-call or mid-wait
    };
    Kind kind = Kind::Daemon;
    std::string name;  // the D-Bus error name, when there is one
    std::string message;
};

// chiefctl's exit status for an error: chiefd's answers through bus::exitStatusForError (the
// shared table), unreachable and lost through bus::kExitUnreachable.
int exitStatusFor(const ClientError& error);

struct Done {};  // the value of calls that return nothing

// A value or a ClientError.
template <typename T>
class ClientResult {
public:
    ClientResult(T value) : state_(std::move(value)) {}             // NOLINT(google-explicit-constructor)
    ClientResult(ClientError error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }
    const T& value() const { return std::get<T>(state_); }
    T& value() { return std::get<T>(state_); }
    const ClientError& error() const { return std::get<ClientError>(state_); }

private:
    std::variant<T, ClientError> state_;
};

class ChiefClient {
public:
    virtual ~ChiefClient() = default;

    // Manager properties (GetAll on the manager object).
    virtual ClientResult<ManagerInfo> managerProperties() = 0;
    // Manager.ListJobs.
    virtual ClientResult<std::vector<JobInfo>> listJobs() = 0;
    // Manager.GetJob, then the Job object's properties.
    virtual ClientResult<JobInfo> getJobProperties(const std::string& name) = 0;
    // Manager.PreviewJobs: the JSON document of `preview --json`; job "" = all, from nullopt = now.
    virtual ClientResult<std::string> previewJobs(const std::string& job, unsigned count,
                                                  std::optional<SysSeconds> from) = 0;
    // Manager.ExportCron: crontab text; job "" = all. (Kept for chiefds older than ExportCrontab.)
    virtual ClientResult<std::string> exportCron(const std::string& job) = 0;
    // Manager.ExportCrontab: the `export-cron --json` document; job "" = all; flavor cronie,
    // debian or auto.
    virtual ClientResult<std::string> exportCrontab(const std::string& job, const std::string& flavor) = 0;
    // Manager.ListRuns: newest first; job "" = all jobs; limit 0 = all kept.
    virtual ClientResult<std::vector<RunInfo>> listRuns(const std::string& job, unsigned limit) = 0;
    // Manager.GetRun.
    virtual ClientResult<RunInfo> getRun(const std::string& runId) = 0;
    // Subscribes to ScriptFinished/RunFinished of `job` ("" = of every job) and to chiefd
    // leaving the bus. Call it before runJob/runJobs when the runs will be waited for, so no
    // signal can be missed; signals of a run accepted meanwhile are kept until it is waited for.
    virtual ClientResult<Done> watchRuns(const std::string& job) = 0;
    // Manager.RunJob.
    virtual ClientResult<RunStart> runJob(const std::string& name) = 0;
    // Manager.RunJobs: names empty = every enabled job; respectSchedule = only those due now.
    virtual ClientResult<RunJobsAnswer> runJobs(const std::vector<std::string>& names, bool respectSchedule) = 0;
    // Manager.CancelRun.
    virtual ClientResult<Done> cancelRun(const std::string& runId) = 0;
    // Manager.Reload.
    virtual ClientResult<Done> reload() = 0;
    // Waits for the run to end, calling `onScriptFinished` as each script ends (first those that
    // ended before the call, for a run accepted after watchRuns). A Lost error when chiefd or the
    // connection goes away first.
    virtual ClientResult<RunEnd> waitForRun(const std::string& runId,
                                            const std::function<void(const ScriptResult&)>& onScriptFinished) = 0;
};

}  // namespace chief::ctl
