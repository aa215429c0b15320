#include "telemetry/event_id_source.h"

#include <sys/random.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <random>

namespace chief::daemon::telemetry {

namespace {

std::uint64_t randomPrefix() {
    std::uint64_t value = 0;
    auto* bytes = reinterpret_cast<unsigned char*>(&value);
    std::size_t got = 0;
    while (got < sizeof value) {
        const ssize_t n = ::getrandom(bytes + got, sizeof value - got, 0);
        if (n > 0) {
            got += static_cast<std::size_t>(n);
        } else if (n < 0 && errno != EINTR) {
            break;
        }
    }
    if (got < sizeof value) {
        // No getrandom (a very old kernel): the clock and the address space still differ per process.
        std::random_device device;
        value = (static_cast<std::uint64_t>(device()) << 32) ^ device() ^
                static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    }
    return value;
}

}  // namespace

EventIdSource::EventIdSource() {
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(randomPrefix()));
    prefix_ = buffer;
}

std::string EventIdSource::next() { return prefix_ + "-" + std::to_string(++counter_); }

}  // namespace chief::daemon::telemetry
