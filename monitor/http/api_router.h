#pragma once
// ApiRouter: maps one HTTP request to the MonitorService and back (the HTTP API of
// ../shared/spec/monitor-api.md, /metrics and the dashboard's files). Transport-free, so it is
// unit-tested without sockets; the Beast server only moves bytes.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chief/service/logger.h"
#include "monitor/core/metrics.h"
#include "monitor/core/query_string.h"
#include "monitor/http/http_exchange.h"
#include "monitor/http/static_asset.h"
#include "monitor/service/monitor_service.h"

namespace chief::monitor {

// What the router needs to know about the deployment.
struct RouterOptions {
    std::string apiKey;  // empty: no key needed
};

// A request after the part of routing that needs no service state: parsed, authorized, and for
// ingest the body read and validated. Either it is answered already, or it carries what the
// service thread needs (owned copies: the connection's buffers may be gone by then).
struct PreparedRequest {
    std::optional<HttpReply> reply;  // answered: 401, 400, 405, a dashboard file
    bool ingest = false;             // a valid POST /v1/events or /v1/events/batch
    std::vector<telemetry::TelemetryEvent> events;
    std::string method;
    RequestTarget target;
    std::string body;
    std::chrono::steady_clock::time_point received;
};

// What storing one ingest request came to: counts, or the store's failure.
struct IngestOutcome {
    std::optional<IngestResult> result;
    std::string storeError;
};

class ApiRouter {
public:
    ApiRouter(MonitorService& service, service::Logger& logger, RouterOptions options,
              std::span<const StaticAsset> assets = dashboardAssets());

    // Any thread: touches no service state. Auth, targets, dashboard files, ingest validation.
    PreparedRequest prepare(const HttpRequestView& request) const;
    // The service's thread: everything else.
    HttpReply execute(PreparedRequest&& request);
    // The service's thread: the answer to a stored (or failed) ingest request.
    HttpReply ingestReply(const IngestOutcome& outcome, std::chrono::steady_clock::time_point received);
    // prepare() and execute() in one go, for a single thread (and the tests).
    HttpReply handle(const HttpRequestView& request);

    const LatencyHistogram& ingestLatency() const { return ingestLatency_; }
    // /metrics shows these too (the server counts into them).
    void setTraffic(const TrafficCounters* traffic) { traffic_ = traffic; }

private:
    HttpReply route(PreparedRequest& request);
    HttpReply jobs();
    HttpReply closeAlert(std::string_view id, std::string_view body);
    HttpReply metrics();
    std::optional<HttpReply> asset(const HttpRequestView& request, const std::string& path) const;

    MonitorService& service_;
    service::Logger& logger_;
    const TrafficCounters* traffic_ = nullptr;
    RouterOptions options_;
    std::span<const StaticAsset> assets_;
    LatencyHistogram ingestLatency_;
    // GET /v1/status/jobs serialized once per state version: with 1,000 jobs that is most of
    // its cost, and a dashboard polls it every few seconds.
    std::optional<std::uint64_t> jobsVersion_;
    std::string jobsBody_;
};

}  // namespace chief::monitor
