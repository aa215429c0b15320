#include "monitor/store/sqlite_schema.h"

#include <array>
#include <string>

#include "monitor/store/monitor_store.h"
#include "monitor/store/sqlite_database.h"

namespace chief::monitor {

namespace {

// Times are INTEGER milliseconds since the Unix epoch (UTC); enums are their wire names.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  event_at INTEGER NOT NULL,
  source_type TEXT NOT NULL,
  event_type TEXT NOT NULL,
  level TEXT NOT NULL,
  message TEXT NOT NULL,
  job_name TEXT,
  script_path TEXT,
  run_id TEXT,
  scheduled_for INTEGER,
  success INTEGER,
  return_code INTEGER,
  duration_ms INTEGER,
  metadata_json TEXT NOT NULL,
  event_id TEXT,
  host TEXT NOT NULL DEFAULT ''
);
-- A repeated eventId is dropped: INSERT OR IGNORE against this index.
CREATE UNIQUE INDEX events_by_event_id ON events(event_id) WHERE event_id IS NOT NULL;
-- GET /v1/events?jobName=... and a job's last events, newest first (rowid breaks ties).
CREATE INDEX events_by_job ON events(job_name, event_at) WHERE job_name IS NOT NULL;
-- GET /v1/events without a job, from/to, latest event time, retention.
CREATE INDEX events_by_time ON events(event_at);

CREATE TABLE checks (
  host TEXT NOT NULL,
  job_name TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  grace_seconds INTEGER NOT NULL,
  alert_on_failure INTEGER NOT NULL,
  alert_on_miss INTEGER NOT NULL,
  max_runtime_seconds INTEGER,
  status TEXT NOT NULL,
  last_heartbeat_at INTEGER,
  expected_next_at INTEGER,
  last_success_at INTEGER,
  last_failure_at INTEGER,
  consecutive_failures INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  timezone TEXT,
  missed_for INTEGER,
  last_duration_ms INTEGER,
  last_result TEXT,
  latest_event_at INTEGER,
  latest_event_type TEXT,
  latest_event_level TEXT,
  latest_event_message TEXT,
  latest_event_success INTEGER,
  open_runs_json TEXT NOT NULL,
  -- "<endedAt ms>:<duration ms or empty>:<1|0>;..." oldest first (compact: rewritten each run)
  recent_runs TEXT NOT NULL,
  PRIMARY KEY (host, job_name)
) WITHOUT ROWID;

CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,
  job_name TEXT NOT NULL,
  alert_type TEXT NOT NULL,
  severity TEXT NOT NULL,
  status TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  closed_at INTEGER,
  close_reason TEXT,
  updated_at INTEGER NOT NULL,
  dedupe_key TEXT NOT NULL,
  title TEXT NOT NULL,
  details_json TEXT NOT NULL
);
-- At most one OPEN alert per (host, job, type), enforced here too.
CREATE UNIQUE INDEX alerts_one_open ON alerts(dedupe_key) WHERE status = 'OPEN';
CREATE INDEX alerts_by_status ON alerts(status, opened_at);
CREATE INDEX alerts_by_job ON alerts(job_name, opened_at);
CREATE INDEX alerts_by_time ON alerts(opened_at);

CREATE TABLE hosts (
  host TEXT PRIMARY KEY,
  last_heartbeat_at INTEGER NOT NULL,
  ping_interval_seconds INTEGER,
  online INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY,
  alert_id INTEGER NOT NULL,
  transition TEXT NOT NULL,
  url TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER,
  last_attempt_at INTEGER,
  response_code INTEGER,
  error TEXT
);
CREATE INDEX deliveries_pending ON webhook_deliveries(next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX deliveries_by_alert ON webhook_deliveries(alert_id, id);
CREATE INDEX deliveries_by_time ON webhook_deliveries(created_at);
)sql";

constexpr std::array<SchemaMigration, 1> kMigrations{{
    {1, "events, checks, alerts, hosts, webhook deliveries", kVersion1},
}};

int userVersion(SqliteDatabase& db) {
    SqliteStatement statement(db.handle(), "PRAGMA user_version");
    statement.step();
    return static_cast<int>(statement.integer(0));
}

}  // namespace

std::span<const SchemaMigration> schemaMigrations() { return kMigrations; }

int migrateSchema(SqliteDatabase& db) {
    const int current = userVersion(db);
    const int latest = kMigrations.back().version;
    if (current > latest)
        throw StoreError("the database has schema version " + std::to_string(current) + ", newer than the " +
                         std::to_string(latest) + " this chief-monitord knows; refusing to use it");
    int applied = 0;
    for (const SchemaMigration& step : kMigrations) {
        if (step.version <= current) continue;
        db.exec("BEGIN IMMEDIATE");
        try {
            db.exec(std::string(step.sql));
            db.exec("PRAGMA user_version = " + std::to_string(step.version));
            db.exec("COMMIT");
        } catch (...) {
            db.exec("ROLLBACK");
            throw;
        }
        ++applied;
    }
    return applied;
}

}  // namespace chief::monitor
