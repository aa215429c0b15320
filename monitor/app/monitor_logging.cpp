#include "monitor/app/monitor_logging.h"

namespace chief::monitor {

MonitorLogging::MonitorLogging(service::LogTarget::Kind target, bool debug, service::JournalWriter& journal,
                               std::ostream& console)
    : fallback_(journal, console),
      journal_(fallback_, "chief-monitord"),
      console_(console),
      filter_(target == service::LogTarget::Kind::Journal ? static_cast<service::Logger&>(journal_) : console_,
              debug ? service::LogLevel::Debug : service::LogLevel::Info),
      synchronized_(filter_) {}

}  // namespace chief::monitor
