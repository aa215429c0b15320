#include "monitor/core/settings.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "chief/key_suggester.h"
#include "chief/yaml_tree.h"

namespace chief::monitor {

namespace {

constexpr std::array<std::string_view, 14> kKeys{
    "host", "port", "db_path", "api_key", "retention_days", "evaluator_interval_seconds", "retention_interval_seconds",
    "recovery_ttl_seconds", "max_connections", "request_timeout_seconds", "idle_timeout_seconds", "tls_cert", "tls_key",
    "webhooks"};

std::optional<std::int64_t> parseInteger(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

// Collects every problem, each prefixed with where it was found.
class Problems {
public:
    void add(std::string message) { messages_.push_back(std::move(message)); }
    bool empty() const { return messages_.empty(); }
    std::string joined() const {
        std::string out;
        for (const std::string& message : messages_) out += (out.empty() ? "" : "\n") + message;
        return out;
    }

private:
    std::vector<std::string> messages_;
};

// Sets one setting from text, naming `where` in errors.
void applyValue(MonitorSettings& s, std::string_view key, std::string_view text, const std::string& where,
                Problems& problems) {
    const auto integer = [&](std::int64_t& target, std::int64_t min, std::int64_t max) {
        const auto value = parseInteger(text);
        if (!value || *value < min || *value > max) {
            problems.add(where + ": expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                         ", got \"" + std::string(text) + "\"");
            return;
        }
        target = *value;
    };
    if (key == "host") {
        if (text.empty()) problems.add(where + ": must not be empty");
        else s.host = std::string(text);
    } else if (key == "port") {
        std::int64_t port = s.port;
        integer(port, 0, 65535);  // leaves it unchanged when invalid
        s.port = static_cast<std::uint16_t>(port);
    } else if (key == "db_path") {
        if (text.empty()) problems.add(where + ": must not be empty");
        else s.dbPath = std::string(text);
    } else if (key == "api_key") {
        s.apiKey = std::string(text);
    } else if (key == "retention_days") {
        integer(s.retentionDays, 1, 36500);
    } else if (key == "evaluator_interval_seconds") {
        integer(s.evaluatorIntervalSeconds, 1, 86400);
    } else if (key == "retention_interval_seconds") {
        integer(s.retentionIntervalSeconds, 60, 7 * 86400);
    } else if (key == "recovery_ttl_seconds") {
        integer(s.recoveryTtlSeconds, 1, 7 * 86400);
    } else if (key == "max_connections") {
        integer(s.maxConnections, 1, 65536);
    } else if (key == "request_timeout_seconds") {
        integer(s.requestTimeoutSeconds, 1, 3600);
    } else if (key == "idle_timeout_seconds") {
        integer(s.idleTimeoutSeconds, 1, 3600);
    } else if (key == "tls_cert") {
        s.tlsCert = std::string(text);
    } else if (key == "tls_key") {
        s.tlsKey = std::string(text);
    }
}

std::string at(const std::string& file, const YamlNode& node, std::string_view path) {
    const SourcePosition position = node.position();
    return file + ":" + std::to_string(position.line) + ":" + std::to_string(position.column) + ": " + std::string(path);
}

bool validWebhookUrl(std::string_view url) {
    return (url.rfind("http://", 0) == 0 && url.size() > 7) || (url.rfind("https://", 0) == 0 && url.size() > 8);
}

void applyWebhooks(MonitorSettings& s, const YamlNode& list, const std::string& file, Problems& problems) {
    if (list.isNull()) return;
    if (!list.isSequence()) {
        problems.add(at(file, list, "webhooks") + ": expected a list of {url, secret}");
        return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YamlNode item = list.item(i);
        const std::string path = "webhooks[" + std::to_string(i) + "]";
        if (!item.isMapping()) {
            problems.add(at(file, item, path) + ": expected a mapping with url and an optional secret");
            continue;
        }
        WebhookTarget target;
        for (std::size_t k = 0; k < item.size(); ++k) {
            const std::string_view key = item.key(k).text();
            const YamlNode value = item.value(k);
            if (!value.isScalar()) {
                problems.add(at(file, value, path + "." + std::string(key)) + ": expected a string");
            } else if (key == "url") {
                target.url = std::string(value.text());
            } else if (key == "secret") {
                target.secret = std::string(value.text());
            } else {
                problems.add(at(file, item.key(k), path + "." + std::string(key)) + ": unknown key (expected url, secret)");
            }
        }
        if (!validWebhookUrl(target.url))
            problems.add(at(file, item, path + ".url") + ": expected an http:// or https:// URL");
        else
            s.webhooks.push_back(std::move(target));
    }
}

}  // namespace

Result<ResolvedSettings> resolveSettings(const std::optional<std::string_view>& yamlText, const std::string& yamlName,
                                         const Environment& environment) {
    ResolvedSettings resolved;
    MonitorSettings& s = resolved.settings;
    Problems problems;
    const auto env = [&](std::string_view name) -> std::optional<std::string> {
        const auto it = environment.find(name);
        if (it == environment.end()) return std::nullopt;
        return it->second;
    };
    if (const auto state = env("STATE_DIRECTORY"); state && !state->empty()) {
        // systemd may list several directories separated by ':'; ours is the first.
        s.dbPath = state->substr(0, state->find(':')) + "/monitor.sqlite";
    } else {
        s.dbPath = "/var/lib/chief-monitor/monitor.sqlite";
    }

    if (yamlText) {
        auto [tree, syntaxError] = YamlTree::parse(*yamlText);
        if (syntaxError) {
            return makeError(yamlName + ":" + std::to_string(syntaxError->position.line) + ":" +
                             std::to_string(syntaxError->position.column) + ": " + syntaxError->message);
        }
        if (tree->documentCount() > 0) {
            const YamlNode root = tree->document(0);
            if (!root.isNull() && !root.isMapping()) {
                problems.add(at(yamlName, root, "") + "expected a mapping of settings");
            } else if (root.isMapping()) {
                for (std::size_t i = 0; i < root.size(); ++i) {
                    const std::string key(root.key(i).text());
                    const YamlNode value = root.value(i);
                    if (key == "webhooks") {
                        applyWebhooks(s, value, yamlName, problems);
                    } else if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
                        std::string message = at(yamlName, root.key(i), key) + ": unknown setting";
                        if (const auto suggestion = suggestClosest(key, kKeys)) message += "; did you mean " + *suggestion + "?";
                        problems.add(message);
                    } else if (value.isNull()) {
                        continue;  // "key:" with no value keeps the default
                    } else if (!value.isScalar()) {
                        problems.add(at(yamlName, value, key) + ": expected a single value");
                    } else {
                        applyValue(s, key, value.text(), at(yamlName, value, key), problems);
                    }
                }
            }
        }
    }

    for (const std::string_view key : kKeys) {
        if (key == "webhooks") continue;
        std::string name = "MONITOR_";
        for (const char c : key) name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
        if (const auto value = env(name)) applyValue(s, key, *value, name, problems);
    }
    if (const auto url = env("MONITOR_WEBHOOK_URL"); url && !url->empty()) {
        if (!validWebhookUrl(*url)) problems.add("MONITOR_WEBHOOK_URL: expected an http:// or https:// URL");
        else s.webhooks.push_back({*url, env("MONITOR_WEBHOOK_SECRET").value_or("")});
    }

    if (s.tlsCert.empty() != s.tlsKey.empty())
        problems.add("tls_cert and tls_key (MONITOR_TLS_CERT, MONITOR_TLS_KEY): give both, or neither");
    if (!problems.empty()) return makeError(problems.joined());

    if (s.evaluatorIntervalSeconds < kMinEvaluatorIntervalSeconds) {
        resolved.warnings.push_back("evaluator_interval_seconds " + std::to_string(s.evaluatorIntervalSeconds) +
                                    " raised to " + std::to_string(kMinEvaluatorIntervalSeconds) +
                                    ": checks are evaluated at their exact deadlines; this is only a safety re-check");
        s.evaluatorIntervalSeconds = kMinEvaluatorIntervalSeconds;
    }
    return resolved;
}

}  // namespace chief::monitor
