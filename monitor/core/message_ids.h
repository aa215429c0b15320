#pragma once
// chief-monitord's journal MESSAGE_IDs, one per kind of entry worth finding with
// `journalctl MESSAGE_ID=...`. Generated once from /proc/sys/kernel/random/uuid and frozen:
// they are a public interface (docs/monitor.md), so never change or reuse one; add new ones.

#include <array>
#include <string_view>

namespace chief::monitor {

namespace message_id {
inline constexpr std::string_view kMonitorStarted = "d621918996094156860b7e0c9c87ad96";
inline constexpr std::string_view kMonitorStopping = "811bca0049f948b78eb9ee8858f8b397";
inline constexpr std::string_view kAlertOpened = "aec37f9f4a3249b1b9da32951bb85461";
inline constexpr std::string_view kAlertClosed = "c89c3d3584484116a992cb8577a7ae05";
inline constexpr std::string_view kCheckStatusChanged = "02b558841e5744509b6c04e66d52c713";
inline constexpr std::string_view kHostOnline = "d9a0f7d794444965ae1020c5de607237";
inline constexpr std::string_view kHostOffline = "3bf82956cd59432a82be783d82e2ca38";
inline constexpr std::string_view kWebhookFailed = "f547f02c244e4414993c4e116969d690";
inline constexpr std::string_view kStoreError = "6c9cb8f267804f25aaa38becb745270a";
inline constexpr std::string_view kRetentionPruned = "a3bdef0e82d843cf9c665cca9e0a1f61";
}  // namespace message_id

// One row of the MESSAGE_ID table: for the docs and the uniqueness test.
struct MessageIdInfo {
    std::string_view name;  // kebab-case, as in docs/monitor.md
    std::string_view id;
};

inline constexpr std::array<MessageIdInfo, 10> kMessageIds{{
    {"monitor-started", message_id::kMonitorStarted},
    {"monitor-stopping", message_id::kMonitorStopping},
    {"alert-opened", message_id::kAlertOpened},
    {"alert-closed", message_id::kAlertClosed},
    {"check-status-changed", message_id::kCheckStatusChanged},
    {"host-online", message_id::kHostOnline},
    {"host-offline", message_id::kHostOffline},
    {"webhook-failed", message_id::kWebhookFailed},
    {"store-error", message_id::kStoreError},
    {"retention-pruned", message_id::kRetentionPruned},
}};

}  // namespace chief::monitor
