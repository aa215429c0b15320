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
    bool stopping_ = false;
};

}  // namespace chief::monitor
