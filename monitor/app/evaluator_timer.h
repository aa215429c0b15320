#pragma once
// EvaluatorTimer: runs MonitorService::evaluate() at the earliest deadline the state machine
// names (a run due, a grace period ending, a run overrunning, a recovery expiring, a host going
// quiet) -- no fixed polling. A safety re-check runs at least every `safetyInterval` (so a
// changed wall clock is noticed within it), and never more often than needed.

#include <chrono>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "chief/service/logger.h"
#include "monitor/service/monitor_service.h"

namespace chief::monitor {

class EvaluatorTimer {
public:
    EvaluatorTimer(boost::asio::io_context& io, MonitorService& service, service::Logger& logger,
                   std::chrono::seconds safetyInterval);

    void start();
    // The deadlines may have moved (an ingest or a close committed): re-arm if sooner.
    void deadlinesChanged();
    void stop();

    // When the timer is armed to fire (wall clock), for tests and the status line.
    std::optional<EventTime> armedFor() const { return armedFor_; }

private:
    void arm();
    void fire();

    boost::asio::steady_timer timer_;
    MonitorService& service_;
    service::Logger& logger_;
    std::chrono::seconds safetyInterval_;
    std::optional<EventTime> armedFor_;
    bool stopped_ = true;
};

}  // namespace chief::monitor
