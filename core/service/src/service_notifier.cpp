#include "chief/service/service_notifier.h"

#include <systemd/sd-daemon.h>
#include <time.h>

namespace chief::service {

namespace {

// MONOTONIC_USEC lets systemd >= 253 match a reload to its RELOADING=1; older ones ignore it.
std::string monotonicUsec() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::to_string(static_cast<long long>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000);
}

}  // namespace

void SystemdNotifier::ready(const std::string& status) { sd_notify(0, ("READY=1\nSTATUS=" + status).c_str()); }
void SystemdNotifier::reloading() { sd_notify(0, ("RELOADING=1\nMONOTONIC_USEC=" + monotonicUsec()).c_str()); }
void SystemdNotifier::status(const std::string& status) { sd_notify(0, ("STATUS=" + status).c_str()); }
void SystemdNotifier::stopping() { sd_notify(0, "STOPPING=1"); }
void SystemdNotifier::watchdog() { sd_notify(0, "WATCHDOG=1"); }

std::optional<std::chrono::microseconds> SystemdNotifier::watchdogInterval() const {
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) return std::chrono::microseconds{usec};
    return std::nullopt;
}

}  // namespace chief::service
