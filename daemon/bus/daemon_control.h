#pragma once
// DaemonControl: ControlApi over the running Daemon.

#include <functional>

#include "app/daemon.h"
#include "bus/control_access.h"
#include "bus/control_api.h"
#include "chief/cron_exporter.h"

namespace chief::daemon {

// What exports need to know about chiefd's host.
struct ExportHost {
    // Asked at each export: the system's zone can change while chiefd runs (timedatectl).
    std::function<std::string()> systemTimezone = [] { return std::string("UTC"); };
    CronFlavor installedCron = CronFlavor::Cronie;
    std::string chiefdPath = CHIEF_INSTALLED_CHIEFD;  // how exported lines and units call chiefd
    bool perUser = false;                              // a per-user chiefd (--user): lines call chiefd --once --user
};

class DaemonControl final : public ControlApi {
public:
    DaemonControl(Daemon& daemon, const Clock& clock, const ControlAccess& access, std::string version,
                  ExportHost host = {});

    bus::ManagerState manager() const override;
    std::vector<bus::JobSummary> listJobs() const override;
    std::optional<bus::JobSummary> job(std::string_view name) const override;
    ControlResult<ReplyTask> previewJobs(std::string_view job, unsigned count,
                                         std::optional<SysSeconds> from) const override;
    ControlResult<std::string> exportCron(std::string_view job) const override;
    ControlResult<std::string> exportCrontab(std::string_view job, std::string_view flavor) const override;
    ControlResult<std::string> exportSystemd(std::string_view job, std::string_view runner) const override;
    ControlResult<std::string> exportKubernetes(std::string_view job, std::string_view image,
                                                std::string_view namespaceName) const override;
    ControlResult<std::vector<bus::RunEntry>> listRuns(std::string_view job, unsigned limit) const override;
    ControlResult<bus::RunEntry> getRun(std::string_view runId) const override;
    ControlResult<std::vector<bus::ScriptOutput>> runOutput(const Caller& caller, std::string_view runId) const override;
    ControlResult<bus::RunAccepted> runJob(const Caller& caller, std::string_view job, bool force) override;
    ControlResult<bus::RunJobsOutcome> runJobs(const Caller& caller, const std::vector<std::string>& names,
                                               bool respectSchedule) override;
    ControlResult<Done> cancelRun(const Caller& caller, std::string_view runId) override;
    ControlResult<std::vector<std::string>> cancelJob(const Caller& caller, std::string_view job) override;
    ControlResult<Done> reload(const Caller& caller) override;
    ControlResult<bool> pauseJob(const Caller& caller, std::string_view job) override;
    ControlResult<bool> resumeJob(const Caller& caller, std::string_view job) override;

private:
    // A run in progress in this chiefd, or one in the history (re-read once if not found).
    ControlResult<const RunRecord*> findRun(std::string_view runId) const;
    bus::JobSummary summaryOf(const JobView& view) const;
    ControlError denied(const char* what) const;

    Daemon& daemon_;
    const Clock& clock_;
    const ControlAccess& access_;
    std::string version_;
    ExportHost host_;
};

}  // namespace chief::daemon
