#pragma once
// HostPresence: whether a chiefd host is online, judged from its chief.heartbeat events.

#include <cstdint>
#include <optional>
#include <string>

#include "chief/telemetry_event.h"

namespace chief::monitor {

using telemetry::EventTime;

// Without ping_interval_seconds in its heartbeats, a host is offline after this long.
inline constexpr std::int64_t kDefaultOfflineAfterSeconds = 45;
// Never sooner than this, whatever the ping interval says.
inline constexpr std::int64_t kMinOfflineAfterSeconds = 5;

// One chiefd host's last heartbeat.
struct HostPresence {
    std::string host;  // "" for a client that sends no host
    EventTime lastHeartbeatAt;
    std::optional<std::int64_t> pingIntervalSeconds;
    bool online = true;  // as last evaluated; the monitor logs each change
    friend bool operator==(const HostPresence&, const HostPresence&) = default;
};

// Twice the ping interval, at least kMinOfflineAfterSeconds; kDefaultOfflineAfterSeconds when unknown.
std::int64_t offlineAfterSeconds(const HostPresence& host);
// Online while now - lastHeartbeatAt <= offlineAfterSeconds.
bool onlineAt(const HostPresence& host, EventTime now);
// The first instant at which the host counts as offline.
EventTime offlineAt(const HostPresence& host);

}  // namespace chief::monitor
