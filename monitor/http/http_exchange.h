#pragma once
// One HTTP request and its reply as the router sees them: no sockets, no Beast types.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chief::monitor {

// What the router reads from a request.
struct HttpRequestView {
    std::string_view method;  // "GET", "POST", ...
    std::string_view target;  // "/v1/events?limit=5"
    std::optional<std::string_view> apiKey;       // the x-api-key header
    std::optional<std::string_view> ifNoneMatch;  // for the dashboard's files
    std::string_view body;
};

// What the server writes back.
struct HttpReply {
    int status = 200;
    std::string contentType = "application/json; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

// {"error": message} with `status`, for errors found below the router (413, 431, 400).
HttpReply errorReply(int status, const std::string& message);

}  // namespace chief::monitor
