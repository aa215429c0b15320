#include "runner/job_runner.h"

#include <boost/asio/post.hpp>

namespace chief::daemon {

JobRunner::JobRunner(boost::asio::io_context& io, RunServices& services, std::function<void(const RunRecord&)> onRunEnded)
    : io_(io), services_(services), onRunEnded_(std::move(onRunEnded)) {}

void JobRunner::startRun(const RunTicket& ticket) {
    auto run = std::make_unique<JobRun>(ticket, services_, [this, id = ticket.id](const RunRecord& record) {
        // The JobRun is still on the stack here; release it from a fresh handler.
        boost::asio::post(io_, [this, id, record] {
            runs_.erase(id);
            if (onRunEnded_) onRunEnded_(record);
        });
    });
    JobRun* raw = run.get();
    runs_.emplace(ticket.id, std::move(run));
    // Starting from a posted handler keeps the scheduler's call stack free of process work.
    boost::asio::post(io_, [raw] { raw->start(); });
}

bool JobRunner::cancel(const RunId& id) {
    auto it = runs_.find(id);
    if (it == runs_.end() || it->second->finished()) return false;
    it->second->cancel();
    return true;
}

void JobRunner::interruptAll() {
    for (auto& [id, run] : runs_) run->interrupt();
}

const JobRun* JobRunner::find(const RunId& id) const {
    auto it = runs_.find(id);
    return it == runs_.end() ? nullptr : it->second.get();
}

std::vector<const JobRun*> JobRunner::active() const {
    std::vector<const JobRun*> out;
    for (const auto& [id, run] : runs_) out.push_back(run.get());
    return out;
}

}  // namespace chief::daemon
