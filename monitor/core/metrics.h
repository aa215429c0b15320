#pragma once
// The monitor's own metrics and their Prometheus text exposition (format 0.0.4).

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "monitor/core/alert.h"
#include "monitor/core/check.h"
#include "monitor/core/host_presence.h"

namespace chief::monitor {

// Durations in seconds in fixed buckets, as a Prometheus histogram.
class LatencyHistogram {
public:
    static constexpr std::array<double, 12> kBounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                    0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
    void observe(double seconds);
    // Per bucket (not cumulative); the last one is +Inf.
    const std::array<std::uint64_t, kBounds.size() + 1>& buckets() const { return buckets_; }
    double sum() const { return sum_; }
    std::uint64_t count() const { return count_; }

private:
    std::array<std::uint64_t, kBounds.size() + 1> buckets_{};
    double sum_ = 0;
    std::uint64_t count_ = 0;
};

// Counters the HTTP server and the webhook sender keep.
struct TrafficCounters {
    std::map<int, std::uint64_t> responsesByStatus;
    std::uint64_t connectionsAccepted = 0;
    std::uint64_t connectionsRejected = 0;  // over the connection limit
    std::uint64_t connectionsOpen = 0;
    std::uint64_t webhooksDelivered = 0;
    std::uint64_t webhookRetries = 0;
    std::uint64_t webhooksFailed = 0;  // gave up
};

// Everything /metrics shows, gathered at one instant.
struct MetricsSnapshot {
    EventTime now;
    std::int64_t eventsInserted = 0;
    std::int64_t eventsDropped = 0;
    std::int64_t eventsStored = 0;
    std::int64_t storeErrors = 0;
    const std::map<CheckKey, Check>* checks = nullptr;
    const std::map<std::int64_t, Alert>* openAlerts = nullptr;
    const std::map<std::string, HostPresence>* hosts = nullptr;
    const LatencyHistogram* ingestLatency = nullptr;
    const TrafficCounters* traffic = nullptr;
};

// The text served at GET /metrics.
std::string renderMetrics(const MetricsSnapshot& snapshot);

// Escapes a label value: backslash, double quote and newline.
std::string escapeLabelValue(std::string_view value);

}  // namespace chief::monitor
