#pragma once
// The telemetry event contract (docs: ../shared/spec/monitor-api.md, "Event"): what chiefd and
// worker helpers send to chief-monitord, written once for both sides. Pure: no I/O, no clock.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "chief/result.h"

namespace chief::telemetry {

// An instant with millisecond precision, as events carry it ("2026-02-25T18:40:04.123Z").
using EventTime = date::sys_time<std::chrono::milliseconds>;

// Who sent an event: `sourceType` on the wire.
enum class SourceType { Chief, Worker, Monitor };
// How much an event matters: `level` on the wire.
enum class EventLevel { Debug, Info, Warn, Error, Critical };

// "chief", "worker", "monitor".
std::string_view sourceTypeName(SourceType type);
// "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL".
std::string_view eventLevelName(EventLevel level);
// Exact, case-sensitive inverse of the two above; nullopt for anything else.
std::optional<SourceType> parseSourceType(std::string_view text);
std::optional<EventLevel> parseEventLevel(std::string_view text);

// The event types chiefd and workers send (`eventType`); any non-empty string is accepted.
namespace event_type {
inline constexpr std::string_view kJobStarted = "job.started";
inline constexpr std::string_view kScriptStarted = "script.started";
inline constexpr std::string_view kScriptCompleted = "script.completed";
inline constexpr std::string_view kJobCompleted = "job.completed";
inline constexpr std::string_view kJobFailed = "job.failed";
inline constexpr std::string_view kJobNextScheduled = "job.next_scheduled";
inline constexpr std::string_view kJobUnscheduled = "job.unscheduled";
inline constexpr std::string_view kChiefHeartbeat = "chief.heartbeat";
inline constexpr std::string_view kDaemonDispatch = "daemon.dispatch";
inline constexpr std::string_view kDaemonOverlapSkipped = "daemon.overlap_skipped";
inline constexpr std::string_view kDaemonQueuedPending = "daemon.queued_pending";
inline constexpr std::string_view kWorkerMessage = "worker.message";
}  // namespace event_type

// Metadata keys with a meaning to the monitor (snake_case, as chief.py sent them).
namespace metadata_key {
inline constexpr std::string_view kNextRunAt = "next_run_at";          // job.next_scheduled: ISO-8601 instant
inline constexpr std::string_view kTimezone = "timezone";              // job.next_scheduled: the schedule's IANA zone
inline constexpr std::string_view kPingIntervalSeconds = "ping_interval_seconds";  // chief.heartbeat
inline constexpr std::string_view kReason = "reason";                  // job.failed: "interrupted" after a restart
inline constexpr std::string_view kCheckEnabled = "check_enabled";
inline constexpr std::string_view kGraceSeconds = "grace_seconds";
inline constexpr std::string_view kAlertOnFailure = "alert_on_failure";
inline constexpr std::string_view kAlertOnMiss = "alert_on_miss";
inline constexpr std::string_view kMaxRuntimeSeconds = "max_runtime_seconds";
}  // namespace metadata_key

// Bounds every field is checked against (a hostile or broken client is normal input).
namespace limits {
inline constexpr std::size_t kEventIdChars = 128;      // contract: at most 128
inline constexpr std::size_t kEventTypeBytes = 128;
inline constexpr std::size_t kMessageBytes = 16 * 1024;
inline constexpr std::size_t kJobNameBytes = 256;
inline constexpr std::size_t kScriptPathBytes = 4096;
inline constexpr std::size_t kRunIdBytes = 128;
inline constexpr std::size_t kHostBytes = 255;
inline constexpr std::size_t kMetadataBytes = 64 * 1024;  // serialized
inline constexpr std::size_t kEnumBytes = 16;              // sourceType, level
inline constexpr std::size_t kTimezoneBytes = 64;          // metadata.timezone
inline constexpr std::int64_t kMinReturnCode = -2147483648LL;
inline constexpr std::int64_t kMaxReturnCode = 2147483647LL;
// Ten years in milliseconds: no run lasts longer; beyond it the number is garbage.
inline constexpr std::int64_t kMaxDurationMs = 10LL * 366 * 24 * 3600 * 1000;
// A check's seconds-valued settings (grace_seconds, max_runtime_seconds, ping_interval_seconds): up to a year.
inline constexpr std::int64_t kMaxSettingSeconds = 366LL * 24 * 3600;
}  // namespace limits

// One telemetry event, every contract field; absent optional fields are nullopt.
struct TelemetryEvent {
    SourceType sourceType = SourceType::Chief;
    std::string eventType;
    EventLevel level = EventLevel::Info;
    std::string message;
    std::optional<EventTime> eventAt;  // the monitor uses the time received when absent
    std::optional<std::string> jobName;
    std::optional<std::string> scriptPath;
    std::optional<std::string> runId;
    std::optional<EventTime> scheduledFor;
    std::optional<bool> success;
    std::optional<std::int64_t> returnCode;
    std::optional<std::int64_t> durationMs;
    nlohmann::json metadata = nlohmann::json::object();  // always an object
    std::optional<std::string> eventId;  // unique per event; the monitor drops repeats
    std::optional<std::string> host;     // the sending machine

    friend bool operator==(const TelemetryEvent&, const TelemetryEvent&) = default;
};

// One problem with one field: `field` is the wire name ("level", "metadata.grace_seconds"),
// or empty for a problem with the whole value.
struct FieldError {
    std::string field;
    std::string message;
    friend bool operator==(const FieldError&, const FieldError&) = default;
};

// The outcome of parsing one event: the event, or every problem found (never both).
struct ParsedTelemetryEvent {
    std::optional<TelemetryEvent> event;
    std::vector<FieldError> errors;
    bool ok() const { return event.has_value(); }
};

// Reads and checks one event from its JSON form. Reports every invalid field, not just the
// first. Unknown fields are ignored (newer clients may send more); JSON null counts as absent
// for optional fields. Check-setting metadata keys (metadata_key) are type-checked on events
// from chiefd (sourceType "chief"), where they configure the job's check.
ParsedTelemetryEvent parseTelemetryEvent(const nlohmann::json& value);

// The wire form: camelCase fields, absent optionals left out, times as formatEventTime writes
// them. parseTelemetryEvent(toJson(e)) gives back e.
nlohmann::json toJson(const TelemetryEvent& event);

// "2026-02-25T18:40:04.123Z": UTC, always milliseconds.
std::string formatEventTime(EventTime time);
// Accepts ISO-8601 "YYYY-MM-DDTHH:MM[:SS[.fraction]]" with "Z", "+HH:MM", "+HHMM" or "+HH"
// (or their "-" forms), or no designator (read as UTC, as Python's naive isoformat() writes);
// a space may stand for the "T". Fractions beyond milliseconds are truncated. Rejects
// impossible dates and times with a message saying what is wrong.
Result<EventTime> parseEventTime(std::string_view text);

}  // namespace chief::telemetry
