// The SQLite store on temp files: schema migrations, durable settings, eventId de-duplication,
// transactions, round trips of checks / alerts / hosts / deliveries, query filters and order,
// the one-open-alert constraint, retention in batches.
#include <catch2/catch.hpp>

#include "event_builders.h"
#include "monitor/store/sqlite_database.h"
#include "monitor/store/sqlite_schema.h"
#include "monitor/store/sqlite_store.h"
#include "temp_dir.h"

using namespace chief::monitor;
using namespace chief::monitor::testing;
using chief::telemetry::EventLevel;
using chief::telemetry::TelemetryEvent;

namespace {

std::string pragma(const std::string& path, const std::string& name) {
    SqliteDatabase db(path, SqliteDatabase::Mode::ReadOnly);
    SqliteStatement statement(db.handle(), "PRAGMA " + name);
    statement.step();
    return statement.text(0);
}

TelemetryEvent eventAt(const char* type, const std::string& job, const char* at, std::optional<std::string> id = {}) {
    TelemetryEvent event = chiefEvent(type, job);
    event.eventAt = instant(at);
    event.eventId = std::move(id);
    return event;
}

void insertAll(SqliteStore& store, const std::vector<TelemetryEvent>& events) {
    store.begin();
    for (const TelemetryEvent& event : events) store.insertEvent(event, instant("2026-03-01T12:00:00Z"));
    store.commit();
}

}  // namespace

TEST_CASE("a new file gets the whole schema in WAL mode, reopening applies nothing", "[store]") {
    TempDir dir;
    const std::string path = dir.file("monitor.sqlite");
    {
        SqliteStore store(path);
        CHECK(store.migrationsApplied() == static_cast<int>(schemaMigrations().size()));
    }
    CHECK(pragma(path, "journal_mode") == "wal");
    CHECK(pragma(path, "user_version") == std::to_string(schemaMigrations().back().version));
    SqliteStore again(path);
    CHECK(again.migrationsApplied() == 0);
}

TEST_CASE("a file from a newer chief-monitord is refused", "[store]") {
    TempDir dir;
    const std::string path = dir.file("monitor.sqlite");
    { SqliteStore store(path); }
    {
        SqliteDatabase db(path, SqliteDatabase::Mode::ReadWrite);
        db.exec("PRAGMA user_version = 999");
    }
    CHECK_THROWS_WITH(SqliteStore(path), Catch::Contains("schema version 999, newer than"));
}

TEST_CASE("the write connection syncs every commit (synchronous=FULL)", "[store]") {
    TempDir dir;
    SqliteStore store(dir.file("monitor.sqlite"));
    CHECK(store.pragma("synchronous") == "2");  // FULL
    CHECK(store.pragma("journal_mode") == "wal");
}

TEST_CASE("a repeated eventId is not stored twice, within and across batches", "[store][dedupe]") {
    TempDir dir;
    SqliteStore store(dir.file("monitor.sqlite"));
    store.begin();
    CHECK(store.insertEvent(eventAt("job.started", "a", "2026-03-01T10:00:00Z", "e1"), instant("2026-03-01T10:00:01Z")));
    CHECK_FALSE(store.insertEvent(eventAt("job.started", "a", "2026-03-01T10:00:00Z", "e1"), instant("2026-03-01T10:00:01Z")));
    CHECK(store.insertEvent(eventAt("job.started", "a", "2026-03-01T10:00:00Z"), instant("2026-03-01T10:00:01Z")));
    CHECK(store.insertEvent(eventAt("job.started", "a", "2026-03-01T10:00:00Z"), instant("2026-03-01T10:00:01Z")));
    store.commit();
    store.begin();
    CHECK_FALSE(store.insertEvent(eventAt("job.completed", "a", "2026-03-01T10:01:00Z", "e1"), instant("2026-03-01T10:01:01Z")));
    CHECK(store.insertEvent(eventAt("job.completed", "a", "2026-03-01T10:01:00Z", "e2"), instant("2026-03-01T10:01:01Z")));
    store.commit();
    CHECK(store.countEvents() == 4);
}

TEST_CASE("a rolled-back batch leaves nothing behind", "[store][transaction]") {
    TempDir dir;
    SqliteStore store(dir.file("monitor.sqlite"));
    store.begin();
    store.insertEvent(eventAt("job.started", "a", "2026-03-01T10:00:00Z", "e1"), instant("2026-03-01T10:00:00Z"));
    Check check;
    check.key = {"", "a"};
    store.putCheck(check);
    store.rollback();
    CHECK(store.countEvents() == 0);
    CHECK(store.loadChecks().empty());
    // The eventId is free again.
    store.begin();
    CHECK(store.insertEvent(eventAt("job.started", "a", "2026-03-01T10:00:00Z", "e1"), instant("2026-03-01T10:00:00Z")));
    store.commit();
}

TEST_CASE("every event field is stored and read back", "[store]") {
    TempDir dir;
    SqliteStore store(dir.file("monitor.sqlite"));
    TelemetryEvent event = failed("backup", "r1", "db1");
    event.eventAt = instant("2026-03-01T10:00:00.123Z");
    event.scriptPath = "/scripts/backup.sh";
    event.scheduledFor = instant("2026-03-01T10:00:00Z");
    event.eventId = "db1-1";
    event.metadata = {{"reason", "interrupted"}, {"n", 1}};
    store.begin();
    store.insertEvent(event, instant("2026-03-01T10:00:01Z"));
    store.commit();
    const std::vector<StoredEvent> found = store.findEvents({});
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == 1);
    CHECK(found[0].receivedAt == instant("2026-03-01T10:00:01Z"));
    CHECK(found[0].event == event);
    CHECK(found[0].metadataJson == R"({"n":1,"reason":"interrupted"})");
    // An event sent without eventAt is stored at its receive time.
    TelemetryEvent bare = chiefEvent("worker.message", "backup");
    insertAll(store, {bare});
    CHECK(store.findEvents({}).at(0).event.eventAt == instant("2026-03-01T12:00:00Z"));
    CHECK(store.latestEventAt() == instant("2026-03-01T12:00:00Z"));
}

TEST_CASE("event queries: each filter, newest first, limit and offset", "[store][query]") {
    TempDir dir;
    SqliteStore store(dir.file("monitor.sqlite"));
    TelemetryEvent warn = eventAt("worker.message", "a", "2026-03-01T10:00:03Z");
    warn.level = EventLevel::Warn;
    warn.scriptPath = "/s/a.sh";
    TelemetryEvent other = eventAt("job.started", "b", "2026-03-01T10:00:02Z");
    other.host = "db2";
    insertAll(store, {eventAt("job.started", "a", "2026-03-01T10:00:01Z"), other, warn,
                      eventAt("job.completed", "a", "2026-03-01T10:00:04Z"),
                      eventAt("job.completed", "a", "2026-03-01T10:00:04Z")});
    const auto ids = [&](EventQuery query) {
        std::vector<std::int64_t> out;
        for (const StoredEvent& event : store.findEvents(query)) out.push_back(event.id);
        return out;
    };
    using Ids = std::vector<std::int64_t>;
    CHECK(ids({}) == Ids{5, 4, 3, 2, 1});  // equal eventAt: the later insert first
    EventQuery query;
    query.jobName = "a";
    CHECK(ids(query) == Ids{5, 4, 3, 1});
    query.limit = 2;
    query.offset = 1;
    CHECK(ids(query) == Ids{4, 3});
    EventQuery byLevel;
    byLevel.level = EventLevel::Warn;
    CHECK(ids(byLevel) == Ids{3});
    EventQuery byType;
    byType.eventType = "job.completed";
    CHECK(ids(byType) == Ids{5, 4});
    EventQuery byScript;
    byScript.scriptPath = "/s/a.sh";
    CHECK(ids(byScript) == Ids{3});
    EventQuery byHost;
    byHost.host = "db2";
    CHECK(ids(byHost) == Ids{2});
    EventQuery range;
    range.from = instant("2026-03-01T10:00:02Z");
    range.to = instant("2026-03-01T10:00:03Z");
    CHECK(ids(range) == Ids{3, 2});
}

TEST_CASE("the job filter reads the job index in order (no sort step)", "[store][query]") {
    TempDir dir;
    const std::string path = dir.file("monitor.sqlite");
    SqliteStore store(path);
    SqliteDatabase db(path, SqliteDatabase::Mode::ReadOnly);
    SqliteStatement plan(db.handle(),
                         "EXPLAIN QUERY PLAN SELECT id FROM events WHERE job_name = ? ORDER BY event_at DESC, id DESC "
                         "LIMIT 100");
    std::string details;
    while (plan.step()) details += plan.text(3) + "\n";
    CHECK(details.find("events_by_job") != std::string::npos);
    CHECK(details.find("TEMP B-TREE") == std::string::npos);
}

TEST_CASE("checks, alerts and hosts round-trip", "[store]") {
    TempDir dir;
    const std::string path = dir.file("monitor.sqlite");
    Check check;
    check.key = {"db1", "backup"};
    check.settings = {false, 30, false, true, 600};
    check.status = CheckStatus::Down;
    check.lastHeartbeatAt = instant("2026-03-01T01:00:00Z");
    check.expectedNextAt = instant("2026-03-01T02:00:00Z");
    check.lastSuccessAt = instant("2026-02-28T02:00:00Z");
    check.lastFailureAt = instant("2026-03-01T01:00:00Z");
    check.consecutiveFailures = 3;
    check.updatedAt = instant("2026-03-01T02:05:00Z");
    check.timezone = "Europe/Berlin";
    check.missedFor = instant("2026-03-01T02:00:00Z");
    check.lastDurationMs = 1234;
    check.lastResult = "failure";
    check.latestEvent = LatestEvent{instant("2026-03-01T01:00:00Z"), "job.failed", EventLevel::Error, "boom", false};
    check.openRuns = {{"r9", instant("2026-03-01T01:30:00Z"), true}};
    check.recentRuns = {{instant("2026-03-01T01:00:00Z"), 1234, false}, {instant("2026-02-28T01:00:00Z"), std::nullopt, true}};

    Alert alert;
    alert.id = 7;
    alert.key = check.key;
    alert.type = AlertType::Missed;
    alert.severity = EventLevel::Warn;
    alert.openedAt = instant("2026-03-01T02:05:00Z");
    alert.updatedAt = alert.openedAt;
    alert.dedupeKey = dedupeKeyFor(check.key, AlertType::Missed);
    alert.title = "missed";
    alert.details = {{"expectedNextAt", "2026-03-01T02:00:00.000Z"}};
    Alert closed = alert;
    closed.id = 3;
    closed.status = AlertStatus::Closed;
    closed.closedAt = instant("2026-03-01T03:00:00Z");
    closed.closeReason = "manual";

    HostPresence host{"db1", instant("2026-03-01T02:04:00Z"), 15, false};
    {
        SqliteStore store(path);
        store.begin();
        store.putCheck(check);
        store.putAlert(alert);
        store.putAlert(closed);
        store.putHost(host);
        store.commit();
    }
    SqliteStore store(path);
    REQUIRE(store.loadChecks().size() == 1);
    CHECK(store.loadChecks()[0] == check);
    REQUIRE(store.loadOpenAlerts().size() == 1);
    CHECK(store.loadOpenAlerts()[0] == alert);
    CHECK(store.findAlert(3) == closed);
    CHECK_FALSE(store.findAlert(4));
    CHECK(store.maxAlertId() == 7);
    REQUIRE(store.loadHosts().size() == 1);
    CHECK(store.loadHosts()[0] == host);
}

TEST_CASE("storage refuses a second OPEN alert for the same key", "[store][dedupe]") {
    TempDir dir;
    SqliteStore store(dir.file("monitor.sqlite"));
    Alert first;
    first.id = 1;
    first.key = {"", "a"};
    first.dedupeKey = "a:FAILURE";
    Alert second = first;
    second.id = 2;
    store.begin();
    store.putAlert(first);
    CHECK_THROWS_AS(store.putAlert(second), StoreError);
    store.rollback();
}

TEST_CASE("alert queries: filters, newest first, paging", "[store][query]") {
    TempDir dir;
    SqliteStore store(dir.file("monitor.sqlite"));
    store.begin();
    const char* opened[] = {"2026-03-01T01:00:00Z", "2026-03-01T02:00:00Z", "2026-03-01T03:00:00Z"};
    for (int i = 0; i < 3; ++i) {
        Alert alert;
        alert.id = i + 1;
        alert.key = {i == 2 ? "db2" : "db1", i == 0 ? "a" : "b"};
        alert.type = i == 1 ? AlertType::Missed : AlertType::Failure;
        alert.severity = severityFor(alert.type);
        alert.status = i == 0 ? AlertStatus::Closed : AlertStatus::Open;
        alert.openedAt = instant(opened[i]);
        alert.updatedAt = alert.openedAt;
        alert.dedupeKey = dedupeKeyFor(alert.key, alert.type);
        store.putAlert(alert);
    }
    store.commit();
    const auto ids = [&](AlertQuery query) {
        std::vector<std::int64_t> out;
        for (const Alert& alert : store.findAlerts(query)) out.push_back(alert.id);
        return out;
    };
    using Ids = std::vector<std::int64_t>;
    CHECK(ids({}) == Ids{3, 2, 1});
    AlertQuery open;
    open.status = AlertStatus::Open;
    CHECK(ids(open) == Ids{3, 2});
    AlertQuery job;
    job.jobName = "b";
    job.host = "db1";
    CHECK(ids(job) == Ids{2});
    AlertQuery type;
    type.type = AlertType::Failure;
    type.severity = EventLevel::Error;
    CHECK(ids(type) == Ids{3, 1});
    AlertQuery page;
    page.limit = 1;
    page.offset = 2;
    CHECK(ids(page) == Ids{1});
}

TEST_CASE("retention removes old rows in bounded batches", "[store][retention]") {
    TempDir dir;
    SqliteStore store(dir.file("monitor.sqlite"));
    std::vector<TelemetryEvent> events;
    for (int i = 0; i < 25; ++i) events.push_back(eventAt("worker.message", "a", "2026-01-01T00:00:00Z"));
    events.push_back(eventAt("worker.message", "a", "2026-03-01T00:00:00Z"));
    insertAll(store, events);
    const EventTime cutoff = instant("2026-02-01T00:00:00Z");
    CHECK(store.pruneEvents(cutoff, 10) == 10);
    CHECK(store.pruneEvents(cutoff, 10) == 10);
    CHECK(store.pruneEvents(cutoff, 10) == 5);
    CHECK(store.pruneEvents(cutoff, 10) == 0);
    CHECK(store.countEvents() == 1);

    store.begin();
    Alert old;
    old.id = 1;
    old.key = {"", "a"};
    old.status = AlertStatus::Closed;
    old.closedAt = instant("2026-01-02T00:00:00Z");
    old.dedupeKey = "a:FAILURE";
    Alert open = old;
    open.id = 2;
    open.status = AlertStatus::Open;
    open.closedAt.reset();
    store.putAlert(old);
    store.putAlert(open);
    store.commit();
    CHECK(store.pruneClosedAlerts(cutoff, 100) == 1);
    CHECK(store.findAlert(2));
}

TEST_CASE("the webhook outbox: due deliveries, attempts recorded, the log", "[store][webhook]") {
    TempDir dir;
    SqliteStore store(dir.file("monitor.sqlite"));
    WebhookDelivery delivery;
    delivery.alertId = 5;
    delivery.transition = "opened";
    delivery.url = "http://127.0.0.1:9/hook";
    delivery.payload = "{}";
    delivery.createdAt = instant("2026-03-01T00:00:00Z");
    delivery.nextAttemptAt = delivery.createdAt;
    store.begin();
    store.addDelivery(delivery);
    delivery.nextAttemptAt = instant("2026-03-01T00:10:00Z");
    store.addDelivery(delivery);
    store.commit();
    CHECK(store.nextDeliveryAt() == instant("2026-03-01T00:00:00Z"));
    std::vector<WebhookDelivery> due = store.dueDeliveries(instant("2026-03-01T00:00:01Z"), 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].id == 1);
    store.recordAttempt({1, instant("2026-03-01T00:00:01Z"), WebhookDelivery::Status::Pending,
                         instant("2026-03-01T00:00:03Z"), 500, "HTTP 500"});
    CHECK(store.nextDeliveryAt() == instant("2026-03-01T00:00:03Z"));
    store.recordAttempt({1, instant("2026-03-01T00:00:03Z"), WebhookDelivery::Status::Delivered, std::nullopt, 200, std::nullopt});
    CHECK(store.nextDeliveryAt() == instant("2026-03-01T00:10:00Z"));
    const std::vector<WebhookDelivery> log = store.findDeliveries(5, 10);
    REQUIRE(log.size() == 2);
    CHECK(log[1].status == WebhookDelivery::Status::Delivered);
    CHECK(log[1].attempts == 2);
    CHECK(log[1].responseCode == 200);
    CHECK(log[1].lastAttemptAt == instant("2026-03-01T00:00:03Z"));
    CHECK(store.pruneDeliveries(instant("2026-03-02T00:00:00Z"), 100) == 1);  // pending ones stay
}
