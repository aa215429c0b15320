// API contract tests against the real chief-monitord binary on an ephemeral port: every
// endpoint of ../shared/spec/monitor-api.md with auth on and off, validation errors, batch
// atomicity, the size limit, filters and paging, idempotent close, duplicate eventIds, two
// hosts, durability across a kill -9, and the transport's limits (slow clients, connection cap,
// keep-alive, 100-continue).
#include <catch2/catch.hpp>

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include "event_builders.h"
#include "monitor_process.h"

using namespace chief::monitor::testing;
using chief::telemetry::TelemetryEvent;
using chief::telemetry::toJson;
using nlohmann::json;

namespace {

json wire(TelemetryEvent event) { return toJson(event); }

json batchOf(const std::vector<TelemetryEvent>& events) {
    json out = json::array();
    for (const TelemetryEvent& event : events) out.push_back(toJson(event));
    return out;
}

TelemetryEvent withId(TelemetryEvent event, const std::string& id) {
    event.eventId = id;
    return event;
}

TelemetryEvent at(TelemetryEvent event, const char* iso) {
    event.eventAt = instant(iso);
    return event;
}

std::int64_t totalEvents(const HttpEndpoint& endpoint, const std::map<std::string, std::string>& headers = {}) {
    return httpGet(endpoint, "/v1/status/summary", headers).json().at("totalEvents").get<std::int64_t>();
}

// A raw TCP connection for tests of the transport itself.
struct RawConnection {
    explicit RawConnection(unsigned short port) : socket(io) {
        socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    }
    void send(const std::string& bytes) { boost::asio::write(socket, boost::asio::buffer(bytes)); }
    // Reads until `needle` or EOF; returns what arrived.
    std::string readUntil(const std::string& needle) {
        boost::system::error_code ec;
        boost::asio::read_until(socket, boost::asio::dynamic_buffer(data), needle, ec);
        return data;
    }
    // True when the server closed the connection (EOF) within `timeout`.
    bool closedWithin(std::chrono::milliseconds timeout) {
        timeval tv{};
        tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
        tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
        ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char byte = 0;
        while (true) {
            const ssize_t n = ::recv(socket.native_handle(), &byte, 1, 0);
            if (n == 0) return true;
            if (n < 0) return errno == ECONNRESET;
        }
    }
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket;
    std::string data;
};

}  // namespace

TEST_CASE("health answers without a key, everything else under /v1 and /metrics needs it", "[contract][auth]") {
    MonitorProcess monitor({"MONITOR_API_KEY=s3cret-key"});
    const HttpEndpoint endpoint = monitor.endpoint();
    const HttpResult health = httpGet(endpoint, "/v1/health");
    CHECK(health.status == 200);
    CHECK(health.json().at("ok") == true);
    CHECK(health.json().at("service") == "chief-monitor");
    CHECK(chief::telemetry::parseEventTime(health.json().at("now").get<std::string>()).ok());

    const std::vector<std::pair<std::string, std::string>> guarded{
        {"GET", "/v1/status/summary"}, {"GET", "/v1/status/jobs"},      {"GET", "/v1/status/jobs/x"},
        {"GET", "/v1/events"},         {"GET", "/v1/alerts"},           {"GET", "/metrics"},
        {"POST", "/v1/events"},        {"POST", "/v1/events/batch"},    {"POST", "/v1/alerts/1/close"},
        {"GET", "/v1/webhooks/deliveries"}, {"GET", "/v1/nonexistent"}};
    for (const auto& [method, target] : guarded) {
        INFO(method << " " << target);
        const HttpResult none = httpRequest(endpoint, {method, target, method == "POST" ? "{}" : "", {}});
        CHECK(none.status == 401);
        CHECK(none.json() == json{{"error", "Unauthorized"}});
        const HttpResult wrong = httpRequest(endpoint, {method, target, "", {{"x-api-key", "s3cret-kez"}}});
        CHECK(wrong.status == 401);
        const HttpResult prefix = httpRequest(endpoint, {method, target, "", {{"x-api-key", "s3cret"}}});
        CHECK(prefix.status == 401);
    }
    const std::map<std::string, std::string> key{{"x-api-key", "s3cret-key"}};
    CHECK(httpGet(endpoint, "/v1/status/summary", key).status == 200);
    CHECK(httpGet(endpoint, "/metrics", key).status == 200);
    CHECK(httpPost(endpoint, "/v1/events", wire(started("a", "r1")).dump(), key).status == 202);
    // The dashboard's files carry no data and load without a key (the page asks for it).
    CHECK(httpGet(endpoint, "/").status == 200);
    // The key never reaches the log.
    CHECK(monitor.log().find("s3cret") == std::string::npos);
}

TEST_CASE("without a configured key every endpoint is open", "[contract][auth]") {
    MonitorProcess monitor;
    const HttpEndpoint endpoint = monitor.endpoint();
    CHECK(httpGet(endpoint, "/v1/status/summary").status == 200);
    CHECK(httpGet(endpoint, "/metrics").status == 200);
    CHECK(httpPost(endpoint, "/v1/events", wire(started("a", "r1")).dump()).status == 202);
    // A key sent anyway is ignored.
    CHECK(httpGet(endpoint, "/v1/alerts", {{"x-api-key", "whatever"}}).status == 200);
}

TEST_CASE("POST /v1/events stores one event and answers 202 with counts", "[contract][ingest]") {
    MonitorProcess monitor;
    const HttpEndpoint endpoint = monitor.endpoint();
    const HttpResult accepted = httpPost(endpoint, "/v1/events", wire(withId(started("backup", "r1", "db1"), "db1-1")).dump());
    CHECK(accepted.status == 202);
    CHECK(accepted.json() == json{{"inserted", 1}, {"dropped", 0}});
    const HttpResult repeat = httpPost(endpoint, "/v1/events", wire(withId(started("backup", "r1", "db1"), "db1-1")).dump());
    CHECK(repeat.status == 202);
    CHECK(repeat.json() == json{{"inserted", 0}, {"dropped", 1}});
    CHECK(totalEvents(endpoint) == 1);
    // An event without eventAt is stored at its receive time.
    const json events = httpGet(endpoint, "/v1/events").json().at("events");
    REQUIRE(events.size() == 1);
    CHECK(events[0].at("eventId") == "db1-1");
    CHECK(events[0].at("host") == "db1");
    CHECK(events[0].at("eventAt") == events[0].at("receivedAt"));
}

TEST_CASE("invalid events get 400 with the field and the reason, nothing is stored", "[contract][validation]") {
    MonitorProcess monitor;
    const HttpEndpoint endpoint = monitor.endpoint();
    json bad = wire(started("backup", "r1"));
    bad["level"] = "LOUD";
    bad["durationMs"] = -5;
    bad.erase("message");
    const HttpResult result = httpPost(endpoint, "/v1/events", bad.dump());
    CHECK(result.status == 400);
    const json body = result.json();
    CHECK(body.at("error") == "Invalid event payload");
    CHECK(body.at("details").at("fieldErrors").at("level") ==
          json::array({"expected one of DEBUG, INFO, WARN, ERROR, CRITICAL"}));
    CHECK(body.at("details").at("fieldErrors").at("message") == json::array({"required"}));
    CHECK(body.at("details").at("fieldErrors").at("durationMs") == json::array({"must be between 0 and 316224000000"}));
    CHECK(body.at("details").at("formErrors") == json::array());

    const HttpResult notJson = httpPost(endpoint, "/v1/events", "{\"sourceType\": ");
    CHECK(notJson.status == 400);
    CHECK(notJson.json().at("error") == "Invalid JSON body");
    const HttpResult array = httpPost(endpoint, "/v1/events", "[]");
    CHECK(array.status == 400);
    CHECK(array.json().at("details").at("formErrors") == json::array({"an event must be a JSON object, got array"}));
    std::string deep(100, '[');
    deep += std::string(100, ']');
    const HttpResult nested = httpPost(endpoint, "/v1/events/batch", deep);
    CHECK(nested.status == 400);
    CHECK(nested.json().at("details").at("formErrors").at(0) == "nested deeper than 32 levels");
    CHECK(httpPost(endpoint, "/v1/events", "\xff\xfe").status == 400);
    // A number beyond a double once ended the process (found by the fuzz target).
    CHECK(httpPost(endpoint, "/v1/events/batch", "[1e1000]").status == 400);
    CHECK(httpGet(endpoint, "/v1/health").status == 200);
    CHECK(totalEvents(endpoint) == 0);
}

TEST_CASE("a batch is stored all or nothing, in either form", "[contract][ingest][batch]") {
    MonitorProcess monitor;
    const HttpEndpoint endpoint = monitor.endpoint();
    const HttpResult array = httpPost(endpoint, "/v1/events/batch",
                                      batchOf({started("a", "r1"), completed("a", "r1", true)}).dump());
    CHECK(array.status == 202);
    CHECK(array.json() == json{{"inserted", 2}, {"dropped", 0}});
    const HttpResult wrapped = httpPost(endpoint, "/v1/events/batch",
                                        json{{"events", batchOf({started("b", "r1")})}}.dump());
    CHECK(wrapped.status == 202);
    CHECK(wrapped.json() == json{{"inserted", 1}, {"dropped", 0}});
    CHECK(totalEvents(endpoint) == 3);

    // One bad event in the middle: 400 naming it, and none of the good ones are kept.
    json batch = batchOf({started("c", "r1"), started("c", "r2"), started("c", "r3")});
    batch[1]["sourceType"] = "nobody";
    const HttpResult refused = httpPost(endpoint, "/v1/events/batch", batch.dump());
    CHECK(refused.status == 400);
    CHECK(refused.json().at("error") == "Invalid batch payload");
    CHECK(refused.json().at("details").at("fieldErrors").at("events[1].sourceType") ==
          json::array({"expected one of chief, worker, monitor"}));
    CHECK(totalEvents(endpoint) == 3);
    CHECK(httpGet(endpoint, "/v1/status/jobs/c").status == 404);

    const HttpResult neither = httpPost(endpoint, "/v1/events/batch", json{{"items", json::array()}}.dump());
    CHECK(neither.status == 400);
    CHECK(httpPost(endpoint, "/v1/events/batch", "[]").json() == json{{"inserted", 0}, {"dropped", 0}});
}

TEST_CASE("repeated eventIds are dropped within a batch and across batches", "[contract][ingest][dedupe]") {
    MonitorProcess monitor;
    const HttpEndpoint endpoint = monitor.endpoint();
    const auto first = httpPost(endpoint, "/v1/events/batch",
                                batchOf({withId(failed("etl", "r1"), "h-1"), withId(failed("etl", "r1"), "h-1"),
                                         withId(started("etl", "r2"), "h-2")}).dump());
    CHECK(first.json() == json{{"inserted", 2}, {"dropped", 1}});
    // A replay of the whole spool after an outage: nothing new, and no second failure counted.
    const auto replay = httpPost(endpoint, "/v1/events/batch",
                                 batchOf({withId(failed("etl", "r1"), "h-1"), withId(started("etl", "r2"), "h-2"),
                                          withId(completed("etl", "r2", true), "h-3")}).dump());
    CHECK(replay.json() == json{{"inserted", 1}, {"dropped", 2}});
    const json check = httpGet(endpoint, "/v1/status/jobs/etl").json().at("check");
    CHECK(check.at("consecutiveFailures") == 0);
    CHECK(check.at("lastResult") == "success");
    CHECK(httpGet(endpoint, "/metrics").body.find("chief_monitor_events_dropped_total 3") != std::string::npos);
}

TEST_CASE("bodies over 2 MiB get 413 and nothing is stored, just under is accepted", "[contract][limits]") {
    MonitorProcess monitor;
    const HttpEndpoint endpoint = monitor.endpoint();
    // Under the limit: many events.
    constexpr std::size_t kLimit = 2 * 1024 * 1024;
    TelemetryEvent event = workerMessage("big", std::string(1000, 'x'));
    event.sourceType = chief::telemetry::SourceType::Chief;
    const std::string one = toJson(event).dump();
    std::string body = "[" + one;
    while (body.size() + one.size() + 2 < kLimit) body += "," + one;
    body += "]";
    REQUIRE(body.size() <= kLimit);
    const auto accepted = httpPost(endpoint, "/v1/events/batch", body);
    CHECK(accepted.status == 202);
    const std::int64_t stored = totalEvents(endpoint);
    CHECK(stored == accepted.json().at("inserted").get<std::int64_t>());
    // Over it, by a byte.
    std::string over = body;
    over.append(kLimit + 1 - over.size(), ' ');
    const auto refused = httpPost(endpoint, "/v1/events/batch", over);
    CHECK(refused.status == 413);
    CHECK(refused.json().at("error").get<std::string>().find("larger than 2097152 bytes") != std::string::npos);
    CHECK(totalEvents(endpoint) == stored);
    // The server is fine afterwards.
    CHECK(httpGet(endpoint, "/v1/health").status == 200);
}

TEST_CASE("GET /v1/events: each filter, newest first, default and maximum limit, offset", "[contract][query]") {
    MonitorProcess monitor;
    const HttpEndpoint endpoint = monitor.endpoint();
    std::vector<TelemetryEvent> events;
    for (int i = 0; i < 1200; ++i) {
        TelemetryEvent event = at(workerMessage(i % 2 == 0 ? "even" : "odd", "n" + std::to_string(i)), "2026-03-01T00:00:00Z");
        event.eventAt = *event.eventAt + std::chrono::seconds{i};
        if (i % 100 == 0) event.level = chief::telemetry::EventLevel::Error;
        event.scriptPath = i % 3 == 0 ? "/s/three.sh" : "/s/other.sh";
        events.push_back(event);
    }
    REQUIRE(httpPost(endpoint, "/v1/events/batch", batchOf(events).dump()).status == 202);
    const auto get = [&](const std::string& query) { return httpGet(endpoint, "/v1/events" + query).json(); };
    json all = get("");
    CHECK(all.at("limit") == 100);
    CHECK(all.at("offset") == 0);
    REQUIRE(all.at("events").size() == 100);
    CHECK(all.at("events")[0].at("message") == "n1199");
    CHECK(all.at("events")[99].at("message") == "n1100");
    CHECK(get("?limit=5000").at("events").size() == 1000);
    CHECK(get("?limit=5000").at("limit") == 1000);
    CHECK(get("?limit=abc").at("limit") == 100);  // invalid paging falls back (chief.py's rule)
    CHECK(get("?limit=0").at("limit") == 100);
    const json page = get("?limit=2&offset=3");
    CHECK(page.at("events")[0].at("message") == "n1196");
    CHECK(page.at("offset") == 3);
    CHECK(get("?jobName=even&limit=3").at("events")[0].at("message") == "n1198");
    CHECK(get("?level=ERROR&limit=1000").at("events").size() == 12);
    CHECK(get("?scriptPath=%2Fs%2Fthree.sh&limit=1000").at("events").size() == 400);
    CHECK(get("?eventType=worker.message&limit=1").at("events").size() == 1);
    CHECK(get("?eventType=job.started").at("events").empty());
    const json range = get("?from=2026-03-01T00:00:10Z&to=2026-03-01T00:00:12Z");
    REQUIRE(range.at("events").size() == 3);
    CHECK(range.at("events")[0].at("message") == "n12");
    CHECK(range.at("events")[2].at("message") == "n10");
    const HttpResult badLevel = httpGet(endpoint, "/v1/events?level=LOUD");
    CHECK(badLevel.status == 400);
    CHECK(badLevel.json().at("details").at("fieldErrors").at("level").size() == 1);
    CHECK(httpGet(endpoint, "/v1/events?from=yesterday").status == 400);
    // The event's wire shape.
    const json one = get("?limit=1").at("events")[0];
    for (const char* field : {"id", "receivedAt", "eventAt", "sourceType", "eventType", "level", "message", "jobName",
                              "scriptPath", "runId", "scheduledFor", "success", "returnCode", "durationMs",
                              "metadataJson", "metadata", "eventId", "host"})
        CHECK(one.contains(field));
}

TEST_CASE("GET /v1/alerts: filters, newest first, a host on every alert", "[contract][alerts]") {
    MonitorProcess monitor;
    const HttpEndpoint endpoint = monitor.endpoint();
    REQUIRE(httpPost(endpoint, "/v1/events/batch",
                     batchOf({failed("a", "r1", "db1"), failed("b", "r1", "db2"), failed("a", "r2"),
                              completed("b", "r2", true, "db2")})
                         .dump())
                .status == 202);
    const auto get = [&](const std::string& query) { return httpGet(endpoint, "/v1/alerts" + query).json().at("alerts"); };
    const json all = get("");
    REQUIRE(all.size() == 4);  // FAILURE x3 (b's closed), RECOVERY for b
    for (const json& alert : all) CHECK(alert.contains("host"));
    CHECK(get("?status=OPEN").size() == 3);
    CHECK(get("?status=CLOSED").size() == 1);
    CHECK(get("?alertType=RECOVERY").size() == 1);
    CHECK(get("?severity=ERROR").size() == 3);
    CHECK(get("?jobName=a").size() == 2);
    CHECK(get("?jobName=a&host=db1").size() == 1);
    CHECK(get("?host=").size() == 1);  // the unnamed host
    CHECK(get("?limit=1&offset=1").size() == 1);
    CHECK(httpGet(endpoint, "/v1/alerts?status=open").status == 400);
    CHECK(httpGet(endpoint, "/v1/alerts?alertType=BROKEN").status == 400);
    const json first = all[0];
    for (const char* field : {"id", "jobName", "host", "alertType", "severity", "status", "openedAt", "closedAt",
                              "dedupeKey", "title", "detailsJson", "details"})
        CHECK(first.contains(field));
}

TEST_CASE("closing an alert is idempotent, bad ids are 400, unknown ids 404", "[contract][alerts][close]") {
    MonitorProcess monitor;
    const HttpEndpoint endpoint = monitor.endpoint();
    REQUIRE(httpPost(endpoint, "/v1/events", wire(failed("etl", "r1")).dump()).status == 202);
    const std::int64_t id = httpGet(endpoint, "/v1/alerts").json().at("alerts").at(0).at("id");
    const std::string path = "/v1/alerts/" + std::to_string(id) + "/close";
    const HttpResult closed = httpPost(endpoint, path, R"({"reason": "  fixed the disk  "})");
    CHECK(closed.status == 200);
    CHECK(closed.json().at("found") == true);
    CHECK(closed.json().at("updated") == true);
    CHECK(closed.json().at("reason") == "fixed the disk");
    CHECK(closed.json().at("alert").at("status") == "CLOSED");
    CHECK(closed.json().at("alert").at("closeReason") == "fixed the disk");
    const HttpResult again = httpPost(endpoint, path, "");
    CHECK(again.status == 200);
    CHECK(again.json().at("found") == true);
    CHECK(again.json().at("updated") == false);
    CHECK(again.json().at("alert").at("closedAt") == closed.json().at("alert").at("closedAt"));
    CHECK(httpGet(endpoint, "/v1/alerts?status=OPEN").json().at("alerts").empty());

    const HttpResult unknown = httpPost(endpoint, "/v1/alerts/999/close", "{}");
    CHECK(unknown.status == 404);
    CHECK(unknown.json() == json{{"error", "Alert not found"}, {"alertId", 999}});
    for (const char* badId : {"abc", "0", "-1", "1.5", "99999999999999999999"}) {
        INFO(badId);
        const HttpResult bad = httpPost(endpoint, std::string("/v1/alerts/") + badId + "/close", "{}");
        CHECK(bad.status == 400);
        CHECK(bad.json() == json{{"error", "alertId must be a positive integer"}});
    }
    CHECK(httpPost(endpoint, path, json{{"reason", std::string(201, 'r')}}.dump()).status == 400);
    CHECK(httpPost(endpoint, path, R"({"reason": 5})").status == 400);
    CHECK(httpPost(endpoint, path, R"({"reason": "   "})").status == 400);
    CHECK(httpRequest(endpoint, {"GET", path, "", {}}).status == 405);
}

TEST_CASE("status endpoints: summary, jobs, one job with and without host, two hosts", "[contract][status]") {
    MonitorProcess monitor;
    const HttpEndpoint endpoint = monitor.endpoint();
    TelemetryEvent hb1 = heartbeat("db1", 15);
    TelemetryEvent hb2 = heartbeat("db2", 2);
    hb2.eventAt = instant("2020-01-01T00:00:00Z");  // long ago: offline
    TelemetryEvent next1 = nextScheduled("backup", "2099-01-01T02:00:00Z", "db1");
    next1.metadata["grace_seconds"] = 60;
    next1.metadata["timezone"] = "Europe/Berlin";
    REQUIRE(httpPost(endpoint, "/v1/events/batch",
                     batchOf({hb2, hb1, next1, at(started("backup", "r1", "db2"), "2026-03-01T02:00:00Z"),
                              at(failed("backup", "r1", "db2"), "2026-03-01T02:00:05Z"), started("backup", "r9", "db1")})
                         .dump())
                .status == 202);

    const json summary = httpGet(endpoint, "/v1/status/summary").json();
    CHECK(summary.at("totalEvents") == 6);
    CHECK(summary.at("checks") == json::array({{{"count", 2}, {"status", "UP"}}}));
    CHECK(summary.at("activeAlerts") == json::array({{{"alertType", "FAILURE"}, {"count", 1}}}));
    CHECK(summary.at("chief").at("host") == "db1");
    CHECK(summary.at("chief").at("online") == true);
    CHECK(summary.at("chief").at("pingIntervalSeconds") == 15);
    CHECK(summary.at("chief").at("offlineAfterSeconds") == 30);
    REQUIRE(summary.at("hosts").size() == 2);
    CHECK(summary.at("hosts")[0].at("host") == "db1");
    CHECK(summary.at("hosts")[1].at("host") == "db2");
    CHECK(summary.at("hosts")[1].at("online") == false);
    CHECK(summary.at("hosts")[1].at("offlineAfterSeconds") == 5);
    CHECK(chief::telemetry::parseEventTime(summary.at("latestEventAt").get<std::string>()).ok());

    const json jobs = httpGet(endpoint, "/v1/status/jobs").json().at("jobs");
    REQUIRE(jobs.size() == 2);
    CHECK(jobs[0].at("host") == "db1");
    CHECK(jobs[0].at("expectedNextAt") == "2099-01-01T02:00:00.000Z");
    CHECK(jobs[0].at("timezone") == "Europe/Berlin");
    CHECK(jobs[0].at("graceSeconds") == 60);
    CHECK(jobs[0].at("latestEvent").at("eventType") == "job.started");
    CHECK(jobs[1].at("host") == "db2");
    CHECK(jobs[1].at("consecutiveFailures") == 1);
    for (const char* field : {"jobName", "enabled", "alertOnFailure", "alertOnMiss", "graceSeconds", "status",
                              "lastHeartbeatAt", "expectedNextAt", "lastSuccessAt", "lastFailureAt",
                              "consecutiveFailures", "updatedAt", "latestEvent", "host"})
        CHECK(jobs[0].contains(field));

    // Without ?host the most recently active host's check (db1 ran just now), plus every host.
    const json detail = httpGet(endpoint, "/v1/status/jobs/backup").json();
    CHECK(detail.at("check").at("host") == "db1");
    CHECK(detail.at("hosts") == json::array({"db1", "db2"}));
    CHECK(detail.at("events").size() == 4);
    CHECK(detail.at("openAlerts").size() == 1);
    const json db2 = httpGet(endpoint, "/v1/status/jobs/backup?host=db2").json();
    CHECK(db2.at("check").at("host") == "db2");
    CHECK(db2.at("events").size() == 2);
    CHECK(db2.at("openAlerts").size() == 1);
    CHECK(httpGet(endpoint, "/v1/status/jobs/backup?host=db3").status == 404);
    const HttpResult unknown = httpGet(endpoint, "/v1/status/jobs/nope");
    CHECK(unknown.status == 404);
    CHECK(unknown.json() == json{{"error", "Job not found in check state"}, {"jobName", "nope"}});
    // Job names are percent-decoded.
    REQUIRE(httpPost(endpoint, "/v1/events", wire(started("nightly backup/db", "r1")).dump()).status == 202);
    CHECK(httpGet(endpoint, "/v1/status/jobs/nightly%20backup%2Fdb").status == 200);
}

TEST_CASE("the job detail holds the job's last 100 events", "[contract][status]") {
    MonitorProcess monitor;
    const HttpEndpoint endpoint = monitor.endpoint();
    std::vector<TelemetryEvent> events{nextScheduled("busy", "2099-01-01T00:00:00Z")};
    for (int i = 0; i < 150; ++i) events.push_back(workerMessage("busy", "m" + std::to_string(i)));
    REQUIRE(httpPost(endpoint, "/v1/events/batch", batchOf(events).dump()).status == 202);
    CHECK(httpGet(endpoint, "/v1/status/jobs/busy").json().at("events").size() == 100);
}

TEST_CASE("/metrics is Prometheus text with the monitor's figures", "[contract][metrics]") {
    MonitorProcess monitor;
    const HttpEndpoint endpoint = monitor.endpoint();
    REQUIRE(httpPost(endpoint, "/v1/events/batch",
                     batchOf({completed("etl", "r1", true, "db1"), failed("etl", "r2", "db2"), heartbeat("db1")}).dump())
                .status == 202);
    const HttpResult metrics = httpGet(endpoint, "/metrics");
    CHECK(metrics.status == 200);
    CHECK(metrics.headers.at("content-type").find("text/plain; version=0.0.4") == 0);
    const std::string& text = metrics.body;
    for (const char* line : {"chief_monitor_events_ingested_total 3", "chief_monitor_checks{status=\"UP\"} 2",
                             "chief_monitor_open_alerts{alert_type=\"FAILURE\"} 1",
                             "chief_monitor_job_last_duration_seconds{host=\"db1\",job=\"etl\"} 1.5",
                             "chief_monitor_job_consecutive_failures{host=\"db2\",job=\"etl\"} 1",
                             "chief_monitor_host_online{host=\"db1\"} 1",
                             "chief_monitor_ingest_duration_seconds_count 1", "# TYPE chief_monitor_ingest_duration_seconds histogram"})
        CHECK(text.find(line) != std::string::npos);
    CHECK(text.find("chief_monitor_job_last_success_timestamp_seconds{host=\"db1\",job=\"etl\"} ") != std::string::npos);
}

TEST_CASE("unknown paths are 404 and wrong methods 405, as JSON", "[contract]") {
    MonitorProcess monitor;
    const HttpEndpoint endpoint = monitor.endpoint();
    const HttpResult missing = httpGet(endpoint, "/v1/nothing");
    CHECK(missing.status == 404);
    CHECK(missing.json().at("error") == "Not found");
    CHECK(httpGet(endpoint, "/nothing.html").status == 404);
    const HttpResult method = httpRequest(endpoint, {"DELETE", "/v1/events", "", {}});
    CHECK(method.status == 405);
    CHECK(method.headers.at("allow") == "GET, HEAD, POST");
    CHECK(httpGet(endpoint, "/v1/events/batch").status == 405);
    const HttpResult head = httpRequest(endpoint, {"HEAD", "/v1/health", "", {}});
    CHECK(head.status == 200);
    CHECK(head.body.empty());
}

TEST_CASE("a 202 is durable: the events survive kill -9", "[contract][durability]") {
    chief::testing::TempDir dir;
    const std::string db = dir / "kept.sqlite";
    {
        MonitorProcess monitor({"MONITOR_DB_PATH=" + db});
        REQUIRE(httpPost(monitor.endpoint(), "/v1/events/batch",
                         batchOf({withId(failed("etl", "r1"), "k-1"), withId(started("etl", "r2"), "k-2")}).dump())
                    .status == 202);
        ::kill(monitor.pid(), SIGKILL);
    }
    MonitorProcess again({"MONITOR_DB_PATH=" + db});
    CHECK(totalEvents(again.endpoint()) == 2);
    CHECK(httpGet(again.endpoint(), "/v1/alerts?status=OPEN").json().at("alerts").size() == 1);
    CHECK(httpPost(again.endpoint(), "/v1/events", wire(withId(failed("etl", "r1"), "k-1")).dump()).json().at("dropped") == 1);
}

TEST_CASE("SIGTERM stops it cleanly with STOPPING=1", "[contract][service]") {
    MonitorProcess monitor;
    CHECK(monitor.stop() == 0);
    CHECK(monitor.notify().waitFor("STOPPING=1", std::chrono::seconds{1}));
}

TEST_CASE("keep-alive serves several requests on one connection, 100-continue is answered", "[contract][transport]") {
    MonitorProcess monitor;
    RawConnection connection(monitor.port());
    connection.send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
    connection.readUntil("\"ok\":true");
    connection.data.clear();
    const std::string body = wire(started("a", "r1")).dump();
    connection.send("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                    "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n");
    CHECK(connection.readUntil("\r\n\r\n").rfind("HTTP/1.1 100 Continue", 0) == 0);
    connection.data.clear();
    connection.send(body);
    CHECK(connection.readUntil("}").find("HTTP/1.1 202 Accepted") != std::string::npos);
}

TEST_CASE("a slow client is cut off, an idle one too, others are served meanwhile", "[contract][transport]") {
    MonitorProcess monitor({"MONITOR_REQUEST_TIMEOUT_SECONDS=1", "MONITOR_IDLE_TIMEOUT_SECONDS=1"});
    RawConnection slow(monitor.port());
    slow.send("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"sou");
    RawConnection silent(monitor.port());
    CHECK(httpGet(monitor.endpoint(), "/v1/health").status == 200);
    CHECK(slow.closedWithin(std::chrono::seconds{5}));
    CHECK(silent.closedWithin(std::chrono::seconds{5}));
}

TEST_CASE("connections over the limit are refused, freed slots are reused", "[contract][transport]") {
    MonitorProcess monitor({"MONITOR_MAX_CONNECTIONS=3"});
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 3; ++i) {
        idle.push_back(std::make_unique<RawConnection>(monitor.port()));
        idle.back()->send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
        idle.back()->readUntil("}");  // accepted and served: its slot is taken
    }
    RawConnection extra(monitor.port());
    CHECK(extra.closedWithin(std::chrono::seconds{5}));
    idle.clear();
    CHECK(chief::testing::waitUntil(
        [&] {
            try {
                return httpGet(monitor.endpoint(), "/v1/health").status == 200;
            } catch (const std::exception&) {
                return false;
            }
        },
        std::chrono::seconds{5}));
    const std::string metrics = httpGet(monitor.endpoint(), "/metrics").body;
    CHECK(metrics.find("chief_monitor_connections_total{result=\"rejected\"} 0") == std::string::npos);
}

TEST_CASE("malformed requests and oversized headers are answered and closed", "[contract][transport]") {
    MonitorProcess monitor;
    RawConnection garbage(monitor.port());
    garbage.send("THIS IS NOT HTTP\r\n\r\n");
    CHECK(garbage.readUntil("\r\n").rfind("HTTP/1.1 400", 0) == 0);
    RawConnection huge(monitor.port());
    huge.send("GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(20000, 'a') + "\r\n\r\n");
    CHECK(huge.readUntil("\r\n").rfind("HTTP/1.1 431", 0) == 0);
    CHECK(httpGet(monitor.endpoint(), "/v1/health").status == 200);
}

TEST_CASE("the dashboard is served from the binary with a CSP and an ETag", "[contract][dashboard]") {
    MonitorProcess monitor;
    const HttpEndpoint endpoint = monitor.endpoint();
    const HttpResult page = httpGet(endpoint, "/");
    CHECK(page.status == 200);
    CHECK(page.headers.at("content-type") == "text/html; charset=utf-8");
    CHECK(page.headers.at("content-security-policy").find("default-src 'self'") != std::string::npos);
    CHECK(page.body.find("<script src=\"/app.js\"") != std::string::npos);
    const HttpResult script = httpGet(endpoint, "/app.js");
    CHECK(script.status == 200);
    CHECK(script.headers.at("content-type") == "text/javascript; charset=utf-8");
    const HttpResult cached = httpGet(endpoint, "/app.js", {{"If-None-Match", script.headers.at("etag")}});
    CHECK(cached.status == 304);
    CHECK(httpGet(endpoint, "/style.css").status == 200);
}
