#pragma once
// BusDriver: runs an sd_bus connection from chiefd's Asio loop. It waits on the bus socket for
// what sd_bus_get_events() asks (input and/or output) and on a steady_timer for
// sd_bus_get_timeout() (method call timeouts, re-read before every wait), and calls
// sd_bus_process() until it returns 0. Idle, it sleeps in epoll with no timer armed.

#include <systemd/sd-bus.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <string>

namespace chief::daemon {

class BusDriver {
public:
    // Called once when sd_bus_process() fails (the connection is gone); the driver then stops.
    using LostHandler = std::function<void(const std::string& reason)>;

    // Does not take ownership of `bus`, which must outlive the driver.
    BusDriver(boost::asio::io_context& io, sd_bus* bus, LostHandler onLost);
    ~BusDriver();
    BusDriver(const BusDriver&) = delete;
    BusDriver& operator=(const BusDriver&) = delete;

    // Processes what is already queued, then waits. Returns a negative errno if the bus has no fd.
    int start();
    // Call after queueing messages outside a bus callback (signals emitted from the event
    // stream): sd-bus may have left them queued for the socket to become writable, and only a
    // fresh look at sd_bus_get_events() arms that wait. Coalesced; runs from the loop.
    void wake();
    void stop();
    bool running() const { return running_; }

private:
    void process();
    void arm();
    void waitReadable();
    void waitWritable();
    void armTimer(std::uint64_t deadlineUsec);

    boost::asio::io_context& io_;
    sd_bus* bus_;
    LostHandler onLost_;
    boost::asio::posix::stream_descriptor socket_;
    boost::asio::steady_timer timer_;
    bool running_ = false;
    bool readPending_ = false;
    bool writePending_ = false;
    bool wakePending_ = false;
    std::uint64_t timerDeadline_ = UINT64_MAX;  // CLOCK_MONOTONIC usec; UINT64_MAX = not armed
    // Bumped by stop() so handlers queued before it do nothing.
    std::uint64_t generation_ = 0;
};

}  // namespace chief::daemon
