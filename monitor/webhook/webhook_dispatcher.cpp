#include "monitor/webhook/webhook_dispatcher.h"

#include <algorithm>

#include "monitor/core/http_url.h"
#include "monitor/core/message_ids.h"
#include "monitor/webhook/hmac.h"

namespace chief::monitor {

namespace {
// When the store fails, try again after this long.
constexpr std::chrono::seconds kStoreRetry{5};
}  // namespace

WebhookDispatcher::WebhookDispatcher(boost::asio::io_context& io, MonitorStore& store, const Clock& clock,
                                     WebhookSender& sender, std::vector<WebhookTarget> targets, service::Logger& logger,
                                     TrafficCounters& traffic, RetryPolicy policy, std::chrono::milliseconds sendTimeout)
    : io_(io),
      store_(store),
      clock_(clock),
      sender_(sender),
      targets_(std::move(targets)),
      logger_(logger),
      traffic_(traffic),
      policy_(policy),
      sendTimeout_(sendTimeout),
      timer_(io) {}

void WebhookDispatcher::start() {
    stopped_ = false;
    pump();
}

void WebhookDispatcher::wake() {
    if (!stopped_) pump();
}

void WebhookDispatcher::stop() {
    stopped_ = true;
    timer_.cancel();
}

const WebhookTarget* WebhookDispatcher::targetFor(const std::string& url) const {
    const auto it = std::find_if(targets_.begin(), targets_.end(), [&](const WebhookTarget& t) { return t.url == url; });
    return it == targets_.end() ? nullptr : &*it;
}

void WebhookDispatcher::pump() {
    if (stopped_) return;
    try {
        const EventTime now = clock_.now();
        if (inFlight_.size() < kMaxDeliveriesInFlight) {
            for (WebhookDelivery& delivery : store_.dueDeliveries(now, kMaxDeliveriesInFlight)) {
                if (inFlight_.size() >= kMaxDeliveriesInFlight) break;
                if (inFlight_.contains(delivery.id)) continue;
                const WebhookTarget* target = targetFor(delivery.url);
                if (target == nullptr) {
                    // The webhook was removed from the settings since this was queued.
                    store_.recordAttempt({delivery.id, now, WebhookDelivery::Status::Failed, std::nullopt, std::nullopt,
                                          "webhook no longer configured"});
                    continue;
                }
                // Not due again while in flight, and retried later if we stop mid-send.
                store_.leaseDelivery(delivery.id, now + sendTimeout_ + std::chrono::seconds{5});
                inFlight_.insert(delivery.id);
                WebhookPost post;
                post.url = delivery.url;
                post.body = delivery.payload;
                post.headers.emplace_back("X-Chief-Event", "alert." + delivery.transition);
                post.headers.emplace_back("X-Chief-Delivery", std::to_string(delivery.id));
                if (!target->secret.empty())
                    post.headers.emplace_back("X-Chief-Signature", webhookSignature(target->secret, delivery.payload));
                sender_.post(std::move(post), [this, delivery](WebhookOutcome outcome) { onOutcome(delivery, outcome); });
            }
        }
    } catch (const StoreError& failure) {
        logger_.log(service::LogLevel::Error, std::string("Webhook outbox unreadable, retrying: ") + failure.what(), {},
                    message_id::kStoreError);
        timer_.expires_after(kStoreRetry);
        timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) pump();
        });
        return;
    }
    arm();
}

void WebhookDispatcher::arm() {
    if (stopped_) return;
    std::optional<EventTime> next;
    try {
        next = store_.nextDeliveryAt();
    } catch (const StoreError&) {
        next = clock_.now() + kStoreRetry;
    }
    timer_.cancel();
    if (!next) return;
    const auto wait = std::max(std::chrono::milliseconds{0}, *next - clock_.now());
    timer_.expires_after(wait);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) pump();
    });
}

void WebhookDispatcher::onOutcome(const WebhookDelivery& delivery, const WebhookOutcome& outcome) {
    inFlight_.erase(delivery.id);
    if (stopped_) return;  // the lease brings it back after a restart
    const EventTime now = clock_.now();
    const std::int64_t attempts = delivery.attempts + 1;
    DeliveryAttempt attempt;
    attempt.deliveryId = delivery.id;
    attempt.attemptedAt = now;
    if (outcome.status) attempt.responseCode = *outcome.status;
    const bool delivered = outcome.status && *outcome.status >= 200 && *outcome.status < 300;
    if (delivered) {
        attempt.status = WebhookDelivery::Status::Delivered;
        ++traffic_.webhooksDelivered;
    } else {
        attempt.error = outcome.status ? "HTTP " + std::to_string(*outcome.status) : outcome.error;
        const bool retryable = !outcome.status || retryableStatus(*outcome.status);
        const auto delay = retryable ? policy_.delayAfter(attempts) : std::nullopt;
        if (delay) {
            attempt.status = WebhookDelivery::Status::Pending;
            attempt.nextAttemptAt = now + *delay;
            ++traffic_.webhookRetries;
        } else {
            attempt.status = WebhookDelivery::Status::Failed;
            ++traffic_.webhooksFailed;
            logger_.log(service::LogLevel::Warning,
                        "Webhook " + redactUrl(delivery.url) + " gave up on alert " + std::to_string(delivery.alertId) +
                            " after " + std::to_string(attempts) + " attempts: " + *attempt.error,
                        {{"CHIEF_ALERT_ID", std::to_string(delivery.alertId)}, {"CHIEF_WEBHOOK", redactUrl(delivery.url)}},
                        message_id::kWebhookFailed);
        }
    }
    try {
        store_.recordAttempt(attempt);
    } catch (const StoreError& failure) {
        logger_.log(service::LogLevel::Error, std::string("Recording a webhook attempt failed: ") + failure.what(), {},
                    message_id::kStoreError);
    }
    pump();
}

}  // namespace chief::monitor
