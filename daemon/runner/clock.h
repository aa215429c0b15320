#pragma once
// Clock: where chiefd reads the wall clock, so tests can substitute a fake one.

#include <chrono>

#include "chief/run_event.h"

namespace chief::daemon {

// The current wall-clock instant.
class Clock {
public:
    virtual ~Clock() = default;
    virtual SysMillis now() const = 0;
};

// The real wall clock (CLOCK_REALTIME).
class SystemClock final : public Clock {
public:
    SysMillis now() const override {
        return date::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    }
};

}  // namespace chief::daemon
