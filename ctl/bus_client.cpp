#include "bus_client.h"

#include <cerrno>
#include <set>

#include "bus_call_error.h"
#include "bus_connection.h"
#include "chief/bus_api.h"
#include "chief/dbus/codec.h"
#include "run_watch.h"

namespace chief::ctl {

using dbus::SdBusMessagePtr;

namespace {

constexpr const char* kPropertiesInterface = "org.freedesktop.DBus.Properties";

ClientError malformed(const char* what, int r) {
    return ClientError{ClientError::Kind::Daemon, "",
                       std::string("chiefd's answer to ") + what + " is not what chiefctl expects (" + errnoText(r) +
                           "); are chiefd and chiefctl the same version?"};
}

int noArguments(sd_bus_message*) { return 0; }

}  // namespace

// The connection, the runs followed on it, and the contract's calls over it.
struct BusClient::Impl {
    BusConnection connection;
    RunWatch runs{connection};
    bool watching = false;  // watchRuns was called: runs accepted from now on are followed

    explicit Impl(BusTarget target) : connection(std::move(target)) {}

    ClientResult<SdBusMessagePtr> callManager(const char* member, const BusConnection::AppendArguments& append) {
        return connection.call({bus::kServiceName, bus::kManagerPath, bus::kManagerInterface, member}, append);
    }

    // GetAll of `interface` on `path`, decoded by `read`.
    template <typename Value>
    ClientResult<Value> getAll(const char* path, const char* interface, int (*read)(sd_bus_message*, Value&)) {
        auto reply = connection.call({bus::kServiceName, path, kPropertiesInterface, "GetAll"},
                                     [&](sd_bus_message* m) { return sd_bus_message_append(m, "s", interface); });
        if (!reply) return reply.error();
        Value value;
        if (int r = read(reply.value().get(), value); r < 0) return malformed("GetAll", r);
        return value;
    }

    // A reply of one string (a JSON document or a crontab).
    ClientResult<std::string> callForString(const char* member, const BusConnection::AppendArguments& append) {
        auto reply = callManager(member, append);
        if (!reply) return reply.error();
        const char* text = nullptr;
        if (int r = sd_bus_message_read(reply.value().get(), "s", &text); r < 0) return malformed(member, r);
        return std::string(text);
    }
};

BusClient::BusClient(BusTarget target) : impl_(std::make_unique<Impl>(std::move(target))) {}
BusClient::~BusClient() = default;

// ---- calls ---------------------------------------------------------------------------------

ClientResult<bool> BusClient::chiefdOnBus() {
    auto reply = impl_->connection.call(
        {"org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner"},
        [](sd_bus_message* m) { return sd_bus_message_append(m, "s", bus::kServiceName); });
    if (!reply) return reply.error();
    int has = 0;
    if (sd_bus_message_read(reply.value().get(), "b", &has) < 0) return false;
    return has != 0;
}

ClientResult<bus::ManagerState> BusClient::managerProperties() {
    return impl_->getAll(bus::kManagerPath, bus::kManagerInterface, &dbus::readManagerProperties);
}

ClientResult<std::vector<bus::JobSummary>> BusClient::listJobs() {
    auto reply = impl_->callManager("ListJobs", noArguments);
    if (!reply) return reply.error();
    sd_bus_message* m = reply.value().get();
    int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, dbus::kJobEntrySignature);
    if (r < 0) return malformed("ListJobs", r);
    std::vector<bus::JobSummary> jobs;
    for (;;) {
        bus::JobSummary job;
        r = dbus::readJobEntry(m, job);
        if (r < 0) return malformed("ListJobs", r);
        if (r == 0) break;
        jobs.push_back(std::move(job));
    }
    return jobs;
}

ClientResult<bus::JobSummary> BusClient::getJobProperties(const std::string& name) {
    auto reply = impl_->callManager("GetJob", [&](sd_bus_message* m) { return sd_bus_message_append(m, "s", name.c_str()); });
    if (!reply) return reply.error();
    const char* path = nullptr;
    if (int r = sd_bus_message_read(reply.value().get(), "o", &path); r < 0) return malformed("GetJob", r);
    const std::string objectPath = path;
    auto job = impl_->getAll(objectPath.c_str(), bus::kJobInterface, &dbus::readJobProperties);
    if (job && job.value().name.empty()) job.value().name = name;
    return job;
}

ClientResult<Done> BusClient::previewJobs(const std::string& job, unsigned count, std::optional<SysSeconds> from,
                                          PreviewSink& sink) {
    const std::uint64_t fromUsec = dbus::toUsec(from);  // 0: chiefd's now
    const auto document = impl_->callForString("PreviewJobs", [&](sd_bus_message* m) {
        return sd_bus_message_append(m, "sut", job.c_str(), static_cast<std::uint32_t>(count), fromUsec);
    });
    if (!document) return document.error();
    const auto parsed = nlohmann::json::parse(document.value(), nullptr, /*allow_exceptions=*/false);
    const auto jobs = parsed.is_object() ? parsed.find("jobs") : parsed.end();
    if (parsed.is_discarded() || !parsed.is_object() || jobs == parsed.end() || !jobs->is_array())
        return malformed("PreviewJobs", -EBADMSG);
    auto text = [&parsed](const char* key) {
        const auto it = parsed.find(key);
        return it != parsed.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    sink.begin(text("config"), text("from"));
    for (const nlohmann::json& entry : *jobs) sink.job(entry);
    sink.end();
    return Done{};
}

ClientResult<std::string> BusClient::exportCron(const std::string& job) {
    return impl_->callForString("ExportCron", [&](sd_bus_message* m) { return sd_bus_message_append(m, "s", job.c_str()); });
}

ClientResult<std::string> BusClient::exportCrontab(const std::string& job, const std::string& flavor) {
    return impl_->callForString("ExportCrontab", [&](sd_bus_message* m) {
        return sd_bus_message_append(m, "ss", job.c_str(), flavor.c_str());
    });
}

// Environment values may be secrets: they never go over the bus, so chiefd has no argument for
// them and the request is refused here, before anything is sent.
namespace {
ClientError environmentStaysOffline() {
    return ClientError{ClientError::Kind::Daemon, bus::kInvalidArgument.name,
                       "--include-environment works offline only: environment values may be secrets and are never sent "
                       "over D-Bus; use --config PATH to read them from the config file"};
}
}  // namespace

ClientResult<std::string> BusClient::exportSystemd(const std::string& job, const std::string& runner,
                                                  bool includeEnvironment) {
    if (includeEnvironment) return environmentStaysOffline();
    return impl_->callForString("ExportSystemd", [&](sd_bus_message* m) {
        return sd_bus_message_append(m, "ss", job.c_str(), runner.c_str());
    });
}

ClientResult<std::string> BusClient::exportKubernetes(const std::string& job, const std::string& image,
                                                     const std::string& namespaceName, bool includeEnvironment) {
    if (includeEnvironment) return environmentStaysOffline();
    return impl_->callForString("ExportKubernetes", [&](sd_bus_message* m) {
        return sd_bus_message_append(m, "sss", job.c_str(), image.c_str(), namespaceName.c_str());
    });
}

ClientResult<std::vector<bus::RunEntry>> BusClient::listRuns(const std::string& job, unsigned limit) {
    auto reply = impl_->callManager("ListRuns", [&](sd_bus_message* m) {
        return sd_bus_message_append(m, "su", job.c_str(), static_cast<std::uint32_t>(limit));
    });
    if (!reply) return reply.error();
    sd_bus_message* m = reply.value().get();
    int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, dbus::kRunEntrySignature);
    if (r < 0) return malformed("ListRuns", r);
    std::vector<bus::RunEntry> runs;
    for (;;) {
        bus::RunEntry run;
        r = dbus::readRunEntry(m, run);
        if (r < 0) return malformed("ListRuns", r);
        if (r == 0) break;
        runs.push_back(std::move(run));
    }
    return runs;
}

ClientResult<bus::RunEntry> BusClient::getRun(const std::string& runId) {
    auto reply =
        impl_->callManager("GetRun", [&](sd_bus_message* m) { return sd_bus_message_append(m, "s", runId.c_str()); });
    if (!reply) return reply.error();
    bus::RunEntry run;
    if (int r = dbus::readRunEntry(reply.value().get(), run); r <= 0) return malformed("GetRun", r < 0 ? r : -EBADMSG);
    return run;
}

ClientResult<Done> BusClient::watchRuns(const std::string& job) {
    if (auto e = impl_->runs.subscribe(/*argIndex=*/1, job)) return *e;
    impl_->watching = true;
    return Done{};
}

ClientResult<bus::RunAccepted> BusClient::runJob(const std::string& name) { return startRun("RunJob", name); }

ClientResult<bus::RunAccepted> BusClient::runJobForced(const std::string& name) { return startRun("RunJobForced", name); }

ClientResult<bool> BusClient::pauseJob(const std::string& name) { return changeJob("PauseJob", name); }

ClientResult<bool> BusClient::resumeJob(const std::string& name) { return changeJob("ResumeJob", name); }

ClientResult<bool> BusClient::changeJob(const char* method, const std::string& name) {
    auto reply = impl_->callManager(method, [&](sd_bus_message* m) { return sd_bus_message_append(m, "s", name.c_str()); });
    if (!reply) return reply.error();
    int changed = 0;
    if (int r = sd_bus_message_read(reply.value().get(), "b", &changed); r < 0) return malformed(method, r);
    return changed != 0;
}

ClientResult<bus::RunAccepted> BusClient::startRun(const char* method, const std::string& name) {
    auto reply = impl_->callManager(method, [&](sd_bus_message* m) { return sd_bus_message_append(m, "s", name.c_str()); });
    if (!reply) return reply.error();
    bus::RunAccepted accepted;
    if (int r = dbus::readRunAccepted(reply.value().get(), accepted); r < 0) return malformed(method, r);
    // The reply was read before any signal was dispatched (sd_bus_call queues them), so keeping
    // the run's signals from here on misses none.
    if (impl_->watching) impl_->runs.expect(accepted.runId);
    return accepted;
}

ClientResult<bus::RunJobsOutcome> BusClient::runJobs(const std::vector<std::string>& names, bool respectSchedule) {
    auto reply = impl_->callManager("RunJobs", [&](sd_bus_message* m) {
        int r = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "s");
        for (std::size_t i = 0; r >= 0 && i < names.size(); ++i) r = sd_bus_message_append(m, "s", names[i].c_str());
        if (r >= 0) r = sd_bus_message_close_container(m);
        return r < 0 ? r : sd_bus_message_append(m, "b", static_cast<int>(respectSchedule));
    });
    if (!reply) return reply.error();
    bus::RunJobsOutcome outcome;
    if (int r = dbus::readRunJobsOutcome(reply.value().get(), outcome); r < 0) return malformed("RunJobs", r);
    if (impl_->watching)
        for (const bus::JobRunOutcome& run : outcome.runs)
            if (!run.runId.empty()) impl_->runs.expect(run.runId);
    return outcome;
}

ClientResult<Done> BusClient::cancelRun(const std::string& runId) {
    auto reply =
        impl_->callManager("CancelRun", [&](sd_bus_message* m) { return sd_bus_message_append(m, "s", runId.c_str()); });
    if (!reply) return reply.error();
    return Done{};
}

ClientResult<std::vector<bus::ScriptOutput>> BusClient::runOutput(const std::string& runId) {
    auto reply =
        impl_->callManager("GetRunOutput", [&](sd_bus_message* m) { return sd_bus_message_append(m, "s", runId.c_str()); });
    if (!reply) return reply.error();
    sd_bus_message* m = reply.value().get();
    std::vector<bus::ScriptOutput> outputs;
    int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, dbus::kScriptOutputSignature);
    std::uint32_t index = 0;
    const char *error = nullptr, *tail = nullptr;
    while (r >= 0 && (r = sd_bus_message_read(m, dbus::kScriptOutputSignature, &index, &error, &tail)) > 0)
        outputs.push_back(bus::ScriptOutput{index, error, tail});
    if (r < 0) return malformed("GetRunOutput", r);
    return outputs;
}

ClientResult<std::vector<std::string>> BusClient::cancelJob(const std::string& job) {
    auto reply =
        impl_->callManager("CancelJob", [&](sd_bus_message* m) { return sd_bus_message_append(m, "s", job.c_str()); });
    if (!reply) return reply.error();
    std::vector<std::string> ids;
    int r = sd_bus_message_enter_container(reply.value().get(), SD_BUS_TYPE_ARRAY, "s");
    const char* id = nullptr;
    while (r >= 0 && (r = sd_bus_message_read(reply.value().get(), "s", &id)) > 0) ids.emplace_back(id);
    if (r < 0) return malformed("CancelJob", r);
    return ids;
}

ClientResult<Done> BusClient::reload() {
    auto reply = impl_->callManager("Reload", noArguments);
    if (!reply) return reply.error();
    return Done{};
}

ClientResult<bus::RunEnd> BusClient::waitForRun(const std::string& runId,
                                                const std::function<void(const bus::ScriptEntry&)>& onScriptFinished) {
    RunWatch& runs = impl_->runs;
    runs.expect(runId);
    struct Forget {
        RunWatch& runs;
        const std::string& runId;
        ~Forget() { runs.forget(runId); }
    } forget{runs, runId};
    // Hands over what arrived (each script once: GetRun and the signals may both report one)
    // and returns the end once known.
    std::set<unsigned> reported;
    auto deliver = [&]() -> std::optional<bus::RunEnd> {
        RunWatch::Progress& progress = runs.progress(runId);
        for (const bus::ScriptEntry& script : progress.scripts)
            if (reported.insert(script.index).second && onScriptFinished) onScriptFinished(script);
        progress.scripts.clear();
        return progress.end;
    };

    // Without watchRuns before RunJob, subscribe now (to this run) and ask GetRun once, in case
    // the run ended before the subscription existed.
    const bool subscribedLate = !impl_->watching;
    if (subscribedLate)
        if (auto e = runs.subscribe(/*argIndex=*/0, runId)) return *e;
    runs.drain();
    if (subscribedLate && !runs.progress(runId).end && !runs.lost()) {
        auto run = getRun(runId);
        if (run && !run.value().result.empty() && run.value().result != bus::kRunning) {
            const bus::RunEntry& ended = run.value();
            RunWatch::Progress& progress = runs.progress(runId);
            for (const bus::ScriptEntry& script : ended.scripts) progress.scripts.push_back(script);
            Millis duration{0};
            if (ended.startedAt && ended.endedAt) duration = *ended.endedAt - *ended.startedAt;
            progress.end = bus::RunEnd{runId, ended.job, ended.result, duration};
        } else if (!run && run.error().kind != ClientError::Kind::Daemon) {
            return run.error();
        }
        // Otherwise it is still running, or queued (not visible to GetRun yet): wait for signals.
    }
    for (;;) {
        if (auto end = deliver()) return *end;
        if (runs.lost()) return *runs.lost();
        if (!runs.drain()) continue;  // `lost` is set: the next round says so
        // What drain() dispatched may have ended the wait (the run's end, or chiefd leaving
        // the bus): look before sleeping, or the wait would never end.
        if (runs.progress(runId).end || runs.lost()) continue;
        runs.wait();
    }
}

}  // namespace chief::ctl
