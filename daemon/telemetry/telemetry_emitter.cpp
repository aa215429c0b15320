#include "telemetry/telemetry_emitter.h"

#include <unistd.h>

#include <boost/asio/post.hpp>
#include <climits>

#include "chief/telemetry_mapping.h"
#include "logging/message_ids.h"

namespace chief::daemon::telemetry {

using namespace chief::telemetry;

namespace {

// What chiefd's loop may queue for the telemetry thread before it refuses events: about
// 40,000 typical events, far more than a second's worth at any realistic rate.
constexpr std::size_t kInboxBytes = 16 * 1024 * 1024;

const std::string& jobOf(const RunEvent& event) {
    return std::visit(
        [](const auto& e) -> const std::string& {
            if constexpr (std::is_same_v<std::decay_t<decltype(e)>, RunFinished>)
                return e.record.job;
            else
                return e.job;
        },
        event);
}

}  // namespace

namespace {

// Stands in for the curl transport when libcurl cannot be loaded: every batch fails with the
// reason, so events stay in the spool and the sender logs the outage as for an unreachable
// monitor.
class UnavailableTransport final : public TelemetryTransport {
public:
    UnavailableTransport(boost::asio::io_context& io, std::string reason) : io_(io), reason_(std::move(reason)) {}
    void post(std::string, Done done) override {
        boost::asio::post(io_, [done = std::move(done), reason = reason_] { done(HttpResult{0, {}, reason}); });
    }

private:
    boost::asio::io_context& io_;
    std::string reason_;
};

}  // namespace

TransportFactory curlTransportFactory() {
    return [](boost::asio::io_context& io, const TransportSettings& settings) -> std::unique_ptr<TelemetryTransport> {
        auto curl = loadCurlLibrary();
        if (auto* reason = std::get_if<std::string>(&curl)) return std::make_unique<UnavailableTransport>(io, *reason);
        return std::make_unique<CurlMultiTransport>(io, std::get<CurlLibrary>(curl), settings);
    };
}

bool telemetryWanted(const Config& config) {
    if (config.monitor.enabled) return true;
    for (const Job& job : config.jobs)
        if (job.monitor.enabled) return true;
    return false;
}

std::string localHostName() {
    char name[HOST_NAME_MAX + 1] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
    return name;
}

struct TelemetryEmitter::Worker {
    Worker(const std::string& spoolPath, std::int64_t spoolMaxBytes) : spool(spoolPath, spoolMaxBytes) {}
    // Declared first, destroyed last: the timers and sockets below belong to it.
    boost::asio::io_context io;
    TelemetrySpool spool;
    TelemetryInbox inbox{kInboxBytes};
    std::unique_ptr<TelemetryTransport> transport;
    std::unique_ptr<TelemetrySender> sender;
    std::size_t maxEvents = 0;
    std::thread thread;
};

TelemetryEmitter::TelemetryEmitter(boost::asio::io_context& io, const Clock& clock, service::Logger& logger,
                                   std::string host, EmitterOptions options, TransportFactory transports)
    : io_(io),
      clock_(clock),
      logger_(logger),
      host_(std::move(host)),
      options_(options),
      transports_(std::move(transports)),
      heartbeat_(io) {}

TelemetryEmitter::~TelemetryEmitter() {
    *alive_ = false;
    stop();
}

void TelemetryEmitter::subscribeTo(RunEventBus& events) {
    events.subscribe([this](const RunEvent& event) { onRunEvent(event); });
}

void TelemetryEmitter::log(service::LogLevel level, std::string message, std::string_view messageId) {
    logger_.log(level, message, {}, messageId);
}

void TelemetryEmitter::configure(std::shared_ptr<const Config> config, const std::string& stateDirectory) {
    config_ = std::move(config);
    loading_ = true;
    announced_.clear();
    if (!config_ || !telemetryWanted(*config_)) {
        stop();
        return;
    }
    const MonitorSettings& monitor = config_->monitor;
    const std::string spoolPath = spoolPathFor(monitor, stateDirectory);
    const std::string key = monitor.endpoint + '\n' + monitor.apiKey + '\n' + std::to_string(monitor.timeoutMs) + '\n' +
                            monitor.caFile + '\n' + spoolPath + '\n' + std::to_string(monitor.buffer.maxEvents) + '\n' +
                            std::to_string(monitor.buffer.flushIntervalMs) + '\n' + std::to_string(monitor.buffer.spoolMaxBytes);
    if (!worker_ || key != workerKey_) {
        stopSender();
        startSender(*config_, spoolPath);
        workerKey_ = key;
    }
    if (options_.heartbeats) {
        heartbeat_.cancel();
        emit(heartbeatEvent(monitor.heartbeatSeconds, {config_.get(), host_, clock_.now()}));
        armHeartbeat();
    }
}

void TelemetryEmitter::startSender(const Config& config, const std::string& spoolPath) {
    const MonitorSettings& monitor = config.monitor;
    auto worker = std::make_unique<Worker>(spoolPath, monitor.buffer.spoolMaxBytes);
    worker->maxEvents = static_cast<std::size_t>(std::max(1, monitor.buffer.maxEvents));
    worker->transport = transports_(worker->io, TransportSettings{monitor.endpoint, monitor.apiKey, monitor.timeoutMs, monitor.caFile});
    SenderSettings settings;
    settings.maxEvents = worker->maxEvents;
    settings.flushInterval = std::chrono::milliseconds(std::max(1, monitor.buffer.flushIntervalMs));
    settings.ownEventsOnly = options_.ownEventsOnly;
    // Log lines go to chiefd's loop, where the logger lives.
    SenderLog log = [this, alive = std::weak_ptr<bool>(alive_)](service::LogLevel level, std::string message,
                                                                 std::string_view messageId) {
        boost::asio::post(io_, [this, alive, level, message = std::move(message), messageId] {
            const auto live = alive.lock();
            if (live && *live) logger_.log(level, message, {}, messageId);
        });
    };
    worker->sender = std::make_unique<TelemetrySender>(worker->io, worker->spool, *worker->transport, worker->inbox, status_,
                                                       settings, std::move(log));
    status_.update([](TelemetrySnapshot& s) {
        s.enabled = true;
        s.pendingSpool = 0;
    });
    Worker* w = worker.get();
    boost::asio::post(w->io, [w] { w->sender->start(); });
    w->thread = std::thread([w] {
        auto guard = boost::asio::make_work_guard(w->io);
        w->io.run();
    });
    worker_ = std::move(worker);
}

void TelemetryEmitter::stopSender() {
    if (!worker_) return;
    Worker* w = worker_.get();
    // The inbox goes to the spool first; then the loop ends, whatever is in flight.
    boost::asio::post(w->io, [w] {
        w->sender->stop();
        w->io.stop();
    });
    w->thread.join();
    w->sender.reset();
    w->transport.reset();
    worker_.reset();
    workerKey_.clear();
}

void TelemetryEmitter::stop() {
    heartbeat_.cancel();
    stopSender();
    status_.update([](TelemetrySnapshot& s) {
        s.enabled = false;
        s.connected = false;
    });
}

void TelemetryEmitter::armHeartbeat() {
    if (!config_) return;
    heartbeat_.expires_after(std::chrono::seconds(std::max(1, config_->monitor.heartbeatSeconds)));
    heartbeat_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || !worker_ || !config_) return;
        emit(heartbeatEvent(config_->monitor.heartbeatSeconds, {config_.get(), host_, clock_.now()}));
        armHeartbeat();
    });
}

void TelemetryEmitter::announceSchedules(const std::function<std::optional<SysSeconds>(const std::string&)>& nextRun) {
    loading_ = false;
    std::set<std::string> monitored;
    if (!config_ || !worker_) {
        monitoredJobs_.clear();
        return;
    }
    const MappingContext context{config_.get(), host_, clock_.now()};
    for (const Job& job : config_->jobs) {
        if (!job.monitor.enabled) {
            if (monitoredJobs_.count(job.name)) emit(unscheduledEvent(job.name, "monitoring of the job was turned off", context));
            continue;
        }
        if (!job.enabled) {
            emit(unscheduledEvent(job.name, "the job is disabled", context));
            continue;
        }
        monitored.insert(job.name);
        if (!announced_.count(job.name)) emit(nextScheduledEvent(job, nextRun(job.name), context));
    }
    for (const std::string& name : monitoredJobs_)
        if (!config_->findJob(name)) emit(unscheduledEvent(name, "the job was removed from the config", context));
    monitoredJobs_ = std::move(monitored);
    announced_.clear();
}

void TelemetryEmitter::onRunEvent(const RunEvent& event) {
    if (!worker_ || !config_) return;
    const std::string& job = jobOf(event);
    if (!jobMonitored(*config_, job)) return;
    if (loading_ && std::holds_alternative<NextScheduled>(event)) announced_.insert(job);
    for (TelemetryEvent& mapped : telemetryEventsFor(event, {config_.get(), host_, clock_.now()})) emit(std::move(mapped));
}

bool TelemetryEmitter::emit(TelemetryEvent event) {
    if (!worker_) return false;
    event.eventId = ids_.next();
    if (!event.host) event.host = host_;
    std::size_t held = 0;
    // Invalid UTF-8 (a script path in another encoding) is replaced, not thrown.
    if (!worker_->inbox.push(toJson(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), held)) {
        if (!queueFullLogged_)
            log(service::LogLevel::Error, "the telemetry queue is full (the spool cannot keep up); telemetry events are being dropped",
                message_id::kTelemetryDropped);
        queueFullLogged_ = true;
        return false;
    }
    queueFullLogged_ = false;
    if (held >= worker_->maxEvents && !wakePosted_->exchange(true)) {
        Worker* w = worker_.get();
        boost::asio::post(w->io, [w, posted = wakePosted_] {
            posted->store(false);
            w->sender->wake();
        });
    }
    return true;
}

TelemetrySnapshot TelemetryEmitter::status() const {
    TelemetrySnapshot snapshot = status_.snapshot();
    if (worker_) {
        snapshot.pendingMemory = worker_->inbox.size();
        snapshot.dropped += worker_->inbox.refused();
    }
    return snapshot;
}

bool TelemetryEmitter::flush(std::chrono::milliseconds timeout) {
    if (!worker_) return true;
    const std::uint64_t generation = ++flushGeneration_;
    Worker* w = worker_.get();
    boost::asio::post(w->io, [w, this, generation] {
        w->sender->wake();
        status_.update([generation](TelemetrySnapshot& s) { s.flushesDone = std::max(s.flushesDone, generation); });
    });
    return status_.waitUntil([generation](const TelemetrySnapshot& s) { return s.flushesDone >= generation && s.pendingSpool == 0; },
                             std::chrono::steady_clock::now() + timeout);
}

}  // namespace chief::daemon::telemetry
