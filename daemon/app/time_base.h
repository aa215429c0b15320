#pragma once
// TimeBase: the mapping between chiefd's wall clock and the real one. Real time in production;
// for benchmarks (chiefd --time-speed N) a clock that runs N times faster from the instant chiefd
// started, so that a thousand minute-granular due instants pass in a couple of minutes while the
// daemon, its timer and its children stay the real ones.

#include <chrono>

#include "chief/run_event.h"
#include "chief/time_types.h"
#include "runner/clock.h"

namespace chief::daemon {

// int64 nanoseconds: at speed 3600 virtual time overflows after ~24 days of real time (years at
// lower speeds); a benchmark runs for minutes.
struct TimeBase {
    std::chrono::nanoseconds origin{0};  // since the epoch; real and virtual time agree here
    long speed = 1;

    bool isReal() const { return speed == 1; }
    // Virtual instant for a real one.
    std::chrono::nanoseconds toVirtual(std::chrono::nanoseconds real) const { return origin + (real - origin) * speed; }
    // Real instant at which the virtual `at` is reached: rounded up, so that a timer armed for
    // it never fires before `at` in virtual time.
    std::chrono::nanoseconds toReal(std::chrono::nanoseconds at) const {
        const auto ahead = at - origin;
        return origin + (ahead.count() > 0 ? (ahead + std::chrono::nanoseconds{speed - 1}) / speed : ahead / speed);
    }
};

// The wall clock as seen through a TimeBase.
class TimeBaseClock final : public Clock {
public:
    explicit TimeBaseClock(TimeBase base) : base_(base) {}
    SysMillis now() const override {
        const auto real = std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::system_clock::now().time_since_epoch());
        return SysMillis{std::chrono::floor<std::chrono::milliseconds>(base_.toVirtual(real))};
    }

private:
    TimeBase base_;
};

}  // namespace chief::daemon
