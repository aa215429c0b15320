#pragma once
// TelemetryEmitter: chiefd's telemetry adapter (docs/telemetry.md). It subscribes to the run
// event stream, maps each run event to contract events (chief/telemetry_mapping.h) for the jobs
// that are monitored, gives each an eventId and hands it to the telemetry thread, which spools
// and sends it (TelemetrySender over CurlMultiTransport, on that thread's own io_context).
// Making an event costs chiefd's loop a JSON dump and a mutex; nothing on the loop waits for
// the disk or the network.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "chief/config_model.h"
#include "chief/run_event.h"
#include "chief/service/logger.h"
#include "chief/telemetry_event.h"
#include "runner/clock.h"
#include "telemetry/curl_multi_transport.h"
#include "telemetry/event_id_source.h"
#include "telemetry/telemetry_inbox.h"
#include "telemetry/telemetry_sender.h"
#include "telemetry/telemetry_spool.h"
#include "telemetry/telemetry_status.h"

namespace chief::daemon::telemetry {

// Makes the transport, on the telemetry thread's io_context; tests pass a fake.
using TransportFactory =
    std::function<std::unique_ptr<TelemetryTransport>(boost::asio::io_context&, const TransportSettings&)>;
TransportFactory curlTransportFactory();

// This machine's name (gethostname), the `host` of every event.
std::string localHostName();

// Whether anything is sent at all: the top-level monitor or any job's.
bool telemetryWanted(const Config& config);

struct EmitterOptions {
    bool heartbeats = true;       // chiefd: chief.heartbeat every monitor.heartbeat_seconds
    bool ownEventsOnly = false;   // chiefd --once (SenderSettings::ownEventsOnly)
};

class TelemetryEmitter {
public:
    TelemetryEmitter(boost::asio::io_context& io, const Clock& clock, service::Logger& logger, std::string host,
                     EmitterOptions options = {}, TransportFactory transports = curlTransportFactory());
    ~TelemetryEmitter();
    TelemetryEmitter(const TelemetryEmitter&) = delete;
    TelemetryEmitter& operator=(const TelemetryEmitter&) = delete;

    void subscribeTo(RunEventBus& events);

    // Takes a (new) config before the scheduler loads it: starts, restarts (settings changed)
    // or stops the telemetry thread. Run events published during the load are counted as the
    // announcement of their job's schedule.
    void configure(std::shared_ptr<const Config> config, const std::string& stateDirectory);
    // After the load: job.next_scheduled for every monitored job the load did not announce,
    // job.unscheduled for jobs disabled or removed since the previous config.
    void announceSchedules(const std::function<std::optional<SysSeconds>(const std::string&)>& nextRun);

    // Sends one event (for tests and benchmarks; run events arrive through subscribeTo): sets
    // eventId and host, and queues it. False when telemetry is off or the queue is full.
    bool emit(chief::telemetry::TelemetryEvent event);

    TelemetrySnapshot status() const;
    // Sends what is queued now and waits until it is delivered, at most `timeout` (chiefd
    // --once before it exits); true when nothing is left to send.
    bool flush(std::chrono::milliseconds timeout);
    // Moves what is queued to the spool and stops the telemetry thread (chiefd stopping).
    void stop();

private:
    void onRunEvent(const RunEvent& event);
    void startSender(const Config& config, const std::string& spoolPath);
    void stopSender();
    void armHeartbeat();
    void log(service::LogLevel level, std::string message, std::string_view messageId);

    boost::asio::io_context& io_;
    const Clock& clock_;
    service::Logger& logger_;
    std::string host_;
    EmitterOptions options_;
    TransportFactory transports_;
    EventIdSource ids_;
    std::shared_ptr<const Config> config_;
    std::set<std::string> announced_;  // jobs whose schedule the current load announced
    std::set<std::string> monitoredJobs_;  // monitored and enabled under the previous config
    bool loading_ = false;
    boost::asio::steady_timer heartbeat_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

    // The telemetry thread and what it owns; rebuilt when the monitor settings change.
    struct Worker;
    std::unique_ptr<Worker> worker_;
    std::string workerKey_;  // the settings the worker was built from
    std::shared_ptr<std::atomic<bool>> wakePosted_ = std::make_shared<std::atomic<bool>>(false);
    TelemetryStatus status_;  // outlives workers: counts survive a reload
    std::uint64_t flushGeneration_ = 0;
    bool queueFullLogged_ = false;
};

}  // namespace chief::daemon::telemetry
