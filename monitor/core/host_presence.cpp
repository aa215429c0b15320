#include "monitor/core/host_presence.h"

#include <algorithm>

namespace chief::monitor {

std::int64_t offlineAfterSeconds(const HostPresence& host) {
    if (!host.pingIntervalSeconds) return kDefaultOfflineAfterSeconds;
    return std::max(kMinOfflineAfterSeconds, *host.pingIntervalSeconds * 2);
}

bool onlineAt(const HostPresence& host, EventTime now) { return now < offlineAt(host); }

EventTime offlineAt(const HostPresence& host) {
    return host.lastHeartbeatAt + std::chrono::seconds{offlineAfterSeconds(host)} + std::chrono::milliseconds{1};
}

}  // namespace chief::monitor
