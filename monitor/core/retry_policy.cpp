#include "monitor/core/retry_policy.h"

namespace chief::monitor {

std::optional<std::chrono::milliseconds> RetryPolicy::delayAfter(std::int64_t attempts) const {
    if (attempts >= maxAttempts) return std::nullopt;
    std::chrono::milliseconds delay = firstDelay;
    for (std::int64_t i = 1; i < attempts && delay < maxDelay; ++i) delay *= 2;
    return delay < maxDelay ? delay : maxDelay;
}

bool retryableStatus(int status) { return status >= 500 || status == 408 || status == 429; }

}  // namespace chief::monitor
