#include "monitor/core/check.h"

#include <array>

namespace chief::monitor {

namespace {
constexpr std::array<std::string_view, 3> kStatusNames{"UP", "LATE", "DOWN"};
}

std::string_view checkStatusName(CheckStatus status) { return kStatusNames.at(static_cast<std::size_t>(status)); }

std::optional<CheckStatus> parseCheckStatus(std::string_view text) {
    for (std::size_t i = 0; i < kStatusNames.size(); ++i)
        if (kStatusNames[i] == text) return static_cast<CheckStatus>(i);
    return std::nullopt;
}

bool dueRunSeen(const Check& check) {
    return check.expectedNextAt && check.lastHeartbeatAt && *check.lastHeartbeatAt >= *check.expectedNextAt;
}

CheckStatus statusAt(const Check& check, EventTime now) {
    if (!check.settings.enabled || !check.expectedNextAt || dueRunSeen(check)) return CheckStatus::Up;
    const EventTime due = *check.expectedNextAt;
    if (now <= due) return CheckStatus::Up;
    if (now <= due + std::chrono::seconds{check.settings.graceSeconds}) return CheckStatus::Late;
    return CheckStatus::Down;
}

}  // namespace chief::monitor
