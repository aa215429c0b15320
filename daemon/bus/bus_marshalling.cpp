#include "bus/bus_marshalling.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <new>

#include "chief/bus_api.h"
#include "chief/display_text.h"

namespace chief::daemon {

std::string busText(std::string_view text) {
    return isValidUtf8(text) ? std::string(text) : escapeInvalidUtf8(text);
}

namespace {

// 9999-12-31T23:59:59Z: the last instant the time engine and ISO 8601 output handle.
constexpr std::uint64_t kMaxUsec = 253402300799ULL * 1000000ULL + 999999ULL;

std::uint64_t nonNegative(std::int64_t usec) { return usec > 0 ? static_cast<std::uint64_t>(usec) : 0; }

template <typename Duration>
std::uint64_t usecOf(Duration d) {
    return nonNegative(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
}

std::uint64_t runDurationUsec(const RunRecord& run) { return nonNegative(run.durationMs()) * 1000; }

int appendScriptRecord(sd_bus_message* m, const RunRecord& run, const ScriptRecord& script) {
    return sd_bus_message_append(m, "(ssiit)", busText(script.path).c_str(), scriptStatusText(run, script).c_str(),
                                 static_cast<std::int32_t>(script.outcome.exitCode),
                                 static_cast<std::int32_t>(script.outcome.signal), scriptDurationUsec(script));
}

}  // namespace

ControlResult<std::optional<SysSeconds>> fromUsecArgument(std::uint64_t usec, std::string_view argument) {
    if (usec == 0) return std::optional<SysSeconds>{};
    if (usec > kMaxUsec)
        return ControlError{bus::kInvalidArgument,
                            std::string(argument) + " is after the year 9999 (" + std::to_string(usec) + " usec)"};
    return std::optional<SysSeconds>{SysSeconds{Seconds{static_cast<std::int64_t>(usec / 1000000)}}};
}

std::string jobObjectPath(std::string_view job) {
    char* path = nullptr;
    if (sd_bus_path_encode(bus::kJobPathPrefix, std::string(job).c_str(), &path) < 0 || !path)
        throw std::bad_alloc();  // its only failure
    std::string out(path);
    std::free(path);
    return out;
}

std::optional<std::string> jobNameFromPath(std::string_view path) {
    const std::string_view prefix = bus::kJobPathPrefix;
    if (path.size() <= prefix.size() + 1 || !path.starts_with(prefix) || path[prefix.size()] != '/')
        return std::nullopt;
    if (path.substr(prefix.size() + 1).find('/') != std::string_view::npos) return std::nullopt;
    char* name = nullptr;
    if (sd_bus_path_decode(std::string(path).c_str(), bus::kJobPathPrefix, &name) <= 0 || !name) return std::nullopt;
    std::string out(name);
    std::free(name);
    return out;
}

std::string runResultText(const RunRecord& run) { return run.result ? runResultName(*run.result) : "running"; }

std::string scriptStatusText(const RunRecord& run, const ScriptRecord& script) {
    if (!run.result && !script.endedAt) return script.startedAt ? "running" : "pending";
    return scriptStatusName(script.outcome.status);
}

std::uint64_t scriptDurationUsec(const ScriptRecord& script) {
    if (!script.startedAt || !script.endedAt) return 0;
    return usecOf(*script.endedAt - *script.startedAt);
}

std::size_t wireSize(std::string_view text) { return 4 + text.size() + 1 + 3; }

std::size_t wireSize(const JobSummary& job) {
    // (ssbssststubo): the struct's alignment, eight strings or paths, four fixed-size values.
    return 8 + wireSize(job.name) + wireSize(job.description) + wireSize(job.schedule) + wireSize(job.mode) +
           wireSize(job.timezone) + wireSize(job.lastResult) + wireSize(jobObjectPath(job.name)) + 5 * 8;
}

std::size_t wireSize(const RunRecord& run) {
    // (ssstttsa(ssiit)): alignment, four strings, three times, the array's length and alignment.
    std::size_t size = 8 + wireSize(run.id) + wireSize(run.job) + wireSize(triggerKindName(run.trigger)) + 3 * 8 +
                       wireSize(runResultText(run)) + 8;
    for (const ScriptRecord& script : run.scripts)
        size += 8 + wireSize(script.path) + wireSize(scriptStatusText(run, script)) + 2 * 4 + 8;
    return size;
}

int appendJobSummary(sd_bus_message* m, const JobSummary& job) {
    const std::string path = jobObjectPath(job.name);
    return sd_bus_message_append(m, kJobSummarySignature, job.name.c_str(), job.description.c_str(),
                                 static_cast<int>(job.enabled), job.schedule.c_str(), job.mode.c_str(),
                                 job.timezone.c_str(), toUsec(job.nextRun), job.lastResult.c_str(),
                                 toUsec(job.lastRunFinished), static_cast<std::uint32_t>(job.runningCount),
                                 static_cast<int>(job.pendingQueued), path.c_str());
}

int appendRunRecord(sd_bus_message* m, const RunRecord& run) {
    int r = sd_bus_message_open_container(m, 'r', "ssstttsa(ssiit)");
    if (r < 0) return r;
    r = sd_bus_message_append(m, "sssttts", run.id.c_str(), run.job.c_str(), triggerKindName(run.trigger),
                              toUsec(run.scheduledFor), toUsec(run.startedAt), toUsec(run.endedAt),
                              runResultText(run).c_str());
    if (r < 0) return r;
    r = sd_bus_message_open_container(m, 'a', kScriptRecordSignature);
    if (r < 0) return r;
    for (const ScriptRecord& script : run.scripts) {
        r = appendScriptRecord(m, run, script);
        if (r < 0) return r;
    }
    r = sd_bus_message_close_container(m);
    if (r < 0) return r;
    return sd_bus_message_close_container(m);
}

int appendRunJobsOutcome(sd_bus_message* m, const RunJobsOutcome& outcome) {
    int r = sd_bus_message_append(m, "t", toUsec(outcome.minute));
    if (r < 0) return r;
    r = sd_bus_message_open_container(m, 'a', kJobRunOutcomeSignature);
    for (std::size_t i = 0; r >= 0 && i < outcome.runs.size(); ++i) {
        const JobRunOutcome& run = outcome.runs[i];
        r = sd_bus_message_append(m, kJobRunOutcomeSignature, run.job.c_str(), run.runId.c_str(), run.outcome.c_str(),
                                  run.reason.c_str());
    }
    return r < 0 ? r : sd_bus_message_close_container(m);
}

int appendJobProperty(sd_bus_message* m, const JobSummary& job, std::string_view property) {
    auto text = [m](const std::string& value) { return sd_bus_message_append(m, "s", value.c_str()); };
    auto boolean = [m](bool value) { return sd_bus_message_append(m, "b", static_cast<int>(value)); };
    auto usec = [m](std::uint64_t value) { return sd_bus_message_append(m, "t", value); };
    if (property == "Name") return text(job.name);
    if (property == "Description") return text(job.description);
    if (property == "Enabled") return boolean(job.enabled);
    if (property == "Schedule") return text(job.schedule);
    if (property == "Mode") return text(job.mode);
    if (property == "Cron") return text(job.cron);
    if (property == "Timezone") return text(job.timezone);
    if (property == "NextRun") return usec(toUsec(job.nextRun));
    if (property == "LastRunId") return text(job.lastRunId);
    if (property == "LastResult") return text(job.lastResult);
    if (property == "LastRunFinished") return usec(toUsec(job.lastRunFinished));
    if (property == "RunningCount") return sd_bus_message_append(m, "u", static_cast<std::uint32_t>(job.runningCount));
    if (property == "PendingQueued") return boolean(job.pendingQueued);
    return -ENOENT;
}

int appendManagerProperty(sd_bus_message* m, const ManagerState& state, std::string_view property) {
    if (property == "Version") return sd_bus_message_append(m, "s", state.version.c_str());
    if (property == "ConfigPath") return sd_bus_message_append(m, "s", busText(state.configPath).c_str());
    if (property == "JobCount") return sd_bus_message_append(m, "u", static_cast<std::uint32_t>(state.jobCount));
    if (property == "RunningRuns") return sd_bus_message_append(m, "u", static_cast<std::uint32_t>(state.runningRuns));
    if (property == "NextRun") return sd_bus_message_append(m, "t", toUsec(state.nextRun));
    return -ENOENT;
}

int appendRunStartedSignal(sd_bus_message* m, const RunStarted& event) {
    return sd_bus_message_append(m, "ssst", event.runId.c_str(), event.job.c_str(), triggerKindName(event.trigger),
                                 toUsec(event.scheduledFor));
}

int appendScriptFinishedSignal(sd_bus_message* m, const ScriptFinished& event) {
    const ScriptRecord& script = event.record;
    return sd_bus_message_append(m, "ssussiit", event.runId.c_str(), event.job.c_str(),
                                 static_cast<std::uint32_t>(event.index), busText(script.path).c_str(),
                                 scriptStatusName(script.outcome.status),
                                 static_cast<std::int32_t>(script.outcome.exitCode),
                                 static_cast<std::int32_t>(script.outcome.signal), scriptDurationUsec(script));
}

int appendRunFinishedSignal(sd_bus_message* m, const RunFinished& event) {
    const RunRecord& run = event.record;
    return sd_bus_message_append(m, "ssst", run.id.c_str(), run.job.c_str(), runResultText(run).c_str(),
                                 runDurationUsec(run));
}

std::vector<const char*> changedManagerProperties(const ManagerState& before, const ManagerState& after) {
    std::vector<const char*> changed;
    if (before.runningRuns != after.runningRuns) changed.push_back("RunningRuns");
    if (before.nextRun != after.nextRun) changed.push_back("NextRun");
    if (before.jobCount != after.jobCount) changed.push_back("JobCount");
    if (before.configPath != after.configPath) changed.push_back("ConfigPath");
    return changed;
}

int setControlError(sd_bus_error* error, const ControlError& refused) {
    const int r = sd_bus_error_set(error, refused.error.name, busText(refused.message).c_str());
    return r < 0 ? r : -EIO;
}

Caller callerFromCreds(sd_bus_creds* creds) {
    Caller caller;
    if (!creds) return caller;
    uid_t uid = 0;
    if (sd_bus_creds_get_euid(creds, &uid) >= 0) caller.uid = uid;
    // Groups read from /proc/<pid> (augmented) rather than given by the bus are only as good as
    // that pid: if its process is not the caller's user, the pid was reused; trust no group then.
    const std::uint64_t augmented = sd_bus_creds_get_augmented_mask(creds);
    if (augmented & (SD_BUS_CREDS_GID | SD_BUS_CREDS_SUPPLEMENTARY_GIDS)) {
        uid_t procUid = 0;
        if (!caller.uid || sd_bus_creds_get_uid(creds, &procUid) < 0 || procUid != *caller.uid) return caller;
    }
    auto add = [&caller](gid_t gid) {
        if (std::find(caller.groups.begin(), caller.groups.end(), gid) == caller.groups.end())
            caller.groups.push_back(gid);
    };
    gid_t gid = 0;
    if (sd_bus_creds_get_gid(creds, &gid) >= 0) add(gid);
    const gid_t* supplementary = nullptr;
    const int n = sd_bus_creds_get_supplementary_gids(creds, &supplementary);
    for (int i = 0; i < n && supplementary; ++i) add(supplementary[i]);
    return caller;
}

}  // namespace chief::daemon
