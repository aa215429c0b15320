#pragma once
// RunIdSource: run ids that are unique within a daemon and sort by start time.

#include <cstdint>
#include <string>

#include "chief/run_event.h"

namespace chief::daemon {

// "20261127T210000.123Z-0001": UTC time to the millisecond, then a sequence number. Ids never
// go backwards, even if the wall clock does, so lexical order is dispatch order.
class RunIdSource {
public:
    RunId next(SysMillis now);

private:
    SysMillis last_{};
    std::uint32_t sequence_ = 0;
};

}  // namespace chief::daemon
