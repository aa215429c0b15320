#include "monitor/app/change_announcer.h"

#include "monitor/core/message_ids.h"

namespace chief::monitor {

namespace {

service::LogLevel levelFor(const Alert& alert, AlertTransition::Kind kind) {
    if (kind == AlertTransition::Kind::Closed) return service::LogLevel::Notice;
    switch (alert.severity) {
        case EventLevel::Critical: return service::LogLevel::Critical;
        case EventLevel::Error: return service::LogLevel::Error;
        case EventLevel::Warn: return service::LogLevel::Warning;
        default: return service::LogLevel::Notice;
    }
}

service::LogFields jobFields(const CheckKey& key) {
    service::LogFields fields{{"CHIEF_JOB", key.job}};
    if (!key.host.empty()) fields.emplace_back("CHIEF_HOST", key.host);
    return fields;
}

}  // namespace

void ChangeAnnouncer::committed(const StateChanges& changes, std::size_t deliveriesQueued) {
    for (const AlertTransition& transition : changes.alertTransitions) {
        const Alert& alert = transition.alert;
        service::LogFields fields = jobFields(alert.key);
        fields.emplace_back("CHIEF_ALERT_ID", std::to_string(alert.id));
        fields.emplace_back("CHIEF_ALERT_TYPE", std::string(alertTypeName(alert.type)));
        if (transition.kind == AlertTransition::Kind::Opened) {
            logger_.log(levelFor(alert, transition.kind), "Alert " + std::to_string(alert.id) + " opened: " + alert.title,
                        fields, message_id::kAlertOpened);
        } else {
            fields.emplace_back("CHIEF_REASON", alert.closeReason.value_or(""));
            logger_.log(levelFor(alert, transition.kind),
                        "Alert " + std::to_string(alert.id) + " closed (" + alert.closeReason.value_or("") + "): " + alert.title,
                        fields, message_id::kAlertClosed);
        }
    }
    for (const CheckStatusChange& change : changes.statusChanges) {
        service::LogFields fields = jobFields(change.key);
        fields.emplace_back("CHIEF_CHECK_STATUS", std::string(checkStatusName(change.to)));
        const std::string where = change.key.host.empty() ? "" : " on " + change.key.host;
        logger_.log(change.to == CheckStatus::Up ? service::LogLevel::Info : service::LogLevel::Warning,
                    "Job " + change.key.job + where + " is " + std::string(checkStatusName(change.to)) + " (was " +
                        std::string(checkStatusName(change.from)) + ")",
                    fields, message_id::kCheckStatusChanged);
    }
    for (const HostTransition& host : changes.hostTransitions) {
        const std::string name = host.host.empty() ? "(unnamed host)" : host.host;
        logger_.log(host.online ? service::LogLevel::Info : service::LogLevel::Warning,
                    "chiefd on " + name + (host.online ? " is online" : " is offline: no heartbeat since " +
                                                                            telemetry::formatEventTime(host.lastHeartbeatAt)),
                    {{"CHIEF_HOST", host.host}}, host.online ? message_id::kHostOnline : message_id::kHostOffline);
    }
    if (deliveriesQueued > 0 && deliveriesQueued_) deliveriesQueued_();
    if (deadlinesChanged_) deadlinesChanged_();
}

}  // namespace chief::monitor
