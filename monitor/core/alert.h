#pragma once
// Alert: a condition an operator should hear about, open until it clears or is closed by hand.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "monitor/core/check.h"

namespace chief::monitor {

// What went wrong (or right again).
enum class AlertType { Failure, Missed, Recovery, RunningTooLong };
// "FAILURE", "MISSED", "RECOVERY", "RUNNING_TOO_LONG".
std::string_view alertTypeName(AlertType type);
std::optional<AlertType> parseAlertType(std::string_view text);

// OPEN or CLOSED.
enum class AlertStatus { Open, Closed };
std::string_view alertStatusName(AlertStatus status);
std::optional<AlertStatus> parseAlertStatus(std::string_view text);

// One alert, open or closed. `severity` uses the event levels (INFO, WARN, ERROR, CRITICAL).
struct Alert {
    std::int64_t id = 0;
    CheckKey key;
    AlertType type = AlertType::Failure;
    EventLevel severity = EventLevel::Error;
    AlertStatus status = AlertStatus::Open;
    EventTime openedAt;
    std::optional<EventTime> closedAt;
    std::optional<std::string> closeReason;
    EventTime updatedAt;  // last open, refresh or close
    std::string dedupeKey;
    std::string title;
    nlohmann::json details = nlohmann::json::object();
    friend bool operator==(const Alert&, const Alert&) = default;
};

// "backup:FAILURE" for the unnamed host (as chief.py's monitor wrote it), "db1:backup:FAILURE"
// for host db1: one OPEN alert per key at most.
std::string dedupeKeyFor(const CheckKey& key, AlertType type);

// The severity each type is raised with.
EventLevel severityFor(AlertType type);

}  // namespace chief::monitor
