#pragma once
// TelemetryStatus: what chiefctl status and the D-Bus manager show about telemetry. Written by
// the telemetry thread, read by chiefd's loop: guarded by a mutex.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

namespace chief::daemon::telemetry {

struct TelemetrySnapshot {
    bool enabled = false;
    bool connected = false;            // the last request got a 2xx
    std::uint64_t pendingMemory = 0;   // made, not yet in the spool
    std::uint64_t pendingSpool = 0;    // in the spool, not yet acknowledged
    std::uint64_t delivered = 0;       // acknowledged since chiefd started
    std::uint64_t dead = 0;            // refused by the monitor, in <spool>.dead
    std::uint64_t dropped = 0;         // lost to the spool bound or a full queue
    std::string lastError;             // the last delivery problem ("" when none)
    std::uint64_t flushesDone = 0;     // chiefd --once: flush requests the telemetry thread has handled
};

class TelemetryStatus {
public:
    TelemetrySnapshot snapshot() const {
        std::lock_guard lock(mutex_);
        return state_;
    }
    template <typename F>
    void update(F&& change) {
        {
            std::lock_guard lock(mutex_);
            change(state_);
        }
        changed_.notify_all();
    }
    // Waits until `done(state)` holds or the deadline passes; returns whether it held.
    template <typename F, typename Deadline>
    bool waitUntil(F&& done, Deadline deadline) {
        std::unique_lock lock(mutex_);
        return changed_.wait_until(lock, deadline, [&] { return done(state_); });
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    TelemetrySnapshot state_;
};

}  // namespace chief::daemon::telemetry
