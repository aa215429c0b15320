// Settings from monitor.yaml and MONITOR_* (the environment wins), the command line, the
// Prometheus text, and the MESSAGE_ID table.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "event_builders.h"
#include "monitor/app/monitor_options.h"
#include "monitor/core/message_ids.h"
#include "monitor/core/metrics.h"
#include "monitor/core/settings.h"

using namespace chief::monitor;
using namespace chief::monitor::testing;

TEST_CASE("defaults without a file or variables", "[settings]") {
    const auto resolved = resolveSettings(std::nullopt, "monitor.yaml", {});
    REQUIRE(resolved);
    const MonitorSettings& s = resolved.value().settings;
    CHECK(s.host == "127.0.0.1");
    CHECK(s.port == 7410);
    CHECK(s.dbPath == "/var/lib/chief-monitor/monitor.sqlite");
    CHECK(s.apiKey.empty());
    CHECK(s.retentionDays == 30);
    CHECK(s.evaluatorIntervalSeconds == 60);
    CHECK(s.retentionIntervalSeconds == 3600);
    CHECK(s.webhooks.empty());
    CHECK(resolveSettings(std::nullopt, "m", {{"STATE_DIRECTORY", "/var/lib/chief-monitor:/other"}})
              .value()
              .settings.dbPath == "/var/lib/chief-monitor/monitor.sqlite");
    CHECK(resolveSettings(std::nullopt, "m", {{"STATE_DIRECTORY", "/srv/mon"}}).value().settings.dbPath ==
          "/srv/mon/monitor.sqlite");
}

TEST_CASE("the shipped config/monitor.yaml is valid and says what the defaults are", "[settings]") {
    std::ifstream file(CHIEF_SOURCE_DIR "/config/monitor.yaml");
    REQUIRE(file);
    std::stringstream text;
    text << file.rdbuf();
    const auto shipped = resolveSettings(text.str(), "config/monitor.yaml", {});
    REQUIRE(shipped);
    CHECK(shipped.value().warnings.empty());
    const MonitorSettings& s = shipped.value().settings;
    const MonitorSettings defaults = resolveSettings(std::nullopt, "none", {}).value().settings;
    CHECK(s.host == defaults.host);
    CHECK(s.port == defaults.port);
    CHECK(s.dbPath == defaults.dbPath);
    CHECK(s.apiKey.empty());
    CHECK(s.retentionDays == defaults.retentionDays);
    CHECK(s.retentionIntervalSeconds == defaults.retentionIntervalSeconds);
    CHECK(s.evaluatorIntervalSeconds == defaults.evaluatorIntervalSeconds);
    CHECK(s.recoveryTtlSeconds == defaults.recoveryTtlSeconds);
    CHECK(s.maxConnections == defaults.maxConnections);
    CHECK(s.requestTimeoutSeconds == defaults.requestTimeoutSeconds);
    CHECK(s.idleTimeoutSeconds == defaults.idleTimeoutSeconds);
    CHECK(s.webhooks.empty());
}

TEST_CASE("the file sets values, the environment wins", "[settings]") {
    const std::string yaml =
        "host: 0.0.0.0\nport: 9000\ndb_path: /data/m.sqlite\napi_key: from-file\nretention_days: 7\n"
        "tls_cert: /etc/ssl/c.pem\ntls_key: /etc/ssl/k.pem\nmax_connections: 64\n"
        "webhooks:\n  - url: https://hooks.example.com/a\n    secret: s1\n  - url: http://127.0.0.1:9/b\n";
    const auto resolved = resolveSettings(yaml, "monitor.yaml",
                                          {{"MONITOR_PORT", "7411"},
                                           {"MONITOR_API_KEY", "from-env"},
                                           {"MONITOR_WEBHOOK_URL", "http://127.0.0.1:10/c"},
                                           {"MONITOR_WEBHOOK_SECRET", "s3"},
                                           {"UNRELATED", "x"}});
    REQUIRE(resolved);
    const MonitorSettings& s = resolved.value().settings;
    CHECK(s.host == "0.0.0.0");
    CHECK(s.port == 7411);
    CHECK(s.dbPath == "/data/m.sqlite");
    CHECK(s.apiKey == "from-env");
    CHECK(s.retentionDays == 7);
    CHECK(s.maxConnections == 64);
    CHECK(s.tlsCert == "/etc/ssl/c.pem");
    REQUIRE(s.webhooks.size() == 3);
    CHECK(s.webhooks[0] == WebhookTarget{"https://hooks.example.com/a", "s1"});
    CHECK(s.webhooks[1] == WebhookTarget{"http://127.0.0.1:9/b", ""});
    CHECK(s.webhooks[2] == WebhookTarget{"http://127.0.0.1:10/c", "s3"});
}

TEST_CASE("every settings problem is reported with its place", "[settings]") {
    const auto resolved = resolveSettings("port: 70000\nretention_day: 3\nwebhooks:\n  - url: ftp://x\n  - 5\n",
                                          "m.yaml", {{"MONITOR_RETENTION_DAYS", "0"}, {"MONITOR_TLS_CERT", "/c.pem"}});
    REQUIRE_FALSE(resolved);
    const std::string& error = resolved.error();
    CHECK(error.find("m.yaml:1:7: port: expected an integer from 0 to 65535, got \"70000\"") != std::string::npos);
    CHECK(error.find("m.yaml:2:1: retention_day: unknown setting; did you mean retention_days?") != std::string::npos);
    CHECK(error.find("webhooks[0].url: expected an http:// or https:// URL") != std::string::npos);
    CHECK(error.find("m.yaml:5:5: webhooks[1]: expected a mapping") != std::string::npos);
    CHECK(error.find("MONITOR_RETENTION_DAYS: expected an integer from 1 to 36500, got \"0\"") != std::string::npos);
    CHECK(error.find("tls_cert and tls_key (MONITOR_TLS_CERT, MONITOR_TLS_KEY): give both, or neither") != std::string::npos);
    CHECK_FALSE(resolveSettings("port: [1, 2", "m.yaml", {}));
}

TEST_CASE("a safety re-check more often than once a minute is raised to a minute", "[settings]") {
    const auto resolved = resolveSettings(std::nullopt, "m", {{"MONITOR_EVALUATOR_INTERVAL_SECONDS", "15"}});
    REQUIRE(resolved);
    CHECK(resolved.value().settings.evaluatorIntervalSeconds == 60);
    REQUIRE(resolved.value().warnings.size() == 1);
    CHECK(resolved.value().warnings[0].find("raised to 60") != std::string::npos);
}

TEST_CASE("the command line", "[options]") {
    using Args = std::vector<std::string_view>;
    const auto parse = [](Args args) { return parseMonitorOptions(args); };
    CHECK(parse({}).value().configPath == "/etc/chief/monitor.yaml");
    CHECK_FALSE(parse({}).value().configPathGiven);
    const auto given = parse({"--config", "/tmp/m.yaml", "--log-target=console", "--debug"});
    REQUIRE(given);
    CHECK(given.value().configPath == "/tmp/m.yaml");
    CHECK(given.value().configPathGiven);
    CHECK(given.value().logTarget.kind() == chief::service::LogTarget::Kind::Console);
    CHECK(given.value().debug);
    CHECK(parse({"--check-config"}).value().checkConfig);
    CHECK(parse({"--log-target", "syslog"}).error() == "--log-target must be auto, journal or console");
    CHECK(parse({"--config"}).error() == "--config needs a file path");
    CHECK(parse({"--frobnicate"}).error() == "unknown option --frobnicate (see --help)");
}

TEST_CASE("the Prometheus text", "[metrics]") {
    std::map<CheckKey, Check> checks;
    Check check;
    check.key = {"db1", "back\"up"};
    check.status = CheckStatus::Down;
    check.lastSuccessAt = instant("2026-03-01T00:00:00Z");
    check.lastDurationMs = 2500;
    check.consecutiveFailures = 2;
    checks.emplace(check.key, check);
    std::map<std::int64_t, Alert> alerts;
    Alert alert;
    alert.type = AlertType::Missed;
    alerts.emplace(1, alert);
    std::map<std::string, HostPresence> hosts{{"db1", HostPresence{"db1", instant("2026-03-01T00:00:00Z"), 10, true}}};
    LatencyHistogram latency;
    latency.observe(0.0004);
    latency.observe(0.003);
    latency.observe(10.0);
    TrafficCounters traffic;
    for (int i = 0; i < 5; ++i) traffic.countResponse(202);
    MetricsSnapshot snapshot;
    snapshot.now = instant("2026-03-01T00:00:05Z");
    snapshot.eventsInserted = 7;
    snapshot.checks = &checks;
    snapshot.openAlerts = &alerts;
    snapshot.hosts = &hosts;
    snapshot.ingestLatency = &latency;
    snapshot.traffic = &traffic;
    const std::string text = renderMetrics(snapshot);
    for (const char* line : {
             "# TYPE chief_monitor_events_ingested_total counter\nchief_monitor_events_ingested_total 7\n",
             "chief_monitor_checks{status=\"DOWN\"} 1\n",
             "chief_monitor_checks{status=\"UP\"} 0\n",
             "chief_monitor_open_alerts{alert_type=\"MISSED\"} 1\n",
             "chief_monitor_job_last_success_timestamp_seconds{host=\"db1\",job=\"back\\\"up\"} 1772323200\n",
             "chief_monitor_job_last_duration_seconds{host=\"db1\",job=\"back\\\"up\"} 2.5\n",
             "chief_monitor_job_consecutive_failures{host=\"db1\",job=\"back\\\"up\"} 2\n",
             "chief_monitor_host_online{host=\"db1\"} 1\n",
             "chief_monitor_ingest_duration_seconds_bucket{le=\"0.0005\"} 1\n",
             "chief_monitor_ingest_duration_seconds_bucket{le=\"0.005\"} 2\n",
             "chief_monitor_ingest_duration_seconds_bucket{le=\"2.5\"} 2\n",
             "chief_monitor_ingest_duration_seconds_bucket{le=\"+Inf\"} 3\n",
             "chief_monitor_ingest_duration_seconds_count 3\n",
             "chief_monitor_http_responses_total{code=\"202\"} 5\n",
         }) {
        INFO(line);
        CHECK(text.find(line) != std::string::npos);
    }
    CHECK(escapeLabelValue("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
}

TEST_CASE("MESSAGE_IDs are unique 32-hex-digit ids", "[journal]") {
    std::set<std::string_view> ids;
    for (const MessageIdInfo& info : kMessageIds) {
        CHECK(info.id.size() == 32);
        CHECK(info.id.find_first_not_of("0123456789abcdef") == std::string_view::npos);
        ids.insert(info.id);
    }
    CHECK(ids.size() == kMessageIds.size());
}
