#pragma once
// ControlApi: what chiefd's bus methods do, in plain C++ values. The sd-bus adapter
// (ChiefBusService) translates messages to and from these calls; tests drive either side alone.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "chief/bus_api.h"
#include "chief/run_event.h"

namespace chief::daemon {

// One job as the bus shows it (Manager.ListJobs and the Job object's properties).
struct JobSummary {
    std::string name;
    std::string description;
    bool enabled = true;
    std::string schedule;  // one-line description, e.g. "every day at 06:00"
    std::string mode;      // pure_cron | hybrid | runtime_only
    std::string cron;      // empty for runtime_only
    std::string timezone;
    std::optional<SysSeconds> nextRun;
    std::string lastRunId;
    std::string lastResult;  // succeeded | failed | cancelled | "" (never ran)
    std::optional<SysMillis> lastRunFinished;
    unsigned runningCount = 0;
    bool pendingQueued = false;
};

// The Manager object's properties.
struct ManagerState {
    std::string version;
    std::string configPath;
    unsigned jobCount = 0;
    unsigned runningRuns = 0;
    std::optional<SysSeconds> nextRun;
};

// A refused call: which error of the shared table, and a message for humans.
struct ControlError {
    bus::ErrorEntry error;
    std::string message;
};

template <typename T>
using ControlResult = std::variant<T, ControlError>;

struct Done {};  // the value of calls that return nothing

// A run request that was accepted.
struct RunAccepted {
    RunId runId;
    std::string outcome;  // "started" or "queued"
};

// What a RunJobs request did with one job.
struct JobRunOutcome {
    std::string job;
    RunId runId;          // set when started or queued
    std::string outcome;  // started | queued | skipped (overlap policy) | not-due (respect_schedule)
    std::string reason;   // queued, skipped: the scheduler's reason; otherwise empty
};

// RunJobs' answer: the minute the request was made in (what "due" was checked against) and
// one outcome per selected job, in request order (YAML order when no names were given).
struct RunJobsOutcome {
    SysSeconds minute;
    std::vector<JobRunOutcome> runs;
};

// Who is calling, from the bus's credentials.
struct Caller {
    std::optional<uid_t> uid;
    std::vector<gid_t> groups;  // primary and supplementary
};

// Work that builds a large reply (a preview of many fire times). It owns or shares everything
// it reads (the config is immutable and shared), so the bus adapter can run it on a worker
// thread while the event loop keeps dispatching runs.
using ReplyTask = std::function<ControlResult<std::string>()>;

class ControlApi {
public:
    virtual ~ControlApi() = default;

    virtual ManagerState manager() const = 0;
    virtual std::vector<JobSummary> listJobs() const = 0;
    virtual std::optional<JobSummary> job(std::string_view name) const = 0;

    // JSON in the shape of `chiefctl preview --json` (see docs/chiefctl.md); job "" = all jobs,
    // from nullopt = now. Arguments are checked at once; the task builds the document and
    // refuses it when it exceeds bus::kMaxReplyBytes.
    virtual ControlResult<ReplyTask> previewJobs(std::string_view job, unsigned count,
                                                 std::optional<SysSeconds> from) const = 0;
    virtual ControlResult<std::string> exportCron(std::string_view job) const = 0;
    // The `export-cron --json` document (docs/chiefctl.md) for cron `flavor`: "cronie",
    // "debian", or "auto"/"" (the cron installed on chiefd's host); job "" = all jobs.
    virtual ControlResult<std::string> exportCrontab(std::string_view job, std::string_view flavor) const = 0;
    // Newest first; job "" = all jobs; limit 0 = all kept.
    virtual ControlResult<std::vector<RunRecord>> listRuns(std::string_view job, unsigned limit) const = 0;
    // A run in progress (result unset) or one in the history.
    virtual ControlResult<RunRecord> getRun(std::string_view runId) const = 0;

    // State-changing calls; the caller's rights are checked first.
    virtual ControlResult<RunAccepted> runJob(const Caller& caller, std::string_view job) = 0;
    // Several jobs at once (`chiefctl run` without --job, or with --respect-schedule): `names`
    // empty = every enabled job. Every name is checked before anything starts, so an unknown or
    // disabled one refuses the whole request. With respectSchedule only jobs due at the current
    // minute start (as `chiefd --once --respect-schedule` decides); the others are "not-due".
    virtual ControlResult<RunJobsOutcome> runJobs(const Caller& caller, const std::vector<std::string>& names,
                                                  bool respectSchedule) = 0;
    virtual ControlResult<Done> cancelRun(const Caller& caller, std::string_view runId) = 0;
    virtual ControlResult<Done> reload(const Caller& caller) = 0;
};

}  // namespace chief::daemon
