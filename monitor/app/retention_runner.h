#pragma once
// RetentionRunner: every `interval`, prunes what is older than the retention period in small
// batches, yielding to the io_context between them so ingest never waits behind a big delete.

#include <chrono>
#include <cstddef>
#include <cstdint>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "chief/service/logger.h"
#include "monitor/service/monitor_service.h"

namespace chief::monitor {

class RetentionRunner {
public:
    RetentionRunner(boost::asio::io_context& io, MonitorService& service, service::Logger& logger, std::int64_t retentionDays,
                    std::chrono::seconds interval, std::size_t batchRows = 500);
    // Starts with a pass a few seconds after start-up, then one every interval.
    void start();
    void stop();

private:
    void schedule(std::chrono::milliseconds delay);
    void step();

    boost::asio::steady_timer timer_;
    MonitorService& service_;
    service::Logger& logger_;
    std::int64_t retentionDays_;
    std::chrono::seconds interval_;
    std::size_t batchRows_;
    std::size_t prunedThisPass_ = 0;
    bool stopped_ = true;
};

}  // namespace chief::monitor
