#pragma once
// BusConnection: chiefd's connection to the system bus (or, with --user, the user bus): puts
// ChiefBusService's objects on it, then takes the name org.chief.Scheduler1, so a client that
// sees the name can call at once. The bus is optional: when it cannot be reached or the name
// cannot be taken, chiefd logs one warning and keeps scheduling without it.

#include <systemd/sd-bus.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "bus/bus_driver.h"
#include "bus/chief_bus_service.h"
#include "bus/sd_bus_ptr.h"
#include "chief/result.h"
#include "logging/logger.h"

namespace chief::daemon {

enum class BusKind {
    System,  // sd_bus_open_system: $DBUS_SYSTEM_BUS_ADDRESS, else /run/dbus/system_bus_socket
    User,    // sd_bus_open_user: $DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus
};

class BusConnection {
public:
    BusConnection(boost::asio::io_context& io, Logger& logger);
    ~BusConnection();  // unregisters the service's objects, then closes the connection
    BusConnection(const BusConnection&) = delete;
    BusConnection& operator=(const BusConnection&) = delete;

    // Connects, attaches `service` (which must outlive this), takes the name and starts
    // processing from the loop. On failure: one warning, the service detached, false.
    bool open(BusKind kind, ChiefBusService& service);
    bool connected() const { return bus_ != nullptr; }

private:
    void unavailable(const std::string& what);
    void close();

    boost::asio::io_context& io_;
    Logger& logger_;
    SdBusPtr bus_;
    std::unique_ptr<BusDriver> driver_;
    ChiefBusService* service_ = nullptr;
    std::string busName_;  // "system bus" / "user bus", for messages
};

// The introspection XML of the Manager and Job interfaces as sd-bus generates it from
// ChiefBusService's vtables (served on an in-process socket pair, no bus daemon needed), in one
// <node> document shaped like units/dbus/org.chief.Scheduler1.xml. For --print-introspection.
Result<std::string> introspectionXml();

}  // namespace chief::daemon
