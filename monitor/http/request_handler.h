#pragma once
// RequestHandler: how the HTTP server hands a request to the API and gets its reply back.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "monitor/http/api_router.h"

namespace chief::monitor {

class RequestHandler {
public:
    virtual ~RequestHandler() = default;
    // Called on the server's thread; `done` runs exactly once, on the server's thread.
    virtual void handle(const HttpRequestView& request, std::function<void(HttpReply)> done) = 0;
};

// Everything on the server's own thread, one request at a time (tests, and a single-threaded
// build of the monitor).
class InlineRequestHandler final : public RequestHandler {
public:
    explicit InlineRequestHandler(ApiRouter& router) : router_(router) {}
    void handle(const HttpRequestView& request, std::function<void(HttpReply)> done) override {
        done(router_.handle(request));
    }

private:
    ApiRouter& router_;
};

// The service on a thread of its own (its io_context runs the store, the state machine, the
// timers and the webhooks): the server's thread parses, authorizes and validates, which is most
// of the CPU an ingest costs, while the service's thread waits for the disk. Ingest requests
// that arrive while a transaction is being committed are committed together in the next one
// (group commit: one sync for all of them, each request still all or nothing).
class ServiceThreadHandler final : public RequestHandler {
public:
    // Ingest bodies waiting for the service thread may hold up to `maxQueuedIngestBytes`
    // (counted as received); past that, ingest requests get 503 with Retry-After until the
    // queue drains, so a flood of large batches cannot grow memory without bound.
    ServiceThreadHandler(ApiRouter& router, MonitorService& service, boost::asio::io_context& serverIo,
                         boost::asio::io_context& serviceIo, std::size_t maxQueuedIngestBytes = 64 * 1024 * 1024);
    void handle(const HttpRequestView& request, std::function<void(HttpReply)> done) override;

    // How many requests the largest group held (for the benchmark notes).
    std::size_t largestGroup() const { return largestGroup_; }

private:
    struct PendingIngest {
        std::vector<telemetry::TelemetryEvent> events;
        std::chrono::steady_clock::time_point received;
        std::size_t bytes = 0;
        std::function<void(HttpReply)> done;
    };
    void flush();  // on the service's thread
    void answer(std::function<void(HttpReply)> done, HttpReply reply);

    ApiRouter& router_;
    MonitorService& service_;
    boost::asio::io_context& serverIo_;
    boost::asio::io_context& serviceIo_;
    std::size_t maxQueuedIngestBytes_;
    std::atomic<std::size_t> queuedIngestBytes_{0};  // both threads
    // Touched on the service's thread only.
    std::vector<PendingIngest> pending_;
    bool flushQueued_ = false;
    std::size_t largestGroup_ = 0;
};

}  // namespace chief::monitor
