#include "chief/dbus/codec.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <new>
#include <variant>

#include "chief/display_text.h"

namespace chief::dbus {

namespace {

// 9999-12-31T23:59:59Z: the last instant the time engine and ISO 8601 output handle.
constexpr std::uint64_t kMaxUsec = 253402300799ULL * 1000000ULL + 999999ULL;

const char* text(const std::string& value) { return value.c_str(); }

using PropertyValue = std::variant<std::string, bool, std::uint64_t, std::uint32_t, std::vector<std::string>>;
using Properties = std::map<std::string, PropertyValue, std::less<>>;

// Reads an a{sv} of basic values; values of other types are skipped.
int readProperties(sd_bus_message* m, Properties& out) {
    int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "{sv}");
    if (r < 0) return r;
    while ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv")) > 0) {
        const char* name = nullptr;
        if ((r = sd_bus_message_read(m, "s", &name)) < 0) return r;
        char type = 0;
        const char* contents = nullptr;
        if ((r = sd_bus_message_peek_type(m, &type, &contents)) < 0) return r;
        const std::string signature = contents ? contents : "";
        if (signature == "s" || signature == "o") {
            const char* s = nullptr;
            if ((r = sd_bus_message_read(m, "v", signature.c_str(), &s)) < 0) return r;
            out[name] = std::string(s ? s : "");
        } else if (signature == "b") {
            int b = 0;
            if ((r = sd_bus_message_read(m, "v", "b", &b)) < 0) return r;
            out[name] = b != 0;
        } else if (signature == "t") {
            std::uint64_t t = 0;
            if ((r = sd_bus_message_read(m, "v", "t", &t)) < 0) return r;
            out[name] = t;
        } else if (signature == "u") {
            std::uint32_t u = 0;
            if ((r = sd_bus_message_read(m, "v", "u", &u)) < 0) return r;
            out[name] = u;
        } else if (signature == "as") {
            std::vector<std::string> strings;
            if ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_VARIANT, "as")) < 0) return r;
            if ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "s")) < 0) return r;
            const char* s = nullptr;
            while ((r = sd_bus_message_read(m, "s", &s)) > 0) strings.emplace_back(s ? s : "");
            if (r < 0) return r;
            if ((r = sd_bus_message_exit_container(m)) < 0) return r;
            if ((r = sd_bus_message_exit_container(m)) < 0) return r;
            out[name] = std::move(strings);
        } else {
            if ((r = sd_bus_message_skip(m, "v")) < 0) return r;
        }
        if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    }
    if (r < 0) return r;
    return sd_bus_message_exit_container(m);
}

template <typename T>
std::optional<T> property(const Properties& p, std::string_view name) {
    const auto it = p.find(name);
    if (it == p.end()) return std::nullopt;
    if (const auto* v = std::get_if<T>(&it->second)) return *v;
    return std::nullopt;
}

std::string stringProperty(const Properties& p, std::string_view name) {
    return property<std::string>(p, name).value_or("");
}

}  // namespace

// ---- values ----------------------------------------------------------------------------

std::uint64_t durationUsec(bus::Millis duration) {
    return duration.count() > 0 ? static_cast<std::uint64_t>(duration.count()) * 1000 : 0;
}

std::optional<SysSeconds> secondsFromUsec(std::uint64_t usec) {
    if (usec == 0) return std::nullopt;
    return SysSeconds{Seconds{static_cast<std::int64_t>(usec / 1'000'000)}};
}

std::optional<SysMillis> millisFromUsec(std::uint64_t usec) {
    if (usec == 0) return std::nullopt;
    return SysMillis{bus::Millis{static_cast<std::int64_t>(usec / 1000)}};
}

bus::Millis durationFromUsec(std::uint64_t usec) { return bus::Millis{static_cast<std::int64_t>(usec / 1000)}; }

bus::ControlResult<std::optional<SysSeconds>> timeArgument(std::uint64_t usec, std::string_view argument) {
    if (usec == 0) return std::optional<SysSeconds>{};
    if (usec > kMaxUsec)
        return bus::ControlError{bus::kInvalidArgument,
                                 std::string(argument) + " is after the year 9999 (" + std::to_string(usec) + " usec)"};
    return secondsFromUsec(usec);
}

std::string busText(std::string_view text) { return isValidUtf8(text) ? std::string(text) : escapeInvalidUtf8(text); }

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

std::size_t wireSize(std::string_view text) { return 4 + text.size() + 1 + 3; }

std::size_t wireSize(const bus::JobSummary& job) {
    // (ssbssststubo): the struct's alignment, eight strings or paths, four fixed-size values.
    return 8 + wireSize(job.name) + wireSize(job.description) + wireSize(job.schedule) + wireSize(job.mode) +
           wireSize(job.timezone) + wireSize(job.lastResult) + wireSize(jobObjectPath(job.name)) + 5 * 8;
}

std::size_t wireSize(const bus::RunEntry& run) {
    // (ssstttsa(ssiit)): alignment, four strings, three times, the array's length and alignment.
    std::size_t size =
        8 + wireSize(run.id) + wireSize(run.job) + wireSize(run.trigger) + 3 * 8 + wireSize(run.result) + 8;
    for (const bus::ScriptEntry& script : run.scripts) size += 8 + wireSize(script.path) + wireSize(script.status) + 2 * 4 + 8;
    return size;
}

// ---- jobs --------------------------------------------------------------------------------

int appendJobEntry(sd_bus_message* m, const bus::JobSummary& job) {
    const std::string path = jobObjectPath(job.name);
    return sd_bus_message_append(m, kJobEntrySignature, text(job.name), busText(job.description).c_str(),
                                 static_cast<int>(job.enabled), busText(job.schedule).c_str(), text(job.mode),
                                 text(job.timezone), toUsec(job.nextRun), text(job.lastResult),
                                 toUsec(job.lastRunFinished), static_cast<std::uint32_t>(job.runningCount.value_or(0)),
                                 static_cast<int>(job.pendingQueued.value_or(false)), path.c_str());
}

int readJobEntry(sd_bus_message* m, bus::JobSummary& job) {
    const char *name = nullptr, *description = nullptr, *schedule = nullptr, *mode = nullptr, *timezone = nullptr,
               *lastResult = nullptr, *path = nullptr;
    int enabled = 0, pending = 0;
    std::uint64_t nextRun = 0, lastFinished = 0;
    std::uint32_t running = 0;
    const int r = sd_bus_message_read(m, kJobEntrySignature, &name, &description, &enabled, &schedule, &mode, &timezone,
                                      &nextRun, &lastResult, &lastFinished, &running, &pending, &path);
    if (r <= 0) return r;
    job = bus::JobSummary{};
    job.name = name;
    job.description = description;
    job.enabled = enabled != 0;
    job.schedule = schedule;
    job.mode = mode;
    job.timezone = timezone;
    job.nextRun = secondsFromUsec(nextRun);
    job.lastResult = lastResult;
    job.lastRunFinished = millisFromUsec(lastFinished);
    job.runningCount = running;
    job.pendingQueued = pending != 0;
    return 1;
}

int appendJobProperty(sd_bus_message* m, const bus::JobSummary& job, std::string_view property) {
    auto string = [m](const std::string& value) { return sd_bus_message_append(m, "s", busText(value).c_str()); };
    auto boolean = [m](bool value) { return sd_bus_message_append(m, "b", static_cast<int>(value)); };
    auto usec = [m](std::uint64_t value) { return sd_bus_message_append(m, "t", value); };
    if (property == "Name") return string(job.name);
    if (property == "Description") return string(job.description);
    if (property == "Enabled") return boolean(job.enabled);
    if (property == "Schedule") return string(job.schedule);
    if (property == "Mode") return string(job.mode);
    if (property == "Cron") return string(job.cron.value_or(""));
    if (property == "Timezone") return string(job.timezone);
    if (property == "NextRun") return usec(toUsec(job.nextRun));
    if (property == "LastRunId") return string(job.lastRunId.value_or(""));
    if (property == "LastResult") return string(job.lastResult);
    if (property == "LastRunFinished") return usec(toUsec(job.lastRunFinished));
    if (property == "RunningCount")
        return sd_bus_message_append(m, "u", static_cast<std::uint32_t>(job.runningCount.value_or(0)));
    if (property == "PendingQueued") return boolean(job.pendingQueued.value_or(false));
    if (property == "RunningRunIds") {
        int r = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "s");
        for (const std::string& id : job.runningRunIds.value_or(std::vector<std::string>{}))
            if (r >= 0) r = sd_bus_message_append(m, "s", text(id));
        return r < 0 ? r : sd_bus_message_close_container(m);
    }
    if (property == "QueuedRunId") return string(job.queuedRunId.value_or(""));
    if (property == "Paused") return boolean(job.paused.value_or(false));
    return -ENOENT;
}

int readJobProperties(sd_bus_message* m, bus::JobSummary& job) {
    Properties p;
    if (const int r = readProperties(m, p); r < 0) return r;
    job = bus::JobSummary{};
    job.name = stringProperty(p, "Name");
    job.description = stringProperty(p, "Description");
    job.enabled = property<bool>(p, "Enabled").value_or(true);
    job.schedule = stringProperty(p, "Schedule");
    job.mode = stringProperty(p, "Mode");
    job.cron = stringProperty(p, "Cron");
    job.timezone = stringProperty(p, "Timezone");
    job.nextRun = secondsFromUsec(property<std::uint64_t>(p, "NextRun").value_or(0));
    job.lastRunId = stringProperty(p, "LastRunId");
    job.lastResult = stringProperty(p, "LastResult");
    job.lastRunFinished = millisFromUsec(property<std::uint64_t>(p, "LastRunFinished").value_or(0));
    job.runningCount = property<std::uint32_t>(p, "RunningCount").value_or(0);
    job.pendingQueued = property<bool>(p, "PendingQueued").value_or(false);
    // Absent from a chiefd older than these properties: unknown, not "none".
    job.runningRunIds = property<std::vector<std::string>>(p, "RunningRunIds");
    job.queuedRunId = property<std::string>(p, "QueuedRunId");
    job.paused = property<bool>(p, "Paused");
    return 1;
}

// ---- the manager ---------------------------------------------------------------------------

int appendManagerProperty(sd_bus_message* m, const bus::ManagerState& state, std::string_view property) {
    if (property == "Version") return sd_bus_message_append(m, "s", text(state.version));
    if (property == "ConfigPath") return sd_bus_message_append(m, "s", busText(state.configPath).c_str());
    if (property == "JobCount") return sd_bus_message_append(m, "u", static_cast<std::uint32_t>(state.jobCount));
    if (property == "RunningRuns") return sd_bus_message_append(m, "u", static_cast<std::uint32_t>(state.runningRuns));
    if (property == "NextRun") return sd_bus_message_append(m, "t", toUsec(state.nextRun));
    const bus::TelemetryState& t = state.telemetry;
    if (property == "TelemetryEnabled") return sd_bus_message_append(m, "b", static_cast<int>(t.enabled));
    if (property == "TelemetryConnected") return sd_bus_message_append(m, "b", static_cast<int>(t.connected));
    if (property == "TelemetryPendingMemory") return sd_bus_message_append(m, "t", t.pendingMemory);
    if (property == "TelemetryPendingSpool") return sd_bus_message_append(m, "t", t.pendingSpool);
    if (property == "TelemetryDead") return sd_bus_message_append(m, "t", t.dead);
    if (property == "TelemetryDropped") return sd_bus_message_append(m, "t", t.dropped);
    if (property == "TelemetryLastError") return sd_bus_message_append(m, "s", busText(t.lastError).c_str());
    if (property == "PausedJobs") {
        int r = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "s");
        for (const std::string& name : state.pausedJobs.value_or(std::vector<std::string>{}))
            if (r >= 0) r = sd_bus_message_append(m, "s", busText(name).c_str());
        return r < 0 ? r : sd_bus_message_close_container(m);
    }
    return -ENOENT;
}

int readManagerProperties(sd_bus_message* m, bus::ManagerState& state) {
    Properties p;
    if (const int r = readProperties(m, p); r < 0) return r;
    state = bus::ManagerState{};
    state.version = stringProperty(p, "Version");
    state.configPath = stringProperty(p, "ConfigPath");
    state.jobCount = property<std::uint32_t>(p, "JobCount").value_or(0);
    state.runningRuns = property<std::uint32_t>(p, "RunningRuns").value_or(0);
    state.nextRun = secondsFromUsec(property<std::uint64_t>(p, "NextRun").value_or(0));
    // A chiefd older than telemetry has none of these: they read as "off".
    state.telemetry.enabled = property<bool>(p, "TelemetryEnabled").value_or(false);
    state.telemetry.connected = property<bool>(p, "TelemetryConnected").value_or(false);
    state.telemetry.pendingMemory = property<std::uint64_t>(p, "TelemetryPendingMemory").value_or(0);
    state.telemetry.pendingSpool = property<std::uint64_t>(p, "TelemetryPendingSpool").value_or(0);
    state.telemetry.dead = property<std::uint64_t>(p, "TelemetryDead").value_or(0);
    state.telemetry.dropped = property<std::uint64_t>(p, "TelemetryDropped").value_or(0);
    state.telemetry.lastError = stringProperty(p, "TelemetryLastError");
    state.pausedJobs = property<std::vector<std::string>>(p, "PausedJobs");
    return 1;
}

std::vector<const char*> changedManagerProperties(const bus::ManagerState& before, const bus::ManagerState& after) {
    std::vector<const char*> changed;
    if (before.runningRuns != after.runningRuns) changed.push_back("RunningRuns");
    if (before.nextRun != after.nextRun) changed.push_back("NextRun");
    if (before.jobCount != after.jobCount) changed.push_back("JobCount");
    if (before.configPath != after.configPath) changed.push_back("ConfigPath");
    if (before.pausedJobs != after.pausedJobs) changed.push_back("PausedJobs");
    return changed;
}

// ---- runs ----------------------------------------------------------------------------------

int appendRunEntry(sd_bus_message* m, const bus::RunEntry& run) {
    int r = sd_bus_message_open_container(m, SD_BUS_TYPE_STRUCT, kRunEntryContents);
    if (r < 0) return r;
    r = sd_bus_message_append(m, "sssttts", text(run.id), text(run.job), text(run.trigger), toUsec(run.scheduledFor),
                              toUsec(run.startedAt), toUsec(run.endedAt), text(run.result));
    if (r < 0) return r;
    r = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, kScriptEntrySignature);
    for (std::size_t i = 0; r >= 0 && i < run.scripts.size(); ++i) {
        const bus::ScriptEntry& s = run.scripts[i];
        r = sd_bus_message_append(m, kScriptEntrySignature, busText(s.path).c_str(), text(s.status),
                                  static_cast<std::int32_t>(s.exitCode), static_cast<std::int32_t>(s.signal),
                                  durationUsec(s.duration));
    }
    if (r < 0) return r;
    r = sd_bus_message_close_container(m);
    if (r < 0) return r;
    return sd_bus_message_close_container(m);
}

int readRunEntry(sd_bus_message* m, bus::RunEntry& run) {
    int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_STRUCT, kRunEntryContents);
    if (r <= 0) return r;
    const char *id = nullptr, *job = nullptr, *trigger = nullptr, *result = nullptr;
    std::uint64_t scheduled = 0, started = 0, ended = 0;
    if ((r = sd_bus_message_read(m, "sssttts", &id, &job, &trigger, &scheduled, &started, &ended, &result)) < 0)
        return r;
    run = bus::RunEntry{};
    run.id = id;
    run.job = job;
    run.trigger = trigger;
    run.scheduledFor = secondsFromUsec(scheduled);
    run.startedAt = millisFromUsec(started);
    run.endedAt = millisFromUsec(ended);
    run.result = result;
    if ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, kScriptEntrySignature)) < 0) return r;
    const char *path = nullptr, *status = nullptr;
    std::int32_t exitCode = 0, signal = 0;
    std::uint64_t duration = 0;
    unsigned index = 0;
    while ((r = sd_bus_message_read(m, kScriptEntrySignature, &path, &status, &exitCode, &signal, &duration)) > 0)
        run.scripts.push_back(bus::ScriptEntry{index++, path, status, exitCode, signal, durationFromUsec(duration)});
    if (r < 0) return r;
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    return 1;
}

int appendRunAccepted(sd_bus_message* m, const bus::RunAccepted& accepted) {
    return sd_bus_message_append(m, "ss", text(accepted.runId), bus::runStartOutcomeName(accepted.outcome));
}

int readRunAccepted(sd_bus_message* m, bus::RunAccepted& accepted) {
    const char *runId = nullptr, *outcome = nullptr;
    const int r = sd_bus_message_read(m, "ss", &runId, &outcome);
    if (r < 0) return r;
    const auto known = bus::runStartOutcomeFromName(outcome);
    if (!known) return -EBADMSG;
    accepted = bus::RunAccepted{runId, *known};
    return 1;
}

int appendRunJobsOutcome(sd_bus_message* m, const bus::RunJobsOutcome& outcome) {
    int r = sd_bus_message_append(m, "t", toUsec(outcome.minute));
    if (r < 0) return r;
    r = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, kJobRunOutcomeSignature);
    for (std::size_t i = 0; r >= 0 && i < outcome.runs.size(); ++i) {
        const bus::JobRunOutcome& run = outcome.runs[i];
        r = sd_bus_message_append(m, kJobRunOutcomeSignature, text(run.job), text(run.runId),
                                  bus::runRequestOutcomeName(run.outcome), busText(run.reason).c_str());
    }
    return r < 0 ? r : sd_bus_message_close_container(m);
}

int readRunJobsOutcome(sd_bus_message* m, bus::RunJobsOutcome& outcome) {
    std::uint64_t minute = 0;
    int r = sd_bus_message_read(m, "t", &minute);
    if (r < 0) return r;
    outcome = bus::RunJobsOutcome{};
    outcome.minute = secondsFromUsec(minute);
    if ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, kJobRunOutcomeSignature)) < 0) return r;
    const char *job = nullptr, *runId = nullptr, *name = nullptr, *reason = nullptr;
    while ((r = sd_bus_message_read(m, kJobRunOutcomeSignature, &job, &runId, &name, &reason)) > 0) {
        const auto known = bus::runRequestOutcomeFromName(name);
        if (!known) return -EBADMSG;
        outcome.runs.push_back(bus::JobRunOutcome{job, runId, *known, reason});
    }
    if (r < 0) return r;
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    return 1;
}

// ---- signals -------------------------------------------------------------------------------

int appendRunStarted(sd_bus_message* m, const bus::RunBegan& run) {
    return sd_bus_message_append(m, "ssst", text(run.runId), text(run.job), text(run.trigger), toUsec(run.scheduledFor));
}

int readRunStarted(sd_bus_message* m, bus::RunBegan& run) {
    const char *runId = nullptr, *job = nullptr, *trigger = nullptr;
    std::uint64_t scheduled = 0;
    const int r = sd_bus_message_read(m, "ssst", &runId, &job, &trigger, &scheduled);
    if (r < 0) return r;
    run = bus::RunBegan{runId, job, trigger, secondsFromUsec(scheduled)};
    return 1;
}

int appendScriptFinished(sd_bus_message* m, const bus::ScriptEnded& ended) {
    const bus::ScriptEntry& s = ended.script;
    return sd_bus_message_append(m, "ssussiit", text(ended.runId), text(ended.job), static_cast<std::uint32_t>(s.index),
                                 busText(s.path).c_str(), text(s.status), static_cast<std::int32_t>(s.exitCode),
                                 static_cast<std::int32_t>(s.signal), durationUsec(s.duration));
}

int readScriptFinished(sd_bus_message* m, bus::ScriptEnded& ended) {
    const char *runId = nullptr, *job = nullptr, *path = nullptr, *status = nullptr;
    std::uint32_t index = 0;
    std::int32_t exitCode = 0, signal = 0;
    std::uint64_t duration = 0;
    const int r = sd_bus_message_read(m, "ssussiit", &runId, &job, &index, &path, &status, &exitCode, &signal, &duration);
    if (r < 0) return r;
    ended = bus::ScriptEnded{runId, job, bus::ScriptEntry{index, path, status, exitCode, signal, durationFromUsec(duration)}};
    return 1;
}

int appendRunFinished(sd_bus_message* m, const bus::RunEnd& run) {
    return sd_bus_message_append(m, "ssst", text(run.runId), text(run.job), text(run.result), durationUsec(run.duration));
}

int readRunFinished(sd_bus_message* m, bus::RunEnd& run) {
    const char *runId = nullptr, *job = nullptr, *result = nullptr;
    std::uint64_t duration = 0;
    const int r = sd_bus_message_read(m, "ssst", &runId, &job, &result, &duration);
    if (r < 0) return r;
    run = bus::RunEnd{runId, job, result, durationFromUsec(duration)};
    return 1;
}

// ---- errors and callers ------------------------------------------------------------------

int setControlError(sd_bus_error* error, const bus::ControlError& refused) {
    const int r = sd_bus_error_set(error, refused.error.name, busText(refused.message).c_str());
    return r < 0 ? r : -EIO;
}

bus::Caller callerFromCreds(sd_bus_creds* creds) {
    bus::Caller caller;
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

}  // namespace chief::dbus
