#include "runner/run_environment.h"

#include <algorithm>

#include "chief/time_format.h"
#include "chief/worker_environment.h"

namespace chief::daemon {

namespace {

void setVariable(std::vector<std::string>& env, const std::string& name, const std::string& value) {
    const std::string prefix = name + "=";
    auto it = std::find_if(env.begin(), env.end(), [&](const std::string& e) { return e.starts_with(prefix); });
    if (it != env.end())
        *it = prefix + value;
    else
        env.push_back(prefix + value);
}

bool isServiceManagerVariable(const std::string& name) {
    static const char* const kNames[] = {"NOTIFY_SOCKET", "WATCHDOG_PID", "WATCHDOG_USEC", "LISTEN_FDS",
                                         "LISTEN_PID",    "LISTEN_FDNAMES", "JOURNAL_STREAM", "INVOCATION_ID"};
    for (const char* n : kNames)
        if (name == n) return true;
    return false;
}

}  // namespace

std::vector<std::string> buildScriptEnvironment(const std::vector<std::string>& base, const Job& job,
                                                const Script& script, const RunId& runId, DueInstant scheduledFor,
                                                const LoginAccount& login) {
    std::vector<std::string> env;
    env.reserve(base.size() + job.environment.size() + 6);
    for (const std::string& entry : base) {
        const auto eq = entry.find('=');
        if (eq == std::string::npos || eq == 0) continue;
        // The CHIEF_* names chiefd sets come only from chiefd, set or not (a caller's
        // CHIEF_SCHEDULED_FOR must not leak into a manual run); other CHIEF_* pass through.
        // systemd's per-service variables describe chiefd's sockets, not the script's (a
        // script that saw NOTIFY_SOCKET could tell systemd chiefd was stopping).
        const std::string name = entry.substr(0, eq);
        if (worker_env::isReserved(name) || isServiceManagerVariable(name)) continue;
        setVariable(env, name, entry.substr(eq + 1));
    }
    // The account's, not chiefd's: a job with `user: backup` must not write into root's HOME.
    // The job's own `environment` may still override them.
    if (!login.home.empty()) setVariable(env, "HOME", login.home);
    if (!login.name.empty()) {
        setVariable(env, "USER", login.name);
        setVariable(env, "LOGNAME", login.name);
    }
    if (!login.shell.empty()) setVariable(env, "SHELL", login.shell);
    for (const auto& [name, value] : job.environment) setVariable(env, name, value);
    if (job.monitor.enabled) {
        setVariable(env, std::string(worker_env::kMonitorEndpoint), job.monitor.endpoint);
        // Unset without a key, as chief.py left it: an empty key is not a key.
        if (!job.monitor.apiKey.empty()) setVariable(env, std::string(worker_env::kMonitorApiKey), job.monitor.apiKey);
    }
    setVariable(env, std::string(worker_env::kRunId), runId);
    setVariable(env, std::string(worker_env::kJobName), job.name);
    setVariable(env, std::string(worker_env::kScriptPath), script.resolvedPath);
    // Only for runs with a due instant, as chief.py did: a worker that picks "which day's data"
    // from it must not take a manual run's "now" for a fire time. +00:00, not Z: Python before
    // 3.11 cannot parse Z with datetime.fromisoformat.
    if (scheduledFor) setVariable(env, std::string(worker_env::kScheduledFor), formatIsoUtcOffset(*scheduledFor));
    return env;
}

std::vector<std::string> buildScriptArgv(const Script& script) {
    std::vector<std::string> argv = script.interpreter;
    argv.push_back(script.resolvedPath);
    argv.insert(argv.end(), script.args.begin(), script.args.end());
    return argv;
}

}  // namespace chief::daemon
