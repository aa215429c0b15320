#pragma once
// BusClient: ChiefClient over sd-bus, on the system bus (default), the session bus (--user) or
// the system bus of another host through ssh (-H [user@]host, sd_bus_open_system_remote).
// sd-bus stays inside bus_client.cpp.

#include <memory>
#include <optional>
#include <string>

#include "chief_client.h"
#include "command_line.h"

namespace chief::ctl {

// Where chiefd is asked.
struct BusTarget {
    BusKind kind = BusKind::System;
    std::optional<std::string> host;  // -H: that host's system bus
    // chiefctl also looked on the user's own bus (a non-root user without --system/--user):
    // "not running" then names both.
    bool userBusTriedToo = false;

    // "the system bus", "the session bus", "the system bus of HOST".
    std::string describe() const;
};

// A failed call as chiefctl reports it: `result` is the negative errno sd-bus returned,
// `errorName`/`errorMessage` the D-Bus error (empty when there was none). `connected` says
// whether an earlier call on the connection worked (a failure after that is a lost connection).
ClientError classifyCallError(const BusTarget& target, int result, const std::string& errorName,
                              const std::string& errorMessage, bool connected);
// The error for a bus that could not be opened at all.
ClientError noBusError(const BusTarget& target, int result);

class BusClient final : public ChiefClient {
public:
    explicit BusClient(BusTarget target);
    ~BusClient() override;
    BusClient(const BusClient&) = delete;
    BusClient& operator=(const BusClient&) = delete;

    // Whether chiefd owns its name on this bus (NameHasOwner); an error when the bus is unreachable.
    ClientResult<bool> chiefdOnBus();

    ClientResult<ManagerInfo> managerProperties() override;
    ClientResult<std::vector<JobInfo>> listJobs() override;
    ClientResult<JobInfo> getJobProperties(const std::string& name) override;
    ClientResult<std::string> previewJobs(const std::string& job, unsigned count,
                                          std::optional<SysSeconds> from) override;
    ClientResult<std::string> exportCron(const std::string& job) override;
    ClientResult<std::string> exportCrontab(const std::string& job, const std::string& flavor) override;
    ClientResult<std::vector<RunInfo>> listRuns(const std::string& job, unsigned limit) override;
    ClientResult<RunInfo> getRun(const std::string& runId) override;
    ClientResult<Done> watchRuns(const std::string& job) override;
    ClientResult<RunStart> runJob(const std::string& name) override;
    ClientResult<RunJobsAnswer> runJobs(const std::vector<std::string>& names, bool respectSchedule) override;
    ClientResult<Done> cancelRun(const std::string& runId) override;
    ClientResult<Done> reload() override;
    ClientResult<RunEnd> waitForRun(const std::string& runId,
                                    const std::function<void(const ScriptResult&)>& onScriptFinished) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Which bus chiefctl asks: the one named (--system, --user, -H), else the system bus; a
// non-root user whose system bus has no chiefd, but whose own bus has one (a per-user chiefd,
// as chief.py users ran it), gets that one. `probe` says whether chiefd is on a target.
BusTarget chooseBusTarget(BusKind named, bool explicitlyNamed, const std::optional<std::string>& host, bool root,
                          const std::function<bool(const BusTarget&)>& probe);

}  // namespace chief::ctl
