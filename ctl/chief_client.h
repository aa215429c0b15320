#pragma once
// ChiefClient: what chiefctl asks, one virtual method per bus method the verbs use, in the
// contract's values (chief/bus_types.h). BusClient asks chiefd over sd-bus; OfflineClient answers
// what it can from a config file through the core; the unit tests drive the verbs with a fake.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "chief/bus_types.h"
#include "chief/result.h"
#include "chief/schedule_preview.h"

namespace chief::ctl {

using Millis = std::chrono::milliseconds;
using bus::Done;

// A call that did not succeed.
struct ClientError {
    enum class Kind {
        Daemon,      // chiefd (or the bus on its behalf) answered with the D-Bus error `name`
        NoBus,       // the bus itself could not be reached
        NotRunning,  // nothing owns org.chief.Scheduler1 on that bus
        Lost,        // the connection or chiefd went away (or did not answer) mid-call or mid-wait
        NeedsChiefd, // offline (--config): only chiefd knows the answer
    };
    Kind kind = Kind::Daemon;
    std::string name;  // the D-Bus error name, when there is one
    std::string message;
};

// chiefctl's exit status for an error: chiefd's answers through bus::exitStatusForError (the
// shared table), unreachable and lost through bus::kExitUnreachable.
int exitStatusFor(const ClientError& error);

// A value or a ClientError.
template <typename T>
using ClientResult = Result<T, ClientError>;

// Receives a preview one job at a time, so a preview of 10,000 jobs is printed as it is
// computed, never held whole: the core's JobPreview offline, an entry of PreviewJobs' "jobs" (the
// shape of `preview --json`) from chiefd. Each sink turns either into its one output.
class PreviewSink {
public:
    virtual ~PreviewSink() = default;
    virtual void begin(const std::string& config, const std::string& from) = 0;
    virtual void job(const JobPreview& preview) = 0;
    virtual void job(const nlohmann::json& preview) = 0;
    virtual void end() = 0;
};

class ChiefClient {
public:
    virtual ~ChiefClient() = default;

    // Manager properties (GetAll on the manager object).
    virtual ClientResult<bus::ManagerState> managerProperties() = 0;
    // Manager.ListJobs.
    virtual ClientResult<std::vector<bus::JobSummary>> listJobs() = 0;
    // Manager.GetJob, then the Job object's properties.
    virtual ClientResult<bus::JobSummary> getJobProperties(const std::string& name) = 0;
    // Manager.PreviewJobs, one job at a time into `sink`; job "" = all, from nullopt = now.
    virtual ClientResult<Done> previewJobs(const std::string& job, unsigned count, std::optional<SysSeconds> from,
                                           PreviewSink& sink) = 0;
    // Manager.ExportCron: crontab text; job "" = all. (Kept for chiefds older than ExportCrontab.)
    virtual ClientResult<std::string> exportCron(const std::string& job) = 0;
    // Manager.ExportCrontab: the `export-cron --json` document; job "" = all; flavor cronie,
    // debian or auto.
    virtual ClientResult<std::string> exportCrontab(const std::string& job, const std::string& flavor) = 0;
    // Manager.ExportSystemd: the `export-systemd` document (chief/report_json.h), units as text;
    // job "" = all; runner "chiefd" or "native". Environment values (includeEnvironment) are
    // only ever read from a config file offline: they may be secrets and never cross D-Bus.
    virtual ClientResult<std::string> exportSystemd(const std::string& job, const std::string& runner,
                                                    bool includeEnvironment) = 0;
    // Manager.ExportKubernetes: the `export-kubernetes` document; job "" = all; namespace "" =
    // none. includeEnvironment as for exportSystemd.
    virtual ClientResult<std::string> exportKubernetes(const std::string& job, const std::string& image,
                                                       const std::string& namespaceName, bool includeEnvironment) = 0;
    // Manager.ListRuns: newest first; job "" = all jobs; limit 0 = all kept.
    virtual ClientResult<std::vector<bus::RunEntry>> listRuns(const std::string& job, unsigned limit) = 0;
    // Manager.GetRun.
    virtual ClientResult<bus::RunEntry> getRun(const std::string& runId) = 0;
    // Subscribes to ScriptFinished/RunFinished of `job` ("" = of every job) and to chiefd
    // leaving the bus. Call it before runJob/runJobs when the runs will be waited for, so no
    // signal can be missed; signals of a run accepted meanwhile are kept until it is waited for.
    virtual ClientResult<Done> watchRuns(const std::string& job) = 0;
    // Manager.RunJob.
    virtual ClientResult<bus::RunAccepted> runJob(const std::string& name) = 0;
    // Manager.RunJobForced: the same, for a disabled or paused job too (run --force).
    virtual ClientResult<bus::RunAccepted> runJobForced(const std::string& name) = 0;
    // Manager.PauseJob / ResumeJob: true when the job's state changed.
    virtual ClientResult<bool> pauseJob(const std::string& name) = 0;
    virtual ClientResult<bool> resumeJob(const std::string& name) = 0;
    // Manager.RunJobs: names empty = every enabled job; respectSchedule = only those due now.
    virtual ClientResult<bus::RunJobsOutcome> runJobs(const std::vector<std::string>& names, bool respectSchedule) = 0;
    // Manager.GetRunOutput: each script's spawn error and last lines of output.
    virtual ClientResult<std::vector<bus::ScriptOutput>> runOutput(const std::string& runId) = 0;
    // Manager.CancelRun.
    virtual ClientResult<Done> cancelRun(const std::string& runId) = 0;
    // Manager.CancelJob: the job's runs in progress and its queued run; the ids cancelled.
    virtual ClientResult<std::vector<std::string>> cancelJob(const std::string& job) = 0;
    // Manager.Reload.
    virtual ClientResult<Done> reload() = 0;
    // Waits for the run to end, calling `onScriptFinished` as each script ends (first those that
    // ended before the call, for a run accepted after watchRuns). A Lost error when chiefd or the
    // connection goes away first.
    virtual ClientResult<bus::RunEnd> waitForRun(const std::string& runId,
                                                 const std::function<void(const bus::ScriptEntry&)>& onScriptFinished) = 0;
};

}  // namespace chief::ctl
