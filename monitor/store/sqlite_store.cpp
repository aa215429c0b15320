#include "monitor/store/sqlite_store.h"

#include <sqlite3.h>

#include <charconv>
#include <variant>
#include <vector>

#include "monitor/store/sqlite_schema.h"

namespace chief::monitor {

namespace {

using nlohmann::json;
using telemetry::EventLevel;
using telemetry::TelemetryEvent;

std::int64_t millis(EventTime time) { return time.time_since_epoch().count(); }
EventTime fromMillis(std::int64_t value) { return EventTime{std::chrono::milliseconds{value}}; }
std::optional<std::int64_t> millis(const std::optional<EventTime>& time) {
    return time ? std::optional<std::int64_t>(millis(*time)) : std::nullopt;
}
std::optional<EventTime> optionalTime(const std::optional<std::int64_t>& value) {
    return value ? std::optional<EventTime>(fromMillis(*value)) : std::nullopt;
}

// Columns of an events row, in the order readEvent() expects.
constexpr std::string_view kEventColumns =
    "id, received_at, event_at, source_type, event_type, level, message, job_name, script_path, run_id, "
    "scheduled_for, success, return_code, duration_ms, metadata_json, event_id, host";

StoredEvent readEvent(const SqliteStatement& row) {
    StoredEvent stored;
    stored.id = row.integer(0);
    stored.receivedAt = fromMillis(row.integer(1));
    TelemetryEvent& event = stored.event;
    event.eventAt = fromMillis(row.integer(2));
    event.sourceType = telemetry::parseSourceType(row.textView(3)).value_or(telemetry::SourceType::Chief);
    event.eventType = row.text(4);
    event.level = telemetry::parseEventLevel(row.textView(5)).value_or(EventLevel::Info);
    event.message = row.text(6);
    event.jobName = row.optionalText(7);
    event.scriptPath = row.optionalText(8);
    event.runId = row.optionalText(9);
    event.scheduledFor = optionalTime(row.optionalInteger(10));
    if (const auto success = row.optionalInteger(11)) event.success = *success != 0;
    event.returnCode = row.optionalInteger(12);
    event.durationMs = row.optionalInteger(13);
    stored.metadataJson = row.text(14);
    event.metadata = json::parse(stored.metadataJson, nullptr, /*allow_exceptions=*/false);
    if (!event.metadata.is_object()) event.metadata = json::object();
    event.eventId = row.optionalText(15);
    std::string host = row.text(16);
    if (!host.empty()) event.host = std::move(host);
    return stored;
}

constexpr std::string_view kAlertColumns =
    "id, host, job_name, alert_type, severity, status, opened_at, closed_at, close_reason, updated_at, dedupe_key, "
    "title, details_json";

Alert readAlert(const SqliteStatement& row) {
    Alert alert;
    alert.id = row.integer(0);
    alert.key = {row.text(1), row.text(2)};
    alert.type = parseAlertType(row.textView(3)).value_or(AlertType::Failure);
    alert.severity = telemetry::parseEventLevel(row.textView(4)).value_or(EventLevel::Error);
    alert.status = parseAlertStatus(row.textView(5)).value_or(AlertStatus::Closed);
    alert.openedAt = fromMillis(row.integer(6));
    alert.closedAt = optionalTime(row.optionalInteger(7));
    alert.closeReason = row.optionalText(8);
    alert.updatedAt = fromMillis(row.integer(9));
    alert.dedupeKey = row.text(10);
    alert.title = row.text(11);
    alert.details = json::parse(row.textView(12), nullptr, /*allow_exceptions=*/false);
    if (!alert.details.is_object()) alert.details = json::object();
    return alert;
}

constexpr std::string_view kDeliveryColumns =
    "id, alert_id, transition, url, payload, status, attempts, created_at, next_attempt_at, last_attempt_at, "
    "response_code, error";

WebhookDelivery::Status parseDeliveryStatus(std::string_view text) {
    if (text == "DELIVERED") return WebhookDelivery::Status::Delivered;
    if (text == "FAILED") return WebhookDelivery::Status::Failed;
    return WebhookDelivery::Status::Pending;
}

WebhookDelivery readDelivery(const SqliteStatement& row) {
    WebhookDelivery delivery;
    delivery.id = row.integer(0);
    delivery.alertId = row.integer(1);
    delivery.transition = row.text(2);
    delivery.url = row.text(3);
    delivery.payload = row.text(4);
    delivery.status = parseDeliveryStatus(row.textView(5));
    delivery.attempts = row.integer(6);
    delivery.createdAt = fromMillis(row.integer(7));
    delivery.nextAttemptAt = optionalTime(row.optionalInteger(8));
    delivery.lastAttemptAt = optionalTime(row.optionalInteger(9));
    delivery.responseCode = row.optionalInteger(10);
    delivery.error = row.optionalText(11);
    return delivery;
}

std::string openRunsJson(const std::vector<OpenRun>& runs) {
    if (runs.empty()) return "[]";
    json out = json::array();
    for (const OpenRun& run : runs) out.push_back({{"runId", run.runId}, {"startedAt", millis(run.startedAt)}, {"alerted", run.alerted}});
    return out.dump();
}

std::vector<OpenRun> readOpenRuns(std::string_view text) {
    std::vector<OpenRun> runs;
    const json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!value.is_array()) return runs;
    for (const json& item : value) {
        if (!item.is_object()) continue;
        runs.push_back({item.value("runId", ""), fromMillis(item.value("startedAt", std::int64_t{0})), item.value("alerted", false)});
    }
    return runs;
}

// Recent runs as "<endedAt ms>:<duration ms or empty>:<1|0>;...": a check row is rewritten
// after every run, so its encoding is kept small and cheap.
std::string encodeRecentRuns(const std::vector<RunSample>& runs) {
    std::string out;
    out.reserve(runs.size() * 24);
    for (const RunSample& run : runs) {
        out += std::to_string(millis(run.endedAt));
        out += ':';
        if (run.durationMs) out += std::to_string(*run.durationMs);
        out += run.success ? ":1;" : ":0;";
    }
    return out;
}

std::vector<RunSample> decodeRecentRuns(std::string_view text) {
    std::vector<RunSample> runs;
    while (!text.empty()) {
        const std::size_t end = text.find(';');
        const std::string_view item = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        const std::size_t first = item.find(':');
        const std::size_t second = item.find(':', first == std::string_view::npos ? first : first + 1);
        if (first == std::string_view::npos || second == std::string_view::npos) continue;
        RunSample run;
        std::int64_t value = 0;
        if (std::from_chars(item.data(), item.data() + first, value).ec != std::errc()) continue;
        run.endedAt = fromMillis(value);
        const std::string_view durationText = item.substr(first + 1, second - first - 1);
        if (!durationText.empty() &&
            std::from_chars(durationText.data(), durationText.data() + durationText.size(), value).ec == std::errc())
            run.durationMs = value;
        run.success = item.substr(second + 1) == "1";
        runs.push_back(run);
    }
    return runs;
}

// Binds WHERE-clause values in the order they were added.
struct Conditions {
    std::string sql;
    std::vector<std::variant<std::int64_t, std::string>> values;

    void add(std::string_view clause, std::variant<std::int64_t, std::string> value) {
        sql += sql.empty() ? " WHERE " : " AND ";
        sql += clause;
        values.push_back(std::move(value));
    }
    int bindTo(SqliteStatement& statement) const {
        int index = 1;
        for (const auto& value : values) {
            if (const auto* number = std::get_if<std::int64_t>(&value)) statement.bind(index++, *number);
            else statement.bind(index++, std::string_view(std::get<std::string>(value)));
        }
        return index;
    }
};

}  // namespace

std::string_view deliveryStatusName(WebhookDelivery::Status status) {
    switch (status) {
        case WebhookDelivery::Status::Pending: return "PENDING";
        case WebhookDelivery::Status::Delivered: return "DELIVERED";
        case WebhookDelivery::Status::Failed: return "FAILED";
    }
    return "PENDING";
}

SqliteStore::SqliteStore(const std::string& path, SqliteStoreOptions options)
    : db_(path, SqliteDatabase::Mode::ReadWrite) {
    // WAL: readers never block the writer; synchronous=FULL: the WAL is synced at every commit,
    // so a commit that returned survives a power cut (NORMAL could lose the last ones).
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=FULL");
    db_.exec("PRAGMA busy_timeout=5000");
    db_.exec("PRAGMA cache_size=-" + std::to_string(options.cacheKibibytes));
    db_.exec("PRAGMA temp_store=MEMORY");
    migrationsApplied_ = migrateSchema(db_);
    if (options.backgroundCheckpoints && path != ":memory:") {
        checkpointer_ = std::make_unique<WalCheckpointer>(path);
        db_.exec("PRAGMA wal_autocheckpoint=0");
        sqlite3_wal_hook(
            db_.handle(),
            [](void* checkpointer, sqlite3*, const char*, int pages) {
                static_cast<WalCheckpointer*>(checkpointer)->committed(pages);
                return SQLITE_OK;
            },
            checkpointer_.get());
    }
}

SqliteStore::~SqliteStore() {
    statements_.clear();
    if (inTransaction_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_wal_hook(db_.handle(), nullptr, nullptr);
    checkpointer_.reset();
}

SqliteStatement& SqliteStore::prepared(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        std::string text(sql);
        auto statement = std::make_unique<SqliteStatement>(db_.handle(), text);
        it = statements_.emplace(std::move(text), std::move(statement)).first;
    }
    return it->second->reset();
}

std::string SqliteStore::pragma(const std::string& name) {
    SqliteStatement statement(db_.handle(), "PRAGMA " + name);
    return statement.step() ? statement.text(0) : std::string();
}

// ---- the write transaction -------------------------------------------------------------------

void SqliteStore::begin() {
    prepared("BEGIN IMMEDIATE").run();
    inTransaction_ = true;
}

void SqliteStore::commit() {
    prepared("COMMIT").run();
    inTransaction_ = false;
}

void SqliteStore::rollback() {
    if (!inTransaction_) return;
    inTransaction_ = false;
    // A failed COMMIT may already have rolled back; then ROLLBACK says so, which is fine.
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

bool SqliteStore::insertEvent(const TelemetryEvent& event, EventTime receivedAt) {
    if (insertEvent_ == nullptr) {
        insertEvent_ = &prepared(
            "INSERT OR IGNORE INTO events (received_at, event_at, source_type, event_type, level, message, job_name, "
            "script_path, run_id, scheduled_for, success, return_code, duration_ms, metadata_json, event_id, host) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    }
    SqliteStatement& insert = insertEvent_->reset();
    // The event outlives the insert: its text is bound without copies.
    insert.bind(1, millis(receivedAt))
        .bind(2, millis(event.eventAt.value_or(receivedAt)))
        .bindStatic(3, telemetry::sourceTypeName(event.sourceType))
        .bindStatic(4, std::string_view(event.eventType))
        .bindStatic(5, telemetry::eventLevelName(event.level))
        .bindStatic(6, std::string_view(event.message))
        .bindStatic(7, event.jobName)
        .bindStatic(8, event.scriptPath)
        .bindStatic(9, event.runId)
        .bind(10, millis(event.scheduledFor))
        .bind(11, event.success ? std::optional<std::int64_t>(*event.success ? 1 : 0) : std::nullopt)
        .bind(12, event.returnCode)
        .bind(13, event.durationMs)
        .bind(14, std::string_view(event.metadata.is_object() && !event.metadata.empty() ? event.metadata.dump()
                                                                                        : std::string("{}")))
        .bindStatic(15, event.eventId)
        .bindStatic(16, event.host ? std::string_view(*event.host) : std::string_view(""));
    insert.run();
    return db_.changes() == 1;
}

void SqliteStore::putCheck(const Check& check) {
    SqliteStatement& upsert = prepared(
        "INSERT INTO checks (host, job_name, enabled, grace_seconds, alert_on_failure, alert_on_miss, "
        "max_runtime_seconds, status, last_heartbeat_at, expected_next_at, last_success_at, last_failure_at, "
        "consecutive_failures, updated_at, timezone, missed_for, last_duration_ms, last_result, latest_event_at, "
        "latest_event_type, latest_event_level, latest_event_message, latest_event_success, open_runs_json, recent_runs) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
        // Updated in place (REPLACE would delete and re-insert the row).
        "ON CONFLICT(host, job_name) DO UPDATE SET enabled = excluded.enabled, grace_seconds = excluded.grace_seconds, "
        "alert_on_failure = excluded.alert_on_failure, alert_on_miss = excluded.alert_on_miss, "
        "max_runtime_seconds = excluded.max_runtime_seconds, status = excluded.status, "
        "last_heartbeat_at = excluded.last_heartbeat_at, expected_next_at = excluded.expected_next_at, "
        "last_success_at = excluded.last_success_at, last_failure_at = excluded.last_failure_at, "
        "consecutive_failures = excluded.consecutive_failures, updated_at = excluded.updated_at, "
        "timezone = excluded.timezone, missed_for = excluded.missed_for, last_duration_ms = excluded.last_duration_ms, "
        "last_result = excluded.last_result, latest_event_at = excluded.latest_event_at, "
        "latest_event_type = excluded.latest_event_type, latest_event_level = excluded.latest_event_level, "
        "latest_event_message = excluded.latest_event_message, latest_event_success = excluded.latest_event_success, "
        "open_runs_json = excluded.open_runs_json, recent_runs = excluded.recent_runs");
    upsert.bind(1, std::string_view(check.key.host))
        .bind(2, std::string_view(check.key.job))
        .bind(3, std::int64_t{check.settings.enabled})
        .bind(4, check.settings.graceSeconds)
        .bind(5, std::int64_t{check.settings.alertOnFailure})
        .bind(6, std::int64_t{check.settings.alertOnMiss})
        .bind(7, check.settings.maxRuntimeSeconds)
        .bind(8, checkStatusName(check.status))
        .bind(9, millis(check.lastHeartbeatAt))
        .bind(10, millis(check.expectedNextAt))
        .bind(11, millis(check.lastSuccessAt))
        .bind(12, millis(check.lastFailureAt))
        .bind(13, check.consecutiveFailures)
        .bind(14, millis(check.updatedAt))
        .bind(15, check.timezone)
        .bind(16, millis(check.missedFor))
        .bind(17, check.lastDurationMs)
        .bind(18, check.lastResult);
    if (const std::optional<LatestEvent>& latest = check.latestEvent) {
        upsert.bind(19, millis(latest->eventAt))
            .bind(20, std::string_view(latest->eventType))
            .bind(21, telemetry::eventLevelName(latest->level))
            .bind(22, std::string_view(latest->message))
            .bind(23, latest->success ? std::optional<std::int64_t>(*latest->success ? 1 : 0) : std::nullopt);
    }
    upsert.bind(24, std::string_view(openRunsJson(check.openRuns)))
        .bind(25, std::string_view(encodeRecentRuns(check.recentRuns)));
    upsert.run();
}

void SqliteStore::putAlert(const Alert& alert) {
    SqliteStatement& upsert = prepared(
        "INSERT INTO alerts (id, host, job_name, alert_type, severity, status, opened_at, closed_at, "
        "close_reason, updated_at, dedupe_key, title, details_json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
        // Not INSERT OR REPLACE: that would delete another OPEN alert with the same dedupe key
        // instead of failing on the one-open-alert index.
        "ON CONFLICT(id) DO UPDATE SET host = excluded.host, job_name = excluded.job_name, "
        "alert_type = excluded.alert_type, severity = excluded.severity, status = excluded.status, "
        "opened_at = excluded.opened_at, closed_at = excluded.closed_at, close_reason = excluded.close_reason, "
        "updated_at = excluded.updated_at, dedupe_key = excluded.dedupe_key, title = excluded.title, "
        "details_json = excluded.details_json");
    upsert.bind(1, alert.id)
        .bind(2, std::string_view(alert.key.host))
        .bind(3, std::string_view(alert.key.job))
        .bind(4, alertTypeName(alert.type))
        .bind(5, telemetry::eventLevelName(alert.severity))
        .bind(6, alertStatusName(alert.status))
        .bind(7, millis(alert.openedAt))
        .bind(8, millis(alert.closedAt))
        .bind(9, alert.closeReason)
        .bind(10, millis(alert.updatedAt))
        .bind(11, std::string_view(alert.dedupeKey))
        .bind(12, std::string_view(alert.title))
        .bind(13, std::string_view(alert.details.dump()));
    upsert.run();
}

void SqliteStore::putHost(const HostPresence& host) {
    SqliteStatement& upsert = prepared(
        "INSERT OR REPLACE INTO hosts (host, last_heartbeat_at, ping_interval_seconds, online) VALUES (?,?,?,?)");
    upsert.bind(1, std::string_view(host.host))
        .bind(2, millis(host.lastHeartbeatAt))
        .bind(3, host.pingIntervalSeconds)
        .bind(4, std::int64_t{host.online});
    upsert.run();
}

void SqliteStore::addDelivery(const WebhookDelivery& delivery) {
    SqliteStatement& insert = prepared(
        "INSERT INTO webhook_deliveries (alert_id, transition, url, payload, status, attempts, created_at, "
        "next_attempt_at) VALUES (?,?,?,?,?,?,?,?)");
    insert.bind(1, delivery.alertId)
        .bind(2, std::string_view(delivery.transition))
        .bind(3, std::string_view(delivery.url))
        .bind(4, std::string_view(delivery.payload))
        .bind(5, deliveryStatusName(delivery.status))
        .bind(6, delivery.attempts)
        .bind(7, millis(delivery.createdAt))
        .bind(8, millis(delivery.nextAttemptAt));
    insert.run();
}

// ---- loading ---------------------------------------------------------------------------------

std::vector<Check> SqliteStore::loadChecks() {
    SqliteStatement& select = prepared(
        "SELECT host, job_name, enabled, grace_seconds, alert_on_failure, alert_on_miss, max_runtime_seconds, status, "
        "last_heartbeat_at, expected_next_at, last_success_at, last_failure_at, consecutive_failures, updated_at, "
        "timezone, missed_for, last_duration_ms, last_result, latest_event_at, latest_event_type, latest_event_level, "
        "latest_event_message, latest_event_success, open_runs_json, recent_runs FROM checks ORDER BY host, job_name");
    std::vector<Check> checks;
    while (select.step()) {
        Check check;
        check.key = {select.text(0), select.text(1)};
        check.settings.enabled = select.integer(2) != 0;
        check.settings.graceSeconds = select.integer(3);
        check.settings.alertOnFailure = select.integer(4) != 0;
        check.settings.alertOnMiss = select.integer(5) != 0;
        check.settings.maxRuntimeSeconds = select.optionalInteger(6);
        check.status = parseCheckStatus(select.textView(7)).value_or(CheckStatus::Up);
        check.lastHeartbeatAt = optionalTime(select.optionalInteger(8));
        check.expectedNextAt = optionalTime(select.optionalInteger(9));
        check.lastSuccessAt = optionalTime(select.optionalInteger(10));
        check.lastFailureAt = optionalTime(select.optionalInteger(11));
        check.consecutiveFailures = select.integer(12);
        check.updatedAt = fromMillis(select.integer(13));
        check.timezone = select.optionalText(14);
        check.missedFor = optionalTime(select.optionalInteger(15));
        check.lastDurationMs = select.optionalInteger(16);
        check.lastResult = select.optionalText(17);
        if (const auto latestAt = select.optionalInteger(18)) {
            LatestEvent latest;
            latest.eventAt = fromMillis(*latestAt);
            latest.eventType = select.text(19);
            latest.level = telemetry::parseEventLevel(select.textView(20)).value_or(EventLevel::Info);
            latest.message = select.text(21);
            if (const auto success = select.optionalInteger(22)) latest.success = *success != 0;
            check.latestEvent = std::move(latest);
        }
        check.openRuns = readOpenRuns(select.textView(23));
        check.recentRuns = decodeRecentRuns(select.textView(24));
        checks.push_back(std::move(check));
    }
    return checks;
}

std::vector<Alert> SqliteStore::loadOpenAlerts() {
    SqliteStatement& select =
        prepared("SELECT " + std::string(kAlertColumns) + " FROM alerts WHERE status = 'OPEN' ORDER BY id");
    std::vector<Alert> alerts;
    while (select.step()) alerts.push_back(readAlert(select));
    return alerts;
}

std::vector<HostPresence> SqliteStore::loadHosts() {
    SqliteStatement& select =
        prepared("SELECT host, last_heartbeat_at, ping_interval_seconds, online FROM hosts ORDER BY host");
    std::vector<HostPresence> hosts;
    while (select.step()) {
        HostPresence host;
        host.host = select.text(0);
        host.lastHeartbeatAt = fromMillis(select.integer(1));
        host.pingIntervalSeconds = select.optionalInteger(2);
        host.online = select.integer(3) != 0;
        hosts.push_back(std::move(host));
    }
    return hosts;
}

std::optional<std::int64_t> SqliteStore::singleInteger(const std::string& sql) {
    SqliteStatement& select = prepared(sql);
    select.step();
    const auto value = select.optionalInteger(0);
    select.reset();  // ends the read now, not at the statement's next use
    return value;
}

std::int64_t SqliteStore::maxAlertId() { return singleInteger("SELECT coalesce(max(id), 0) FROM alerts").value_or(0); }

std::int64_t SqliteStore::countEvents() { return singleInteger("SELECT count(*) FROM events").value_or(0); }

std::optional<EventTime> SqliteStore::latestEventAt() {
    return optionalTime(singleInteger("SELECT max(event_at) FROM events"));
}

// ---- reads -----------------------------------------------------------------------------------

std::vector<StoredEvent> SqliteStore::findEvents(const EventQuery& query) {
    Conditions where;
    if (query.jobName) where.add("job_name = ?", *query.jobName);
    if (query.host) where.add("host = ?", *query.host);
    if (query.scriptPath) where.add("script_path = ?", *query.scriptPath);
    if (query.eventType) where.add("event_type = ?", *query.eventType);
    if (query.level) where.add("level = ?", std::string(telemetry::eventLevelName(*query.level)));
    if (query.from) where.add("event_at >= ?", millis(*query.from));
    if (query.to) where.add("event_at <= ?", millis(*query.to));
    SqliteStatement& select = prepared("SELECT " + std::string(kEventColumns) + " FROM events" + where.sql +
                                       " ORDER BY event_at DESC, id DESC LIMIT ? OFFSET ?");
    const int next = where.bindTo(select);
    select.bind(next, query.limit).bind(next + 1, query.offset);
    std::vector<StoredEvent> events;
    while (select.step()) events.push_back(readEvent(select));
    return events;
}

std::vector<Alert> SqliteStore::findAlerts(const AlertQuery& query) {
    Conditions where;
    if (query.jobName) where.add("job_name = ?", *query.jobName);
    if (query.host) where.add("host = ?", *query.host);
    if (query.status) where.add("status = ?", std::string(alertStatusName(*query.status)));
    if (query.type) where.add("alert_type = ?", std::string(alertTypeName(*query.type)));
    if (query.severity) where.add("severity = ?", std::string(telemetry::eventLevelName(*query.severity)));
    SqliteStatement& select = prepared("SELECT " + std::string(kAlertColumns) + " FROM alerts" + where.sql +
                                       " ORDER BY opened_at DESC, id DESC LIMIT ? OFFSET ?");
    const int next = where.bindTo(select);
    select.bind(next, query.limit).bind(next + 1, query.offset);
    std::vector<Alert> alerts;
    while (select.step()) alerts.push_back(readAlert(select));
    return alerts;
}

std::optional<Alert> SqliteStore::findAlert(std::int64_t id) {
    SqliteStatement& select = prepared("SELECT " + std::string(kAlertColumns) + " FROM alerts WHERE id = ?");
    select.bind(1, id);
    if (!select.step()) return std::nullopt;
    Alert alert = readAlert(select);
    select.reset();
    return alert;
}

std::vector<WebhookDelivery> SqliteStore::findDeliveries(std::optional<std::int64_t> alertId, std::int64_t limit) {
    SqliteStatement& select =
        alertId ? prepared("SELECT " + std::string(kDeliveryColumns) +
                           " FROM webhook_deliveries WHERE alert_id = ? ORDER BY id DESC LIMIT ?")
                : prepared("SELECT " + std::string(kDeliveryColumns) + " FROM webhook_deliveries ORDER BY id DESC LIMIT ?");
    int index = 1;
    if (alertId) select.bind(index++, *alertId);
    select.bind(index, limit);
    std::vector<WebhookDelivery> deliveries;
    while (select.step()) deliveries.push_back(readDelivery(select));
    return deliveries;
}

// ---- retention -------------------------------------------------------------------------------

std::size_t SqliteStore::pruneBatch(const std::string& sql, EventTime before, std::size_t maxRows) {
    begin();
    try {
        SqliteStatement& remove = prepared(sql);
        remove.bind(1, millis(before)).bind(2, static_cast<std::int64_t>(maxRows));
        remove.run();
        const auto removed = static_cast<std::size_t>(db_.changes());
        commit();
        return removed;
    } catch (...) {
        rollback();
        throw;
    }
}

std::size_t SqliteStore::pruneEvents(EventTime before, std::size_t maxRows) {
    return pruneBatch(
        "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE event_at < ? ORDER BY event_at LIMIT ?)", before,
        maxRows);
}

std::size_t SqliteStore::pruneClosedAlerts(EventTime before, std::size_t maxRows) {
    return pruneBatch(
        "DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE status = 'CLOSED' AND closed_at < ? LIMIT ?)",
        before, maxRows);
}

std::size_t SqliteStore::pruneDeliveries(EventTime before, std::size_t maxRows) {
    return pruneBatch(
        "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries WHERE status != 'PENDING' AND "
        "created_at < ? ORDER BY created_at LIMIT ?)",
        before, maxRows);
}

// ---- the webhook outbox ----------------------------------------------------------------------

std::vector<WebhookDelivery> SqliteStore::dueDeliveries(EventTime now, std::size_t maxRows) {
    SqliteStatement& select = prepared("SELECT " + std::string(kDeliveryColumns) +
                                       " FROM webhook_deliveries WHERE status = 'PENDING' AND next_attempt_at <= ? "
                                       "ORDER BY next_attempt_at, id LIMIT ?");
    select.bind(1, millis(now)).bind(2, static_cast<std::int64_t>(maxRows));
    std::vector<WebhookDelivery> deliveries;
    while (select.step()) deliveries.push_back(readDelivery(select));
    return deliveries;
}

std::optional<EventTime> SqliteStore::nextDeliveryAt() {
    return optionalTime(singleInteger("SELECT min(next_attempt_at) FROM webhook_deliveries WHERE status = 'PENDING'"));
}

void SqliteStore::leaseDelivery(std::int64_t deliveryId, EventTime until) {
    SqliteStatement& update = prepared("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?");
    update.bind(1, millis(until)).bind(2, deliveryId);
    update.run();  // autocommit: one small durable transaction
}

void SqliteStore::recordAttempt(const DeliveryAttempt& attempt) {
    begin();
    try {
        SqliteStatement& update = prepared(
            "UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, last_attempt_at = ?, "
            "next_attempt_at = ?, response_code = ?, error = ? WHERE id = ?");
        update.bind(1, deliveryStatusName(attempt.status))
            .bind(2, millis(attempt.attemptedAt))
            .bind(3, millis(attempt.nextAttemptAt))
            .bind(4, attempt.responseCode)
            .bind(5, attempt.error)
            .bind(6, attempt.deliveryId);
        update.run();
        commit();
    } catch (...) {
        rollback();
        throw;
    }
}

}  // namespace chief::monitor
