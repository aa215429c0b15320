#pragma once
// The environment and argv a script runs with: chiefd's own environment, the job's
// `environment`, and the CHIEF_* variables workers get (chief/worker_environment.h).

#include <string>
#include <vector>

#include "chief/config_model.h"
#include "chief/run_event.h"

namespace chief::daemon {

// "NAME=value" entries: `base` (chiefd's environ, minus CHIEF_* and systemd's per-service
// variables such as NOTIFY_SOCKET and JOURNAL_STREAM), then the job's variables, then
// CHIEF_MONITOR_ENDPOINT / CHIEF_MONITOR_API_KEY (when the job's monitor is enabled),
// CHIEF_RUN_ID, CHIEF_JOB_NAME, CHIEF_SCRIPT_PATH, CHIEF_SCHEDULED_FOR. Later entries replace
// earlier ones of the same name; a name appears once.
std::vector<std::string> buildScriptEnvironment(const std::vector<std::string>& base, const Job& job,
                                                const Script& script, const RunId& runId, DueInstant scheduledFor);

// interpreter words (if any), the script's resolved path, then its args.
std::vector<std::string> buildScriptArgv(const Script& script);

}  // namespace chief::daemon
