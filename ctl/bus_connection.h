#pragma once
// BusConnection: one sd-bus connection to a BusTarget, opened on first use, and the mechanics
// of using it: a method call with a timeout, a match rule for signals, dispatching what has
// arrived and waiting for more. Every failure comes back as a ClientError (bus_call_error.h),
// never as an errno. What the calls mean is BusClient's business; this file knows no method
// of chiefd's.

#include <systemd/sd-bus.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bus_target.h"
#include "chief/dbus/sd_bus_ptr.h"
#include "chief_client.h"

namespace chief::ctl {

// Where a method lives on the bus.
struct BusMethod {
    const char* service;
    const char* path;
    const char* interface;
    const char* member;
};

class BusConnection {
public:
    // Adds a call's arguments to the message; a negative errno on failure (sd-bus style).
    using AppendArguments = std::function<int(sd_bus_message*)>;

    // `callTimeout` zero: sd-bus's default (25 s), which is what chiefctl has always used.
    explicit BusConnection(BusTarget target, std::chrono::microseconds callTimeout = {});
    BusConnection(const BusConnection&) = delete;
    BusConnection& operator=(const BusConnection&) = delete;

    const BusTarget& target() const { return target_; }

    // Opens the connection unless it is open; the error sticks (a bus that could not be opened
    // is not retried within one chiefctl invocation).
    std::optional<ClientError> open();

    // Calls `method` with the arguments `append` adds, waiting for the reply.
    ClientResult<dbus::SdBusMessagePtr> call(const BusMethod& method, const AppendArguments& append);

    // Installs a match rule (synchronously: signals that match are kept from the return on).
    // `handler` gets `userdata`; the match lives as long as the connection.
    std::optional<ClientError> addMatch(const std::string& rule, sd_bus_message_handler_t handler, void* userdata);

    // Runs the handlers of everything already received; an error when the connection broke.
    std::optional<ClientError> dispatchPending();
    // Sleeps until something arrives; an error when the connection broke.
    std::optional<ClientError> waitForTraffic();

    // Something has worked on this connection: a failure from now on is a lost connection, not
    // an unreachable bus.
    void markConnected() { connected_ = true; }

private:
    ClientError lostWhileWaiting(int result) const;

    BusTarget target_;
    std::chrono::microseconds callTimeout_;
    dbus::SdBusPtr bus_;
    std::vector<dbus::SdBusSlotPtr> slots_;  // declared after bus_: released before it closes
    bool connected_ = false;
    std::optional<ClientError> openError_;
};

}  // namespace chief::ctl
