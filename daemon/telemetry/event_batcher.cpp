#include "telemetry/event_batcher.h"

#include <algorithm>
#include <utility>

namespace chief::daemon::telemetry {

Verdict classify(const HttpResult& result) {
    if (result.status >= 200 && result.status < 300) return Verdict::Delivered;
    if (result.status == 400 || result.status == 413 || result.status == 422) return Verdict::Refused;
    return Verdict::Retry;
}

void EventBatcher::begin(std::vector<SpoolRecord> records) {
    records_ = std::move(records);
    ranges_.clear();
    dead_.clear();
    delivered_ = 0;
    if (!records_.empty()) ranges_.push_back({0, records_.size()});
}

BatchRequest EventBatcher::request() const {
    const Range& range = ranges_.back();
    BatchRequest request{range.first, range.count, {}};
    std::size_t bytes = 2;
    for (std::size_t i = range.first; i < range.first + range.count; ++i) bytes += records_[i].line.size() + 1;
    request.body.reserve(bytes);
    request.body += '[';
    for (std::size_t i = range.first; i < range.first + range.count; ++i) {
        if (i != range.first) request.body += ',';
        request.body += records_[i].line;
    }
    request.body += ']';
    return request;
}

EventBatcher::Step EventBatcher::answer(const HttpResult& result) {
    const Range range = ranges_.back();
    switch (classify(result)) {
        case Verdict::Retry: return Step::Retry;
        case Verdict::Delivered:
            ranges_.pop_back();
            delivered_ += range.count;
            break;
        case Verdict::Refused:
            ranges_.pop_back();
            if (range.count == 1) {
                dead_.push_back({records_[range.first], result.status, result.body});
            } else {
                // Newer half first on the stack, so the older half is sent first.
                const std::size_t half = range.count / 2;
                ranges_.push_back({range.first + half, range.count - half});
                ranges_.push_back({range.first, half});
            }
            break;
    }
    return ranges_.empty() ? Step::Done : Step::Next;
}

std::int64_t Backoff::nextDelayMs(double unit) {
    const auto delay = static_cast<std::int64_t>(static_cast<double>(stepMs_) * (0.5 + std::clamp(unit, 0.0, 1.0)));
    stepMs_ = std::min(maxMs_, stepMs_ * 2);
    return std::max<std::int64_t>(1, delay);
}

}  // namespace chief::daemon::telemetry
