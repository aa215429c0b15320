#pragma once
// ServiceNotifier: what chief-monitord tells systemd (sd_notify), behind a seam for tests.

#include <chrono>
#include <optional>
#include <string>

namespace chief::monitor {

// The sd_notify(3) messages the monitor sends; outside systemd (no $NOTIFY_SOCKET) they do nothing.
class ServiceNotifier {
public:
    virtual ~ServiceNotifier() = default;
    virtual void ready(const std::string& status) = 0;
    virtual void status(const std::string& status) = 0;
    virtual void stopping() = 0;
    virtual void watchdog() = 0;
    // How often watchdog() must be called, when the unit sets WatchdogSec=.
    virtual std::optional<std::chrono::microseconds> watchdogInterval() const = 0;
};

// sd_notify over $NOTIFY_SOCKET.
class SystemdNotifier final : public ServiceNotifier {
public:
    void ready(const std::string& status) override;
    void status(const std::string& status) override;
    void stopping() override;
    void watchdog() override;
    std::optional<std::chrono::microseconds> watchdogInterval() const override;
};

}  // namespace chief::monitor
