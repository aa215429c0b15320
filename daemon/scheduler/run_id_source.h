#pragma once
// RunIdSource: run ids that are unique within a daemon and sort by start time.

#include <cstdint>
#include <string>

#include "chief/run_event.h"

namespace chief::daemon {

// "20261127T210000.123Z-0001": UTC time to the millisecond, then a sequence number. Ids never
// go backwards, even if the wall clock does, so lexical order is dispatch order. A source with
// a suffix appends it ("...-0001-o4242"): `chiefd --once` processes started by cron at the same
// millisecond share one history, and their pid keeps their ids apart.
class RunIdSource {
public:
    RunIdSource() = default;
    explicit RunIdSource(std::string suffix) : suffix_(std::move(suffix)) {}
    RunId next(SysMillis now);

private:
    SysMillis last_{};
    std::uint32_t sequence_ = 0;
    std::string suffix_;
};

}  // namespace chief::daemon
