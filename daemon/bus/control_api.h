#pragma once
// ControlApi: what chiefd's bus methods do, in the contract's values (chief/bus_types.h). The
// sd-bus adapter (ChiefBusService) translates messages to and from these calls with the codec;
// tests drive either side alone.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chief/bus_types.h"

namespace chief::daemon {

using bus::Caller;
using bus::ControlError;
using bus::ControlResult;
using bus::Done;

// Work that builds a large reply (a preview of many fire times). It owns or shares everything
// it reads (the config is immutable and shared), so the bus adapter can run it on a worker
// thread while the event loop keeps dispatching runs.
using ReplyTask = std::function<ControlResult<std::string>()>;

class ControlApi {
public:
    virtual ~ControlApi() = default;

    virtual bus::ManagerState manager() const = 0;
    virtual std::vector<bus::JobSummary> listJobs() const = 0;
    virtual std::optional<bus::JobSummary> job(std::string_view name) const = 0;

    // JSON in the shape of `chiefctl preview --json` (see docs/chiefctl.md); job "" = all jobs,
    // from nullopt = now. Arguments are checked at once; the task builds the document and
    // refuses it when it exceeds bus::kMaxReplyBytes.
    virtual ControlResult<ReplyTask> previewJobs(std::string_view job, unsigned count,
                                                 std::optional<SysSeconds> from) const = 0;
    virtual ControlResult<std::string> exportCron(std::string_view job) const = 0;
    // The `export-cron --json` document (docs/chiefctl.md) for cron `flavor`: "cronie",
    // "debian", or "auto"/"" (the cron installed on chiefd's host); job "" = all jobs.
    virtual ControlResult<std::string> exportCrontab(std::string_view job, std::string_view flavor) const = 0;
    // The `export-systemd` document (chief/report_json.h) for runner "chiefd" (or "") or
    // "native"; job "" = all jobs. Never with environment values: they may be secrets.
    virtual ControlResult<std::string> exportSystemd(std::string_view job, std::string_view runner) const = 0;
    // The `export-kubernetes` document for `image` (required) in `namespaceName` ("" = none).
    virtual ControlResult<std::string> exportKubernetes(std::string_view job, std::string_view image,
                                                        std::string_view namespaceName) const = 0;
    // Newest first; job "" = all jobs; limit 0 = all kept.
    virtual ControlResult<std::vector<bus::RunEntry>> listRuns(std::string_view job, unsigned limit) const = 0;
    // A run in progress (result "running") or one in the history.
    virtual ControlResult<bus::RunEntry> getRun(std::string_view runId) const = 0;
    // Each script's spawn error and last output lines. Root or the chief group only: output
    // may say more than the run records everyone may read (the journal is not open to all).
    virtual ControlResult<std::vector<bus::ScriptOutput>> runOutput(const Caller& caller, std::string_view runId) const = 0;

    // State-changing calls; the caller's rights are checked first.
    // `force` (RunJobForced) runs a disabled or paused job too.
    virtual ControlResult<bus::RunAccepted> runJob(const Caller& caller, std::string_view job, bool force) = 0;
    // Several jobs at once (`chiefctl run` without --job, or with --respect-schedule): `names`
    // empty = every enabled job. Every name is checked before anything starts, so an unknown or
    // disabled one refuses the whole request. With respectSchedule only jobs due at the current
    // minute start (as `chiefd --once --respect-schedule` decides); the others are not due.
    virtual ControlResult<bus::RunJobsOutcome> runJobs(const Caller& caller, const std::vector<std::string>& names,
                                                       bool respectSchedule) = 0;
    virtual ControlResult<Done> cancelRun(const Caller& caller, std::string_view runId) = 0;
    // Every run of `job` in progress and its queued one; the run ids cancelled (none: nothing ran).
    virtual ControlResult<std::vector<std::string>> cancelJob(const Caller& caller, std::string_view job) = 0;
    virtual ControlResult<Done> reload(const Caller& caller) = 0;
    // chiefctl pause / resume; true when the job's state changed (false: it already was).
    virtual ControlResult<bool> pauseJob(const Caller& caller, std::string_view job) = 0;
    virtual ControlResult<bool> resumeJob(const Caller& caller, std::string_view job) = 0;
};

}  // namespace chief::daemon
