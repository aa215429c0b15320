#include "monitor/core/webhook_payload.h"

namespace chief::monitor {

std::string_view transitionName(AlertTransition::Kind kind) {
    return kind == AlertTransition::Kind::Opened ? "opened" : "closed";
}

nlohmann::json webhookPayload(const AlertTransition& transition, const nlohmann::json& alertJson) {
    return {{"event", "alert." + std::string(transitionName(transition.kind))},
            {"sentBy", "chief-monitord"},
            {"alert", alertJson}};
}

}  // namespace chief::monitor
