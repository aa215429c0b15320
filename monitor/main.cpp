// chief-monitord: the composition root. Reads the command line and settings, builds the store,
// the service, the HTTP server, the webhook dispatcher and the timers on one io_context, and
// runs it until SIGTERM.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>
#include <string>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "monitor/app/change_announcer.h"
#include "monitor/app/evaluator_timer.h"
#include "monitor/app/journal_logger.h"
#include "monitor/app/monitor_options.h"
#include "monitor/app/retention_runner.h"
#include "monitor/app/service_notifier.h"
#include "monitor/app/service_shell.h"
#include "monitor/app/system_clock.h"
#include "monitor/core/http_url.h"
#include "monitor/core/message_ids.h"
#include "monitor/core/settings.h"
#include "monitor/http/api_router.h"
#include "monitor/http/http_server.h"
#include "monitor/service/monitor_service.h"
#include "monitor/store/sqlite_store.h"
#include "monitor/webhook/webhook_dispatcher.h"
#include "monitor/webhook/webhook_sender.h"

extern char** environ;

namespace {

using namespace chief::monitor;

chief::monitor::Environment processEnvironment() {
    chief::monitor::Environment environment;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view item(*entry);
        const std::size_t equals = item.find('=');
        if (equals == std::string_view::npos) continue;
        const std::string_view name = item.substr(0, equals);
        if (name.rfind("MONITOR_", 0) == 0 || name == "STATE_DIRECTORY")
            environment.emplace(std::string(name), std::string(item.substr(equals + 1)));
    }
    return environment;
}

// The settings file's text; nullopt when the default file does not exist.
chief::Result<std::optional<std::string>> readSettingsFile(const MonitorOptions& options) {
    std::ifstream file(options.configPath, std::ios::binary);
    if (!file) {
        if (!options.configPathGiven && !std::filesystem::exists(options.configPath))
            return std::optional<std::string>();
        return chief::makeError("cannot read " + options.configPath);
    }
    std::ostringstream text;
    text << file.rdbuf();
    return std::optional<std::string>(text.str());
}

std::string listenUrl(bool tls, const boost::asio::ip::tcp::endpoint& endpoint) {
    const std::string address = endpoint.address().to_string();
    return std::string(tls ? "https" : "http") + "://" + (endpoint.address().is_v6() ? "[" + address + "]" : address) +
           ":" + std::to_string(endpoint.port());
}

nlohmann::json settingsJson(const MonitorSettings& s) {
    nlohmann::json webhooks = nlohmann::json::array();
    for (const WebhookTarget& target : s.webhooks)
        webhooks.push_back({{"url", redactUrl(target.url)}, {"signed", !target.secret.empty()}});
    return {{"host", s.host},
            {"port", s.port},
            {"db_path", s.dbPath},
            {"api_key", s.apiKey.empty() ? "" : "(set)"},
            {"retention_days", s.retentionDays},
            {"evaluator_interval_seconds", s.evaluatorIntervalSeconds},
            {"retention_interval_seconds", s.retentionIntervalSeconds},
            {"recovery_ttl_seconds", s.recoveryTtlSeconds},
            {"max_connections", s.maxConnections},
            {"request_timeout_seconds", s.requestTimeoutSeconds},
            {"idle_timeout_seconds", s.idleTimeoutSeconds},
            {"tls_cert", s.tlsCert},
            {"tls_key", s.tlsKey},
            {"webhooks", webhooks}};
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    auto parsed = parseMonitorOptions(args);
    if (!parsed) {
        std::cerr << "chief-monitord: " << parsed.error() << "\n";
        return 2;
    }
    const MonitorOptions& options = parsed.value();
    if (options.help) {
        std::cout << monitorUsage();
        return 0;
    }
    if (options.version) {
        std::cout << "chief-monitord " << CHIEF_VERSION << "\n";
        return 0;
    }

    const LogLevel maxLevel = options.debug ? LogLevel::Debug : LogLevel::Info;
    std::unique_ptr<Logger> logger;
    if (resolveLogTarget(options.logTarget) == LogTargetKind::Journal) logger = std::make_unique<JournalLogger>(maxLevel);
    else logger = std::make_unique<ConsoleLogger>(maxLevel);

    auto fileText = readSettingsFile(options);
    if (!fileText) {
        logger->log(LogLevel::Error, "chief-monitord: " + fileText.error());
        return 2;
    }
    const std::optional<std::string_view> yaml =
        fileText.value() ? std::optional<std::string_view>(*fileText.value()) : std::nullopt;
    auto resolved = resolveSettings(yaml, options.configPath, processEnvironment());
    if (!resolved) {
        logger->log(LogLevel::Error, "chief-monitord: invalid settings:\n" + resolved.error());
        return 2;
    }
    for (const std::string& warning : resolved.value().warnings) logger->log(LogLevel::Warning, warning);
    const MonitorSettings& settings = resolved.value().settings;
    if (options.checkConfig) {
        std::cout << settingsJson(settings).dump(2) << "\n";
        return 0;
    }

    std::error_code ignored;
    std::filesystem::create_directories(std::filesystem::path(settings.dbPath).parent_path(), ignored);
    std::unique_ptr<SqliteStore> store;
    try {
        store = std::make_unique<SqliteStore>(settings.dbPath);
    } catch (const StoreError& failure) {
        logger->log(LogLevel::Error, std::string("chief-monitord: cannot open the store: ") + failure.what(), {},
                    message_id::kStoreError);
        return 1;
    }

    SystemClock clock;
    ChangeAnnouncer announcer(*logger);
    MonitorService service(*store, clock, announcer, MonitorPolicy{std::chrono::seconds{settings.recoveryTtlSeconds}},
                           settings.webhooks);
    try {
        service.load();
    } catch (const StoreError& failure) {
        logger->log(LogLevel::Error, std::string("chief-monitord: cannot load the store: ") + failure.what(), {},
                    message_id::kStoreError);
        return 1;
    }

    // Two threads: this one runs the HTTP server (parsing, TLS, validation of ingest bodies);
    // the service thread runs the store, the state machine, the timers and the webhooks, so a
    // commit's disk sync overlaps the parsing of the next requests.
    boost::asio::io_context serverIo;
    boost::asio::io_context serviceIo;
    auto serviceWork = boost::asio::make_work_guard(serviceIo);
    TrafficCounters traffic;
    ApiRouter router(service, *logger, RouterOptions{settings.apiKey});
    router.setTraffic(&traffic);
    ServiceThreadHandler handler(router, service, serverIo, serviceIo);
    ServerOptions serverOptions;
    serverOptions.host = settings.host;
    serverOptions.port = settings.port;
    serverOptions.maxConnections = static_cast<std::size_t>(settings.maxConnections);
    serverOptions.requestTimeout = std::chrono::seconds{settings.requestTimeoutSeconds};
    serverOptions.idleTimeout = std::chrono::seconds{settings.idleTimeoutSeconds};
    if (!settings.tlsCert.empty()) serverOptions.tls = TlsFiles{settings.tlsCert, settings.tlsKey};
    HttpServer server(serverIo, handler, traffic, *logger, serverOptions);
    const auto endpoint = server.start();
    if (!endpoint) {
        logger->log(LogLevel::Error, "chief-monitord: " + endpoint.error());
        return 1;
    }

    BeastWebhookSender sender(serviceIo, std::chrono::seconds{10});
    WebhookDispatcher dispatcher(serviceIo, *store, clock, sender, settings.webhooks, *logger, traffic);
    EvaluatorTimer evaluator(serviceIo, service, *logger, std::chrono::seconds{settings.evaluatorIntervalSeconds});
    RetentionRunner retention(serviceIo, service, *logger, settings.retentionDays,
                              std::chrono::seconds{settings.retentionIntervalSeconds});
    announcer.onDeliveriesQueued([&] { dispatcher.wake(); });
    announcer.onDeadlinesChanged([&] { evaluator.deadlinesChanged(); });
    // Armed before the service thread starts, so nothing else touches them meanwhile.
    evaluator.start();
    dispatcher.start();
    retention.start();
    std::thread serviceThread([&] { serviceIo.run(); });

    SystemdNotifier notifier;
    ServiceShell shell(serverIo, notifier, *logger);
    // The watchdog is fed only after a round trip through the service thread's loop.
    shell.setLivenessProbe([&](std::function<void()> alive) {
        boost::asio::post(serviceIo, [&serverIo, alive = std::move(alive)]() mutable {
            boost::asio::post(serverIo, std::move(alive));
        });
    });
    shell.start([&] {
        logger->log(LogLevel::Info, "chief-monitord stopping", {}, message_id::kMonitorStopping);
        shell.stopping();
        server.stop();
        boost::asio::post(serviceIo, [&] {
            evaluator.stop();
            retention.stop();
            dispatcher.stop();
            serviceWork.reset();
        });
    });

    const std::string url = listenUrl(server.tls(), endpoint.value());
    logger->log(LogLevel::Info,
                "chief-monitord " CHIEF_VERSION " listening on " + url + " (dashboard " + url + "/, store " +
                    settings.dbPath + ", " + std::to_string(service.checks().size()) + " checks, " +
                    std::to_string(service.totalEvents()) + " events" +
                    (settings.apiKey.empty() ? "" : ", API key required") + ")",
                {{"CHIEF_LISTEN", url}}, message_id::kMonitorStarted);
    shell.ready("Listening on " + url);
    serverIo.run();
    serviceThread.join();
    return 0;
}
