// chief-monitord: the composition root. Reads the command line and the settings, then runs the
// monitor (MonitorProcess) inside the service shell every Chief daemon shares (chief/service):
// signals, sd_notify, the watchdog. Runs until SIGTERM.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "chief/service/log_target.h"
#include "chief/service/sd_journal_writer.h"
#include "chief/service/service_notifier.h"
#include "chief/service/service_shell.h"
#include "monitor/app/monitor_logging.h"
#include "monitor/app/monitor_options.h"
#include "monitor/app/monitor_process.h"
#include "monitor/app/system_clock.h"
#include "monitor/core/http_url.h"
#include "monitor/core/settings.h"

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
        return kMonitorExitUsage;
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
    ::signal(SIGPIPE, SIG_IGN);  // a client gone mid-response is an error return, not a reason to die

    const auto target = chief::service::resolveLogTargetForThisProcess(options.logTarget);
    chief::service::SdJournalWriter journalSocket;
    MonitorLogging logging(target, options.debug, journalSocket, std::cerr);
    chief::service::Logger& logger = logging.logger();
    if (target == chief::service::LogTarget::Kind::Journal && !chief::service::journalSocketPresent())
        std::cerr << "chief-monitord: --log-target=journal, but /run/systemd/journal/socket does not exist: log "
                     "entries will be lost; use --log-target=console\n";

    auto fileText = readSettingsFile(options);
    if (!fileText) {
        logger.log(chief::service::LogLevel::Error, "chief-monitord: " + fileText.error());
        return kMonitorExitUsage;
    }
    const std::optional<std::string_view> yaml =
        fileText.value() ? std::optional<std::string_view>(*fileText.value()) : std::nullopt;
    auto resolved = resolveSettings(yaml, options.configPath, processEnvironment());
    if (!resolved) {
        logger.log(chief::service::LogLevel::Error, "chief-monitord: invalid settings:\n" + resolved.error());
        return kMonitorExitUsage;
    }
    for (const std::string& warning : resolved.value().warnings) logger.log(chief::service::LogLevel::Warning, warning);
    if (options.checkConfig) {
        std::cout << settingsJson(resolved.value().settings).dump(2) << "\n";
        return 0;
    }

    // This thread runs the shell and the HTTP server; the monitor runs its store, state machine,
    // timers and webhooks on a second thread of its own (see MonitorProcess).
    boost::asio::io_context io;
    SystemClock clock;
    chief::service::SystemdNotifier notifier;
    chief::service::ServiceShell shell(io, notifier, logger);
    MonitorProcess monitor(MonitorParts{io, resolved.value().settings, logger, clock});
    shell.setLivenessProbe([&monitor](std::function<void()> alive) { monitor.probeLiveness(std::move(alive)); });
    if (const auto failed = shell.start(monitor)) return *failed;
    shell.ready();
    io.run();
    return 0;
}
