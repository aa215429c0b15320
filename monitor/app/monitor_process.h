#pragma once
// MonitorProcess: chief-monitord's domain as a service::ServiceProcess, run inside the shared
// service shell (chief/service/service_shell.h) like chiefd's Daemon. The shell owns signals,
// sd_notify and the watchdog; this owns the store, the service, the HTTP server, the webhooks,
// the timers and the service thread they run on.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "chief/service/logger.h"
#include "chief/service/service_shell.h"
#include "monitor/core/clock.h"
#include "monitor/core/metrics.h"
#include "monitor/core/settings.h"

namespace chief::monitor {

// chief-monitord's exit statuses besides 0 (docs/man/chief-monitord.8.scd).
enum MonitorExit : int {
    kMonitorExitFailure = 1,  // the store cannot be opened or loaded, the port cannot be bound
    kMonitorExitUsage = 2,    // bad command line or settings
};

struct MonitorParts {
    // The shell's loop: the server thread (HTTP, TLS, reading ingest bodies).
    boost::asio::io_context& serverIo;
    MonitorSettings settings;
    // Called from the server thread and the service thread alike, so it must be thread-safe
    // (service::SynchronizedLogger).
    service::Logger& logger;
    const Clock& clock;
};

class MonitorProcess final : public service::ServiceProcess {
public:
    explicit MonitorProcess(MonitorParts parts);
    // Joins the service thread (after stop(), it has already ended).
    ~MonitorProcess() override;
    MonitorProcess(const MonitorProcess&) = delete;
    MonitorProcess& operator=(const MonitorProcess&) = delete;

    // Opens and loads the store, listens, and starts the service thread with its timers.
    // kMonitorExitFailure (logged) when the store or the port is unusable.
    std::optional<int> start() override;
    // Settings are read at start only; SIGHUP is logged and otherwise ignored.
    void reload() override;
    // Closes the listener and every connection, stops the timers and the webhooks, and calls
    // `stopped` once the service thread has finished what it had queued (a batch being
    // committed is committed). A second call drops what is still queued there.
    void stop(std::function<void()> stopped) override;
    // "Listening on <url>" (tests read the port from READY's STATUS).
    std::string statusLine() const override;

    // The shell's liveness probe: `alive` runs on the server thread after a round trip through
    // the service thread's loop, so a wedged store or state machine stops the watchdog pings.
    // Once the service thread has ended (stopping), the server thread alone answers.
    void probeLiveness(std::function<void()> alive);

    // The URL it listens on, once started ("http://127.0.0.1:7410").
    const std::string& url() const { return url_; }

private:
    struct Parts;  // everything built at start(), in construction order
    void serviceThreadEnded();
    void finishStopping();

    MonitorParts parts_;
    // Before serviceIo_: handlers that a second stop leaves queued there hold connections,
    // which count themselves out of it when destroyed with that io_context.
    TrafficCounters traffic_;
    boost::asio::io_context serviceIo_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> serviceWork_;
    std::unique_ptr<Parts> running_;
    std::string url_;
    std::function<void()> stopped_;
    bool stopRequested_ = false;
    bool serviceThreadEnded_ = false;  // read and written on the server thread
    // Last: started after, and joined before, everything it uses.
    std::thread serviceThread_;
};

}  // namespace chief::monitor
