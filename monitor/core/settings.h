#pragma once
// MonitorSettings: chief-monitord's configuration from /etc/chief/monitor.yaml and the
// environment (which wins). Keys are the variable names without MONITOR_, lower-case:
// MONITOR_DB_PATH is db_path. Documented in chief-monitord(8).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chief/result.h"
#include "monitor/core/webhook_payload.h"

namespace chief::monitor {

struct MonitorSettings {
    std::string host = "127.0.0.1";
    std::uint16_t port = 7410;
    std::string dbPath;  // default: $STATE_DIRECTORY/monitor.sqlite, else /var/lib/chief-monitor/monitor.sqlite
    std::string apiKey;  // empty: no key needed
    std::int64_t retentionDays = 30;
    std::int64_t evaluatorIntervalSeconds = 60;   // the safety re-check; deadlines are timed exactly
    std::int64_t retentionIntervalSeconds = 3600;
    std::int64_t recoveryTtlSeconds = 900;
    std::int64_t maxConnections = 256;
    std::int64_t requestTimeoutSeconds = 30;  // to read one request (slow clients are cut off)
    std::int64_t idleTimeoutSeconds = 60;     // an idle keep-alive connection is closed
    std::string tlsCert;  // with tlsKey: serve HTTPS
    std::string tlsKey;
    std::vector<WebhookTarget> webhooks;
};

// Warnings about settings that were accepted but adjusted.
struct ResolvedSettings {
    MonitorSettings settings;
    std::vector<std::string> warnings;
};

using Environment = std::map<std::string, std::string, std::less<>>;

// The evaluator's safety re-check runs at most once a minute.
inline constexpr std::int64_t kMinEvaluatorIntervalSeconds = 60;

// Builds the settings: defaults, then `yamlText` (nullopt: no file), then the MONITOR_*
// variables of `environment`. `stateDirectory` is $STATE_DIRECTORY (systemd's StateDirectory=).
// Errors name the file position or the variable, and every problem is reported.
Result<ResolvedSettings> resolveSettings(const std::optional<std::string_view>& yamlText, const std::string& yamlName,
                                         const Environment& environment);

}  // namespace chief::monitor
