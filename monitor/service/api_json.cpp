#include "monitor/service/api_json.h"

#include "monitor/service/json_writer.h"

namespace chief::monitor {

namespace {

using nlohmann::json;
using telemetry::formatEventTime;

json time(const std::optional<EventTime>& value) { return value ? json(formatEventTime(*value)) : json(nullptr); }
json text(const std::optional<std::string>& value) { return value ? json(*value) : json(nullptr); }
json integer(const std::optional<std::int64_t>& value) { return value ? json(*value) : json(nullptr); }
json boolean(const std::optional<bool>& value) { return value ? json(*value) : json(nullptr); }

json hostJson(const HostPresence& host, EventTime now) {
    return {{"host", host.host},
            {"online", onlineAt(host, now)},
            {"lastHeartbeatAt", formatEventTime(host.lastHeartbeatAt)},
            {"pingIntervalSeconds", integer(host.pingIntervalSeconds)},
            {"offlineAfterSeconds", offlineAfterSeconds(host)}};
}

}  // namespace

json alertJson(const Alert& alert) {
    return {{"id", alert.id},
            {"jobName", alert.key.job},
            {"host", alert.key.host},
            {"alertType", alertTypeName(alert.type)},
            {"severity", telemetry::eventLevelName(alert.severity)},
            {"status", alertStatusName(alert.status)},
            {"openedAt", formatEventTime(alert.openedAt)},
            {"closedAt", time(alert.closedAt)},
            {"closeReason", text(alert.closeReason)},
            {"updatedAt", formatEventTime(alert.updatedAt)},
            {"dedupeKey", alert.dedupeKey},
            {"title", alert.title},
            {"detailsJson", alert.details.dump()},
            {"details", alert.details}};
}

json checkJson(const Check& check, std::size_t recentRuns) {
    json running = json::array();
    for (const OpenRun& run : check.openRuns)
        running.push_back({{"runId", run.runId}, {"startedAt", formatEventTime(run.startedAt)}});
    json runs = json::array();
    const std::size_t first = check.recentRuns.size() > recentRuns ? check.recentRuns.size() - recentRuns : 0;
    for (std::size_t i = first; i < check.recentRuns.size(); ++i) {
        const RunSample& run = check.recentRuns[i];
        runs.push_back({{"endedAt", formatEventTime(run.endedAt)},
                        {"durationMs", integer(run.durationMs)},
                        {"success", run.success}});
    }
    return {{"jobName", check.key.job},
            {"host", check.key.host},
            {"enabled", check.settings.enabled},
            {"alertOnFailure", check.settings.alertOnFailure},
            {"alertOnMiss", check.settings.alertOnMiss},
            {"graceSeconds", check.settings.graceSeconds},
            {"maxRuntimeSeconds", integer(check.settings.maxRuntimeSeconds)},
            {"status", checkStatusName(check.status)},
            {"lastHeartbeatAt", time(check.lastHeartbeatAt)},
            {"expectedNextAt", time(check.expectedNextAt)},
            {"timezone", text(check.timezone)},
            {"lastSuccessAt", time(check.lastSuccessAt)},
            {"lastFailureAt", time(check.lastFailureAt)},
            {"consecutiveFailures", check.consecutiveFailures},
            {"updatedAt", formatEventTime(check.updatedAt)},
            {"lastDurationMs", integer(check.lastDurationMs)},
            {"lastResult", text(check.lastResult)},
            {"runningRuns", std::move(running)},
            {"recentRuns", std::move(runs)}};
}

json jobListEntryJson(const Check& check) {
    json entry = checkJson(check, 10);
    if (check.latestEvent) {
        entry["latestEvent"] = {{"eventAt", formatEventTime(check.latestEvent->eventAt)},
                                {"eventType", check.latestEvent->eventType},
                                {"level", telemetry::eventLevelName(check.latestEvent->level)},
                                {"message", check.latestEvent->message},
                                {"success", boolean(check.latestEvent->success)}};
    } else {
        entry["latestEvent"] = nullptr;
    }
    return entry;
}

std::string jobListBody(const std::map<CheckKey, Check>& checks) {
    std::string out;
    out.reserve(checks.size() * 1100 + 16);
    JsonWriter w(out);
    const auto time = [&](const std::optional<EventTime>& value) -> JsonWriter& {
        return value ? w.string(formatEventTime(*value)) : w.null();
    };
    // Keys in the order nlohmann::json's sorted objects have them, so both writers agree byte for byte.
    w.beginObject().key("jobs").beginArray();
    for (const auto& [key, check] : checks) {
        w.beginObject();
        w.key("alertOnFailure").boolean(check.settings.alertOnFailure);
        w.key("alertOnMiss").boolean(check.settings.alertOnMiss);
        w.key("consecutiveFailures").number(check.consecutiveFailures);
        w.key("enabled").boolean(check.settings.enabled);
        w.key("expectedNextAt");
        time(check.expectedNextAt);
        w.key("graceSeconds").number(check.settings.graceSeconds);
        w.key("host").string(check.key.host);
        w.key("jobName").string(check.key.job);
        w.key("lastDurationMs").optionalNumber(check.lastDurationMs);
        w.key("lastFailureAt");
        time(check.lastFailureAt);
        w.key("lastHeartbeatAt");
        time(check.lastHeartbeatAt);
        w.key("lastResult").optionalString(check.lastResult);
        w.key("lastSuccessAt");
        time(check.lastSuccessAt);
        w.key("latestEvent");
        if (check.latestEvent) {
            const LatestEvent& latest = *check.latestEvent;
            w.beginObject();
            w.key("eventAt").string(formatEventTime(latest.eventAt));
            w.key("eventType").string(latest.eventType);
            w.key("level").string(telemetry::eventLevelName(latest.level));
            w.key("message").string(latest.message);
            w.key("success");
            if (latest.success) w.boolean(*latest.success);
            else w.null();
            w.endObject();
        } else {
            w.null();
        }
        w.key("maxRuntimeSeconds").optionalNumber(check.settings.maxRuntimeSeconds);
        w.key("recentRuns").beginArray();
        const std::size_t first = check.recentRuns.size() > 10 ? check.recentRuns.size() - 10 : 0;
        for (std::size_t i = first; i < check.recentRuns.size(); ++i) {
            const RunSample& run = check.recentRuns[i];
            w.beginObject();
            w.key("durationMs").optionalNumber(run.durationMs);
            w.key("endedAt").string(formatEventTime(run.endedAt));
            w.key("success").boolean(run.success);
            w.endObject();
        }
        w.endArray();
        w.key("runningRuns").beginArray();
        for (const OpenRun& run : check.openRuns) {
            w.beginObject();
            w.key("runId").string(run.runId);
            w.key("startedAt").string(formatEventTime(run.startedAt));
            w.endObject();
        }
        w.endArray();
        w.key("status").string(checkStatusName(check.status));
        w.key("timezone").optionalString(check.timezone);
        w.key("updatedAt").string(formatEventTime(check.updatedAt));
        w.endObject();
    }
    w.endArray().endObject();
    return out;
}

json eventJson(const StoredEvent& stored) {
    const telemetry::TelemetryEvent& event = stored.event;
    return {{"id", stored.id},
            {"receivedAt", formatEventTime(stored.receivedAt)},
            {"eventAt", time(event.eventAt)},
            {"sourceType", telemetry::sourceTypeName(event.sourceType)},
            {"eventType", event.eventType},
            {"level", telemetry::eventLevelName(event.level)},
            {"message", event.message},
            {"jobName", text(event.jobName)},
            {"scriptPath", text(event.scriptPath)},
            {"runId", text(event.runId)},
            {"scheduledFor", time(event.scheduledFor)},
            {"success", boolean(event.success)},
            {"returnCode", integer(event.returnCode)},
            {"durationMs", integer(event.durationMs)},
            {"metadataJson", stored.metadataJson},
            {"metadata", event.metadata},
            {"eventId", text(event.eventId)},
            {"host", text(event.host)}};
}

json summaryJson(const Summary& summary) {
    json checks = json::array();
    for (const auto& [status, count] : summary.checksByStatus)
        checks.push_back({{"status", checkStatusName(status)}, {"count", count}});
    json alerts = json::array();
    for (const auto& [type, count] : summary.openAlertsByType)
        alerts.push_back({{"alertType", alertTypeName(type)}, {"count", count}});
    json chief;
    if (summary.latestHost) {
        chief = hostJson(*summary.latestHost, summary.now);
    } else {
        chief = {{"host", nullptr},
                 {"online", false},
                 {"lastHeartbeatAt", nullptr},
                 {"pingIntervalSeconds", nullptr},
                 {"offlineAfterSeconds", kDefaultOfflineAfterSeconds}};
    }
    json hosts = json::array();
    for (const HostPresence& host : summary.hosts) hosts.push_back(hostJson(host, summary.now));
    return {{"checks", std::move(checks)},
            {"activeAlerts", std::move(alerts)},
            {"totalEvents", summary.totalEvents},
            {"latestEventAt", time(summary.latestEventAt)},
            {"chief", std::move(chief)},
            {"hosts", std::move(hosts)}};
}

json jobDetailJson(const JobDetail& detail) {
    json events = json::array();
    for (const StoredEvent& event : detail.events) events.push_back(eventJson(event));
    json alerts = json::array();
    for (const Alert& alert : detail.openAlerts) alerts.push_back(alertJson(alert));
    return {{"check", checkJson(detail.check)},
            {"events", std::move(events)},
            {"openAlerts", std::move(alerts)},
            {"hosts", detail.hosts}};
}

json deliveryJson(const WebhookDelivery& delivery) {
    return {{"id", delivery.id},
            {"alertId", delivery.alertId},
            {"transition", delivery.transition},
            {"url", delivery.url},
            {"status", deliveryStatusName(delivery.status)},
            {"attempts", delivery.attempts},
            {"createdAt", formatEventTime(delivery.createdAt)},
            {"nextAttemptAt", time(delivery.nextAttemptAt)},
            {"lastAttemptAt", time(delivery.lastAttemptAt)},
            {"responseCode", integer(delivery.responseCode)},
            {"error", text(delivery.error)}};
}

}  // namespace chief::monitor
