#pragma once
// StateChanges: what one step of the monitor's state machine changed, for the store to persist
// and for the journal and webhooks to announce.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "monitor/core/alert.h"
#include "monitor/core/check.h"
#include "monitor/core/host_presence.h"

namespace chief::monitor {

// An alert opened or closed (refreshes are persisted but not announced).
struct AlertTransition {
    enum class Kind { Opened, Closed };
    Kind kind = Kind::Opened;
    Alert alert;  // as it is after the transition
};

// A check's status moved (UP -> LATE, LATE -> DOWN, DOWN -> UP, ...).
struct CheckStatusChange {
    CheckKey key;
    CheckStatus from = CheckStatus::Up;
    CheckStatus to = CheckStatus::Up;
};

// A chiefd host came online or went offline.
struct HostTransition {
    std::string host;
    bool online = true;
    EventTime lastHeartbeatAt;
};

// Everything one applyEvent / evaluate / closeAlert call (or a batch of them) changed.
struct StateChanges {
    std::set<CheckKey> checks;              // to persist; values are read from the state
    std::map<std::int64_t, Alert> alerts;   // to persist: each alert's latest value
    std::set<std::string> hosts;            // to persist; values are read from the state
    std::vector<AlertTransition> alertTransitions;
    std::vector<CheckStatusChange> statusChanges;
    std::vector<HostTransition> hostTransitions;

    bool empty() const {
        return checks.empty() && alerts.empty() && hosts.empty() && alertTransitions.empty() &&
               statusChanges.empty() && hostTransitions.empty();
    }
};

}  // namespace chief::monitor
