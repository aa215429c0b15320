#include "runner/run_environment.h"

#include <algorithm>

#include "chief/time_format.h"

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
                                                const Script& script, const RunId& runId, SysSeconds scheduledFor) {
    std::vector<std::string> env;
    env.reserve(base.size() + job.environment.size() + 6);
    for (const std::string& entry : base) {
        const auto eq = entry.find('=');
        if (eq == std::string::npos || eq == 0) continue;
        // CHIEF_* come only from chiefd, never leak in from its own environment; systemd's
        // per-service variables describe chiefd's sockets, not the script's (a script that saw
        // NOTIFY_SOCKET could tell systemd chiefd was stopping).
        if (entry.starts_with("CHIEF_") || isServiceManagerVariable(entry.substr(0, eq))) continue;
        setVariable(env, entry.substr(0, eq), entry.substr(eq + 1));
    }
    for (const auto& [name, value] : job.environment) setVariable(env, name, value);
    if (job.monitor.enabled) {
        setVariable(env, "CHIEF_MONITOR_ENDPOINT", job.monitor.endpoint);
        setVariable(env, "CHIEF_MONITOR_API_KEY", job.monitor.apiKey);
    }
    setVariable(env, "CHIEF_RUN_ID", runId);
    setVariable(env, "CHIEF_JOB_NAME", job.name);
    setVariable(env, "CHIEF_SCRIPT_PATH", script.resolvedPath);
    setVariable(env, "CHIEF_SCHEDULED_FOR", formatIsoUtc(scheduledFor));
    return env;
}

std::vector<std::string> buildScriptArgv(const Script& script) {
    std::vector<std::string> argv = script.interpreter;
    argv.push_back(script.resolvedPath);
    argv.insert(argv.end(), script.args.begin(), script.args.end());
    return argv;
}

}  // namespace chief::daemon
