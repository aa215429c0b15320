#include "monitor/app/retention_runner.h"

#include "monitor/core/message_ids.h"

namespace chief::monitor {

namespace {
// A short pause between batches: other handlers (ingest) run in between anyway; the pause
// keeps a large backlog from taking most of the disk's sync budget.
constexpr std::chrono::milliseconds kBetweenBatches{20};
constexpr std::chrono::seconds kFirstPass{5};
}  // namespace

RetentionRunner::RetentionRunner(boost::asio::io_context& io, MonitorService& service, service::Logger& logger,
                                 std::int64_t retentionDays, std::chrono::seconds interval, std::size_t batchRows)
    : timer_(io),
      service_(service),
      logger_(logger),
      retentionDays_(retentionDays),
      interval_(interval),
      batchRows_(batchRows) {}

void RetentionRunner::start() {
    stopped_ = false;
    schedule(kFirstPass);
}

void RetentionRunner::stop() {
    stopped_ = true;
    timer_.cancel();
}

void RetentionRunner::schedule(std::chrono::milliseconds delay) {
    timer_.expires_after(delay);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && !stopped_) step();
    });
}

void RetentionRunner::step() {
    std::size_t removed = 0;
    try {
        removed = service_.pruneStep(retentionDays_, batchRows_);
    } catch (const StoreError& failure) {
        logger_.log(service::LogLevel::Error, std::string("Retention pruning failed, retrying next interval: ") + failure.what(),
                    {}, message_id::kStoreError);
        prunedThisPass_ = 0;
        return schedule(interval_);
    }
    prunedThisPass_ += removed;
    if (removed > 0) return schedule(kBetweenBatches);
    if (prunedThisPass_ > 0) {
        logger_.log(service::LogLevel::Info,
                    "Retention: removed " + std::to_string(prunedThisPass_) + " rows older than " +
                        std::to_string(retentionDays_) + " days",
                    {{"CHIEF_PRUNED_ROWS", std::to_string(prunedThisPass_)}}, message_id::kRetentionPruned);
    }
    prunedThisPass_ = 0;
    schedule(interval_);
}

}  // namespace chief::monitor
