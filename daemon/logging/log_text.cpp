#include "logging/log_text.h"

#include <cstdio>
#include <cstring>

#include "chief/time_format.h"

namespace chief::daemon {

std::string formatIsoUtcMillis(SysMillis instant) {
    const auto seconds = date::floor<std::chrono::seconds>(instant);
    const long long millis = (instant - seconds).count();
    std::string text = formatIsoUtc(seconds);  // ends in 'Z'
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03lld", millis);
    text.insert(text.size() - 1, buf);
    return text;
}

std::string formatDurationText(std::chrono::milliseconds duration) {
    const long long ms = duration.count() < 0 ? 0 : duration.count();
    char buf[64];
    if (ms < 1000) {
        std::snprintf(buf, sizeof buf, "%lldms", ms);
    } else if (ms < 60'000) {
        std::snprintf(buf, sizeof buf, "%lld.%llds", ms / 1000, (ms % 1000) / 100);
    } else if (ms < 3'600'000) {
        std::snprintf(buf, sizeof buf, "%lldm %llds", ms / 60'000, (ms % 60'000) / 1000);
    } else {
        std::snprintf(buf, sizeof buf, "%lldh %lldm %llds", ms / 3'600'000, (ms % 3'600'000) / 60'000,
                      (ms % 60'000) / 1000);
    }
    return buf;
}

std::string signalName(int signal) {
    // sigabbrev_np (glibc >= 2.32) is thread-safe and locale-independent, unlike strsignal.
    const char* abbrev = sigabbrev_np(signal);
    return abbrev ? std::string("SIG") + abbrev : std::string();
}

}  // namespace chief::daemon
