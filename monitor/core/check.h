#pragma once
// Check: what the monitor knows and expects of one job on one host.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chief/telemetry_event.h"

namespace chief::monitor {

using telemetry::EventLevel;
using telemetry::EventTime;

// A check's health: UP (as expected), LATE (due run overdue, within grace), DOWN (beyond grace).
enum class CheckStatus { Up, Late, Down };
// "UP", "LATE", "DOWN".
std::string_view checkStatusName(CheckStatus status);
std::optional<CheckStatus> parseCheckStatus(std::string_view text);

// Checks are keyed by (host, job); a client that sends no host is the unnamed host "".
struct CheckKey {
    std::string host;
    std::string job;
    friend auto operator<=>(const CheckKey&, const CheckKey&) = default;
    friend bool operator==(const CheckKey&, const CheckKey&) = default;
};

// The per-job check settings chiefd sends in event metadata (chief.yaml's monitor.check).
struct CheckSettings {
    bool enabled = true;
    std::int64_t graceSeconds = 120;
    bool alertOnFailure = true;
    bool alertOnMiss = true;
    std::optional<std::int64_t> maxRuntimeSeconds;  // unset or 0: runs are not timed
    friend bool operator==(const CheckSettings&, const CheckSettings&) = default;
};

// The newest event of a check, as GET /v1/status/jobs shows it.
struct LatestEvent {
    EventTime eventAt;
    std::string eventType;
    EventLevel level = EventLevel::Info;
    std::string message;
    std::optional<bool> success;
    friend bool operator==(const LatestEvent&, const LatestEvent&) = default;
};

// A run that started and has not ended yet (tracked only while the job has a max runtime).
struct OpenRun {
    std::string runId;
    EventTime startedAt;
    bool alerted = false;  // a RUNNING_TOO_LONG alert was opened for it (never twice)
    friend bool operator==(const OpenRun&, const OpenRun&) = default;
};

// One ended run, for the duration sparkline and the job's run chart. Plain data: a check is
// copied into the undo log whenever a transaction first touches it.
struct RunSample {
    EventTime endedAt;
    std::optional<std::int64_t> durationMs;
    bool success = false;
    friend bool operator==(const RunSample&, const RunSample&) = default;
};

// One check: its settings, status and the instants that decide it.
struct Check {
    CheckKey key;
    CheckSettings settings;
    CheckStatus status = CheckStatus::Up;
    std::optional<EventTime> lastHeartbeatAt;
    std::optional<EventTime> expectedNextAt;
    std::optional<EventTime> lastSuccessAt;
    std::optional<EventTime> lastFailureAt;
    std::int64_t consecutiveFailures = 0;
    EventTime updatedAt;
    std::optional<std::string> timezone;       // the schedule's zone, from job.next_scheduled
    std::optional<EventTime> missedFor;        // the expectedNextAt a MISSED alert was raised for
    std::optional<std::int64_t> lastDurationMs;  // of the last run that ended
    std::optional<std::string> lastResult;     // "success" | "failure" of that run
    std::optional<LatestEvent> latestEvent;
    std::vector<OpenRun> openRuns;
    std::vector<RunSample> recentRuns;  // oldest first, at most kMaxRecentRuns
    friend bool operator==(const Check&, const Check&) = default;
};

// Most open runs a check remembers; the oldest is forgotten beyond this (a flood of
// job.started without ends cannot grow memory).
inline constexpr std::size_t kMaxOpenRunsPerCheck = 32;

// Most ended runs a check keeps for its charts.
inline constexpr std::size_t kMaxRecentRuns = 30;

// Whether a heartbeat has arrived for the run due at expectedNextAt (so nothing is overdue).
bool dueRunSeen(const Check& check);

// The status `check` has at `now`: UP unless it is enabled, a run is due and not seen; then
// LATE while now <= expectedNextAt + grace, DOWN after.
CheckStatus statusAt(const Check& check, EventTime now);

}  // namespace chief::monitor
