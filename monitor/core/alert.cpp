#include "monitor/core/alert.h"

#include <array>

namespace chief::monitor {

namespace {
constexpr std::array<std::string_view, 4> kTypeNames{"FAILURE", "MISSED", "RECOVERY", "RUNNING_TOO_LONG"};
constexpr std::array<std::string_view, 2> kStatusNames{"OPEN", "CLOSED"};
}  // namespace

std::string_view alertTypeName(AlertType type) { return kTypeNames.at(static_cast<std::size_t>(type)); }

std::optional<AlertType> parseAlertType(std::string_view text) {
    for (std::size_t i = 0; i < kTypeNames.size(); ++i)
        if (kTypeNames[i] == text) return static_cast<AlertType>(i);
    return std::nullopt;
}

std::string_view alertStatusName(AlertStatus status) { return kStatusNames.at(static_cast<std::size_t>(status)); }

std::optional<AlertStatus> parseAlertStatus(std::string_view text) {
    for (std::size_t i = 0; i < kStatusNames.size(); ++i)
        if (kStatusNames[i] == text) return static_cast<AlertStatus>(i);
    return std::nullopt;
}

std::string dedupeKeyFor(const CheckKey& key, AlertType type) {
    std::string out;
    if (!key.host.empty()) out.append(key.host).append(":");
    out.append(key.job).append(":").append(alertTypeName(type));
    return out;
}

EventLevel severityFor(AlertType type) {
    switch (type) {
        case AlertType::Failure: return EventLevel::Error;
        case AlertType::Missed: return EventLevel::Warn;
        case AlertType::Recovery: return EventLevel::Info;
        case AlertType::RunningTooLong: return EventLevel::Warn;
    }
    return EventLevel::Error;
}

}  // namespace chief::monitor
