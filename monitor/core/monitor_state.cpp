#include "monitor/core/monitor_state.h"

#include <algorithm>
#include <limits>

namespace chief::monitor {

namespace {

namespace et = telemetry::event_type;
namespace mk = telemetry::metadata_key;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using telemetry::SourceType;
using telemetry::TelemetryEvent;

constexpr milliseconds kTick{1};

bool isHeartbeat(std::string_view type) {
    return type == et::kJobStarted || type == et::kJobCompleted || type == et::kJobFailed;
}

// Metadata values were type-checked at ingest (parseTelemetryEvent); anything else is ignored.
std::optional<bool> metadataBool(const json& metadata, std::string_view key) {
    const auto it = metadata.find(key);
    if (it == metadata.end() || !it->is_boolean()) return std::nullopt;
    return it->get<bool>();
}

std::optional<std::int64_t> metadataInteger(const json& metadata, std::string_view key) {
    const auto it = metadata.find(key);
    if (it == metadata.end() || !it->is_number()) return std::nullopt;
    if (it->is_number_float()) return static_cast<std::int64_t>(it->get<double>());
    if (it->is_number_unsigned()) return static_cast<std::int64_t>(std::min<std::uint64_t>(it->get<std::uint64_t>(), std::numeric_limits<std::int64_t>::max()));
    return it->get<std::int64_t>();
}

std::optional<std::string> metadataString(const json& metadata, std::string_view key) {
    const auto it = metadata.find(key);
    if (it == metadata.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

std::string jobLabel(const CheckKey& key) {
    return key.host.empty() ? "Job " + key.job : "Job " + key.job + " on " + key.host;
}

json optionalJson(const std::optional<std::string>& value) { return value ? json(*value) : json(nullptr); }

bool runsTimed(const Check& check) {
    return check.settings.enabled && check.settings.maxRuntimeSeconds && *check.settings.maxRuntimeSeconds > 0;
}

EventTime runDeadline(const Check& check, const OpenRun& run) {
    return run.startedAt + seconds{*check.settings.maxRuntimeSeconds} + kTick;
}

bool missedAlertDue(const Check& check, CheckStatus status) {
    return status == CheckStatus::Down && check.settings.alertOnMiss && check.missedFor != check.expectedNextAt;
}

bool overdueRunAt(const Check& check, EventTime now) {
    if (!runsTimed(check)) return false;
    return std::any_of(check.openRuns.begin(), check.openRuns.end(),
                       [&](const OpenRun& run) { return !run.alerted && now >= runDeadline(check, run); });
}

bool needsSettle(const Check& check, EventTime now) {
    const CheckStatus status = statusAt(check, now);
    return status != check.status || missedAlertDue(check, status) || overdueRunAt(check, now);
}

}  // namespace

void MonitorState::restore(std::vector<Check> checks, std::vector<Alert> openAlerts, std::vector<HostPresence> hosts,
                           std::int64_t maxAlertId) {
    checks_.clear();
    openAlerts_.clear();
    openBySlot_.clear();
    hosts_.clear();
    undo_.reset();
    for (Check& check : checks) {
        CheckKey key = check.key;
        checks_.emplace(std::move(key), std::move(check));
    }
    for (Alert& alert : openAlerts) {
        if (alert.status != AlertStatus::Open) continue;
        openBySlot_[{alert.key, alert.type}] = alert.id;
        const std::int64_t id = alert.id;
        openAlerts_.emplace(id, std::move(alert));
    }
    for (HostPresence& host : hosts) {
        std::string name = host.host;
        hosts_.emplace(std::move(name), std::move(host));
    }
    nextAlertId_ = maxAlertId + 1;
}

const Check* MonitorState::findCheck(const CheckKey& key) const {
    const auto it = checks_.find(key);
    return it == checks_.end() ? nullptr : &it->second;
}

// ---- transactions ----------------------------------------------------------------------------

void MonitorState::beginTransaction() {
    undo_.emplace();
    undo_->nextAlertId = nextAlertId_;
}

void MonitorState::commit() { undo_.reset(); }

void MonitorState::rollback() {
    if (!undo_) return;
    for (auto& [key, prior] : undo_->checks) {
        if (prior) checks_.insert_or_assign(key, std::move(*prior));
        else checks_.erase(key);
    }
    for (auto& [id, prior] : undo_->openAlerts) {
        if (prior) openAlerts_.insert_or_assign(id, std::move(*prior));
        else openAlerts_.erase(id);
    }
    for (auto& [name, prior] : undo_->hosts) {
        if (prior) hosts_.insert_or_assign(name, std::move(*prior));
        else hosts_.erase(name);
    }
    nextAlertId_ = undo_->nextAlertId;
    undo_.reset();
    openBySlot_.clear();
    for (const auto& [id, alert] : openAlerts_) openBySlot_[{alert.key, alert.type}] = id;
}

Check& MonitorState::mutableCheck(const CheckKey& key) {
    auto it = checks_.find(key);
    if (undo_ && !undo_->checks.contains(key))
        undo_->checks.emplace(key, it == checks_.end() ? std::nullopt : std::optional<Check>(it->second));
    if (it == checks_.end()) {
        it = checks_.emplace(key, Check{}).first;
        it->second.key = key;
    }
    return it->second;
}

HostPresence* MonitorState::mutableHost(const std::string& host) {
    const auto it = hosts_.find(host);
    if (undo_ && !undo_->hosts.contains(host))
        undo_->hosts.emplace(host, it == hosts_.end() ? std::nullopt : std::optional<HostPresence>(it->second));
    return it == hosts_.end() ? nullptr : &it->second;
}

void MonitorState::rememberAlert(std::int64_t id) {
    if (!undo_ || undo_->openAlerts.contains(id)) return;
    const auto it = openAlerts_.find(id);
    undo_->openAlerts.emplace(id, it == openAlerts_.end() ? std::nullopt : std::optional<Alert>(it->second));
}

// ---- alerts ----------------------------------------------------------------------------------

const Alert* MonitorState::openAlert(const CheckKey& key, AlertType type) const {
    const auto it = openBySlot_.find({key, type});
    return it == openBySlot_.end() ? nullptr : &openAlerts_.at(it->second);
}

Alert& MonitorState::openOrRefresh(const CheckKey& key, AlertType type, std::string title, json details,
                                   EventTime now, StateChanges& changes) {
    if (const auto slot = openBySlot_.find({key, type}); slot != openBySlot_.end()) {
        rememberAlert(slot->second);
        Alert& alert = openAlerts_.at(slot->second);
        const std::int64_t occurrences = alert.details.value("occurrences", 1) + 1;
        alert.title = std::move(title);
        alert.details = std::move(details);
        alert.details["occurrences"] = occurrences;
        alert.updatedAt = now;
        changes.alerts.insert_or_assign(alert.id, alert);
        return alert;
    }
    const std::int64_t id = nextAlertId_++;
    rememberAlert(id);
    Alert alert;
    alert.id = id;
    alert.key = key;
    alert.type = type;
    alert.severity = severityFor(type);
    alert.status = AlertStatus::Open;
    alert.openedAt = now;
    alert.updatedAt = now;
    alert.dedupeKey = dedupeKeyFor(key, type);
    alert.title = std::move(title);
    alert.details = std::move(details);
    alert.details["occurrences"] = 1;
    openBySlot_[{key, type}] = id;
    Alert& stored = openAlerts_.emplace(id, std::move(alert)).first->second;
    changes.alerts.insert_or_assign(id, stored);
    changes.alertTransitions.push_back({AlertTransition::Kind::Opened, stored});
    return stored;
}

void MonitorState::closeById(std::int64_t id, const std::string& reason, EventTime now, StateChanges& changes) {
    const auto it = openAlerts_.find(id);
    if (it == openAlerts_.end()) return;
    rememberAlert(id);
    Alert closed = std::move(it->second);
    openAlerts_.erase(it);
    openBySlot_.erase({closed.key, closed.type});
    closed.status = AlertStatus::Closed;
    closed.closedAt = now;
    closed.closeReason = reason;
    closed.updatedAt = now;
    changes.alerts.insert_or_assign(id, closed);
    changes.alertTransitions.push_back({AlertTransition::Kind::Closed, std::move(closed)});
}

bool MonitorState::closeOpen(const CheckKey& key, AlertType type, const std::string& reason, EventTime now,
                             StateChanges& changes) {
    const auto slot = openBySlot_.find({key, type});
    if (slot == openBySlot_.end()) return false;
    closeById(slot->second, reason, now, changes);
    return true;
}

std::optional<Alert> MonitorState::closeAlert(std::int64_t id, const std::string& reason, EventTime now,
                                              StateChanges& changes) {
    if (!openAlerts_.contains(id)) return std::nullopt;
    closeById(id, reason, now, changes);
    return changes.alerts.at(id);
}

void MonitorState::openRecovery(const Check& check, AlertType recoveredFrom, const std::string& sourceEvent,
                                EventTime at, EventTime now, StateChanges& changes) {
    if (!check.settings.enabled) return;
    json from = json::array();
    if (const Alert* open = openAlert(check.key, AlertType::Recovery)) {
        from = open->details.value("recoveredFrom", json::array());
    }
    from.push_back(alertTypeName(recoveredFrom));
    const std::string what = recoveredFrom == AlertType::Failure ? "failure" : "a missed run";
    json details = {{"recoveredAt", telemetry::formatEventTime(at)},
                    {"sourceEvent", sourceEvent},
                    {"recoveredFrom", std::move(from)}};
    openOrRefresh(check.key, AlertType::Recovery, jobLabel(check.key) + " recovered from " + what, std::move(details),
                  now, changes);
}

// ---- events ----------------------------------------------------------------------------------

void MonitorState::applySettings(Check& check, const json& metadata) {
    if (const auto value = metadataBool(metadata, mk::kCheckEnabled)) check.settings.enabled = *value;
    if (const auto value = metadataBool(metadata, mk::kAlertOnFailure)) check.settings.alertOnFailure = *value;
    if (const auto value = metadataBool(metadata, mk::kAlertOnMiss)) check.settings.alertOnMiss = *value;
    if (const auto value = metadataInteger(metadata, mk::kGraceSeconds)) check.settings.graceSeconds = std::max<std::int64_t>(0, *value);
    if (const auto value = metadataInteger(metadata, mk::kMaxRuntimeSeconds)) {
        if (*value > 0) check.settings.maxRuntimeSeconds = *value;
        else check.settings.maxRuntimeSeconds.reset();
    }
}

void MonitorState::applyEvent(const TelemetryEvent& event, EventTime at, EventTime now, StateChanges& changes) {
    const std::string host = event.host.value_or(std::string());
    const bool fromChief = event.sourceType == SourceType::Chief;

    if (fromChief && event.eventType == et::kChiefHeartbeat) {
        if (!hosts_.contains(host) && hosts_.size() >= policy_.maxHosts) return;
        HostPresence* existing = mutableHost(host);
        if (existing == nullptr) {
            HostPresence fresh;
            fresh.host = host;
            fresh.lastHeartbeatAt = at;
            fresh.online = false;  // so that the first heartbeat reports it online
            existing = &hosts_.emplace(host, std::move(fresh)).first->second;
        }
        HostPresence& presence = *existing;
        presence.lastHeartbeatAt = std::max(presence.lastHeartbeatAt, at);
        if (const auto ping = metadataInteger(event.metadata, mk::kPingIntervalSeconds); ping && *ping > 0)
            presence.pingIntervalSeconds = *ping;
        const bool online = onlineAt(presence, now);
        if (online != presence.online) {
            presence.online = online;
            changes.hostTransitions.push_back({host, online, presence.lastHeartbeatAt});
        }
        changes.hosts.insert(host);
        return;
    }

    if (!event.jobName) return;
    const CheckKey key{host, *event.jobName};
    const bool known = checks_.contains(key);
    if (!known && !fromChief) return;  // workers report on jobs; they do not define them
    if (!known && checks_.size() >= policy_.maxChecks) return;
    Check& check = mutableCheck(key);
    if (!known) check.updatedAt = now;
    changes.checks.insert(key);

    if (fromChief) applySettings(check, event.metadata);
    if (!check.latestEvent || at >= check.latestEvent->eventAt)
        check.latestEvent = LatestEvent{at, event.eventType, event.level, event.message, event.success};

    if (fromChief && event.eventType == et::kJobNextScheduled) {
        check.expectedNextAt.reset();
        if (const auto next = metadataString(event.metadata, mk::kNextRunAt)) {
            if (Result<EventTime> parsed = telemetry::parseEventTime(*next)) check.expectedNextAt = parsed.value();
        }
        if (const auto zone = metadataString(event.metadata, mk::kTimezone)) check.timezone = *zone;
    } else if (fromChief && event.eventType == et::kJobUnscheduled) {
        check.expectedNextAt.reset();
    } else if (isHeartbeat(event.eventType)) {
        applyHeartbeat(check, event, at, now, changes);
    }
    check.updatedAt = now;
}

void MonitorState::applyHeartbeat(Check& check, const TelemetryEvent& event, EventTime at, EventTime now,
                                  StateChanges& changes) {
    closeOpen(check.key, AlertType::Recovery, "next heartbeat", now, changes);
    if (!check.lastHeartbeatAt || at > *check.lastHeartbeatAt) check.lastHeartbeatAt = at;
    if (closeOpen(check.key, AlertType::Missed, "job ran", now, changes))
        openRecovery(check, AlertType::Missed, event.eventType, at, now, changes);

    if (event.eventType == et::kJobStarted) {
        if (event.runId && runsTimed(check)) {
            std::erase_if(check.openRuns, [&](const OpenRun& run) { return run.runId == *event.runId; });
            check.openRuns.push_back({*event.runId, at, false});
            if (check.openRuns.size() > kMaxOpenRunsPerCheck) check.openRuns.erase(check.openRuns.begin());
        }
        return;
    }
    applyRunEnd(check, event, at, now, changes);
}

void MonitorState::applyRunEnd(Check& check, const TelemetryEvent& event, EventTime at, EventTime now,
                               StateChanges& changes) {
    const bool failed =
        event.eventType == et::kJobFailed || (event.eventType == et::kJobCompleted && event.success == false);
    const bool succeeded = event.eventType == et::kJobCompleted && event.success == true;
    if (event.runId) {
        const auto run = std::find_if(check.openRuns.begin(), check.openRuns.end(),
                                      [&](const OpenRun& open) { return open.runId == *event.runId; });
        if (run != check.openRuns.end()) check.openRuns.erase(run);
        if (const Alert* tooLong = openAlert(check.key, AlertType::RunningTooLong);
            tooLong != nullptr && tooLong->details.value("runId", std::string()) == *event.runId) {
            closeOpen(check.key, AlertType::RunningTooLong, "run ended", now, changes);
        }
    }
    if (event.durationMs) check.lastDurationMs = *event.durationMs;
    check.recentRuns.push_back({at, event.durationMs, !failed});
    if (check.recentRuns.size() > kMaxRecentRuns) check.recentRuns.erase(check.recentRuns.begin());

    if (failed) {
        check.consecutiveFailures += 1;
        if (!check.lastFailureAt || at > *check.lastFailureAt) check.lastFailureAt = at;
        check.lastResult = "failure";
        if (check.settings.enabled && check.settings.alertOnFailure) {
            json details = {{"eventType", event.eventType},
                            {"returnCode", event.returnCode ? json(*event.returnCode) : json(nullptr)},
                            {"runId", optionalJson(event.runId)},
                            {"failedAt", telemetry::formatEventTime(at)},
                            {"message", event.message},
                            {"consecutiveFailures", check.consecutiveFailures}};
            if (const auto reason = metadataString(event.metadata, mk::kReason)) details["reason"] = *reason;
            openOrRefresh(check.key, AlertType::Failure, jobLabel(check.key) + " failed", std::move(details), now,
                          changes);
        }
    } else if (succeeded) {
        check.consecutiveFailures = 0;
        if (!check.lastSuccessAt || at > *check.lastSuccessAt) check.lastSuccessAt = at;
        check.lastResult = "success";
        if (closeOpen(check.key, AlertType::Failure, "job succeeded", now, changes))
            openRecovery(check, AlertType::Failure, event.eventType, at, now, changes);
    }
}

// ---- time ------------------------------------------------------------------------------------

void MonitorState::settle(Check& check, EventTime now, StateChanges& changes) {
    const CheckStatus status = statusAt(check, now);
    if (status != check.status) {
        changes.statusChanges.push_back({check.key, check.status, status});
        check.status = status;
        check.updatedAt = now;
        changes.checks.insert(check.key);
    }
    if (missedAlertDue(check, status)) {
        check.missedFor = check.expectedNextAt;
        changes.checks.insert(check.key);
        const std::string due = telemetry::formatEventTime(*check.expectedNextAt);
        json details = {{"expectedNextAt", due},
                        {"graceSeconds", check.settings.graceSeconds},
                        {"observedAt", telemetry::formatEventTime(now)},
                        {"timezone", optionalJson(check.timezone)},
                        {"lastHeartbeatAt", check.lastHeartbeatAt ? json(telemetry::formatEventTime(*check.lastHeartbeatAt))
                                                                  : json(nullptr)}};
        openOrRefresh(check.key, AlertType::Missed, jobLabel(check.key) + " missed its run due at " + due,
                      std::move(details), now, changes);
    }
    if (runsTimed(check)) {
        for (OpenRun& run : check.openRuns) {
            if (run.alerted || now < runDeadline(check, run)) continue;
            run.alerted = true;
            changes.checks.insert(check.key);
            const std::int64_t limit = *check.settings.maxRuntimeSeconds;
            json details = {{"runId", run.runId},
                            {"startedAt", telemetry::formatEventTime(run.startedAt)},
                            {"maxRuntimeSeconds", limit},
                            {"observedAt", telemetry::formatEventTime(now)}};
            openOrRefresh(check.key, AlertType::RunningTooLong,
                          jobLabel(check.key) + " has run for more than " + std::to_string(limit) + " s (run " +
                              run.runId + ")",
                          std::move(details), now, changes);
        }
    }
}

void MonitorState::evaluate(EventTime now, StateChanges& changes) {
    for (const auto& [key, check] : checks_) {
        if (needsSettle(check, now)) settle(mutableCheck(key), now, changes);
    }
    std::vector<std::int64_t> expired;
    for (const auto& [id, alert] : openAlerts_) {
        if (alert.type == AlertType::Recovery && now >= alert.openedAt + policy_.recoveryTtl) expired.push_back(id);
    }
    for (const std::int64_t id : expired) closeById(id, "recovery TTL", now, changes);
    for (const auto& [name, host] : hosts_) {
        const bool online = onlineAt(host, now);
        if (online == host.online) continue;
        HostPresence& presence = *mutableHost(name);
        presence.online = online;
        changes.hostTransitions.push_back({name, online, presence.lastHeartbeatAt});
        changes.hosts.insert(name);
    }
}

void MonitorState::settleChanged(EventTime now, StateChanges& changes) {
    const std::vector<CheckKey> touched(changes.checks.begin(), changes.checks.end());
    for (const CheckKey& key : touched) {
        const auto it = checks_.find(key);
        if (it != checks_.end() && needsSettle(it->second, now)) settle(mutableCheck(key), now, changes);
    }
}

std::optional<EventTime> MonitorState::nextDeadline() const {
    std::optional<EventTime> earliest;
    const auto consider = [&](EventTime candidate) {
        if (!earliest || candidate < *earliest) earliest = candidate;
    };
    for (const auto& [key, check] : checks_) {
        if (check.settings.enabled && check.expectedNextAt && !dueRunSeen(check)) {
            const EventTime due = *check.expectedNextAt;
            switch (check.status) {
                case CheckStatus::Up: consider(due + kTick); break;
                case CheckStatus::Late: consider(due + seconds{check.settings.graceSeconds} + kTick); break;
                case CheckStatus::Down:
                    if (missedAlertDue(check, CheckStatus::Down)) consider(due);
                    break;
            }
        }
        if (runsTimed(check)) {
            for (const OpenRun& run : check.openRuns)
                if (!run.alerted) consider(runDeadline(check, run));
        }
    }
    for (const auto& [id, alert] : openAlerts_) {
        if (alert.type == AlertType::Recovery) consider(alert.openedAt + policy_.recoveryTtl);
    }
    for (const auto& [name, host] : hosts_) {
        if (host.online) consider(offlineAt(host));
    }
    return earliest;
}

}  // namespace chief::monitor
