#pragma once
// TelemetryInbox: the hand-over from chiefd's loop (which makes events) to the telemetry thread
// (which spools and sends them). Bounded in bytes: when the telemetry thread cannot keep up
// (the disk stalls), new events are refused and counted instead of growing memory.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace chief::daemon::telemetry {

class TelemetryInbox {
public:
    explicit TelemetryInbox(std::size_t maxBytes) : maxBytes_(maxBytes) {}

    // Adds one event line; false (and counted) when the inbox is full. Returns the count held
    // afterwards through `held`.
    bool push(std::string line, std::size_t& held);
    // Everything held, oldest first.
    std::vector<std::string> take();
    std::size_t size() const;
    std::uint64_t refused() const;

private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
    std::size_t bytes_ = 0;
    std::size_t maxBytes_;
    std::uint64_t refused_ = 0;
};

}  // namespace chief::daemon::telemetry
