#pragma once
// SqliteStore: the embedded default MonitorStore. One SQLite file in WAL mode with
// synchronous=FULL, so a committed transaction survives power loss: a 202 means durable.

#include <map>
#include <memory>
#include <string>

#include "monitor/store/monitor_store.h"
#include "monitor/store/sqlite_database.h"
#include "monitor/store/wal_checkpointer.h"

namespace chief::monitor {

// Tunables of the SQLite store.
struct SqliteStoreOptions {
    // Page cache (PRAGMA cache_size): holds the pages ingest touches (the index leaves of
    // ~1,000 jobs); the whole process stays far below 64 MB with it.
    std::int64_t cacheKibibytes = 16 * 1024;
    // Checkpoint the log on a thread of our own (WalCheckpointer) instead of inside commits.
    bool backgroundCheckpoints = true;
};

class SqliteStore final : public MonitorStore {
public:
    // Opens (creating if needed) and migrates the file at `path`; ":memory:" works for tests.
    explicit SqliteStore(const std::string& path, SqliteStoreOptions options = {});
    ~SqliteStore() override;

    void begin() override;
    bool insertEvent(const telemetry::TelemetryEvent& event, EventTime receivedAt) override;
    void putCheck(const Check& check) override;
    void putAlert(const Alert& alert) override;
    void putHost(const HostPresence& host) override;
    void addDelivery(const WebhookDelivery& delivery) override;
    void commit() override;
    void rollback() override;

    std::vector<Check> loadChecks() override;
    std::vector<Alert> loadOpenAlerts() override;
    std::vector<HostPresence> loadHosts() override;
    std::int64_t maxAlertId() override;
    std::int64_t countEvents() override;
    std::optional<EventTime> latestEventAt() override;

    std::vector<StoredEvent> findEvents(const EventQuery& query) override;
    std::vector<Alert> findAlerts(const AlertQuery& query) override;
    std::optional<Alert> findAlert(std::int64_t id) override;
    std::vector<WebhookDelivery> findDeliveries(std::optional<std::int64_t> alertId, std::int64_t limit) override;

    std::size_t pruneEvents(EventTime before, std::size_t maxRows) override;
    std::size_t pruneClosedAlerts(EventTime before, std::size_t maxRows) override;
    std::size_t pruneDeliveries(EventTime before, std::size_t maxRows) override;

    std::vector<WebhookDelivery> dueDeliveries(EventTime now, std::size_t maxRows) override;
    std::optional<EventTime> nextDeliveryAt() override;
    void leaseDelivery(std::int64_t deliveryId, EventTime until) override;
    void recordAttempt(const DeliveryAttempt& attempt) override;

    // A PRAGMA's value on the write connection, as text (for tests and diagnostics).
    std::string pragma(const std::string& name);

    // How many schema steps the constructor applied (0 for an up-to-date file).
    int migrationsApplied() const { return migrationsApplied_; }

private:
    // The statement for `sql`, prepared once and reset for reuse. Looked up without building a
    // std::string: the per-event insert and check upserts come here hundreds of times a commit.
    SqliteStatement& prepared(std::string_view sql);
    std::optional<std::int64_t> singleInteger(const std::string& sql);
    std::size_t pruneBatch(const std::string& sql, EventTime before, std::size_t maxRows);

    SqliteDatabase db_;
    std::unique_ptr<WalCheckpointer> checkpointer_;
    int migrationsApplied_ = 0;
    bool inTransaction_ = false;
    std::map<std::string, std::unique_ptr<SqliteStatement>, std::less<>> statements_;
    SqliteStatement* insertEvent_ = nullptr;  // the hottest statement, without even the lookup
};

}  // namespace chief::monitor
