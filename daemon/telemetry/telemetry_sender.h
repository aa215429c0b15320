#pragma once
// TelemetrySender: the telemetry thread's side of the emitter, on that thread's io_context.
// Every tick (flush_interval_ms, at most a second) it moves the inbox into the spool (one write,
// one fsync); it reads the oldest batch from the spool, sends it through the transport, and on
// a 2xx removes it from the spool. Failures back off with jitter; a 400 is bisected
// (EventBatcher). chiefd's loop never waits for any of it.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <random>
#include <string>
#include <string_view>

#include "chief/service/logger.h"
#include "telemetry/event_batcher.h"
#include "telemetry/telemetry_inbox.h"
#include "telemetry/telemetry_spool.h"
#include "telemetry/telemetry_status.h"
#include "telemetry/telemetry_transport.h"

namespace chief::daemon::telemetry {

struct SenderSettings {
    std::size_t maxEvents = 5000;                  // buffer.max_events: per batch, and "send now" threshold
    std::size_t maxBatchBytes = 1024 * 1024;       // 1 MiB of JSON per request
    std::chrono::milliseconds flushInterval{1000}; // buffer.flush_interval_ms
    std::chrono::milliseconds backoffInitial{250};
    std::chrono::milliseconds backoffMax{30000};
    // chiefd --once: send only the events this process made (chiefd sends the rest), and remove
    // them from the spool by id.
    bool ownEventsOnly = false;
};

// A log line for chiefd's logger, which lives on the main loop: the sender hands it over.
using SenderLog = std::function<void(service::LogLevel, std::string, std::string_view messageId)>;

class TelemetrySender {
public:
    TelemetrySender(boost::asio::io_context& io, TelemetrySpool& spool, TelemetryTransport& transport,
                    TelemetryInbox& inbox, TelemetryStatus& status, SenderSettings settings, SenderLog log);

    // Counts what the spool holds from an earlier run and starts ticking.
    void start();
    // Moves the inbox to the spool and sends now (the inbox reached max_events, or a flush).
    void wake();
    // Moves the inbox to the spool and stops; what is in flight stays in the spool.
    void stop();

private:
    void tick();
    void spoolInbox();
    void trySend();
    void send();
    void onAnswer(HttpResult result);
    void finishBatch();
    void retryLater(const HttpResult& result);
    void delivered();
    std::string describe(const HttpResult& result) const;

    boost::asio::io_context& io_;
    TelemetrySpool& spool_;
    TelemetryTransport& transport_;
    TelemetryInbox& inbox_;
    TelemetryStatus& status_;
    SenderSettings settings_;
    SenderLog log_;
    boost::asio::steady_timer tick_;
    boost::asio::steady_timer retry_;
    EventBatcher batcher_;
    Backoff backoff_;
    std::mt19937_64 random_;
    SpoolCursor cursor_;
    SpoolCursor batchEnd_;
    std::deque<SpoolRecord> own_;  // ownEventsOnly: spooled, not yet delivered
    bool inFlight_ = false;
    bool waiting_ = false;  // a retry is scheduled
    bool stopped_ = false;
    bool failing_ = false;        // logged the outage, not yet the recovery
    bool spoolFailing_ = false;
    bool tornLogged_ = false;
    bool deadDroppedLogged_ = false;  // <spool>.dead reached its bound (said once per process)
    std::chrono::steady_clock::time_point lastBatch_{};
};

}  // namespace chief::daemon::telemetry
