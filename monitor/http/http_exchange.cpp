#include "monitor/http/http_exchange.h"

#include <nlohmann/json.hpp>

namespace chief::monitor {

HttpReply errorReply(int status, const std::string& message) {
    HttpReply reply;
    reply.status = status;
    reply.body = nlohmann::json{{"error", message}}.dump();
    reply.headers.emplace_back("Cache-Control", "no-store");
    return reply;
}

}  // namespace chief::monitor
