#include "monitor/core/http_url.h"

#include <charconv>

namespace chief::monitor {

Result<HttpUrl> parseHttpUrl(std::string_view url) {
    HttpUrl out;
    std::string_view rest;
    if (url.rfind("http://", 0) == 0) {
        rest = url.substr(7);
    } else if (url.rfind("https://", 0) == 0) {
        rest = url.substr(8);
        out.tls = true;
        out.port = 443;
    } else {
        return makeError("not an http:// or https:// URL");
    }
    const std::size_t pathStart = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, pathStart);
    std::string_view path = pathStart == std::string_view::npos ? std::string_view() : rest.substr(pathStart);
    if (const std::size_t hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
    if (authority.find('@') != std::string_view::npos) return makeError("user info in the URL is not supported");
    if (authority.empty()) return makeError("no host in the URL");
    std::string_view portText;
    if (authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) return makeError("unterminated IPv6 address");
        out.host = std::string(authority.substr(1, close - 1));
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') return makeError("unexpected text after the IPv6 address");
            portText = authority.substr(close + 2);
        }
    } else {
        const std::size_t colon = authority.rfind(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) portText = authority.substr(colon + 1);
    }
    if (out.host.empty()) return makeError("no host in the URL");
    if (!portText.empty()) {
        unsigned value = 0;
        const auto [end, error] = std::from_chars(portText.data(), portText.data() + portText.size(), value);
        if (error != std::errc() || end != portText.data() + portText.size() || value == 0 || value > 65535)
            return makeError("bad port \"" + std::string(portText) + "\"");
        out.port = static_cast<std::uint16_t>(value);
    }
    out.target = path.empty() || path.front() != '/' ? "/" + std::string(path) : std::string(path);
    out.hostHeader = std::string(authority);
    return out;
}

std::string redactUrl(std::string_view url) {
    const std::size_t scheme = url.find("://");
    std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
    std::string out(url.substr(0, scheme == std::string_view::npos ? 0 : scheme + 3));
    const std::size_t pathStart = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, pathStart);
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
    out += authority;
    if (pathStart != std::string_view::npos) {
        std::string_view path = rest.substr(pathStart);
        path = path.substr(0, path.find_first_of("?#"));
        out += path;
    }
    return out;
}

}  // namespace chief::monitor
