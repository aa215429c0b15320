#pragma once
// What a webhook receives for an alert opened or closed, and where webhooks are configured.

#include <string>

#include <nlohmann/json.hpp>

#include "monitor/core/state_changes.h"

namespace chief::monitor {

// One configured webhook: every alert transition is POSTed to `url`; with a secret, the body is
// signed (X-Chief-Signature: sha256=<hex HMAC-SHA256 of the body>).
struct WebhookTarget {
    std::string url;
    std::string secret;  // empty: unsigned
    friend bool operator==(const WebhookTarget&, const WebhookTarget&) = default;
};

// The JSON body: {"event": "alert.opened"|"alert.closed", "alert": {...}, "sentBy": "chief-monitord"}.
// `alertJson` is the alert as the API shows it.
nlohmann::json webhookPayload(const AlertTransition& transition, const nlohmann::json& alertJson);

// "opened" or "closed".
std::string_view transitionName(AlertTransition::Kind kind);

}  // namespace chief::monitor
