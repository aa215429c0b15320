#include "monitor/core/metrics.h"

#include <charconv>

namespace chief::monitor {

namespace {

// The shortest fixed-point text that reads back as the same double ("0.0005", not
// "0.00050000000000000001" or "5e-04").
std::string number(double value) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    return std::string(buffer, result.ptr);
}

double seconds(EventTime time) { return static_cast<double>(time.time_since_epoch().count()) / 1000.0; }

void header(std::string& out, const char* name, const char* type, const char* help) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, const std::string& name, const std::string& labels, const std::string& value) {
    out.append(name);
    if (!labels.empty()) out.append("{").append(labels).append("}");
    out.append(" ").append(value).append("\n");
}

std::string jobLabels(const CheckKey& key) {
    return "host=\"" + escapeLabelValue(key.host) + "\",job=\"" + escapeLabelValue(key.job) + "\"";
}

}  // namespace

void LatencyHistogram::observe(double secondsTaken) {
    std::size_t index = 0;
    while (index < kBounds.size() && secondsTaken > kBounds[index]) ++index;
    buckets_[index].fetch_add(1, std::memory_order_relaxed);
    sumMicros_.fetch_add(static_cast<std::uint64_t>(secondsTaken * 1e6), std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
}

std::string escapeLabelValue(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\') out.append("\\\\");
        else if (c == '"') out.append("\\\"");
        else if (c == '\n') out.append("\\n");
        else out.push_back(c);
    }
    return out;
}

std::string renderMetrics(const MetricsSnapshot& s) {
    std::string out;
    out.reserve(4096 + (s.checks != nullptr ? s.checks->size() * 400 : 0));

    header(out, "chief_monitor_events_ingested_total", "counter", "Events stored since chief-monitord started.");
    sample(out, "chief_monitor_events_ingested_total", "", std::to_string(s.eventsInserted));
    header(out, "chief_monitor_events_dropped_total", "counter", "Events dropped as repeats of a stored eventId.");
    sample(out, "chief_monitor_events_dropped_total", "", std::to_string(s.eventsDropped));
    header(out, "chief_monitor_events_stored", "gauge", "Events in the store (after retention).");
    sample(out, "chief_monitor_events_stored", "", std::to_string(s.eventsStored));
    header(out, "chief_monitor_store_errors_total", "counter", "Transactions the store failed (the request got 503).");
    sample(out, "chief_monitor_store_errors_total", "", std::to_string(s.storeErrors));

    if (s.checks != nullptr) {
        std::array<std::int64_t, 3> byStatus{};
        for (const auto& [key, check] : *s.checks) ++byStatus.at(static_cast<std::size_t>(check.status));
        header(out, "chief_monitor_checks", "gauge", "Checks (one per host and job) by status.");
        for (const CheckStatus status : {CheckStatus::Up, CheckStatus::Late, CheckStatus::Down})
            sample(out, "chief_monitor_checks", "status=\"" + std::string(checkStatusName(status)) + "\"",
                   std::to_string(byStatus.at(static_cast<std::size_t>(status))));
    }
    if (s.openAlerts != nullptr) {
        std::array<std::int64_t, 4> byType{};
        for (const auto& [id, alert] : *s.openAlerts) ++byType.at(static_cast<std::size_t>(alert.type));
        header(out, "chief_monitor_open_alerts", "gauge", "Open alerts by type.");
        for (const AlertType type : {AlertType::Failure, AlertType::Missed, AlertType::Recovery, AlertType::RunningTooLong})
            sample(out, "chief_monitor_open_alerts", "alert_type=\"" + std::string(alertTypeName(type)) + "\"",
                   std::to_string(byType.at(static_cast<std::size_t>(type))));
    }
    if (s.hosts != nullptr) {
        header(out, "chief_monitor_host_online", "gauge", "1 while a chiefd host's heartbeats arrive, else 0.");
        for (const auto& [name, host] : *s.hosts)
            sample(out, "chief_monitor_host_online", "host=\"" + escapeLabelValue(name) + "\"",
                   onlineAt(host, s.now) ? "1" : "0");
        header(out, "chief_monitor_host_last_heartbeat_timestamp_seconds", "gauge", "When a chiefd host was last heard.");
        for (const auto& [name, host] : *s.hosts)
            sample(out, "chief_monitor_host_last_heartbeat_timestamp_seconds", "host=\"" + escapeLabelValue(name) + "\"",
                   number(seconds(host.lastHeartbeatAt)));
    }
    if (s.checks != nullptr) {
        header(out, "chief_monitor_job_last_success_timestamp_seconds", "gauge", "When the job last succeeded.");
        for (const auto& [key, check] : *s.checks)
            if (check.lastSuccessAt)
                sample(out, "chief_monitor_job_last_success_timestamp_seconds", jobLabels(key),
                       number(seconds(*check.lastSuccessAt)));
        header(out, "chief_monitor_job_last_duration_seconds", "gauge", "How long the job's last run took.");
        for (const auto& [key, check] : *s.checks)
            if (check.lastDurationMs)
                sample(out, "chief_monitor_job_last_duration_seconds", jobLabels(key),
                       number(static_cast<double>(*check.lastDurationMs) / 1000.0));
        header(out, "chief_monitor_job_consecutive_failures", "gauge", "Failed runs since the job last succeeded.");
        for (const auto& [key, check] : *s.checks)
            sample(out, "chief_monitor_job_consecutive_failures", jobLabels(key), std::to_string(check.consecutiveFailures));
        header(out, "chief_monitor_job_up", "gauge", "1 when the job's check is UP, else 0.");
        for (const auto& [key, check] : *s.checks)
            sample(out, "chief_monitor_job_up", jobLabels(key), check.status == CheckStatus::Up ? "1" : "0");
    }
    if (s.ingestLatency != nullptr) {
        const char* name = "chief_monitor_ingest_duration_seconds";
        header(out, name, "histogram", "Time to validate, store durably and evaluate one ingest request.");
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < LatencyHistogram::kBounds.size(); ++i) {
            cumulative += s.ingestLatency->bucket(i);
            sample(out, std::string(name) + "_bucket", "le=\"" + number(LatencyHistogram::kBounds[i]) + "\"",
                   std::to_string(cumulative));
        }
        cumulative += s.ingestLatency->bucket(LatencyHistogram::kBounds.size());
        sample(out, std::string(name) + "_bucket", "le=\"+Inf\"", std::to_string(cumulative));
        sample(out, std::string(name) + "_sum", "", number(s.ingestLatency->sum()));
        sample(out, std::string(name) + "_count", "", std::to_string(s.ingestLatency->count()));
    }
    if (s.traffic != nullptr) {
        const TrafficCounters& t = *s.traffic;
        header(out, "chief_monitor_http_responses_total", "counter", "HTTP responses by status code.");
        for (int status = TrafficCounters::kMinStatus; status <= TrafficCounters::kMaxStatus; ++status)
            if (const std::uint64_t count = t.responses(status); count > 0)
                sample(out, "chief_monitor_http_responses_total", "code=\"" + std::to_string(status) + "\"", std::to_string(count));
        header(out, "chief_monitor_connections_open", "gauge", "Client connections open now.");
        sample(out, "chief_monitor_connections_open", "", std::to_string(t.connectionsOpen.load()));
        header(out, "chief_monitor_connections_total", "counter", "Client connections accepted, and refused over the limit.");
        sample(out, "chief_monitor_connections_total", "result=\"accepted\"", std::to_string(t.connectionsAccepted.load()));
        sample(out, "chief_monitor_connections_total", "result=\"rejected\"", std::to_string(t.connectionsRejected.load()));
        header(out, "chief_monitor_webhook_attempts_total", "counter", "Webhook delivery attempts by outcome.");
        sample(out, "chief_monitor_webhook_attempts_total", "result=\"delivered\"", std::to_string(t.webhooksDelivered.load()));
        sample(out, "chief_monitor_webhook_attempts_total", "result=\"retry\"", std::to_string(t.webhookRetries.load()));
        sample(out, "chief_monitor_webhook_attempts_total", "result=\"failed\"", std::to_string(t.webhooksFailed.load()));
    }
    return out;
}

}  // namespace chief::monitor
