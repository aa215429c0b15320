#pragma once
// MonitorService: the monitor's use cases (ingest, evaluate, close an alert, the read views,
// retention) over the state machine, a MonitorStore and a Clock. No sockets and no timers: the
// HTTP server calls it, the app's timers call evaluate(), and what changed is reported to an
// observer after each commit.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chief/telemetry_event.h"
#include "monitor/core/clock.h"
#include "monitor/core/monitor_state.h"
#include "monitor/core/webhook_payload.h"
#include "monitor/store/monitor_store.h"

namespace chief::monitor {

// Told what each committed transaction changed (for the journal, webhooks and timers).
class ServiceObserver {
public:
    virtual ~ServiceObserver() = default;
    // `deliveriesQueued` webhook deliveries were queued in the same transaction.
    virtual void committed(const StateChanges& changes, std::size_t deliveriesQueued) = 0;
};

// What an ingest stored: `inserted` new events, `dropped` repeats of a stored eventId.
struct IngestResult {
    std::int64_t inserted = 0;
    std::int64_t dropped = 0;
};

// What closing an alert by hand did.
struct CloseResult {
    bool found = false;
    bool updated = false;      // false when it was already closed
    std::optional<Alert> alert;  // as it is now
};

// GET /v1/status/jobs/{jobName}: one check with its recent events and open alerts.
struct JobDetail {
    Check check;
    std::vector<std::string> hosts;  // every host that runs the job
    std::vector<StoredEvent> events;  // newest first, at most 100
    std::vector<Alert> openAlerts;    // newest first
};

// GET /v1/status/summary, as values.
struct Summary {
    std::vector<std::pair<CheckStatus, std::int64_t>> checksByStatus;   // only statuses with checks
    std::vector<std::pair<AlertType, std::int64_t>> openAlertsByType;   // only types with open alerts
    std::int64_t totalEvents = 0;
    std::optional<EventTime> latestEventAt;
    std::optional<HostPresence> latestHost;  // the most recently heard chiefd
    std::vector<HostPresence> hosts;
    EventTime now;
};

// Counters since start, for /metrics.
struct IngestCounters {
    std::int64_t eventsInserted = 0;
    std::int64_t eventsDropped = 0;
    std::int64_t batchesCommitted = 0;
    std::int64_t storeErrors = 0;
};

class MonitorService {
public:
    MonitorService(MonitorStore& store, const Clock& clock, ServiceObserver& observer, MonitorPolicy policy = {},
                   std::vector<WebhookTarget> webhooks = {});

    // Reads the state machine's starting point from the store; call once before anything else.
    void load();

    // Stores `events` all or nothing in one durable transaction and applies the new ones to the
    // checks. Throws StoreError when the store fails (nothing is kept then).
    IngestResult ingest(std::vector<telemetry::TelemetryEvent> events);
    // Several requests' batches in one transaction (group commit: one sync for all of them),
    // in order; the result of each. All or nothing for the group, so for each batch too.
    std::vector<IngestResult> ingestGroup(std::vector<std::vector<telemetry::TelemetryEvent>> batches);

    // Moves checks, runs, recoveries and hosts forward to the clock's now (the timer's job).
    void evaluate();
    // When evaluate() should next run; nullopt when nothing is pending. Kept up to date after
    // each commit (one pass over the checks), so asking is free.
    std::optional<EventTime> nextDeadline() const { return nextDeadline_; }

    // Closes an alert by hand with `reason`; idempotent.
    CloseResult closeAlert(std::int64_t id, const std::string& reason);

    // ---- reads ------------------------------------------------------------------------------
    Summary summary() const;
    const std::map<CheckKey, Check>& checks() const { return state_.checks(); }
    // With a host, that host's check; without, the most recently active host's. nullopt: unknown.
    std::optional<JobDetail> job(const std::string& jobName, const std::optional<std::string>& host) const;
    std::vector<StoredEvent> events(const EventQuery& query) const { return store_.findEvents(query); }
    std::vector<Alert> alerts(const AlertQuery& query) const { return store_.findAlerts(query); }
    std::vector<WebhookDelivery> deliveries(std::optional<std::int64_t> alertId, std::int64_t limit) const {
        return store_.findDeliveries(alertId, limit);
    }
    const MonitorState& state() const { return state_; }
    const IngestCounters& counters() const { return counters_; }
    std::int64_t totalEvents() const { return totalEvents_; }
    EventTime now() const { return clock_.now(); }
    // Changes each time a committed transaction changes checks, alerts or hosts (for caches).
    std::uint64_t stateVersion() const { return stateVersion_; }

    // ---- retention: one small batch per call, so ingest never waits long ---------------------
    // Removes up to `maxRows` events (then closed alerts, then finished deliveries) older than
    // `retentionDays`; returns how many rows went (0: nothing left to prune).
    std::size_t pruneStep(std::int64_t retentionDays, std::size_t maxRows);

private:
    void persist(const StateChanges& changes, EventTime now, std::size_t& deliveriesQueued);
    void finishCommit(const StateChanges& changes, std::size_t deliveriesQueued);

    MonitorStore& store_;
    const Clock& clock_;
    ServiceObserver& observer_;
    MonitorState state_;
    std::vector<WebhookTarget> webhooks_;
    IngestCounters counters_;
    std::int64_t totalEvents_ = 0;
    std::optional<EventTime> latestEventAt_;
    std::uint64_t stateVersion_ = 0;
    std::optional<EventTime> nextDeadline_;
};

}  // namespace chief::monitor
