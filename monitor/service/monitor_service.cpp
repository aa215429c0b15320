#include "monitor/service/monitor_service.h"

#include <algorithm>
#include <map>

#include "monitor/service/api_json.h"

namespace chief::monitor {

MonitorService::MonitorService(MonitorStore& store, const Clock& clock, ServiceObserver& observer,
                               MonitorPolicy policy, std::vector<WebhookTarget> webhooks)
    : store_(store), clock_(clock), observer_(observer), state_(policy), webhooks_(std::move(webhooks)) {}

void MonitorService::load() {
    state_.restore(store_.loadChecks(), store_.loadOpenAlerts(), store_.loadHosts(), store_.maxAlertId());
    totalEvents_ = store_.countEvents();
    latestEventAt_ = store_.latestEventAt();
    nextDeadline_ = state_.nextDeadline();
    ++stateVersion_;
}

void MonitorService::persist(const StateChanges& changes, EventTime now, std::size_t& deliveriesQueued) {
    for (const CheckKey& key : changes.checks) store_.putCheck(*state_.findCheck(key));
    for (const auto& [id, alert] : changes.alerts) store_.putAlert(alert);
    for (const std::string& host : changes.hosts) store_.putHost(state_.hosts().at(host));
    for (const AlertTransition& transition : changes.alertTransitions) {
        if (webhooks_.empty()) break;
        const std::string payload = webhookPayload(transition, alertJson(transition.alert)).dump();
        for (const WebhookTarget& target : webhooks_) {
            WebhookDelivery delivery;
            delivery.alertId = transition.alert.id;
            delivery.transition = std::string(transitionName(transition.kind));
            delivery.url = target.url;
            delivery.payload = payload;
            delivery.createdAt = now;
            delivery.nextAttemptAt = now;
            store_.addDelivery(delivery);
            ++deliveriesQueued;
        }
    }
}

void MonitorService::finishCommit(const StateChanges& changes, std::size_t deliveriesQueued) {
    if (!changes.checks.empty() || !changes.alerts.empty() || !changes.hosts.empty()) ++stateVersion_;
    nextDeadline_ = state_.nextDeadline();
    observer_.committed(changes, deliveriesQueued);
}

IngestResult MonitorService::ingest(std::vector<telemetry::TelemetryEvent> events) {
    std::vector<std::vector<telemetry::TelemetryEvent>> batches;
    batches.push_back(std::move(events));
    return ingestGroup(std::move(batches)).front();
}

std::vector<IngestResult> MonitorService::ingestGroup(std::vector<std::vector<telemetry::TelemetryEvent>> batches) {
    const EventTime now = clock_.now();
    std::vector<IngestResult> results(batches.size());
    StateChanges changes;
    std::size_t deliveriesQueued = 0;
    std::optional<EventTime> newest;
    store_.begin();
    state_.beginTransaction();
    try {
        for (std::size_t b = 0; b < batches.size(); ++b) {
            IngestResult& result = results[b];
            for (telemetry::TelemetryEvent& event : batches[b]) {
                if (!event.eventAt) event.eventAt = now;  // the contract: default is the time received
                if (!store_.insertEvent(event, now)) {
                    ++result.dropped;
                    continue;
                }
                ++result.inserted;
                if (!newest || *event.eventAt > *newest) newest = event.eventAt;
                state_.applyEvent(event, *event.eventAt, now, changes);
            }
        }
        // The checks these events touched; the rest only at a deadline that has come.
        state_.settleChanged(now, changes);
        if (nextDeadline_ && *nextDeadline_ <= now) state_.evaluate(now, changes);
        persist(changes, now, deliveriesQueued);
        store_.commit();
    } catch (...) {
        store_.rollback();
        state_.rollback();
        ++counters_.storeErrors;
        throw;
    }
    state_.commit();
    for (const IngestResult& result : results) {
        counters_.eventsInserted += result.inserted;
        counters_.eventsDropped += result.dropped;
        totalEvents_ += result.inserted;
    }
    ++counters_.batchesCommitted;
    if (newest && (!latestEventAt_ || *newest > *latestEventAt_)) latestEventAt_ = newest;
    finishCommit(changes, deliveriesQueued);
    return results;
}

void MonitorService::evaluate() {
    const EventTime now = clock_.now();
    StateChanges changes;
    state_.beginTransaction();
    state_.evaluate(now, changes);
    if (changes.empty()) {
        state_.commit();
        nextDeadline_ = state_.nextDeadline();
        return;
    }
    std::size_t deliveriesQueued = 0;
    try {
        store_.begin();
        persist(changes, now, deliveriesQueued);
        store_.commit();
    } catch (...) {
        store_.rollback();
        state_.rollback();
        ++counters_.storeErrors;
        throw;
    }
    state_.commit();
    finishCommit(changes, deliveriesQueued);
}

CloseResult MonitorService::closeAlert(std::int64_t id, const std::string& reason) {
    CloseResult result;
    if (state_.openAlerts().contains(id)) {
        const EventTime now = clock_.now();
        StateChanges changes;
        std::size_t deliveriesQueued = 0;
        state_.beginTransaction();
        try {
            store_.begin();
            result.alert = state_.closeAlert(id, reason, now, changes);
            persist(changes, now, deliveriesQueued);
            store_.commit();
        } catch (...) {
            store_.rollback();
            state_.rollback();
            ++counters_.storeErrors;
            throw;
        }
        state_.commit();
        finishCommit(changes, deliveriesQueued);
        result.found = true;
        result.updated = true;
        return result;
    }
    result.alert = store_.findAlert(id);
    result.found = result.alert.has_value();
    return result;
}

Summary MonitorService::summary() const {
    Summary summary;
    summary.now = clock_.now();
    std::map<CheckStatus, std::int64_t> byStatus;
    for (const auto& [key, check] : state_.checks()) ++byStatus[check.status];
    for (const auto& [status, count] : byStatus) summary.checksByStatus.emplace_back(status, count);
    std::map<AlertType, std::int64_t> byType;
    for (const auto& [id, alert] : state_.openAlerts()) ++byType[alert.type];
    for (const auto& [type, count] : byType) summary.openAlertsByType.emplace_back(type, count);
    summary.totalEvents = totalEvents_;
    summary.latestEventAt = latestEventAt_;
    for (const auto& [name, host] : state_.hosts()) {
        summary.hosts.push_back(host);
        if (!summary.latestHost || host.lastHeartbeatAt > summary.latestHost->lastHeartbeatAt) summary.latestHost = host;
    }
    return summary;
}

std::optional<JobDetail> MonitorService::job(const std::string& jobName, const std::optional<std::string>& host) const {
    JobDetail detail;
    const Check* chosen = nullptr;
    const auto activity = [](const Check& check) {
        return check.latestEvent ? check.latestEvent->eventAt : check.updatedAt;
    };
    // Checks are ordered by (host, job): scan for this job's hosts.
    for (const auto& [key, check] : state_.checks()) {
        if (key.job != jobName) continue;
        detail.hosts.push_back(key.host);
        if (host) {
            if (key.host == *host) chosen = &check;
        } else if (chosen == nullptr || activity(check) > activity(*chosen)) {
            chosen = &check;
        }
    }
    if (chosen == nullptr) return std::nullopt;
    detail.check = *chosen;
    EventQuery query;
    query.jobName = jobName;
    if (host) query.host = *host;
    query.limit = 100;
    detail.events = store_.findEvents(query);
    for (const auto& [id, alert] : state_.openAlerts()) {
        if (alert.key.job == jobName && (!host || alert.key.host == *host)) detail.openAlerts.push_back(alert);
    }
    std::sort(detail.openAlerts.begin(), detail.openAlerts.end(), [](const Alert& a, const Alert& b) {
        return a.openedAt != b.openedAt ? a.openedAt > b.openedAt : a.id > b.id;
    });
    return detail;
}

std::size_t MonitorService::pruneStep(std::int64_t retentionDays, std::size_t maxRows) {
    const EventTime cutoff = clock_.now() - std::chrono::hours{24 * retentionDays};
    if (const std::size_t events = store_.pruneEvents(cutoff, maxRows); events > 0) {
        totalEvents_ = std::max<std::int64_t>(0, totalEvents_ - static_cast<std::int64_t>(events));
        return events;
    }
    if (const std::size_t alerts = store_.pruneClosedAlerts(cutoff, maxRows); alerts > 0) return alerts;
    return store_.pruneDeliveries(cutoff, maxRows);
}

}  // namespace chief::monitor
