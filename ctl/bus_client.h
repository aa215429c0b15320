#pragma once
// BusClient: ChiefClient over sd-bus, on the system bus (default), the session bus (--user) or
// the system bus of another host through ssh (-H [user@]host, sd_bus_open_system_remote).
// This file decodes the contract: values go on and off the wire through the shared codec
// (chief/dbus/codec.h). The connection and its calls are BusConnection (bus_connection.h), the
// signals that follow a run RunWatch (run_watch.h); neither appears in this header, so its users
// never see sd-bus.

#include <memory>
#include <optional>
#include <string>

#include "bus_target.h"
#include "chief_client.h"

namespace chief::ctl {

class BusClient final : public ChiefClient {
public:
    explicit BusClient(BusTarget target);
    ~BusClient() override;
    BusClient(const BusClient&) = delete;
    BusClient& operator=(const BusClient&) = delete;

    // Whether chiefd owns its name on this bus (NameHasOwner); an error when the bus is unreachable.
    ClientResult<bool> chiefdOnBus();

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
    ClientResult<bus::RunAccepted> startRun(const char* method, const std::string& name);
    ClientResult<bool> changeJob(const char* method, const std::string& name);
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace chief::ctl
