#pragma once
// BusConnection: chiefd's connection to the system bus (or, with --user, the user bus): puts
// ChiefBusService's objects on it, then takes the name org.chief.Scheduler1, so a client that
// sees the name can call at once. The bus is optional: when it cannot be reached or the name
// cannot be taken, chiefd logs one warning and keeps scheduling without it. A connection lost
// later (dbus-daemon restarted, or it dropped chiefd) is re-established with backoff, the
// objects re-attached and the name taken again; logged once when lost and once when back.

#include <systemd/sd-bus.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "bus/bus_driver.h"
#include "bus/chief_bus_service.h"
#include "chief/dbus/sd_bus_ptr.h"
#include "chief/bus_api.h"
#include "chief/result.h"
#include "chief/service/logger.h"

namespace chief::daemon {

using bus::BusKind;

class BusConnection {
public:
    BusConnection(boost::asio::io_context& io, service::Logger& logger);
    ~BusConnection();  // unregisters the service's objects, then closes the connection
    BusConnection(const BusConnection&) = delete;
    BusConnection& operator=(const BusConnection&) = delete;

    // Connects, attaches `service` (which must outlive this), takes the name and starts
    // processing from the loop. On failure: one warning, the service detached, false.
    bool open(BusKind kind, ChiefBusService& service);
    bool connected() const { return bus_ != nullptr; }

    // Reconnection delays: the first try after kFirstRetry, doubling up to kMaxRetry.
    static constexpr std::chrono::milliseconds kFirstRetry{500};
    static constexpr std::chrono::milliseconds kMaxRetry{30000};

private:
    // Connects, attaches, takes the name and starts the driver; the reason on failure.
    std::optional<std::string> connect();
    void unavailable(const std::string& what);
    void lost(const std::string& reason);
    void scheduleReconnect();
    void close();

    boost::asio::io_context& io_;
    service::Logger& logger_;
    dbus::SdBusPtr bus_;
    std::unique_ptr<BusDriver> driver_;
    ChiefBusService* service_ = nullptr;  // attached now
    ChiefBusService* wanted_ = nullptr;   // to re-attach after a loss
    BusKind kind_ = BusKind::System;
    std::string busName_;  // "system bus" / "user bus", for messages
    boost::asio::steady_timer retryTimer_;
    std::chrono::milliseconds retryDelay_ = kFirstRetry;
    std::minstd_rand jitter_{std::random_device{}()};
};

// The introspection XML of the Manager and Job interfaces as sd-bus generates it from
// ChiefBusService's vtables (served on an in-process socket pair, no bus daemon needed), in one
// <node> document shaped like units/dbus/org.chief.Scheduler1.xml. For --print-introspection.
Result<std::string> introspectionXml();

}  // namespace chief::daemon
