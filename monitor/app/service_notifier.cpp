#include "monitor/app/service_notifier.h"

#include <systemd/sd-daemon.h>

namespace chief::monitor {

void SystemdNotifier::ready(const std::string& status) { sd_notify(0, ("READY=1\nSTATUS=" + status).c_str()); }
void SystemdNotifier::status(const std::string& status) { sd_notify(0, ("STATUS=" + status).c_str()); }
void SystemdNotifier::stopping() { sd_notify(0, "STOPPING=1\nSTATUS=Stopping"); }
void SystemdNotifier::watchdog() { sd_notify(0, "WATCHDOG=1"); }

std::optional<std::chrono::microseconds> SystemdNotifier::watchdogInterval() const {
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) return std::chrono::microseconds{usec};
    return std::nullopt;
}

}  // namespace chief::monitor
