#include "chief/service/service_shell.h"

#include <signal.h>

namespace chief::service {

ServiceShell::ServiceShell(boost::asio::io_context& io, ServiceNotifier& notifier, Logger& logger)
    : io_(io), notifier_(notifier), logger_(logger), signals_(io), watchdogTimer_(io), statusTimer_(io) {}

std::optional<int> ServiceShell::start(ServiceProcess& process) {
    process_ = &process;
    if (auto failed = process.start()) return failed;
    signals_.add(SIGHUP);
    signals_.add(SIGTERM);
    signals_.add(SIGINT);
    waitForSignals();
    scheduleWatchdog();
    return std::nullopt;
}

void ServiceShell::ready() { notifier_.ready(process_ ? process_->statusLine() : std::string()); }

void ServiceShell::waitForSignals() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
        if (ec || stopped_) return;
        if (signal == SIGHUP) {
            if (!stopping_) {
                logger_.log(LogLevel::Info, "SIGHUP: reloading");
                process_->reload();
            }
        } else {
            logger_.log(LogLevel::Info, std::string(signal == SIGTERM ? "SIGTERM" : "SIGINT") +
                                            (stopping_ ? " again: stopping now" : ": stopping"));
            stop();
        }
        waitForSignals();
    });
}

void ServiceShell::stop() {
    if (!stopping_) {
        stopping_ = true;
        statusTimer_.cancel();
        notifier_.stopping();
    }
    // Each call reaches the process: a second signal means "do not wait any longer".
    process_->stop([this] {
        if (stopped_) return;
        stopped_ = true;
        watchdogTimer_.cancel();
        boost::system::error_code ignored;
        signals_.cancel(ignored);
        io_.stop();
    });
}

// Fed twice per interval, as sd_watchdog_enabled(3) recommends, from this loop: a wedged loop
// stops feeding it and systemd restarts the service. It keeps going while the process stops.
void ServiceShell::scheduleWatchdog() {
    const auto interval = notifier_.watchdogInterval();
    if (!interval) return;
    watchdogTimer_.expires_after(*interval / 2);
    watchdogTimer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopped_) return;
        if (!probe_) {
            notifier_.watchdog();
            scheduleWatchdog();
            return;
        }
        probe_([this] {
            if (stopped_) return;
            notifier_.watchdog();
            scheduleWatchdog();
        });
    });
}

// STATUS= goes out at most once a second: sd_notify blocks when the service manager's socket
// queue is full, so a burst of 1,000 finishing runs must not become 1,000 datagrams.
void ServiceShell::statusChanged() {
    if (statusPending_ || stopping_ || !process_) return;
    statusPending_ = true;
    statusTimer_.expires_after(std::chrono::seconds{1});
    statusTimer_.async_wait([this](const boost::system::error_code& ec) {
        statusPending_ = false;
        if (!ec && !stopping_) notifier_.status(process_->statusLine());
    });
}

void ServiceShell::reloading() { notifier_.reloading(); }

void ServiceShell::reloaded() { notifier_.ready(process_ ? process_->statusLine() : std::string()); }

}  // namespace chief::service
