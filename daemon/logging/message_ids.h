#pragma once
// MessageIds: chiefd's stable journal MESSAGE_IDs, one per kind of event worth finding with
// `journalctl MESSAGE_ID=...`. Generated once with /proc/sys/kernel/random/uuid and frozen:
// they are a public interface (docs/journal.md), so never change or reuse one; add new ones.

#include <array>
#include <string_view>

namespace chief::daemon {

// MESSAGE_ID values: 32 lowercase hex digits, the form journalctl prints and matches.
namespace message_id {
inline constexpr std::string_view kDaemonStarted = "41f56807a937478c9f7761165687207c";
inline constexpr std::string_view kDaemonStopping = "cdec199a9bd648c8b3c491bb69b6fe12";
inline constexpr std::string_view kConfigReloaded = "925cc33763224463bde6a9aabd05d3dd";
inline constexpr std::string_view kReloadRefused = "f0edb8c513dc4ec2b3dd0130c40c5308";
inline constexpr std::string_view kJobStarted = "375760f833c34a8585a990957ce5fe02";
inline constexpr std::string_view kJobSucceeded = "d5d5ad63663e44779f8e089927929a21";
inline constexpr std::string_view kJobFailed = "037cc608d8e940608fbcc61a67c4e79b";
inline constexpr std::string_view kJobCancelled = "ee6130d205f64fdc9556c7cd6b1a0e05";
inline constexpr std::string_view kJobSkipped = "904373bf94af4c22881206c605ebc2b4";
inline constexpr std::string_view kJobQueued = "d649558668cf44f891b09e1687fce9b4";
inline constexpr std::string_view kJobMissed = "0216f21eebdf4ef8b6fe7f4ab3b9424d";
inline constexpr std::string_view kScriptStarted = "8c83551a931e4233872985805fcab280";
inline constexpr std::string_view kScriptFinished = "9ccaee49291c42daaf9ee4c7e6afbc3c";
inline constexpr std::string_view kScriptTimedOut = "01058a6c39bf49859e8dec383d26e6cc";
inline constexpr std::string_view kJobInterrupted = "9e2d3ccbcce647f4a7984eb241f6597c";
inline constexpr std::string_view kMissedWhileStopped = "6924f1389f234f6091a49071881bf90f";
inline constexpr std::string_view kTelemetryOutage = "87624d6e5304406ba2d9b02b2619a9bb";
inline constexpr std::string_view kTelemetryRecovered = "f32aa0c5068145c19dea777549e47e36";
inline constexpr std::string_view kTelemetryRefused = "ebb211fcaf2f438c9aa6c4c091e3647d";
inline constexpr std::string_view kTelemetryDropped = "f3532672a4cf478cb9638e5eb5950d3a";
inline constexpr std::string_view kTelemetrySpoolFailed = "9a4e6d1eb644416a988feff5a6352c34";
inline constexpr std::string_view kTelemetrySpoolCorrupt = "d71a6a9df4ea48a4a6107d642b59021e";
inline constexpr std::string_view kJobPaused = "f2918e4504214ac4afe68107eef17496";
inline constexpr std::string_view kJobResumed = "4f5c5aae3683423b98ede313a4c1026a";
}  // namespace message_id

// One row of the MESSAGE_ID table: for the docs and the uniqueness test.
struct MessageIdInfo {
    std::string_view name;  // short kebab-case name, as in docs/journal.md
    std::string_view id;
};

// Every MESSAGE_ID chiefd uses, in docs/journal.md's order.
inline constexpr std::array<MessageIdInfo, 24> kMessageIds{{
    {"daemon-started", message_id::kDaemonStarted},
    {"daemon-stopping", message_id::kDaemonStopping},
    {"config-reloaded", message_id::kConfigReloaded},
    {"reload-refused", message_id::kReloadRefused},
    {"job-started", message_id::kJobStarted},
    {"job-succeeded", message_id::kJobSucceeded},
    {"job-failed", message_id::kJobFailed},
    {"job-cancelled", message_id::kJobCancelled},
    {"job-interrupted", message_id::kJobInterrupted},
    {"job-skipped", message_id::kJobSkipped},
    {"job-queued", message_id::kJobQueued},
    {"job-missed", message_id::kJobMissed},
    {"missed-while-stopped", message_id::kMissedWhileStopped},
    {"script-started", message_id::kScriptStarted},
    {"script-finished", message_id::kScriptFinished},
    {"script-timed-out", message_id::kScriptTimedOut},
    {"telemetry-outage", message_id::kTelemetryOutage},
    {"telemetry-recovered", message_id::kTelemetryRecovered},
    {"telemetry-refused", message_id::kTelemetryRefused},
    {"telemetry-dropped", message_id::kTelemetryDropped},
    {"telemetry-spool-failed", message_id::kTelemetrySpoolFailed},
    {"telemetry-spool-corrupt", message_id::kTelemetrySpoolCorrupt},
    {"job-paused", message_id::kJobPaused},
    {"job-resumed", message_id::kJobResumed},
}};

}  // namespace chief::daemon
