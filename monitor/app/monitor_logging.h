#pragma once
// MonitorLogging: chief-monitord's logger, built from the shared pieces in chief/service (the
// same journal entries and console lines as chiefd's, with SYSLOG_IDENTIFIER=chief-monitord).

#include <iosfwd>

#include "chief/service/console_logger.h"
#include "chief/service/fallback_journal_writer.h"
#include "chief/service/journal_logger.h"
#include "chief/service/level_filter_logger.h"
#include "chief/service/log_target.h"
#include "chief/service/synchronized_logger.h"

namespace chief::monitor {

class MonitorLogging {
public:
    // `target` is Journal or Console (resolved; see service::resolveLogTargetForThisProcess).
    // Journal entries go to `journal`, and to `console` as lines when the journal refuses them.
    // Debug entries are dropped unless `debug` (--debug).
    MonitorLogging(service::LogTarget::Kind target, bool debug, service::JournalWriter& journal, std::ostream& console);
    MonitorLogging(const MonitorLogging&) = delete;
    MonitorLogging& operator=(const MonitorLogging&) = delete;

    // Safe to call from any thread: the server thread and the service thread both log.
    service::Logger& logger() { return synchronized_; }

private:
    service::FallbackJournalWriter fallback_;
    service::JournalLogger journal_;
    service::ConsoleLogger console_;
    service::LevelFilterLogger filter_;
    service::SynchronizedLogger synchronized_;
};

}  // namespace chief::monitor
