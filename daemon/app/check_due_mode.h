#pragma once
// CheckDueMode: `chiefd --check-due --job NAME`, the ExecCondition= of exported systemd units
// whose OnCalendar= elapses at a superset of the job's fire times. Runs nothing: it answers
// whether $TRIGGER_TIMER_REALTIME_USEC is one of the job's fire times (chief::checkDue).

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "chief/config_loader.h"

namespace chief::daemon {

// ExecCondition= reads exit 1-254 as "condition failed, skip quietly" and 255 as a failure: a
// problem (invalid config, unknown job, a trigger time that is not a number, a bad command line)
// must fail the unit rather than pass for "not due", so every error is this.
inline constexpr int kCheckDueError = 255;

// The exit status (0 due, 1 not due, kCheckDueError); writes one line saying why to `log`
// (standard error: the unit's journal), plus the config's diagnostics when it is invalid.
int runCheckDue(const LoadResult& loaded, const std::string& configPath, const std::string& job,
                const std::optional<std::string_view>& triggerRealtimeUsec, std::ostream& log);

}  // namespace chief::daemon
