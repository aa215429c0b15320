#include "bus/bus_driver.h"

#include <poll.h>
#include <time.h>

#include <boost/asio/post.hpp>
#include <cstring>

namespace chief::daemon {

namespace {

// Messages handled per turn before other work on the loop gets its turn (a flood of calls
// must not starve the scheduler's timers).
constexpr int kProcessBudget = 64;

std::uint64_t monotonicNowUsec() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000ULL + static_cast<std::uint64_t>(ts.tv_nsec) / 1000ULL;
}

std::string errnoText(int negativeErrno) { return std::strerror(-negativeErrno); }

}  // namespace

BusDriver::BusDriver(boost::asio::io_context& io, sd_bus* bus, LostHandler onLost)
    : io_(io), bus_(bus), onLost_(std::move(onLost)), socket_(io), timer_(io) {}

BusDriver::~BusDriver() { stop(); }

int BusDriver::start() {
    const int fd = sd_bus_get_fd(bus_);
    if (fd < 0) return fd;
    boost::system::error_code ec;
    socket_.assign(fd, ec);  // not owned: sd-bus closes it; stop() releases it first
    if (ec) return -ec.value();
    running_ = true;
    process();
    return 0;
}

void BusDriver::stop() {
    if (!running_ && !socket_.is_open()) return;
    running_ = false;
    ++generation_;
    readPending_ = writePending_ = wakePending_ = false;
    timerDeadline_ = UINT64_MAX;
    timer_.cancel();
    if (socket_.is_open()) socket_.release();  // cancels the waits and never closes the fd
}

void BusDriver::wake() {
    if (!running_ || wakePending_) return;
    wakePending_ = true;
    boost::asio::post(io_, [this, generation = generation_] {
        if (generation != generation_) return;
        wakePending_ = false;
        process();
    });
}

void BusDriver::process() {
    if (!running_) return;
    for (int handled = 0;; ++handled) {
        if (handled == kProcessBudget) {
            // More is queued: continue on the next turn, after whatever else is ready.
            wake();
            return;
        }
        const int r = sd_bus_process(bus_, nullptr);
        if (r < 0) {
            stop();
            if (onLost_) onLost_(errnoText(r));
            return;
        }
        if (r == 0) break;
    }
    arm();
}

void BusDriver::arm() {
    const int events = sd_bus_get_events(bus_);
    std::uint64_t deadline = UINT64_MAX;
    const int r = events < 0 ? events : sd_bus_get_timeout(bus_, &deadline);
    if (r < 0) {
        stop();
        if (onLost_) onLost_(errnoText(r));
        return;
    }
    if ((events & POLLIN) && !readPending_) waitReadable();
    if ((events & POLLOUT) && !writePending_) waitWritable();
    armTimer(deadline);
}

void BusDriver::waitReadable() {
    readPending_ = true;
    socket_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                       [this, generation = generation_](const boost::system::error_code& ec) {
                           if (generation != generation_) return;
                           readPending_ = false;
                           if (ec == boost::asio::error::operation_aborted) return;
                           process();  // an error on the fd shows up as sd_bus_process failing
                       });
}

void BusDriver::waitWritable() {
    writePending_ = true;
    socket_.async_wait(boost::asio::posix::stream_descriptor::wait_write,
                       [this, generation = generation_](const boost::system::error_code& ec) {
                           if (generation != generation_) return;
                           writePending_ = false;
                           if (ec == boost::asio::error::operation_aborted) return;
                           process();
                       });
}

void BusDriver::armTimer(std::uint64_t deadlineUsec) {
    if (deadlineUsec == timerDeadline_) return;  // already waiting for exactly that (or for nothing)
    timerDeadline_ = deadlineUsec;
    if (deadlineUsec == UINT64_MAX) {
        timer_.cancel();
        return;
    }
    const std::uint64_t now = monotonicNowUsec();
    timer_.expires_after(std::chrono::microseconds{deadlineUsec > now ? deadlineUsec - now : 0});
    timer_.async_wait([this, generation = generation_](const boost::system::error_code& ec) {
        if (generation != generation_ || ec == boost::asio::error::operation_aborted) return;
        timerDeadline_ = UINT64_MAX;
        process();
    });
}

}  // namespace chief::daemon
