#pragma once
// ChangeAnnouncer: after each committed transaction, writes alert, check-status and host
// changes to the journal (with MESSAGE_IDs and CHIEF_* fields), and tells the webhook
// dispatcher and the evaluator timer.

#include <functional>

#include "chief/service/logger.h"
#include "monitor/service/monitor_service.h"

namespace chief::monitor {

class ChangeAnnouncer final : public ServiceObserver {
public:
    explicit ChangeAnnouncer(service::Logger& logger) : logger_(logger) {}

    // Set once the dispatcher and the timer exist (they need the service, which needs this).
    void onDeliveriesQueued(std::function<void()> callback) { deliveriesQueued_ = std::move(callback); }
    void onDeadlinesChanged(std::function<void()> callback) { deadlinesChanged_ = std::move(callback); }

    void committed(const StateChanges& changes, std::size_t deliveriesQueued) override;

private:
    service::Logger& logger_;
    std::function<void()> deliveriesQueued_;
    std::function<void()> deadlinesChanged_;
};

}  // namespace chief::monitor
