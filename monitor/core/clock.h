#pragma once
// Clock: where the monitor's logic learns the time, so tests can set it.

#include "chief/telemetry_event.h"

namespace chief::monitor {

using telemetry::EventTime;

// The current UTC instant; the real one reads CLOCK_REALTIME, tests use a settable fake.
class Clock {
public:
    virtual ~Clock() = default;
    virtual EventTime now() const = 0;
};

}  // namespace chief::monitor
