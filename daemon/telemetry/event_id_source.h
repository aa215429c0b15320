#pragma once
// EventIdSource: the eventId of every telemetry event chiefd creates. An id is assigned once,
// when the event is made, and stored with it in the spool, so a retry or a replay after a
// restart sends the same id and the monitor drops the repeat.

#include <cstdint>
#include <string>

namespace chief::daemon::telemetry {

class EventIdSource {
public:
    // A fresh random 64-bit prefix per source: two processes (chiefd, chiefd --once, a chiefd
    // after a restart) never hand out the same id, with no state to keep between them.
    EventIdSource();
    // For tests: a fixed prefix.
    explicit EventIdSource(std::string prefix) : prefix_(std::move(prefix)) {}

    // "<16 hex digits>-<counter>": 34 characters at most, well within the contract's 128.
    std::string next();

private:
    std::string prefix_;
    std::uint64_t counter_ = 0;
};

}  // namespace chief::daemon::telemetry
