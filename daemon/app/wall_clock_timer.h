#pragma once
// WallClockTimer: fires at an absolute wall-clock instant and notices when the clock is set.

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <optional>

#include "app/time_base.h"
#include "chief/run_event.h"

namespace chief::daemon {

// A timerfd on CLOCK_REALTIME armed with TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET: it fires
// when the wall clock reaches the instant (also right after a resume from suspend, if the
// instant passed meanwhile), and reports a clock change (settimeofday, an NTP step) instead of
// silently firing early or late. Asio's own timers measure durations and would miss both.
class WallClockTimer {
public:
    enum class Wake { Due, ClockChanged };
    using Handler = std::function<void(Wake)>;

    // `base` maps the instants given to arm() to real ones (real time unless benchmarking).
    WallClockTimer(boost::asio::io_context& io, Handler handler, TimeBase base = {});
    ~WallClockTimer();
    WallClockTimer(const WallClockTimer&) = delete;
    WallClockTimer& operator=(const WallClockTimer&) = delete;

    // Arms for `at`, or disarms (but keeps watching for clock changes) when nullopt.
    void arm(std::optional<SysSeconds> at);

private:
    void waitReadable();

    boost::asio::posix::stream_descriptor fd_;
    Handler handler_;
    TimeBase base_;
};

}  // namespace chief::daemon
