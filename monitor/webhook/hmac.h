#pragma once
// HMAC-SHA256 (OpenSSL's libcrypto), for signing webhook bodies.

#include <string>
#include <string_view>

namespace chief::monitor {

// Lower-case hex of HMAC-SHA256(key, message).
std::string hmacSha256Hex(std::string_view key, std::string_view message);

// The X-Chief-Signature header value: "sha256=<hex>".
std::string webhookSignature(std::string_view secret, std::string_view body);

}  // namespace chief::monitor
