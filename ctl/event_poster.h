#pragma once
// EventPoster: hands one telemetry event to the monitor (POST /v1/events, docs/monitor.md) and
// says whether it was taken. `chiefctl emit` talks to it; HttpEventPoster is the real one, the
// unit tests use a fake.

#include <chrono>
#include <optional>
#include <string>

#include "chief/result.h"

namespace chief::ctl {

struct EventPost {
    std::string url;                    // the endpoint's /v1/events
    std::optional<std::string> apiKey;  // sent as x-api-key
    std::string body;                   // one event, JSON
    std::chrono::milliseconds timeout;  // for the whole exchange, connecting included
};

// The monitor's answer: its HTTP status (any, 2xx or not).
struct PostAnswer {
    long status = 0;
};

class EventPoster {
public:
    virtual ~EventPoster() = default;
    // The answer, or why there was none (connection refused, timed out, ...).
    virtual Result<PostAnswer> post(const EventPost& request) = 0;
};

}  // namespace chief::ctl
