#pragma once
// RunEventJournal: the run event stream as journal entries, one per event, with a MESSAGE_ID,
// a priority and CHIEF_* fields (see docs/journal.md).

#include <string>
#include <string_view>

#include "chief/run_event.h"
#include "chief/service/logger.h"

namespace chief::daemon {

// One log entry, in the shape service::Logger::log takes.
struct LogEntry {
    service::LogLevel level = service::LogLevel::Info;
    std::string message;
    service::LogFields fields;
    std::string_view messageId;  // one of message_id::k*, or empty
};

// What the journal says about `event`. Pure: the same event always gives the same entry.
// Priorities: a failed run and a script that could not start are err; a failing, killed or
// timed-out script, a skipped or missed trigger are warning; a cancelled run or stopped script
// notice; routine progress info; NextScheduled debug.
LogEntry describeRunEvent(const RunEvent& event);

// A RunEventBus subscriber that writes describeRunEvent(event) to a service::Logger (the journal or the
// console, whichever chiefd chose). Must outlive the bus it subscribed to.
class RunEventJournal {
public:
    explicit RunEventJournal(service::Logger& logger) : logger_(logger) {}
    void onEvent(const RunEvent& event);
    void subscribeTo(RunEventBus& bus);

private:
    service::Logger& logger_;
};

}  // namespace chief::daemon
