#pragma once
// The environment and argv a script runs with: chiefd's own environment, the job's
// `environment`, and the CHIEF_* variables workers get (chief/worker_environment.h).

#include <string>
#include <vector>

#include "chief/config_model.h"
#include "chief/run_event.h"

namespace chief::daemon {

// The login variables cron and systemd's User= give a process, from the account's passwd entry.
// An empty field is not set.
struct LoginAccount {
    std::string name;   // USER and LOGNAME
    std::string home;   // HOME
    std::string shell;  // SHELL
};

// "NAME=value" entries: `base` (chiefd's environ, minus CHIEF_* and systemd's per-service
// variables such as NOTIFY_SOCKET and JOURNAL_STREAM), then HOME, USER, LOGNAME and SHELL of the
// account the script runs as (`login`), then the job's variables, then
// CHIEF_MONITOR_ENDPOINT / CHIEF_MONITOR_API_KEY (when the job's monitor is enabled),
// CHIEF_RUN_ID, CHIEF_JOB_NAME, CHIEF_SCRIPT_PATH, CHIEF_SCHEDULED_FOR. Later entries replace
// earlier ones of the same name; a name appears once.
std::vector<std::string> buildScriptEnvironment(const std::vector<std::string>& base, const Job& job,
                                                const Script& script, const RunId& runId, DueInstant scheduledFor,
                                                const LoginAccount& login = {});

// interpreter words (if any), the script's resolved path, then its args.
std::vector<std::string> buildScriptArgv(const Script& script);

}  // namespace chief::daemon
