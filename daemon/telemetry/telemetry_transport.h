#pragma once
// TelemetryTransport: how batches reach the monitor. CurlMultiTransport is the real one; tests
// use a fake that answers as told.

#include <functional>
#include <string>

#include "telemetry/event_batcher.h"

namespace chief::daemon::telemetry {

class TelemetryTransport {
public:
    using Done = std::function<void(HttpResult)>;
    virtual ~TelemetryTransport() = default;
    // POSTs `body` (a JSON array of events) to the monitor's batch endpoint; `done` is called
    // exactly once, on the transport's io_context, unless the transport is destroyed first.
    virtual void post(std::string body, Done done) = 0;
};

}  // namespace chief::daemon::telemetry
