#pragma once
// HttpUrl: an http:// or https:// URL split into what a client connects to.

#include <cstdint>
#include <string>
#include <string_view>

#include "chief/result.h"

namespace chief::monitor {

struct HttpUrl {
    bool tls = false;
    std::string host;     // without brackets for IPv6 literals
    std::uint16_t port = 80;
    std::string target;   // path and query, at least "/"
    std::string hostHeader;  // host[:port] as the Host header carries it
};

// Accepts http://host[:port][/path][?query] and https://...; no user info, no fragment.
Result<HttpUrl> parseHttpUrl(std::string_view url);

// The URL with any user info and query removed, for logs (a token in a webhook URL stays out).
std::string redactUrl(std::string_view url);

}  // namespace chief::monitor
