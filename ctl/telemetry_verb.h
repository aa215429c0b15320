#pragma once
// `chiefctl telemetry replay-dead`: the events the monitor refused go back into the spool, for
// chiefd to send again (docs/telemetry.md). chiefctl edits the files under the spool's lock and
// sends nothing itself: one sender, one place that retries.

#include <functional>
#include <iosfwd>
#include <string>

#include "chief/config_loader.h"

namespace chief::ctl {

// chiefd's state directory as chiefd picks it: $STATE_DIRECTORY, else /var/lib/chief for root,
// else $XDG_STATE_HOME/chief (~/.local/state/chief) for a per-user chiefd.
std::string chiefdStateDirectory(bool root, const std::function<const char*(const char*)>& getenv);

// Returns the exit status (kExitOk, or kExitFailed: the config is invalid or the files cannot be changed).
int replayDeadTelemetry(const LoadResult& loaded, const std::string& stateDirectory, bool json, std::ostream& out,
                        std::ostream& err);

}  // namespace chief::ctl
