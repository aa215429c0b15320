#pragma once
// SystemClock: the real time (CLOCK_REALTIME), in milliseconds.

#include "monitor/core/clock.h"

namespace chief::monitor {

class SystemClock final : public Clock {
public:
    EventTime now() const override {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    }
};

}  // namespace chief::monitor
