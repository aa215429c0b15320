#pragma once
// Builders for the telemetry events chiefd sends, for tests of the monitor.

#include <optional>
#include <string>

#include "chief/telemetry_event.h"

namespace chief::monitor::testing {

using telemetry::EventTime;
using telemetry::TelemetryEvent;

inline EventTime instant(const char* iso) { return telemetry::parseEventTime(iso).value(); }

// An event from chiefd about `job`, with the host set when non-empty.
inline TelemetryEvent chiefEvent(std::string_view type, const std::string& job, const std::string& host = {}) {
    TelemetryEvent event;
    event.sourceType = telemetry::SourceType::Chief;
    event.eventType = std::string(type);
    event.level = telemetry::EventLevel::Info;
    event.message = std::string(type) + " " + job;
    if (!job.empty()) event.jobName = job;
    if (!host.empty()) event.host = host;
    return event;
}

inline TelemetryEvent nextScheduled(const std::string& job, const char* nextRunAt, const std::string& host = {}) {
    TelemetryEvent event = chiefEvent(telemetry::event_type::kJobNextScheduled, job, host);
    event.metadata["next_run_at"] = nextRunAt;
    event.metadata["timezone"] = "Europe/Berlin";
    return event;
}

inline TelemetryEvent started(const std::string& job, const std::string& runId, const std::string& host = {}) {
    TelemetryEvent event = chiefEvent(telemetry::event_type::kJobStarted, job, host);
    event.runId = runId;
    return event;
}

inline TelemetryEvent completed(const std::string& job, const std::string& runId, bool success,
                                const std::string& host = {}) {
    TelemetryEvent event = chiefEvent(telemetry::event_type::kJobCompleted, job, host);
    event.runId = runId;
    event.success = success;
    event.returnCode = success ? 0 : 1;
    event.durationMs = 1500;
    return event;
}

inline TelemetryEvent failed(const std::string& job, const std::string& runId, const std::string& host = {}) {
    TelemetryEvent event = chiefEvent(telemetry::event_type::kJobFailed, job, host);
    event.level = telemetry::EventLevel::Error;
    event.runId = runId;
    event.success = false;
    event.returnCode = 2;
    event.durationMs = 800;
    return event;
}

inline TelemetryEvent unscheduled(const std::string& job, const std::string& host = {}) {
    return chiefEvent(telemetry::event_type::kJobUnscheduled, job, host);
}

inline TelemetryEvent heartbeat(const std::string& host, std::optional<int> pingSeconds = 15) {
    TelemetryEvent event = chiefEvent(telemetry::event_type::kChiefHeartbeat, "", host);
    if (pingSeconds) event.metadata["ping_interval_seconds"] = *pingSeconds;
    return event;
}

inline TelemetryEvent workerMessage(const std::string& job, const std::string& message) {
    TelemetryEvent event;
    event.sourceType = telemetry::SourceType::Worker;
    event.eventType = std::string(telemetry::event_type::kWorkerMessage);
    event.level = telemetry::EventLevel::Warn;
    event.message = message;
    event.jobName = job;
    return event;
}

}  // namespace chief::monitor::testing
