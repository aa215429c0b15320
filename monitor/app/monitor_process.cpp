#include "monitor/app/monitor_process.h"

#include <chrono>
#include <filesystem>
#include <system_error>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "monitor/app/change_announcer.h"
#include "monitor/app/evaluator_timer.h"
#include "monitor/app/retention_runner.h"
#include "monitor/core/message_ids.h"
#include "monitor/http/api_router.h"
#include "monitor/http/http_server.h"
#include "monitor/http/request_handler.h"
#include "monitor/service/monitor_service.h"
#include "monitor/store/sqlite_store.h"
#include "monitor/webhook/webhook_dispatcher.h"
#include "monitor/webhook/webhook_sender.h"

namespace chief::monitor {

namespace asio = boost::asio;

namespace {

std::string listenUrl(bool tls, const asio::ip::tcp::endpoint& endpoint) {
    const std::string address = endpoint.address().to_string();
    return std::string(tls ? "https" : "http") + "://" + (endpoint.address().is_v6() ? "[" + address + "]" : address) +
           ":" + std::to_string(endpoint.port());
}

ServerOptions serverOptionsFor(const MonitorSettings& settings) {
    ServerOptions options;
    options.host = settings.host;
    options.port = settings.port;
    options.maxConnections = static_cast<std::size_t>(settings.maxConnections);
    options.requestTimeout = std::chrono::seconds{settings.requestTimeoutSeconds};
    options.idleTimeout = std::chrono::seconds{settings.idleTimeoutSeconds};
    if (!settings.tlsCert.empty()) options.tls = TlsFiles{settings.tlsCert, settings.tlsKey};
    return options;
}

// How often stop() looks whether the last connection has gone (they were all closed at once,
// so their handlers only have to run to completion).
constexpr std::chrono::milliseconds kConnectionDrainPoll{10};

}  // namespace

// Built in this order at start() and destroyed in reverse: each part refers only to earlier ones.
struct MonitorProcess::Parts {
    Parts(MonitorParts& parts, asio::io_context& serviceIo, TrafficCounters& traffic, std::unique_ptr<SqliteStore> db)
        : store(std::move(db)),
          announcer(parts.logger),
          service(*store, parts.clock, announcer, MonitorPolicy{std::chrono::seconds{parts.settings.recoveryTtlSeconds}},
                  parts.settings.webhooks),
          router(service, parts.logger, RouterOptions{parts.settings.apiKey}),
          handler(router, service, parts.serverIo, serviceIo),
          server(parts.serverIo, handler, traffic, parts.logger, serverOptionsFor(parts.settings)),
          sender(serviceIo, std::chrono::seconds{10}),
          dispatcher(serviceIo, *store, parts.clock, sender, parts.settings.webhooks, parts.logger, traffic),
          evaluator(serviceIo, service, parts.logger, std::chrono::seconds{parts.settings.evaluatorIntervalSeconds}),
          retention(serviceIo, service, parts.logger, parts.settings.retentionDays,
                    std::chrono::seconds{parts.settings.retentionIntervalSeconds}),
          drainTimer(parts.serverIo) {
        router.setTraffic(&traffic);
        announcer.onDeliveriesQueued([this] { dispatcher.wake(); });
        announcer.onDeadlinesChanged([this] { evaluator.deadlinesChanged(); });
    }

    std::unique_ptr<SqliteStore> store;
    ChangeAnnouncer announcer;
    MonitorService service;
    ApiRouter router;
    ServiceThreadHandler handler;
    HttpServer server;
    BeastWebhookSender sender;
    WebhookDispatcher dispatcher;
    EvaluatorTimer evaluator;
    RetentionRunner retention;
    asio::steady_timer drainTimer;  // on the server thread, while stopping
};

MonitorProcess::MonitorProcess(MonitorParts parts)
    : parts_(std::move(parts)), serviceWork_(asio::make_work_guard(serviceIo_)) {}

MonitorProcess::~MonitorProcess() {
    // Normally the thread has ended by now (stop() waits for it); if the process is torn down
    // without a stop, end the thread's loop first, since everything it runs dies below.
    if (serviceThread_.joinable()) {
        serviceWork_.reset();
        serviceIo_.stop();
        serviceThread_.join();
    }
}

std::optional<int> MonitorProcess::start() {
    service::Logger& logger = parts_.logger;
    const MonitorSettings& settings = parts_.settings;
    // The store's directory may not exist yet on a first run outside the package (which has
    // StateDirectory=); if it cannot be made, opening the store says why.
    std::error_code ignored;
    std::filesystem::create_directories(std::filesystem::path(settings.dbPath).parent_path(), ignored);
    std::unique_ptr<SqliteStore> store;
    try {
        store = std::make_unique<SqliteStore>(settings.dbPath);
    } catch (const StoreError& failure) {
        logger.log(service::LogLevel::Error, std::string("chief-monitord: cannot open the store: ") + failure.what(), {},
                   message_id::kStoreError);
        return kMonitorExitFailure;
    }
    running_ = std::make_unique<Parts>(parts_, serviceIo_, traffic_, std::move(store));
    try {
        running_->service.load();
    } catch (const StoreError& failure) {
        logger.log(service::LogLevel::Error, std::string("chief-monitord: cannot load the store: ") + failure.what(), {},
                   message_id::kStoreError);
        running_.reset();
        return kMonitorExitFailure;
    }
    const auto endpoint = running_->server.start();
    if (!endpoint) {
        logger.log(service::LogLevel::Error, "chief-monitord: " + endpoint.error());
        running_.reset();
        return kMonitorExitFailure;
    }
    url_ = listenUrl(running_->server.tls(), endpoint.value());

    // Armed before the service thread starts, so nothing else touches them meanwhile; from here
    // on they belong to that thread.
    running_->evaluator.start();
    running_->dispatcher.start();
    running_->retention.start();
    logger.log(service::LogLevel::Info,
               "chief-monitord " CHIEF_VERSION " listening on " + url_ + " (dashboard " + url_ + "/, store " +
                   settings.dbPath + ", " + std::to_string(running_->service.checks().size()) + " checks, " +
                   std::to_string(running_->service.totalEvents()) + " events" +
                   (settings.apiKey.empty() ? "" : ", API key required") + ")",
               {{"CHIEF_LISTEN", url_}}, message_id::kMonitorStarted);
    serviceThread_ = std::thread([this] {
        serviceIo_.run();
        // Queued behind every answer the service thread posted, so those have run when it does.
        asio::post(parts_.serverIo, [this] { serviceThreadEnded(); });
    });
    return std::nullopt;
}

void MonitorProcess::reload() {
    parts_.logger.log(service::LogLevel::Notice,
                      "chief-monitord reads its settings at start only: ignoring SIGHUP (restart it to apply new ones)");
}

void MonitorProcess::stop(std::function<void()> stopped) {
    if (stopRequested_) {
        // A second SIGTERM: stop waiting for webhook requests in flight (their deliveries stay
        // in the outbox and are sent after the next start) and for ingest not yet committed
        // (those clients got no 202, so they send again).
        parts_.logger.log(service::LogLevel::Notice, "chief-monitord stopping now, dropping queued work");
        serviceIo_.stop();
        return;
    }
    stopRequested_ = true;
    stopped_ = std::move(stopped);
    parts_.logger.log(service::LogLevel::Info, "chief-monitord stopping", {}, message_id::kMonitorStopping);
    running_->server.stop();
    asio::post(serviceIo_, [this] {
        running_->evaluator.stop();
        running_->retention.stop();
        running_->dispatcher.stop();
        // The thread ends once what is queued (ingest being committed, webhooks in flight) is done.
        serviceWork_.reset();
    });
}

void MonitorProcess::serviceThreadEnded() {
    serviceThreadEnded_ = true;
    serviceThread_.join();
    finishStopping();
}

void MonitorProcess::finishStopping() {
    if (!stopped_) return;
    // The shell stops the server loop once told, leaving whatever is queued there unrun; so
    // every connection must be gone first: its handlers refer to the parts destroyed next.
    if (traffic_.connectionsOpen.load() == 0) return std::exchange(stopped_, nullptr)();
    running_->drainTimer.expires_after(kConnectionDrainPoll);
    running_->drainTimer.async_wait([this](const boost::system::error_code&) { finishStopping(); });
}

std::string MonitorProcess::statusLine() const { return "Listening on " + url_; }

void MonitorProcess::probeLiveness(std::function<void()> alive) {
    if (serviceThreadEnded_) return alive();
    asio::post(serviceIo_, [&serverIo = parts_.serverIo, alive = std::move(alive)]() mutable {
        asio::post(serverIo, std::move(alive));
    });
}

}  // namespace chief::monitor
