#pragma once
// Request targets: the path and query of "/v1/events?jobName=a%20b&limit=5", decoded.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace chief::monitor {

// A request target split and percent-decoded. A repeated parameter keeps its first value.
struct RequestTarget {
    std::string path;  // decoded
    std::map<std::string, std::string, std::less<>> query;

    std::optional<std::string> param(std::string_view name) const;
};

// Percent-decodes `text` ("%2F" -> "/"); with `plusIsSpace`, "+" becomes " " (query strings).
// nullopt when a "%" is not followed by two hex digits, or the result holds a NUL byte.
std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace);

// Splits at "?" and decodes both parts; nullopt when any part is badly encoded.
std::optional<RequestTarget> parseRequestTarget(std::string_view target);

// Percent-encodes everything but unreserved characters (RFC 3986), for building links.
std::string percentEncode(std::string_view text);

// chief.py's paging rule: a positive integer, at most `max`; anything else is `fallback`.
std::int64_t pagingValue(const std::optional<std::string>& text, std::int64_t fallback, std::int64_t max);

}  // namespace chief::monitor
