#include "monitor/webhook/hmac.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace chief::monitor {

std::string hmacSha256Hex(std::string_view key, std::string_view message) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    // An empty key is a valid HMAC key; OpenSSL wants a non-null pointer for it.
    static const unsigned char kEmpty = 0;
    const void* keyData = key.empty() ? static_cast<const void*>(&kEmpty) : static_cast<const void*>(key.data());
    if (HMAC(EVP_sha256(), keyData, static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
             message.size(), digest, &length) == nullptr)
        throw std::runtime_error("HMAC-SHA256 failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        out.push_back(kHex[digest[i] >> 4]);
        out.push_back(kHex[digest[i] & 0x0F]);
    }
    return out;
}

std::string webhookSignature(std::string_view secret, std::string_view body) {
    return "sha256=" + hmacSha256Hex(secret, body);
}

}  // namespace chief::monitor
