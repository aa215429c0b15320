#include "monitor/app/evaluator_timer.h"

#include <algorithm>

#include "monitor/core/message_ids.h"

namespace chief::monitor {

EvaluatorTimer::EvaluatorTimer(boost::asio::io_context& io, MonitorService& service, service::Logger& logger,
                               std::chrono::seconds safetyInterval)
    : timer_(io), service_(service), logger_(logger), safetyInterval_(safetyInterval) {}

void EvaluatorTimer::start() {
    stopped_ = false;
    arm();
}

void EvaluatorTimer::stop() {
    stopped_ = true;
    timer_.cancel();
}

void EvaluatorTimer::deadlinesChanged() {
    if (stopped_) return;
    const auto next = service_.nextDeadline();
    if (next && (!armedFor_ || *next < *armedFor_)) arm();
}

void EvaluatorTimer::arm() {
    const EventTime now = service_.now();
    EventTime target = now + safetyInterval_;
    if (const auto next = service_.nextDeadline(); next && *next < target) target = std::max(*next, now);
    armedFor_ = target;
    // A steady timer for the wait: a wall-clock jump changes when it fires by at most the
    // safety interval, after which the re-check re-arms from the new wall-clock time.
    timer_.expires_after(target - now);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) fire();
    });
}

void EvaluatorTimer::fire() {
    if (stopped_) return;
    try {
        service_.evaluate();
    } catch (const StoreError& failure) {
        logger_.log(service::LogLevel::Error, std::string("Evaluating checks failed, retrying: ") + failure.what(), {},
                    message_id::kStoreError);
    }
    arm();
}

}  // namespace chief::monitor
