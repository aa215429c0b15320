#include "bus_client.h"

#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <variant>

#include "chief/bus_api.h"

namespace chief::ctl {

namespace {

constexpr const char* kPropertiesInterface = "org.freedesktop.DBus.Properties";

// Manager.ListJobs entries, a(ssbssststubo), in the order chiefd writes them
// (daemon/bus/bus_marshalling.h): name, description, enabled, schedule, mode, timezone,
// next_run_usec, last_result, last_run_finished_usec, running_count, pending_queued, job path.
constexpr const char* kJobEntry = "ssbssststubo";
// A run, (ssstttsa(ssiit)): id, job, trigger, scheduled_usec, started_usec, ended_usec, result
// ("running" while in progress), scripts (path, status, exit_code, signal, duration_usec).
constexpr const char* kRunBody = "ssstttsa(ssiit)";
constexpr const char* kRunStruct = "(ssstttsa(ssiit))";

struct MessageUnref {
    void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
using MessagePtr = std::unique_ptr<sd_bus_message, MessageUnref>;

// An sd_bus_error freed on scope exit.
struct BusError {
    sd_bus_error error{};
    ~BusError() { sd_bus_error_free(&error); }
    std::string name() const { return error.name ? error.name : ""; }
    std::string message() const { return error.message ? error.message : ""; }
};

std::optional<SysSeconds> secondsFromUsec(std::uint64_t usec) {
    if (usec == 0) return std::nullopt;
    return SysSeconds{Seconds{static_cast<std::int64_t>(usec / 1'000'000)}};
}

std::optional<SysMillis> millisFromUsec(std::uint64_t usec) {
    if (usec == 0) return std::nullopt;
    return SysMillis{Millis{static_cast<std::int64_t>(usec / 1000)}};
}

Millis durationFromUsec(std::uint64_t usec) { return Millis{static_cast<std::int64_t>(usec / 1000)}; }

// A value in a match rule: quoted, with each apostrophe written as '\'' (D-Bus spec).
std::string matchValue(const std::string& value) {
    std::string quoted = "'";
    for (char c : value) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

std::string errnoText(int result) { return std::strerror(result < 0 ? -result : result); }

ClientError malformed(const char* what, int r) {
    return ClientError{ClientError::Kind::Daemon, "",
                       std::string("chiefd's answer to ") + what + " is not what chiefctl expects (" + errnoText(r) +
                           "); are chiefd and chiefctl the same version?"};
}

using PropertyValue = std::variant<std::string, bool, std::uint64_t, std::uint32_t>;
using Properties = std::map<std::string, PropertyValue>;

std::string stringProperty(const Properties& p, const char* name) {
    const auto it = p.find(name);
    if (it == p.end()) return "";
    if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
    return "";
}

template <typename T>
std::optional<T> typedProperty(const Properties& p, const char* name) {
    const auto it = p.find(name);
    if (it == p.end()) return std::nullopt;
    if (const auto* v = std::get_if<T>(&it->second)) return *v;
    return std::nullopt;
}

// Reads an a{sv} of basic values; other types are skipped.
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
        } else {
            if ((r = sd_bus_message_skip(m, "v")) < 0) return r;
        }
        if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    }
    if (r < 0) return r;
    return sd_bus_message_exit_container(m);
}

// Reads one run (a struct); 0 at the end of an enclosing array.
int readRun(sd_bus_message* m, RunInfo& run) {
    int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_STRUCT, kRunBody);
    if (r <= 0) return r;
    const char *id = nullptr, *job = nullptr, *trigger = nullptr, *result = nullptr;
    std::uint64_t scheduled = 0, started = 0, ended = 0;
    if ((r = sd_bus_message_read(m, "sssttts", &id, &job, &trigger, &scheduled, &started, &ended, &result)) < 0)
        return r;
    run.id = id;
    run.job = job;
    run.trigger = trigger;
    run.scheduledFor = secondsFromUsec(scheduled);
    run.startedAt = millisFromUsec(started);
    run.endedAt = millisFromUsec(ended);
    run.result = result;
    if ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "(ssiit)")) < 0) return r;
    const char *path = nullptr, *status = nullptr;
    std::int32_t exitCode = 0, signal = 0;
    std::uint64_t duration = 0;
    unsigned index = 0;
    while ((r = sd_bus_message_read(m, "(ssiit)", &path, &status, &exitCode, &signal, &duration)) > 0)
        run.scripts.push_back(ScriptResult{index++, path, status, exitCode, signal, durationFromUsec(duration)});
    if (r < 0) return r;
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    return 1;
}

}  // namespace

// ---- error classification --------------------------------------------------------------

std::string BusTarget::describe() const {
    if (host) return "the system bus of " + *host;
    return kind == BusKind::User ? "the session bus" : "the system bus";
}

namespace {

const char* kOffline = "use --config PATH to read a config file offline";

std::string startHint(const BusTarget& target) {
    if (target.host) return "start it with systemctl -H " + *target.host + " start chiefd";
    if (target.kind == BusKind::User) return "start it with systemctl --user start chiefd";
    return "start it with systemctl start chiefd";
}

std::string notRunningMessage(const BusTarget& target) {
    if (target.userBusTriedToo)
        return std::string("chiefd is not running (") + bus::kServiceName +
               " is neither on the system bus nor on your session bus): start it with systemctl start chiefd, or "
               "systemctl --user start chiefd for your own, or " + kOffline;
    return std::string("chiefd is not running (") + bus::kServiceName + " is not on " + target.describe() +
           "): " + startHint(target) + ", or " + kOffline;
}

}  // namespace

ClientError noBusError(const BusTarget& target, int result) {
    ClientError e{ClientError::Kind::NoBus, "", ""};
    if (target.host)
        e.message = "cannot reach " + target.describe() + " over ssh (" + errnoText(result) + "); check that 'ssh " +
                    *target.host + "' works and systemd-stdio-bridge is installed there, or " + kOffline;
    else if (target.kind == BusKind::User)
        e.message = "cannot connect to the session bus (" + errnoText(result) +
                    "): there is no user bus here ($DBUS_SESSION_BUS_ADDRESS / $XDG_RUNTIME_DIR); drop --user to ask "
                    "the system chiefd, or " + kOffline;
    else if (target.userBusTriedToo)
        e.message = "chiefd is not running: the system bus cannot be reached (" + errnoText(result) +
                    ") and chiefd is not on your session bus either: start your own with systemctl --user start "
                    "chiefd, or " + kOffline;
    else
        e.message = "cannot connect to the system bus (" + errnoText(result) +
                    "): D-Bus is not running here (a container without D-Bus?); " + kOffline;
    return e;
}

ClientError classifyCallError(const BusTarget& target, int result, const std::string& name,
                              const std::string& message, bool connected) {
    using Kind = ClientError::Kind;
    const std::string freedesktop = "org.freedesktop.DBus.Error.";
    if (name == freedesktop + "ServiceUnknown" || name == freedesktop + "NameHasNoOwner")
        return {Kind::NotRunning, name, notRunningMessage(target)};
    if (name.starts_with(freedesktop + "Spawn."))
        return {Kind::NotRunning, name, notRunningMessage(target) + " (bus activation failed: " + message + ")"};
    if (name == freedesktop + "NoReply" || name == freedesktop + "Timeout" || name == freedesktop + "TimedOut" ||
        name == freedesktop + "Disconnected")
        return {Kind::Lost, name, "chiefd did not answer on " + target.describe() + " (" + message + ")"};
    if (name == freedesktop + "AccessDenied")
        // The bus policy refused before chiefd saw the call: the same refusal as chiefd's own.
        return {Kind::Daemon, bus::kAccessDenied.name,
                "access denied by " + target.describe() + " (" + message +
                    "); running, cancelling and reloading need root or membership in the \"" + bus::kControlGroup +
                    "\" group"};
    if (name.empty() || name.starts_with("System.Error.")) {
        // A local failure, not an answer: the connection broke (or never worked, for -H).
        if (!connected) {
            ClientError e = noBusError(target, result);
            e.name = name;
            return e;
        }
        return {Kind::Lost, name, "lost the connection to " + target.describe() + " (" + errnoText(result) + ")"};
    }
    return {Kind::Daemon, name, message.empty() ? name : message};
}

// ---- BusClient ----------------------------------------------------------------------------

struct BusClient::Impl {
    BusTarget target;
    sd_bus* bus = nullptr;
    bool connected = false;  // a call has worked on this connection
    std::optional<ClientError> openError;
    std::vector<sd_bus_slot*> slots;
    bool watching = false;

    // What the signals told about a run chiefctl waits for (or will: a run accepted while
    // watching, whose signals can arrive while an earlier run is waited for).
    struct Progress {
        std::vector<ScriptResult> scripts;  // ended, not yet handed to the waiter
        std::optional<RunEnd> end;
    };
    std::map<std::string, Progress> awaited;  // by run id; signals of other runs are ignored
    std::optional<ClientError> lost;          // chiefd or the connection went away: stays so

    explicit Impl(BusTarget t) : target(std::move(t)) {}

    ~Impl() {
        for (sd_bus_slot* slot : slots) sd_bus_slot_unref(slot);
        if (bus) sd_bus_flush_close_unref(bus);
    }

    std::optional<ClientError> open() {
        if (bus) return std::nullopt;
        if (openError) return openError;
        int r = 0;
        if (target.host) r = sd_bus_open_system_remote(&bus, target.host->c_str());
        else if (target.kind == BusKind::User) r = sd_bus_open_user(&bus);
        else r = sd_bus_open_system(&bus);
        if (r < 0) {
            bus = nullptr;
            openError = noBusError(target, r);
            return openError;
        }
        return std::nullopt;
    }

    // Calls `member` on `path`/`interface`; `append` adds the arguments.
    template <typename Append>
    ClientResult<MessagePtr> call(const char* path, const char* interface, const char* member, Append append) {
        if (auto e = open()) return *e;
        sd_bus_message* raw = nullptr;
        int r = sd_bus_message_new_method_call(bus, &raw, bus::kServiceName, path, interface, member);
        MessagePtr request(raw);
        if (r >= 0) r = append(request.get());
        if (r < 0) return classifyCallError(target, r, "", "", connected);
        BusError error;
        sd_bus_message* reply = nullptr;
        r = sd_bus_call(bus, request.get(), /*usec=*/0, &error.error, &reply);
        MessagePtr answer(reply);
        if (r < 0) return classifyCallError(target, r, error.name(), error.message(), connected);
        connected = true;
        return answer;
    }

    template <typename Append>
    ClientResult<MessagePtr> callManager(const char* member, Append append) {
        return call(bus::kManagerPath, bus::kManagerInterface, member, append);
    }

    ClientResult<Properties> getAll(const char* path, const char* interface) {
        auto reply = call(path, kPropertiesInterface, "GetAll",
                          [&](sd_bus_message* m) { return sd_bus_message_append(m, "s", interface); });
        if (!reply) return reply.error();
        Properties properties;
        if (int r = readProperties(reply.value().get(), properties); r < 0) return malformed("GetAll", r);
        return properties;
    }

    // ---- signals --------------------------------------------------------------------------

    std::optional<ClientError> addMatch(const std::string& rule, sd_bus_message_handler_t handler) {
        sd_bus_slot* slot = nullptr;
        const int r = sd_bus_add_match(bus, &slot, rule.c_str(), handler, this);  // synchronous: installed on return
        if (r < 0) return classifyCallError(target, r, "", "", connected);
        slots.push_back(slot);
        return std::nullopt;
    }

    // Subscribes to ScriptFinished and RunFinished whose argument `argIndex` is `value` (every
    // one when `value` is empty), and to chiefd leaving the bus.
    std::optional<ClientError> subscribe(int argIndex, const std::string& value) {
        if (auto e = open()) return e;
        const std::string base = std::string("type='signal',sender='") + bus::kServiceName + "',path='" +
                                 bus::kManagerPath + "',interface='" + bus::kManagerInterface + "',";
        const std::string filter = value.empty() ? "" : ",arg" + std::to_string(argIndex) + "=" + matchValue(value);
        if (auto e = addMatch(base + "member='ScriptFinished'" + filter, &Impl::onScriptFinished)) return e;
        if (auto e = addMatch(base + "member='RunFinished'" + filter, &Impl::onRunFinished)) return e;
        const std::string owner =
            std::string("type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',") +
            "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0=" + matchValue(bus::kServiceName);
        if (auto e = addMatch(owner, &Impl::onNameOwnerChanged)) return e;
        connected = true;
        return std::nullopt;
    }

    static int onScriptFinished(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<Impl*>(userdata);
        const char *runId = nullptr, *job = nullptr, *path = nullptr, *status = nullptr;
        std::uint32_t index = 0;
        std::int32_t exitCode = 0, signal = 0;
        std::uint64_t duration = 0;
        if (sd_bus_message_read(m, "ssussiit", &runId, &job, &index, &path, &status, &exitCode, &signal, &duration) < 0)
            return 0;
        const auto it = self->awaited.find(runId);
        if (it == self->awaited.end() || it->second.end) return 0;
        it->second.scripts.push_back(ScriptResult{index, path, status, exitCode, signal, durationFromUsec(duration)});
        return 0;
    }

    static int onRunFinished(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<Impl*>(userdata);
        const char *runId = nullptr, *job = nullptr, *result = nullptr;
        std::uint64_t duration = 0;
        if (sd_bus_message_read(m, "ssst", &runId, &job, &result, &duration) < 0) return 0;
        const auto it = self->awaited.find(runId);
        if (it == self->awaited.end() || it->second.end) return 0;
        it->second.end = RunEnd{runId, result, durationFromUsec(duration)};
        return 0;
    }

    static int onNameOwnerChanged(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto* self = static_cast<Impl*>(userdata);
        const char *name = nullptr, *oldOwner = nullptr, *newOwner = nullptr;
        if (sd_bus_message_read(m, "sss", &name, &oldOwner, &newOwner) < 0) return 0;
        if (self->awaited.empty() || std::strcmp(name, bus::kServiceName) != 0 || !oldOwner || !*oldOwner) return 0;
        self->lost = ClientError{ClientError::Kind::Lost, "",
                                 std::string("chiefd left ") + self->target.describe() +
                                     " (it stopped or restarted) before the run ended; its result is unknown"};
        return 0;
    }

    // Dispatches everything already received. False when the connection broke.
    bool drain() {
        for (;;) {
            const int r = sd_bus_process(bus, nullptr);
            if (r < 0) {
                lost = ClientError{ClientError::Kind::Lost, "",
                                   "lost the connection to " + target.describe() + " while waiting (" + errnoText(r) +
                                       ")"};
                return false;
            }
            if (r == 0) return true;
        }
    }
};

BusClient::BusClient(BusTarget target) : impl_(std::make_unique<Impl>(std::move(target))) {}
BusClient::~BusClient() = default;

namespace {

const auto kNoArguments = [](sd_bus_message*) { return 0; };

}  // namespace

ClientResult<bool> BusClient::chiefdOnBus() {
    if (auto e = impl_->open()) return *e;
    BusError error;
    sd_bus_message* reply = nullptr;
    const int r = sd_bus_call_method(impl_->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                     "org.freedesktop.DBus", "NameHasOwner", &error.error, &reply, "s", bus::kServiceName);
    MessagePtr answer(reply);
    if (r < 0) return classifyCallError(impl_->target, r, error.name(), error.message(), false);
    int has = 0;
    if (sd_bus_message_read(reply, "b", &has) < 0) return false;
    return has != 0;
}

BusTarget chooseBusTarget(BusKind named, bool explicitlyNamed, const std::optional<std::string>& host, bool root,
                          const std::function<bool(const BusTarget&)>& probe) {
    BusTarget target{named, host};
    if (explicitlyNamed || host || root || named != BusKind::System) return target;
    if (probe(target)) return target;
    const BusTarget user{BusKind::User, std::nullopt};
    if (probe(user)) return user;
    target.userBusTriedToo = true;
    return target;
}

ClientResult<ManagerInfo> BusClient::managerProperties() {
    auto properties = impl_->getAll(bus::kManagerPath, bus::kManagerInterface);
    if (!properties) return properties.error();
    const Properties& p = properties.value();
    ManagerInfo info;
    info.version = stringProperty(p, "Version");
    info.configPath = stringProperty(p, "ConfigPath");
    info.jobCount = typedProperty<std::uint32_t>(p, "JobCount").value_or(0);
    info.runningRuns = typedProperty<std::uint32_t>(p, "RunningRuns").value_or(0);
    info.nextRun = secondsFromUsec(typedProperty<std::uint64_t>(p, "NextRun").value_or(0));
    return info;
}

ClientResult<std::vector<JobInfo>> BusClient::listJobs() {
    auto reply = impl_->callManager("ListJobs", kNoArguments);
    if (!reply) return reply.error();
    sd_bus_message* m = reply.value().get();
    const std::string entry = std::string("(") + kJobEntry + ")";
    int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, entry.c_str());
    if (r < 0) return malformed("ListJobs", r);
    std::vector<JobInfo> jobs;
    for (;;) {
        const char *name = nullptr, *description = nullptr, *schedule = nullptr, *mode = nullptr, *timezone = nullptr,
                   *lastResult = nullptr, *path = nullptr;
        int enabled = 0, pending = 0;
        std::uint64_t nextRun = 0, lastFinished = 0;
        std::uint32_t running = 0;
        r = sd_bus_message_read(m, entry.c_str(), &name, &description, &enabled, &schedule, &mode, &timezone, &nextRun,
                                &lastResult, &lastFinished, &running, &pending, &path);
        if (r < 0) return malformed("ListJobs", r);
        if (r == 0) break;
        JobInfo job;
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
        jobs.push_back(std::move(job));
    }
    return jobs;
}

ClientResult<JobInfo> BusClient::getJobProperties(const std::string& name) {
    auto reply = impl_->callManager("GetJob", [&](sd_bus_message* m) { return sd_bus_message_append(m, "s", name.c_str()); });
    if (!reply) return reply.error();
    const char* path = nullptr;
    if (int r = sd_bus_message_read(reply.value().get(), "o", &path); r < 0) return malformed("GetJob", r);
    const std::string objectPath = path;
    auto properties = impl_->getAll(objectPath.c_str(), bus::kJobInterface);
    if (!properties) return properties.error();
    const Properties& p = properties.value();
    JobInfo job;
    job.name = stringProperty(p, "Name");
    if (job.name.empty()) job.name = name;
    job.description = stringProperty(p, "Description");
    job.enabled = typedProperty<bool>(p, "Enabled").value_or(true);
    job.schedule = stringProperty(p, "Schedule");
    job.mode = stringProperty(p, "Mode");
    job.cron = stringProperty(p, "Cron");
    job.timezone = stringProperty(p, "Timezone");
    job.nextRun = secondsFromUsec(typedProperty<std::uint64_t>(p, "NextRun").value_or(0));
    job.lastRunId = stringProperty(p, "LastRunId");
    job.lastResult = stringProperty(p, "LastResult");
    job.lastRunFinished = millisFromUsec(typedProperty<std::uint64_t>(p, "LastRunFinished").value_or(0));
    job.runningCount = typedProperty<std::uint32_t>(p, "RunningCount").value_or(0);
    job.pendingQueued = typedProperty<bool>(p, "PendingQueued").value_or(false);
    return job;
}

ClientResult<std::string> BusClient::previewJobs(const std::string& job, unsigned count,
                                                 std::optional<SysSeconds> from) {
    std::uint64_t fromUsec = 0;  // 0: chiefd's now
    if (from) fromUsec = static_cast<std::uint64_t>(from->time_since_epoch().count()) * 1'000'000;
    auto reply = impl_->callManager("PreviewJobs", [&](sd_bus_message* m) {
        return sd_bus_message_append(m, "sut", job.c_str(), static_cast<std::uint32_t>(count), fromUsec);
    });
    if (!reply) return reply.error();
    const char* json = nullptr;
    if (int r = sd_bus_message_read(reply.value().get(), "s", &json); r < 0) return malformed("PreviewJobs", r);
    return std::string(json);
}

ClientResult<std::string> BusClient::exportCron(const std::string& job) {
    auto reply =
        impl_->callManager("ExportCron", [&](sd_bus_message* m) { return sd_bus_message_append(m, "s", job.c_str()); });
    if (!reply) return reply.error();
    const char* crontab = nullptr;
    if (int r = sd_bus_message_read(reply.value().get(), "s", &crontab); r < 0) return malformed("ExportCron", r);
    return std::string(crontab);
}

ClientResult<std::string> BusClient::exportCrontab(const std::string& job, const std::string& flavor) {
    auto reply = impl_->callManager("ExportCrontab", [&](sd_bus_message* m) {
        return sd_bus_message_append(m, "ss", job.c_str(), flavor.c_str());
    });
    if (!reply) return reply.error();
    const char* document = nullptr;
    if (int r = sd_bus_message_read(reply.value().get(), "s", &document); r < 0) return malformed("ExportCrontab", r);
    return std::string(document);
}

ClientResult<std::vector<RunInfo>> BusClient::listRuns(const std::string& job, unsigned limit) {
    auto reply = impl_->callManager("ListRuns", [&](sd_bus_message* m) {
        return sd_bus_message_append(m, "su", job.c_str(), static_cast<std::uint32_t>(limit));
    });
    if (!reply) return reply.error();
    sd_bus_message* m = reply.value().get();
    int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, kRunStruct);
    if (r < 0) return malformed("ListRuns", r);
    std::vector<RunInfo> runs;
    for (;;) {
        RunInfo run;
        r = readRun(m, run);
        if (r < 0) return malformed("ListRuns", r);
        if (r == 0) break;
        runs.push_back(std::move(run));
    }
    return runs;
}

ClientResult<RunInfo> BusClient::getRun(const std::string& runId) {
    auto reply =
        impl_->callManager("GetRun", [&](sd_bus_message* m) { return sd_bus_message_append(m, "s", runId.c_str()); });
    if (!reply) return reply.error();
    RunInfo run;
    if (int r = readRun(reply.value().get(), run); r <= 0) return malformed("GetRun", r < 0 ? r : -EBADMSG);
    return run;
}

ClientResult<Done> BusClient::watchRuns(const std::string& job) {
    if (auto e = impl_->subscribe(/*argIndex=*/1, job)) return *e;
    impl_->watching = true;
    return Done{};
}

ClientResult<RunStart> BusClient::runJob(const std::string& name) {
    auto reply = impl_->callManager("RunJob", [&](sd_bus_message* m) { return sd_bus_message_append(m, "s", name.c_str()); });
    if (!reply) return reply.error();
    const char *runId = nullptr, *outcome = nullptr;
    if (int r = sd_bus_message_read(reply.value().get(), "ss", &runId, &outcome); r < 0) return malformed("RunJob", r);
    // The reply was read before any signal was dispatched (sd_bus_call queues them), so keeping
    // the run's signals from here on misses none.
    if (impl_->watching) impl_->awaited.try_emplace(runId);
    return RunStart{runId, outcome};
}

ClientResult<RunJobsAnswer> BusClient::runJobs(const std::vector<std::string>& names, bool respectSchedule) {
    auto reply = impl_->callManager("RunJobs", [&](sd_bus_message* m) {
        int r = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "s");
        for (std::size_t i = 0; r >= 0 && i < names.size(); ++i) r = sd_bus_message_append(m, "s", names[i].c_str());
        if (r >= 0) r = sd_bus_message_close_container(m);
        return r < 0 ? r : sd_bus_message_append(m, "b", static_cast<int>(respectSchedule));
    });
    if (!reply) return reply.error();
    sd_bus_message* m = reply.value().get();
    std::uint64_t minute = 0;
    int r = sd_bus_message_read(m, "t", &minute);
    if (r >= 0) r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "(ssss)");
    if (r < 0) return malformed("RunJobs", r);
    RunJobsAnswer answer;
    answer.minute = secondsFromUsec(minute);
    for (;;) {
        const char *job = nullptr, *runId = nullptr, *outcome = nullptr, *reason = nullptr;
        r = sd_bus_message_read(m, "(ssss)", &job, &runId, &outcome, &reason);
        if (r < 0) return malformed("RunJobs", r);
        if (r == 0) break;
        answer.runs.push_back(JobRunRequest{job, runId, outcome, reason});
        if (impl_->watching && *runId) impl_->awaited.try_emplace(runId);
    }
    return answer;
}

ClientResult<Done> BusClient::cancelRun(const std::string& runId) {
    auto reply =
        impl_->callManager("CancelRun", [&](sd_bus_message* m) { return sd_bus_message_append(m, "s", runId.c_str()); });
    if (!reply) return reply.error();
    return Done{};
}

ClientResult<Done> BusClient::reload() {
    auto reply = impl_->callManager("Reload", kNoArguments);
    if (!reply) return reply.error();
    return Done{};
}

ClientResult<RunEnd> BusClient::waitForRun(const std::string& runId,
                                           const std::function<void(const ScriptResult&)>& onScriptFinished) {
    Impl& s = *impl_;
    s.awaited.try_emplace(runId);
    struct Forget {
        Impl& s;
        const std::string& runId;
        ~Forget() { s.awaited.erase(runId); }
    } forget{s, runId};
    // Hands over what arrived (each script once: GetRun and the signals may both report one)
    // and returns the end once known.
    std::set<unsigned> reported;
    auto deliver = [&]() -> std::optional<RunEnd> {
        Impl::Progress& progress = s.awaited[runId];
        for (const ScriptResult& script : progress.scripts)
            if (reported.insert(script.index).second && onScriptFinished) onScriptFinished(script);
        progress.scripts.clear();
        return progress.end;
    };

    // Without watchRuns before RunJob, subscribe now (to this run) and ask GetRun once, in case
    // the run ended before the subscription existed.
    const bool subscribedLate = !s.watching;
    if (subscribedLate)
        if (auto e = s.subscribe(/*argIndex=*/0, runId)) return *e;
    s.drain();
    if (subscribedLate && !s.awaited[runId].end && !s.lost) {
        auto run = getRun(runId);
        if (run && !run.value().result.empty() && run.value().result != "running") {
            Impl::Progress& progress = s.awaited[runId];
            for (const ScriptResult& script : run.value().scripts) progress.scripts.push_back(script);
            Millis duration{0};
            if (run.value().startedAt && run.value().endedAt) duration = *run.value().endedAt - *run.value().startedAt;
            progress.end = RunEnd{runId, run.value().result, duration};
        } else if (!run && run.error().kind != ClientError::Kind::Daemon) {
            return run.error();
        }
        // Otherwise it is still running, or queued (not visible to GetRun yet): wait for signals.
    }
    for (;;) {
        if (auto end = deliver()) return *end;
        if (s.lost) return *s.lost;
        if (!s.drain()) continue;  // `lost` is set: the next round says so
        // What drain() dispatched may have ended the wait (the run's end, or chiefd leaving
        // the bus): look before sleeping, or the wait would never end.
        if (s.awaited[runId].end || s.lost) continue;
        const int r = sd_bus_wait(s.bus, UINT64_MAX);
        if (r < 0 && r != -EINTR)
            s.lost = ClientError{ClientError::Kind::Lost, "",
                                 "lost the connection to " + s.target.describe() + " while waiting (" + errnoText(r) + ")"};
    }
}

}  // namespace chief::ctl
