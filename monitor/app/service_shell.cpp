#include "monitor/app/service_shell.h"

#include <csignal>

namespace chief::monitor {

ServiceShell::ServiceShell(boost::asio::io_context& io, ServiceNotifier& notifier, Logger& logger)
    : notifier_(notifier), logger_(logger), signals_(io, SIGTERM, SIGINT, SIGHUP), watchdog_(io) {}

void ServiceShell::start(std::function<void()> onStop) {
    onStop_ = std::move(onStop);
    waitForSignal();
}

void ServiceShell::waitForSignal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int number) {
        if (ec || stopping_) return;
        if (number == SIGHUP) {
            // Settings are read at start-up; a restart applies new ones.
            logger_.log(LogLevel::Notice, "SIGHUP: settings are read at start; use systemctl restart, ignoring");
            return waitForSignal();
        }
        if (onStop_) std::exchange(onStop_, nullptr)();
    });
}

void ServiceShell::ready(const std::string& statusText) {
    notifier_.ready(statusText);
    feedWatchdog();
}

void ServiceShell::status(const std::string& statusText) { notifier_.status(statusText); }

void ServiceShell::stopping() {
    stopping_ = true;
    notifier_.stopping();
    boost::system::error_code ignored;
    signals_.cancel(ignored);
    watchdog_.cancel();
}

void ServiceShell::feedWatchdog() {
    const auto interval = notifier_.watchdogInterval();
    if (!interval || stopping_) return;
    // WATCHDOG=1 only once the probe has come back: a wedged service thread stops the pings and
    // systemd restarts the unit.
    if (probe_) {
        probe_([this] {
            if (!stopping_) notifier_.watchdog();
        });
    } else {
        notifier_.watchdog();
    }
    watchdog_.expires_after(*interval / 2);
    watchdog_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) feedWatchdog();
    });
}

}  // namespace chief::monitor
