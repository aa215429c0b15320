#pragma once
// ApiRouter: maps one HTTP request to the MonitorService and back (the HTTP API of
// ../shared/spec/monitor-api.md, /metrics and the dashboard's files). Transport-free, so it is
// unit-tested without sockets; the Beast server only moves bytes.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "monitor/core/logger.h"
#include "monitor/core/metrics.h"
#include "monitor/http/http_exchange.h"
#include "monitor/http/static_asset.h"
#include "monitor/service/monitor_service.h"

namespace chief::monitor {

// What the router needs to know about the deployment.
struct RouterOptions {
    std::string apiKey;  // empty: no key needed
};

class ApiRouter {
public:
    ApiRouter(MonitorService& service, Logger& logger, TrafficCounters& traffic, RouterOptions options,
              std::span<const StaticAsset> assets = dashboardAssets());

    HttpReply handle(const HttpRequestView& request);

    const LatencyHistogram& ingestLatency() const { return ingestLatency_; }

private:
    HttpReply route(const HttpRequestView& request);
    HttpReply ingest(const HttpRequestView& request, bool batch);
    HttpReply jobs();
    HttpReply closeAlert(std::string_view id, std::string_view body);
    HttpReply metrics();
    std::optional<HttpReply> asset(const HttpRequestView& request, const std::string& path) const;

    MonitorService& service_;
    Logger& logger_;
    TrafficCounters& traffic_;
    RouterOptions options_;
    std::span<const StaticAsset> assets_;
    LatencyHistogram ingestLatency_;
    // GET /v1/status/jobs serialized once per state version: with 1,000 jobs that is most of
    // its cost, and a dashboard polls it every few seconds.
    std::optional<std::uint64_t> jobsVersion_;
    std::string jobsBody_;
};

}  // namespace chief::monitor
