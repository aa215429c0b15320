#pragma once
// The CHIEF_* variables chiefd hands to a job's scripts (docs/chiefd.md, "Running scripts").
// Only these are reserved: they are always set (or deliberately left unset) by chiefd, never
// inherited from chiefd's own environment nor taken from `environment:`. Other CHIEF_* names
// are the operator's (CHIEF_ENVIRONMENT=prod passes through).

#include <array>
#include <string>
#include <string_view>

namespace chief::worker_env {

inline constexpr std::string_view kRunId = "CHIEF_RUN_ID";
inline constexpr std::string_view kJobName = "CHIEF_JOB_NAME";
inline constexpr std::string_view kScriptPath = "CHIEF_SCRIPT_PATH";
inline constexpr std::string_view kScheduledFor = "CHIEF_SCHEDULED_FOR";  // only for runs with a due instant
inline constexpr std::string_view kMonitorEndpoint = "CHIEF_MONITOR_ENDPOINT";  // only when the job's monitor is on
inline constexpr std::string_view kMonitorApiKey = "CHIEF_MONITOR_API_KEY";     // only when a key is configured

inline constexpr std::array<std::string_view, 6> kReserved{kRunId,       kJobName,         kScriptPath,
                                                           kScheduledFor, kMonitorEndpoint, kMonitorApiKey};

constexpr bool isReserved(std::string_view name) {
    for (std::string_view reserved : kReserved)
        if (name == reserved) return true;
    return false;
}

// "CHIEF_RUN_ID, CHIEF_JOB_NAME, ...": for messages.
inline std::string reservedList() {
    std::string text;
    for (std::string_view reserved : kReserved) {
        if (!text.empty()) text += ", ";
        text += reserved;
    }
    return text;
}

}  // namespace chief::worker_env
