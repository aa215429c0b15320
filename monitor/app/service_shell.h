#pragma once
// ServiceShell: what a daemon does around its domain, kept small so a shared shell can replace
// it: SIGTERM and SIGINT stop it, SIGHUP is acknowledged, sd_notify says READY / STATUS /
// STOPPING, and the watchdog is fed from the event loop (so a wedged loop gets restarted).

#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "monitor/app/service_notifier.h"
#include "monitor/core/logger.h"

namespace chief::monitor {

class ServiceShell {
public:
    ServiceShell(boost::asio::io_context& io, ServiceNotifier& notifier, Logger& logger);

    // Installs the signal handlers; `onStop` runs once, on the first SIGTERM or SIGINT.
    void start(std::function<void()> onStop);
    // How the watchdog learns that the rest of the process is alive: `probe` must call its
    // argument once everything it checks has run (e.g. a round trip through another thread's
    // event loop). Without a probe, the shell's own loop running is enough.
    using LivenessProbe = std::function<void(std::function<void()> alive)>;
    void setLivenessProbe(LivenessProbe probe) { probe_ = std::move(probe); }

    // READY=1 with a status line, and the watchdog starts.
    void ready(const std::string& status);
    void status(const std::string& status);
    // STOPPING=1, signals and watchdog off.
    void stopping();

private:
    void waitForSignal();
    void feedWatchdog();

    ServiceNotifier& notifier_;
    Logger& logger_;
    boost::asio::signal_set signals_;
    boost::asio::steady_timer watchdog_;
    std::function<void()> onStop_;
    LivenessProbe probe_;
    bool stopping_ = false;
};

}  // namespace chief::monitor
