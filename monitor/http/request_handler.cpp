#include "monitor/http/request_handler.h"

#include <boost/asio/post.hpp>

namespace chief::monitor {

ServiceThreadHandler::ServiceThreadHandler(ApiRouter& router, MonitorService& service,
                                           boost::asio::io_context& serverIo, boost::asio::io_context& serviceIo,
                                           std::size_t maxQueuedIngestBytes)
    : router_(router),
      service_(service),
      serverIo_(serverIo),
      serviceIo_(serviceIo),
      maxQueuedIngestBytes_(maxQueuedIngestBytes) {}

void ServiceThreadHandler::answer(std::function<void(HttpReply)> done, HttpReply reply) {
    boost::asio::post(serverIo_, [done = std::move(done), reply = std::move(reply)]() mutable { done(std::move(reply)); });
}

void ServiceThreadHandler::handle(const HttpRequestView& request, std::function<void(HttpReply)> done) {
    PreparedRequest prepared = router_.prepare(request);
    if (prepared.reply) {
        done(std::move(*prepared.reply));
        return;
    }
    const std::size_t bytes = prepared.ingest ? request.body.size() : 0;
    // One request alone always fits; it is the queue behind it that is bounded.
    const std::size_t before = bytes > 0 ? queuedIngestBytes_.fetch_add(bytes) : 0;
    if (before > 0 && before + bytes > maxQueuedIngestBytes_) {
        queuedIngestBytes_.fetch_sub(bytes);
        HttpReply busy = errorReply(503, "Too many events waiting to be stored; retry shortly");
        busy.headers.emplace_back("Retry-After", "1");
        done(std::move(busy));
        return;
    }
    boost::asio::post(serviceIo_, [this, bytes, prepared = std::move(prepared), done = std::move(done)]() mutable {
        if (prepared.ingest) {
            pending_.push_back({std::move(prepared.events), prepared.received, bytes, std::move(done)});
            // Queued behind whatever else is waiting, so requests posted meanwhile join the group.
            if (!flushQueued_) {
                flushQueued_ = true;
                boost::asio::post(serviceIo_, [this] { flush(); });
            }
            return;
        }
        answer(std::move(done), router_.execute(std::move(prepared)));
    });
}

void ServiceThreadHandler::flush() {
    flushQueued_ = false;
    std::vector<PendingIngest> group = std::move(pending_);
    pending_.clear();
    if (group.empty()) return;
    largestGroup_ = std::max(largestGroup_, group.size());
    std::vector<std::vector<telemetry::TelemetryEvent>> batches;
    batches.reserve(group.size());
    for (PendingIngest& request : group) batches.push_back(std::move(request.events));
    std::vector<IngestOutcome> outcomes(group.size());
    try {
        std::vector<IngestResult> results = service_.ingestGroup(std::move(batches));
        for (std::size_t i = 0; i < group.size(); ++i) outcomes[i].result = results[i];
    } catch (const StoreError& failure) {
        for (IngestOutcome& outcome : outcomes) outcome.storeError = failure.what();
    }
    for (std::size_t i = 0; i < group.size(); ++i) {
        queuedIngestBytes_.fetch_sub(group[i].bytes);
        answer(std::move(group[i].done), router_.ingestReply(outcomes[i], group[i].received));
    }
}

}  // namespace chief::monitor
