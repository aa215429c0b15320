#pragma once
// The monitor's own metrics and their Prometheus text exposition (format 0.0.4).

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <string>

#include "monitor/core/alert.h"
#include "monitor/core/check.h"
#include "monitor/core/host_presence.h"

namespace chief::monitor {

// Durations in seconds in fixed buckets, as a Prometheus histogram. Safe to observe from one
// thread while another reads (relaxed atomics: each value is exact, the set is near-simultaneous).
class LatencyHistogram {
public:
    static constexpr std::array<double, 12> kBounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                    0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
    void observe(double seconds);
    // Per bucket (not cumulative); the last one is +Inf.
    std::uint64_t bucket(std::size_t index) const { return buckets_.at(index).load(std::memory_order_relaxed); }
    double sum() const { return static_cast<double>(sumMicros_.load(std::memory_order_relaxed)) / 1e6; }
    std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

private:
    std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};
    std::atomic<std::uint64_t> sumMicros_{0};
    std::atomic<std::uint64_t> count_{0};
};

// Counters the HTTP server and the webhook sender keep, from whichever thread they run on.
struct TrafficCounters {
    static constexpr int kMinStatus = 100;
    static constexpr int kMaxStatus = 599;
    void countResponse(int status) {
        if (status >= kMinStatus && status <= kMaxStatus)
            responsesByStatus[static_cast<std::size_t>(status - kMinStatus)].fetch_add(1, std::memory_order_relaxed);
    }
    std::uint64_t responses(int status) const {
        if (status < kMinStatus || status > kMaxStatus) return 0;
        return responsesByStatus[static_cast<std::size_t>(status - kMinStatus)].load(std::memory_order_relaxed);
    }
    std::array<std::atomic<std::uint64_t>, kMaxStatus - kMinStatus + 1> responsesByStatus{};
    std::atomic<std::uint64_t> connectionsAccepted{0};
    std::atomic<std::uint64_t> connectionsRejected{0};  // over the connection limit
    std::atomic<std::uint64_t> connectionsOpen{0};
    std::atomic<std::uint64_t> webhooksDelivered{0};
    std::atomic<std::uint64_t> webhookRetries{0};
    std::atomic<std::uint64_t> webhooksFailed{0};  // gave up
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
