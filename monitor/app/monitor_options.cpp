#include "monitor/app/monitor_options.h"

namespace chief::monitor {

Result<MonitorOptions> parseMonitorOptions(std::span<const std::string_view> args) {
    MonitorOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        std::optional<std::string_view> inlineValue;
        if (const std::size_t equals = arg.find('='); arg.rfind("--", 0) == 0 && equals != std::string_view::npos) {
            inlineValue = arg.substr(equals + 1);
            arg = arg.substr(0, equals);
        }
        const auto value = [&]() -> std::optional<std::string_view> {
            if (inlineValue) return inlineValue;
            if (i + 1 < args.size()) return args[++i];
            return std::nullopt;
        };
        if (arg == "--config") {
            const auto path = value();
            if (!path || path->empty()) return makeError("--config needs a file path");
            options.configPath = std::string(*path);
            options.configPathGiven = true;
        } else if (arg == "--log-target") {
            const auto text = value();
            auto target = service::LogTarget::parse(text ? *text : std::string_view());
            if (!target) return makeError("--log-target must be auto, journal or console");
            options.logTarget = target.value();
        } else if (arg == "--debug" && !inlineValue) {
            options.debug = true;
        } else if (arg == "--check-config" && !inlineValue) {
            options.checkConfig = true;
        } else if ((arg == "--help" || arg == "-h") && !inlineValue) {
            options.help = true;
        } else if (arg == "--version" && !inlineValue) {
            options.version = true;
        } else {
            return makeError("unknown option " + std::string(args[i]) + " (see --help)");
        }
    }
    return options;
}

std::string monitorUsage() {
    return "Usage: chief-monitord [--config PATH] [--log-target auto|journal|console] [--debug] [--check-config]\n"
           "\n"
           "Stores Chief telemetry, raises missed-run, failure and overrun alerts, sends webhooks,\n"
           "and serves the HTTP API, /metrics and the dashboard. See chief-monitord(8).\n"
           "\n"
           "  --config PATH      settings file (default /etc/chief/monitor.yaml; MONITOR_* variables win)\n"
           "  --log-target T     auto (journal under systemd, else stderr), journal or console\n"
           "  --debug            log debug entries too\n"
           "  --check-config     validate the settings, print them (API key hidden) and exit\n"
           "  --version          print the version and exit\n";
}

}  // namespace chief::monitor
