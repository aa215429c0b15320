#include "telemetry/telemetry_inbox.h"

#include <utility>

namespace chief::daemon::telemetry {

bool TelemetryInbox::push(std::string line, std::size_t& held) {
    std::lock_guard lock(mutex_);
    if (bytes_ + line.size() > maxBytes_) {
        ++refused_;
        held = lines_.size();
        return false;
    }
    bytes_ += line.size();
    lines_.push_back(std::move(line));
    held = lines_.size();
    return true;
}

std::vector<std::string> TelemetryInbox::take() {
    std::lock_guard lock(mutex_);
    bytes_ = 0;
    return std::exchange(lines_, {});
}

std::size_t TelemetryInbox::size() const {
    std::lock_guard lock(mutex_);
    return lines_.size();
}

std::uint64_t TelemetryInbox::refused() const {
    std::lock_guard lock(mutex_);
    return refused_;
}

}  // namespace chief::daemon::telemetry
