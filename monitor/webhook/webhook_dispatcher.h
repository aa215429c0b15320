#pragma once
// WebhookDispatcher: delivers the webhook outbox. Alert transitions are queued in the store in
// the same transaction that changed the alert; this sends each (signed when its webhook has a
// secret), records every attempt (the delivery log), and retries with backoff.

#include <chrono>
#include <cstdint>
#include <set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "monitor/core/clock.h"
#include "chief/service/logger.h"
#include "monitor/core/metrics.h"
#include "monitor/core/retry_policy.h"
#include "monitor/core/webhook_payload.h"
#include "monitor/store/monitor_store.h"
#include "monitor/webhook/webhook_sender.h"

namespace chief::monitor {

class WebhookDispatcher {
public:
    WebhookDispatcher(boost::asio::io_context& io, MonitorStore& store, const Clock& clock, WebhookSender& sender,
                      std::vector<WebhookTarget> targets, service::Logger& logger, TrafficCounters& traffic,
                      RetryPolicy policy = {}, std::chrono::milliseconds sendTimeout = std::chrono::seconds{10});

    // Sends what is due (left over from before a restart, too) and keeps going.
    void start();
    // New deliveries were queued: send them now.
    void wake();
    void stop();

    std::size_t inFlight() const { return inFlight_.size(); }

private:
    void pump();
    void arm();
    void onOutcome(const WebhookDelivery& delivery, const WebhookOutcome& outcome);
    const WebhookTarget* targetFor(const std::string& url) const;

    boost::asio::io_context& io_;
    MonitorStore& store_;
    const Clock& clock_;
    WebhookSender& sender_;
    std::vector<WebhookTarget> targets_;
    service::Logger& logger_;
    TrafficCounters& traffic_;
    RetryPolicy policy_;
    std::chrono::milliseconds sendTimeout_;
    boost::asio::steady_timer timer_;
    std::set<std::int64_t> inFlight_;
    bool stopped_ = true;
};

// At most this many deliveries are in flight at once.
inline constexpr std::size_t kMaxDeliveriesInFlight = 4;

}  // namespace chief::monitor
