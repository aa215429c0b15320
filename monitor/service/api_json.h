#pragma once
// The JSON shapes of the HTTP API (../shared/spec/monitor-api.md and chief.py's monitor, whose
// field names existing clients read). Times are "2026-02-25T18:40:04.123Z"; absent values are
// null, never left out, as chief.py's monitor returned them.

#include <nlohmann/json.hpp>

#include "monitor/service/monitor_service.h"

namespace chief::monitor {

// An alert: id, jobName, host, alertType, severity, status, openedAt, closedAt, closeReason,
// updatedAt, dedupeKey, title, detailsJson (text) and details (object).
nlohmann::json alertJson(const Alert& alert);

// A check: jobName, host, enabled, alertOnFailure, alertOnMiss, graceSeconds, maxRuntimeSeconds,
// status, lastHeartbeatAt, expectedNextAt, timezone, lastSuccessAt, lastFailureAt,
// consecutiveFailures, updatedAt, lastDurationMs, lastResult, runningRuns, recentRuns (at most
// `recentRuns` of them, oldest first).
nlohmann::json checkJson(const Check& check, std::size_t recentRuns = kMaxRecentRuns);

// A check as GET /v1/status/jobs lists it: checkJson (last 10 runs) plus latestEvent.
nlohmann::json jobListEntryJson(const Check& check);

// The whole GET /v1/status/jobs body, {"jobs": [jobListEntryJson...]}, written directly as
// text (the same JSON, about twenty times faster than building the tree for 1,000 jobs).
std::string jobListBody(const std::map<CheckKey, Check>& checks);

// An event: id, receivedAt, eventAt, sourceType, eventType, level, message, jobName, scriptPath,
// runId, scheduledFor, success, returnCode, durationMs, metadataJson, metadata, eventId, host.
nlohmann::json eventJson(const StoredEvent& event);

// GET /v1/status/summary.
nlohmann::json summaryJson(const Summary& summary);

// GET /v1/status/jobs/{jobName}: check, events, openAlerts, hosts.
nlohmann::json jobDetailJson(const JobDetail& detail);

// One row of the webhook delivery log (the payload is left out; it is the alert).
nlohmann::json deliveryJson(const WebhookDelivery& delivery);

}  // namespace chief::monitor
