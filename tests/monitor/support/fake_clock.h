#pragma once
// FakeClock: a Clock that tests set and advance by hand.

#include "monitor/core/clock.h"

namespace chief::monitor::testing {

class FakeClock final : public Clock {
public:
    explicit FakeClock(EventTime start) : now_(start) {}
    EventTime now() const override { return now_; }
    void set(EventTime now) { now_ = now; }
    template <typename Duration>
    void advance(Duration by) { now_ += std::chrono::duration_cast<std::chrono::milliseconds>(by); }

private:
    EventTime now_;
};

}  // namespace chief::monitor::testing
