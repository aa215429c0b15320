#pragma once
// MonitorState: the check and alert state machine. Pure: every input (event, instant) is a
// parameter; it never reads a clock or touches storage. Its caller persists StateChanges in the
// same transaction as the events, and rolls the state back when that transaction fails.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chief/telemetry_event.h"
#include "monitor/core/alert.h"
#include "monitor/core/check.h"
#include "monitor/core/host_presence.h"
#include "monitor/core/state_changes.h"

namespace chief::monitor {

// Tunables of the state machine.
struct MonitorPolicy {
    // A RECOVERY alert closes on the job's next heartbeat, or after this long.
    std::chrono::seconds recoveryTtl{900};
    // Bounds on what clients can make the monitor remember: events naming more (host, job)
    // pairs or more hosts are still stored, but create no check or host beyond these.
    std::size_t maxChecks = 100000;
    std::size_t maxHosts = 10000;
};

// What MonitorState::beginTransaction() saw, for rollback(): the first prior value of each
// entry a transaction touched (nullopt: it did not exist).
struct MonitorStateUndo {
    std::map<CheckKey, std::optional<Check>> checks;
    std::map<std::int64_t, std::optional<Alert>> openAlerts;
    std::map<std::string, std::optional<HostPresence>> hosts;
    std::int64_t nextAlertId = 1;
};

// The state machine over all checks, open alerts and hosts.
//
// Semantics (../shared/spec/monitor-api.md, "Check and alert semantics"):
// - checks are created by events from chiefd (sourceType "chief") that name a job; events from
//   workers only update an existing check's latest event;
// - job.started / job.completed / job.failed are heartbeats: lastHeartbeatAt, status UP, an open
//   RECOVERY closes, an open MISSED closes and a RECOVERY opens;
// - job.failed, or job.completed with success:false, counts a failure and opens (or refreshes)
//   FAILURE; job.completed with success:true resets the count and closes FAILURE (RECOVERY);
// - job.next_scheduled sets expectedNextAt (metadata next_run_at), job.unscheduled clears it;
// - LATE/DOWN come from statusAt(); entering DOWN opens MISSED once per due instant;
// - a job.started whose job has max_runtime_seconds opens RUNNING_TOO_LONG when no end for that
//   runId arrives in time; the end closes it;
// - chief.heartbeat tracks hosts; online/offline changes are reported, not alerted.
// At most one OPEN alert exists per (host, job, type).
class MonitorState {
public:
    explicit MonitorState(MonitorPolicy policy = {}) : policy_(policy) {}

    // Replaces the whole state with what the store holds; alert ids continue after maxAlertId.
    void restore(std::vector<Check> checks, std::vector<Alert> openAlerts, std::vector<HostPresence> hosts,
                 std::int64_t maxAlertId);

    // Applies one stored event. `at` is its eventAt (or its receive time when it had none);
    // `now` is the receive time, used for status and alert times.
    void applyEvent(const telemetry::TelemetryEvent& event, EventTime at, EventTime now, StateChanges& changes);

    // Moves every check, run, recovery and host forward to `now`.
    void evaluate(EventTime now, StateChanges& changes);
    // Moves only the checks `changes` names (those events just touched) forward to `now`: after
    // a batch, the others can only change at their deadlines, which evaluate() handles.
    void settleChanged(EventTime now, StateChanges& changes);

    // The earliest instant at which evaluate() would change something; nullopt when nothing is
    // pending. May lie in the past (then evaluate now).
    std::optional<EventTime> nextDeadline() const;

    // Closes an OPEN alert by hand. nullopt when no alert with that id is open.
    std::optional<Alert> closeAlert(std::int64_t id, const std::string& reason, EventTime now, StateChanges& changes);

    // Changes after beginTransaction() are undone by rollback() and kept by commit().
    void beginTransaction();
    void commit();
    void rollback();

    const std::map<CheckKey, Check>& checks() const { return checks_; }
    const Check* findCheck(const CheckKey& key) const;
    const std::map<std::int64_t, Alert>& openAlerts() const { return openAlerts_; }
    const std::map<std::string, HostPresence>& hosts() const { return hosts_; }
    const MonitorPolicy& policy() const { return policy_; }

private:
    using AlertSlot = std::pair<CheckKey, AlertType>;

    Check& mutableCheck(const CheckKey& key);
    HostPresence* mutableHost(const std::string& host);
    void rememberAlert(std::int64_t id);
    const Alert* openAlert(const CheckKey& key, AlertType type) const;
    Alert& openOrRefresh(const CheckKey& key, AlertType type, std::string title, nlohmann::json details, EventTime now,
                         StateChanges& changes);
    bool closeOpen(const CheckKey& key, AlertType type, const std::string& reason, EventTime now, StateChanges& changes);
    void closeById(std::int64_t id, const std::string& reason, EventTime now, StateChanges& changes);

    void applySettings(Check& check, const nlohmann::json& metadata);
    void applyHeartbeat(Check& check, const telemetry::TelemetryEvent& event, EventTime at, EventTime now,
                        StateChanges& changes);
    void applyRunEnd(Check& check, const telemetry::TelemetryEvent& event, EventTime at, EventTime now,
                     StateChanges& changes);
    void openRecovery(const Check& check, AlertType recoveredFrom, const std::string& sourceEvent, EventTime at,
                      EventTime now, StateChanges& changes);
    // Brings one check's status, MISSED and RUNNING_TOO_LONG up to `now`.
    void settle(Check& check, EventTime now, StateChanges& changes);

    MonitorPolicy policy_;
    std::map<CheckKey, Check> checks_;
    std::map<std::int64_t, Alert> openAlerts_;
    std::map<AlertSlot, std::int64_t> openBySlot_;
    std::map<std::string, HostPresence> hosts_;
    std::int64_t nextAlertId_ = 1;

    std::optional<MonitorStateUndo> undo_;
};

}  // namespace chief::monitor
