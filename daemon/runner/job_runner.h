#pragma once
// JobRunner: the RunStarter chiefd uses: keeps every JobRun alive while it runs.

#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <memory>

#include "runner/job_run.h"

namespace chief::daemon {

// Starts runs on the event loop and reports each one's end (after RunFinished was published)
// through `onRunEnded`, from a fresh handler so callers may start further runs from it.
class JobRunner final : public RunStarter {
public:
    JobRunner(boost::asio::io_context& io, RunServices& services, std::function<void(const RunRecord&)> onRunEnded);

    void startRun(const RunTicket& ticket) override;
    // Cancels a run; false if no such run is in progress.
    bool cancel(const RunId& id);
    // chiefd is stopping: every run ends as interrupted.
    void interruptAll();
    std::size_t activeCount() const { return runs_.size(); }
    const JobRun* find(const RunId& id) const;
    std::vector<const JobRun*> active() const;

private:
    boost::asio::io_context& io_;
    RunServices& services_;
    std::function<void(const RunRecord&)> onRunEnded_;
    std::map<RunId, std::unique_ptr<JobRun>> runs_;
};

}  // namespace chief::daemon
