#include "monitor/core/query_string.h"

#include <cstdint>

namespace chief::monitor {

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<std::string> RequestTarget::param(std::string_view name) const {
    const auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int high = hexValue(text[i + 1]);
            const int low = hexValue(text[i + 2]);
            if (high < 0 || low < 0) return std::nullopt;
            const char decoded = static_cast<char>(high * 16 + low);
            if (decoded == '\0') return std::nullopt;
            out.push_back(decoded);
            i += 2;
        } else if (c == '+' && plusIsSpace) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::optional<RequestTarget> parseRequestTarget(std::string_view target) {
    RequestTarget result;
    const std::size_t question = target.find('?');
    const auto path = percentDecode(target.substr(0, question), /*plusIsSpace=*/false);
    if (!path) return std::nullopt;
    result.path = *path;
    if (question == std::string_view::npos) return result;
    std::string_view rest = target.substr(question + 1);
    while (!rest.empty()) {
        const std::size_t amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        if (pair.empty()) continue;
        const std::size_t equals = pair.find('=');
        const auto key = percentDecode(pair.substr(0, equals), /*plusIsSpace=*/true);
        const auto value = percentDecode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1),
                                         /*plusIsSpace=*/true);
        if (!key || !value) return std::nullopt;
        result.query.emplace(*key, *value);
    }
    return result;
}

std::string percentEncode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 0x0F]);
        }
    }
    return out;
}

std::int64_t pagingValue(const std::optional<std::string>& text, std::int64_t fallback, std::int64_t max) {
    if (!text) return fallback;
    // Like JavaScript's parseInt: leading digits count, the rest is ignored.
    std::int64_t value = 0;
    std::size_t digits = 0;
    for (const char c : *text) {
        if (c < '0' || c > '9') break;
        if (value > max) break;  // already above the cap: no overflow, the cap applies
        value = value * 10 + (c - '0');
        ++digits;
    }
    if (digits == 0 || value <= 0) return fallback;
    return value > max ? max : value;
}

}  // namespace chief::monitor
