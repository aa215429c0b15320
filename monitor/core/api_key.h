#pragma once
// Comparing a presented API key with the configured one in constant time.

#include <string_view>

namespace chief::monitor {

// True when `presented` equals `expected`. The time taken depends only on the presented key's
// length, never on where the two differ or on the expected key, so timing tells an attacker
// nothing about the key.
bool apiKeyMatches(std::string_view presented, std::string_view expected);

}  // namespace chief::monitor
