#pragma once
// ServiceShell: what every Chief daemon does around its domain, as Kea's controller does around
// its process: signals (SIGHUP reloads, SIGTERM/SIGINT stop, a second one hurries the stop),
// sd_notify (READY=1, RELOADING=1, STATUS= at most once a second, STOPPING=1) and the watchdog,
// fed from the event loop for as long as the process runs, stopping included. The domain sits
// behind ServiceProcess, so the shell is tested against a stub and reused by chiefd and
// chief-monitord.

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <optional>
#include <string>

#include "chief/service/logger.h"
#include "chief/service/service_notifier.h"

namespace chief::service {

// What the process tells its shell (the shell implements it; the process is given one).
class ServiceHost {
public:
    virtual ~ServiceHost() = default;
    // Something STATUS= shows changed; the shell sends it within a second, coalesced.
    virtual void statusChanged() = 0;
    // A reload (SIGHUP, or a request the process got otherwise) begins and ends: RELOADING=1,
    // then READY=1 with the status, as systemd's Type=notify reload protocol has it.
    virtual void reloading() = 0;
    virtual void reloaded() = 0;
};

// The domain a shell runs: chiefd's scheduler, chief-monitord's monitor.
class ServiceProcess {
public:
    virtual ~ServiceProcess() = default;
    // Loads its configuration and state and arms its timers. nullopt when it runs; otherwise
    // the exit status to end with (every problem already logged).
    virtual std::optional<int> start() = 0;
    // SIGHUP. The process reports through ServiceHost::reloading/reloaded itself, since it can
    // be asked to reload other ways too (chiefd's bus Reload).
    virtual void reload() = 0;
    // SIGTERM/SIGINT: begin stopping, and call `stopped` once done (the shell then stops the
    // loop). Called again for a second signal: finish sooner.
    virtual void stop(std::function<void()> stopped) = 0;
    // The one line STATUS= shows.
    virtual std::string statusLine() const = 0;
};

class ServiceShell final : public ServiceHost {
public:
    ServiceShell(boost::asio::io_context& io, ServiceNotifier& notifier, Logger& logger);
    ServiceShell(const ServiceShell&) = delete;
    ServiceShell& operator=(const ServiceShell&) = delete;

    // Starts `process` (which must outlive the shell), then listens for signals and feeds the
    // watchdog. Returns the process's exit status if it could not start.
    std::optional<int> start(ServiceProcess& process);
    // READY=1 with the status: call once what is wired around the process is usable too.
    void ready();
    bool stopping() const { return stopping_; }

    // How the watchdog learns that the whole process is alive: `probe` must call its argument
    // once everything it checks has run (say, a round trip through a worker thread's loop).
    // Without one, the shell's own loop turning is enough.
    using LivenessProbe = std::function<void(std::function<void()> alive)>;
    void setLivenessProbe(LivenessProbe probe) { probe_ = std::move(probe); }

    // ServiceHost
    void statusChanged() override;
    void reloading() override;
    void reloaded() override;

private:
    void waitForSignals();
    void scheduleWatchdog();
    void stop();

    boost::asio::io_context& io_;
    ServiceNotifier& notifier_;
    Logger& logger_;
    ServiceProcess* process_ = nullptr;
    boost::asio::signal_set signals_;
    boost::asio::steady_timer watchdogTimer_;
    boost::asio::steady_timer statusTimer_;
    LivenessProbe probe_;
    bool statusPending_ = false;
    bool stopping_ = false;
    bool stopped_ = false;
};

}  // namespace chief::service
