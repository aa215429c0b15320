#pragma once
// RetryPolicy: when a webhook delivery is tried again, and when it is given up.

#include <chrono>
#include <cstdint>
#include <optional>

namespace chief::monitor {

struct RetryPolicy {
    std::int64_t maxAttempts = 8;
    std::chrono::milliseconds firstDelay{1000};
    std::chrono::milliseconds maxDelay{300000};

    // The wait after the `attempts`-th failed attempt (1-based): firstDelay doubled each time,
    // capped at maxDelay; nullopt when no attempt is left.
    std::optional<std::chrono::milliseconds> delayAfter(std::int64_t attempts) const;
};

// Whether an HTTP status is worth retrying: 5xx, 408 and 429 are; other 4xx are the receiver
// refusing the request, and will be refused again.
bool retryableStatus(int status);

}  // namespace chief::monitor
