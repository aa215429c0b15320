#include "app/wall_clock_timer.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace chief::daemon {

namespace {

int createTimerFd() {
    const int fd = ::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    if (fd < 0) throw std::runtime_error(std::string("timerfd_create failed: ") + std::strerror(errno));
    return fd;
}

}  // namespace

WallClockTimer::WallClockTimer(boost::asio::io_context& io, Handler handler, TimeBase base)
    : fd_(io, createTimerFd()), handler_(std::move(handler)), base_(base) {
    arm(std::nullopt);
    waitReadable();
}

WallClockTimer::~WallClockTimer() = default;

void WallClockTimer::arm(std::optional<SysSeconds> at) {
    itimerspec spec{};
    if (at) {
        const auto real = base_.toReal(std::chrono::duration_cast<std::chrono::nanoseconds>(at->time_since_epoch()));
        spec.it_value.tv_sec = static_cast<time_t>(std::chrono::floor<std::chrono::seconds>(real).count());
        spec.it_value.tv_nsec = static_cast<long>((real - std::chrono::floor<std::chrono::seconds>(real)).count());
        // A zero it_value disarms, so an instant at the epoch (never in practice) becomes 1 ns.
        if (spec.it_value.tv_sec <= 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
    } else {
        // Disarmed timers do not report clock changes, so park it far in the future instead.
        spec.it_value.tv_sec = static_cast<time_t>(INT32_MAX);
    }
    if (::timerfd_settime(fd_.native_handle(), TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, nullptr) != 0)
        throw std::runtime_error(std::string("timerfd_settime failed: ") + std::strerror(errno));
}

void WallClockTimer::waitReadable() {
    fd_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
        if (ec) return;  // cancelled: the timer is being destroyed
        std::uint64_t expirations = 0;
        const ssize_t n = ::read(fd_.native_handle(), &expirations, sizeof expirations);
        Wake wake = Wake::Due;
        if (n < 0) {
            if (errno == EAGAIN) {
                waitReadable();
                return;
            }
            wake = Wake::ClockChanged;  // ECANCELED: the clock was set; the caller re-arms
        }
        handler_(wake);
        waitReadable();
    });
}

}  // namespace chief::daemon
