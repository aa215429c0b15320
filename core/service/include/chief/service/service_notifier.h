#pragma once
// ServiceNotifier: what a Chief daemon (chiefd, chief-monitord) tells its service manager
// (sd_notify), behind a seam for tests.

#include <chrono>
#include <optional>
#include <string>

namespace chief::service {

// The sd_notify(3) messages a daemon sends. Outside systemd (no $NOTIFY_SOCKET) they do nothing.
class ServiceNotifier {
public:
    virtual ~ServiceNotifier() = default;
    virtual void ready(const std::string& status) = 0;
    virtual void reloading() = 0;
    virtual void status(const std::string& status) = 0;
    virtual void stopping() = 0;
    virtual void watchdog() = 0;
    // The interval at which watchdog() must be called, when the unit sets WatchdogSec=.
    virtual std::optional<std::chrono::microseconds> watchdogInterval() const = 0;
};

// sd_notify over $NOTIFY_SOCKET.
class SystemdNotifier final : public ServiceNotifier {
public:
    void ready(const std::string& status) override;
    void reloading() override;
    void status(const std::string& status) override;
    void stopping() override;
    void watchdog() override;
    std::optional<std::chrono::microseconds> watchdogInterval() const override;
};

}  // namespace chief::service
