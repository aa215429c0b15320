#pragma once
// EventBatcher: turns one batch read from the spool into requests and the monitor's answers
// into what to do next. Pure (no I/O, no clock): tested with canned responses.
//
// The monitor stores a batch all or nothing, so one bad event makes it refuse the whole batch
// with 400. The batcher then bisects: it sends each half, and halves again what is refused,
// until the refused events are found one by one; those go to the dead-letter file with the
// monitor's error, everything else is delivered. Anything else that is not a 2xx (monitor down,
// 5xx, 401, 404, 408, 429, a timeout) means "try the same request again later".

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "telemetry/telemetry_spool.h"

namespace chief::daemon::telemetry {

// What came back for one request. status 0: no HTTP answer (refused, reset, timed out);
// `error` says why.
struct HttpResult {
    long status = 0;
    std::string body;   // at most a few KiB are kept
    std::string error;  // transport error text, for the log
};

enum class Verdict { Delivered, Refused, Retry };
// 2xx: delivered. 400, 413 and 422: the monitor refuses the content itself. Anything else:
// retry.
Verdict classify(const HttpResult& result);

// A request body: the JSON array of `records[first, first + count)`.
struct BatchRequest {
    std::size_t first = 0;
    std::size_t count = 0;
    std::string body;
};

// An event the monitor refused on its own, with the monitor's answer.
struct DeadEvent {
    SpoolRecord record;
    long status = 0;
    std::string error;
};

class EventBatcher {
public:
    // Starts on a batch (oldest first).
    void begin(std::vector<SpoolRecord> records);
    // Whether requests remain to be answered.
    bool active() const { return !ranges_.empty(); }
    // The request to send now (the oldest range not yet delivered); call only while active().
    BatchRequest request() const;

    enum class Step { Next, Retry, Done };
    // Takes the answer to the last request(): Next (send request() again: a range was
    // delivered or split), Retry (same request, after a pause), or Done (every event is
    // delivered or dead: take the dead ones, forget the batch).
    Step answer(const HttpResult& result);

    std::vector<DeadEvent> takeDead() { return std::exchange(dead_, {}); }
    std::size_t size() const { return records_.size(); }
    std::size_t deliveredCount() const { return delivered_; }
    const std::vector<SpoolRecord>& records() const { return records_; }

private:
    struct Range {
        std::size_t first;
        std::size_t count;
    };
    std::vector<SpoolRecord> records_;
    std::vector<Range> ranges_;  // a stack: back() is the oldest range left
    std::vector<DeadEvent> dead_;
    std::size_t delivered_ = 0;
};

// The pause before retrying: doubling from `initial` to `max`, each draw jittered in
// [0.5, 1.5) of the step so that many chiefds do not hammer a recovering monitor in step.
class Backoff {
public:
    Backoff(std::int64_t initialMs, std::int64_t maxMs) : initialMs_(initialMs), maxMs_(maxMs), stepMs_(initialMs) {}
    // `unit` is a random draw in [0, 1).
    std::int64_t nextDelayMs(double unit);
    void reset() { stepMs_ = initialMs_; }

private:
    std::int64_t initialMs_;
    std::int64_t maxMs_;
    std::int64_t stepMs_;
};

}  // namespace chief::daemon::telemetry
