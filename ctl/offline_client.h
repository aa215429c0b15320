#pragma once
// OfflineClient: ChiefClient answered from a config file by the core, without chiefd (`--config
// PATH`), as snapper's client can talk to its daemon or to the library. It answers what a file
// can tell: list, show, preview and export-cron; run-time state (runs, history, chiefd's own
// status) needs chiefd, and those calls say so.

#include "chief/config_loader.h"
#include "chief/cron_exporter.h"
#include "chief_client.h"

namespace chief::ctl {

class OfflineClient final : public ChiefClient {
public:
    struct Host {
        SysSeconds now;
        std::string systemTimezone;
        CronFlavor installedCron = CronFlavor::Cronie;  // what export-cron --cron auto means here
        bool perUser = false;  // a non-root user: exported lines are for their own crontab
    };
    // `config` must outlive the client.
    OfflineClient(const Config& config, Host host) : config_(config), host_(std::move(host)) {}

    ClientResult<bus::ManagerState> managerProperties() override;
    ClientResult<std::vector<bus::JobSummary>> listJobs() override;
    ClientResult<bus::JobSummary> getJobProperties(const std::string& name) override;
    ClientResult<Done> previewJobs(const std::string& job, unsigned count, std::optional<SysSeconds> from,
                                   PreviewSink& sink) override;
    ClientResult<std::string> exportCron(const std::string& job) override;
    ClientResult<std::string> exportCrontab(const std::string& job, const std::string& flavor) override;
    ClientResult<std::string> exportSystemd(const std::string& job, const std::string& runner,
                                            bool includeEnvironment) override;
    ClientResult<std::string> exportKubernetes(const std::string& job, const std::string& image,
                                               const std::string& namespaceName, bool includeEnvironment) override;
    ClientResult<std::vector<bus::RunEntry>> listRuns(const std::string& job, unsigned limit) override;
    ClientResult<bus::RunEntry> getRun(const std::string& runId) override;
    ClientResult<Done> watchRuns(const std::string& job) override;
    ClientResult<bus::RunAccepted> runJob(const std::string& name) override;
    ClientResult<bus::RunAccepted> runJobForced(const std::string& name) override;
    ClientResult<bool> pauseJob(const std::string& name) override;
    ClientResult<bool> resumeJob(const std::string& name) override;
    ClientResult<bus::RunJobsOutcome> runJobs(const std::vector<std::string>& names, bool respectSchedule) override;
    ClientResult<std::vector<bus::ScriptOutput>> runOutput(const std::string& runId) override;
    ClientResult<Done> cancelRun(const std::string& runId) override;
    ClientResult<std::vector<std::string>> cancelJob(const std::string& job) override;
    ClientResult<Done> reload() override;
    ClientResult<bus::RunEnd> waitForRun(const std::string& runId,
                                         const std::function<void(const bus::ScriptEntry&)>& onScriptFinished) override;

private:
    const Config& config_;
    Host host_;
};

}  // namespace chief::ctl
