#include "monitor/core/api_key.h"

namespace chief::monitor {

bool apiKeyMatches(std::string_view presented, std::string_view expected) {
    if (expected.empty()) return false;
    // Every byte of the presented key is compared with some byte of the expected one; the
    // lengths are folded into the same accumulator, with no early exit.
    unsigned difference = presented.size() == expected.size() ? 0U : 1U;
    for (std::size_t i = 0; i < presented.size(); ++i) {
        const auto a = static_cast<unsigned char>(presented[i]);
        const auto b = static_cast<unsigned char>(expected[i % expected.size()]);
        difference |= static_cast<unsigned>(a ^ b);
    }
    // Keep the compiler from turning the loop into an early-exit comparison.
    volatile unsigned result = difference;
    return result == 0 && !presented.empty();
}

}  // namespace chief::monitor
