#include "bus/chief_bus_service.h"

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "chief/bus_api.h"
#include "chief/dbus/codec.h"

namespace chief::daemon {

using namespace chief::dbus;

namespace {

// Who the caller is, for the calls that change state. dbus-daemon vouches for the effective
// uid but sends no groups (sd-bus 252 reads none), so AUGMENT has sd-bus read the gids from
// /proc/<pid>; callerFromCreds keeps them only if the uid read there too is the caller's.
constexpr std::uint64_t kCallerCreds =
    SD_BUS_CREDS_EUID | SD_BUS_CREDS_UID | SD_BUS_CREDS_GID | SD_BUS_CREDS_SUPPLEMENTARY_GIDS | SD_BUS_CREDS_AUGMENT;

int invalidArgument(sd_bus_error* error, const std::string& message) {
    return setControlError(error, ControlError{bus::kInvalidArgument, message});
}

ChiefBusService& serviceOf(void* userdata) { return *static_cast<ChiefBusService*>(userdata); }
ControlApi& controlOf(void* userdata) { return serviceOf(userdata).control(); }

// Refuses a reply that would not fit in one bus message (see bus::kMaxReplyBytes).
int replyTooLarge(sd_bus_error* error, std::size_t bytes, const std::string& advice) {
    return invalidArgument(error, "the reply would take about " + std::to_string((bytes + (1 << 20) - 1) >> 20) +
                                      " MiB, more than the " + std::to_string(bus::kMaxReplyBytes >> 20) +
                                      " MiB chiefd sends in one reply; " + advice);
}

Caller callerOf(sd_bus_message* call) {
    sd_bus_creds* raw = nullptr;
    if (sd_bus_query_sender_creds(call, kCallerCreds, &raw) < 0) return Caller{};  // refused by ControlApi
    const SdBusCredsPtr creds(raw);
    return callerFromCreds(raw);
}

// Reads the call's arguments; a mismatch is the caller's mistake.
template <typename... Out>
int readArguments(sd_bus_message* call, sd_bus_error* error, const char* types, Out*... out) {
    const int r = sd_bus_message_read(call, types, out...);
    if (r < 0)
        return invalidArgument(error, std::string("cannot read the arguments (") + types + "): " + std::strerror(-r));
    return 0;
}

// Builds the method return with `fill` and sends it.
template <typename Fill>
int reply(sd_bus_message* call, Fill&& fill) {
    sd_bus_message* raw = nullptr;
    int r = sd_bus_message_new_method_return(call, &raw);
    if (r < 0) return r;
    const SdBusMessagePtr message(raw);
    r = fill(raw);
    if (r < 0) return r;
    return sd_bus_send(nullptr, raw, nullptr);
}

int replyString(sd_bus_message* call, const std::string& text) {
    return sd_bus_reply_method_return(call, "s", busText(text).c_str());
}

// ---- Manager methods ---------------------------------------------------------------------

int methodListJobs(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    const std::vector<bus::JobSummary> jobs = controlOf(userdata).listJobs();
    std::size_t bytes = 0;
    for (const bus::JobSummary& job : jobs) bytes += wireSize(job);
    if (bytes > bus::kMaxReplyBytes) return replyTooLarge(error, bytes, "read the jobs one at a time (GetJob)");
    return reply(call, [&](sd_bus_message* m) {
        int r = sd_bus_message_open_container(m, 'a', kJobEntrySignature);
        for (std::size_t i = 0; r >= 0 && i < jobs.size(); ++i) r = appendJobEntry(m, jobs[i]);
        return r < 0 ? r : sd_bus_message_close_container(m);
    });
}

int methodGetJob(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    const char* name = nullptr;
    if (int r = readArguments(call, error, "s", &name); r < 0) return r;
    if (!controlOf(userdata).job(name))
        return setControlError(error, ControlError{bus::kNoSuchJob, std::string("no job named \"") + name + "\""});
    return sd_bus_reply_method_return(call, "o", jobObjectPath(name).c_str());
}

int methodPreviewJobs(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    const char* job = nullptr;
    std::uint32_t count = 0;
    std::uint64_t fromUsec = 0;
    if (int r = readArguments(call, error, "sut", &job, &count, &fromUsec); r < 0) return r;
    const auto from = timeArgument(fromUsec, "from_usec");
    if (!from) return setControlError(error, from.failure());
    auto preview = controlOf(userdata).previewJobs(job, count, from.value());
    if (!preview) return setControlError(error, preview.failure());
    return serviceOf(userdata).replyInBackground(call, std::move(preview).value(), error);
}

int runJobMethod(sd_bus_message* call, void* userdata, sd_bus_error* error, bool force) {
    const char* name = nullptr;
    if (int r = readArguments(call, error, "s", &name); r < 0) return r;
    const auto accepted = controlOf(userdata).runJob(callerOf(call), name, force);
    if (!accepted) return setControlError(error, accepted.failure());
    return reply(call, [&](sd_bus_message* m) { return appendRunAccepted(m, accepted.value()); });
}

int methodRunJob(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    return runJobMethod(call, userdata, error, false);
}

int methodRunJobForced(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    return runJobMethod(call, userdata, error, true);
}

int pauseOrResumeMethod(sd_bus_message* call, void* userdata, sd_bus_error* error, bool pause) {
    const char* name = nullptr;
    if (int r = readArguments(call, error, "s", &name); r < 0) return r;
    ControlApi& control = controlOf(userdata);
    const auto changed = pause ? control.pauseJob(callerOf(call), name) : control.resumeJob(callerOf(call), name);
    if (!changed) return setControlError(error, changed.failure());
    return sd_bus_reply_method_return(call, "b", static_cast<int>(changed.value()));
}

int methodPauseJob(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    return pauseOrResumeMethod(call, userdata, error, true);
}

int methodResumeJob(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    return pauseOrResumeMethod(call, userdata, error, false);
}

int methodRunJobs(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    char** raw = nullptr;
    int r = sd_bus_message_read_strv(call, &raw);
    const SdBusStrvPtr names(raw);
    if (r < 0) return invalidArgument(error, std::string("cannot read the job names (as): ") + std::strerror(-r));
    int respectSchedule = 0;
    if (r = readArguments(call, error, "b", &respectSchedule); r < 0) return r;
    std::vector<std::string> selected;
    for (char** name = raw; name && *name; ++name) selected.emplace_back(*name);
    const auto outcome = controlOf(userdata).runJobs(callerOf(call), selected, respectSchedule != 0);
    if (!outcome) return setControlError(error, outcome.failure());
    return reply(call, [&](sd_bus_message* m) { return appendRunJobsOutcome(m, outcome.value()); });
}

int methodCancelRun(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    const char* runId = nullptr;
    if (int r = readArguments(call, error, "s", &runId); r < 0) return r;
    const auto done = controlOf(userdata).cancelRun(callerOf(call), runId);
    if (!done) return setControlError(error, done.failure());
    return sd_bus_reply_method_return(call, "");
}

int methodCancelJob(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    const char* job = nullptr;
    if (int r = readArguments(call, error, "s", &job); r < 0) return r;
    const auto cancelled = controlOf(userdata).cancelJob(callerOf(call), job);
    if (!cancelled) return setControlError(error, cancelled.failure());
    return reply(call, [&](sd_bus_message* m) {
        int r = sd_bus_message_open_container(m, 'a', "s");
        for (std::size_t i = 0; r >= 0 && i < cancelled.value().size(); ++i)
            r = sd_bus_message_append(m, "s", cancelled.value()[i].c_str());
        return r < 0 ? r : sd_bus_message_close_container(m);
    });
}

int methodReload(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    const auto done = controlOf(userdata).reload(callerOf(call));
    if (!done) return setControlError(error, done.failure());
    return sd_bus_reply_method_return(call, "");
}

int methodExportCron(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    const char* job = nullptr;
    if (int r = readArguments(call, error, "s", &job); r < 0) return r;
    const auto crontab = controlOf(userdata).exportCron(job);
    if (!crontab) return setControlError(error, crontab.failure());
    if (const std::size_t bytes = wireSize(crontab.value()); bytes > bus::kMaxReplyBytes)
        return replyTooLarge(error, bytes, "export one job at a time");
    return replyString(call, crontab.value());
}

int methodExportCrontab(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    const char* job = nullptr;
    const char* flavor = nullptr;
    if (int r = readArguments(call, error, "ss", &job, &flavor); r < 0) return r;
    const auto document = controlOf(userdata).exportCrontab(job, flavor);
    if (!document) return setControlError(error, document.failure());
    if (const std::size_t bytes = wireSize(document.value()); bytes > bus::kMaxReplyBytes)
        return replyTooLarge(error, bytes, "export one job at a time");
    return replyString(call, document.value());
}

int methodExportSystemd(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    const char* job = nullptr;
    const char* runner = nullptr;
    if (int r = readArguments(call, error, "ss", &job, &runner); r < 0) return r;
    const auto document = controlOf(userdata).exportSystemd(job, runner);
    if (!document) return setControlError(error, document.failure());
    if (const std::size_t bytes = wireSize(document.value()); bytes > bus::kMaxReplyBytes)
        return replyTooLarge(error, bytes, "export one job at a time");
    return replyString(call, document.value());
}

int methodExportKubernetes(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    const char* job = nullptr;
    const char* image = nullptr;
    const char* namespaceName = nullptr;
    if (int r = readArguments(call, error, "sss", &job, &image, &namespaceName); r < 0) return r;
    const auto document = controlOf(userdata).exportKubernetes(job, image, namespaceName);
    if (!document) return setControlError(error, document.failure());
    if (const std::size_t bytes = wireSize(document.value()); bytes > bus::kMaxReplyBytes)
        return replyTooLarge(error, bytes, "export one job at a time");
    return replyString(call, document.value());
}

int methodListRuns(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    const char* job = nullptr;
    std::uint32_t limit = 0;
    if (int r = readArguments(call, error, "su", &job, &limit); r < 0) return r;
    const auto runs = controlOf(userdata).listRuns(job, limit);
    if (!runs) return setControlError(error, runs.failure());
    std::size_t bytes = 0;
    for (const bus::RunEntry& run : runs.value()) bytes += wireSize(run);
    if (bytes > bus::kMaxReplyBytes) return replyTooLarge(error, bytes, "ask for fewer runs (limit) or one job");
    return reply(call, [&](sd_bus_message* m) {
        int r = sd_bus_message_open_container(m, 'a', kRunEntrySignature);
        for (const bus::RunEntry& run : runs.value())
            if (r >= 0) r = appendRunEntry(m, run);
        return r < 0 ? r : sd_bus_message_close_container(m);
    });
}

int methodGetRunOutput(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    const char* runId = nullptr;
    if (int r = readArguments(call, error, "s", &runId); r < 0) return r;
    const auto outputs = controlOf(userdata).runOutput(callerOf(call), runId);
    if (!outputs) return setControlError(error, outputs.failure());
    return reply(call, [&](sd_bus_message* m) {
        int r = sd_bus_message_open_container(m, 'a', kScriptOutputSignature);
        for (std::size_t i = 0; r >= 0 && i < outputs.value().size(); ++i) {
            const bus::ScriptOutput& o = outputs.value()[i];
            r = sd_bus_message_append(m, kScriptOutputSignature, static_cast<std::uint32_t>(o.index), busText(o.error).c_str(),
                                      busText(o.tail).c_str());
        }
        return r < 0 ? r : sd_bus_message_close_container(m);
    });
}

int methodGetRun(sd_bus_message* call, void* userdata, sd_bus_error* error) {
    const char* runId = nullptr;
    if (int r = readArguments(call, error, "s", &runId); r < 0) return r;
    const auto run = controlOf(userdata).getRun(runId);
    if (!run) return setControlError(error, run.failure());
    return reply(call, [&](sd_bus_message* m) { return appendRunEntry(m, run.value()); });
}

// ---- properties ----------------------------------------------------------------------------

int getManagerProperty(sd_bus*, const char*, const char*, const char* property, sd_bus_message* reply, void* userdata,
                       sd_bus_error*) {
    return appendManagerProperty(reply, controlOf(userdata).manager(), property);
}

int getJobProperty(sd_bus*, const char* path, const char*, const char* property, sd_bus_message* reply, void* userdata,
                   sd_bus_error* error) {
    const auto name = jobNameFromPath(path);
    const auto job = name ? controlOf(userdata).job(*name) : std::nullopt;
    if (!job) return setControlError(error, ControlError{bus::kNoSuchJob, std::string("no job object at ") + path});
    return appendJobProperty(reply, *job, property);
}

// The fallback vtable's lookup: a path under the prefix is an object when its job exists.
int findJob(sd_bus*, const char* path, const char*, void* userdata, void** found, sd_bus_error*) {
    const auto name = jobNameFromPath(path);
    if (!name || !controlOf(userdata).job(*name)) return 0;
    *found = userdata;
    return 1;
}

// Lists the job objects (for Introspect on the prefix); the strv is freed by sd-bus.
int enumerateJobs(sd_bus*, const char*, void* userdata, char*** nodes, sd_bus_error*) {
    const std::vector<bus::JobSummary> jobs = controlOf(userdata).listJobs();
    auto** strv = static_cast<char**>(std::calloc(jobs.size() + 1, sizeof(char*)));
    if (!strv) return -ENOMEM;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        strv[i] = ::strdup(jobObjectPath(jobs[i].name).c_str());
        if (!strv[i]) {
            for (std::size_t j = 0; j < i; ++j) std::free(strv[j]);
            std::free(static_cast<void*>(strv));
            return -ENOMEM;
        }
    }
    *nodes = strv;
    return 0;
}

constexpr std::uint64_t kMethod = SD_BUS_VTABLE_UNPRIVILEGED;  // ControlApi checks the caller itself
constexpr std::uint64_t kConst = SD_BUS_VTABLE_PROPERTY_CONST;
constexpr std::uint64_t kEmits = SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE;
constexpr std::uint64_t kOnReload = 0;  // changes only with a reload: re-read after Reloaded
constexpr std::uint64_t kPolled = 0;    // changes all the time (telemetry counters): read when needed

// The whole Manager interface, as in units/dbus/org.chief.Scheduler1.xml.
const sd_bus_vtable kManagerVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_ARGS("ListJobs", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(ssbssststubo)", jobs), methodListJobs,
                            kMethod),
    SD_BUS_METHOD_WITH_ARGS("GetJob", SD_BUS_ARGS("s", name), SD_BUS_RESULT("o", path), methodGetJob, kMethod),
    SD_BUS_METHOD_WITH_ARGS("PreviewJobs", SD_BUS_ARGS("s", job, "u", count, "t", from_usec),
                            SD_BUS_RESULT("s", preview_json), methodPreviewJobs, kMethod),
    SD_BUS_METHOD_WITH_ARGS("RunJob", SD_BUS_ARGS("s", name), SD_BUS_RESULT("s", run_id, "s", outcome), methodRunJob,
                            kMethod),
    SD_BUS_METHOD_WITH_ARGS("RunJobs", SD_BUS_ARGS("as", names, "b", respect_schedule),
                            SD_BUS_RESULT("t", minute_usec, "a(ssss)", runs), methodRunJobs, kMethod),
    SD_BUS_METHOD_WITH_ARGS("CancelRun", SD_BUS_ARGS("s", run_id), SD_BUS_NO_RESULT, methodCancelRun, kMethod),
    SD_BUS_METHOD_WITH_ARGS("CancelJob", SD_BUS_ARGS("s", job), SD_BUS_RESULT("as", run_ids), methodCancelJob, kMethod),
    SD_BUS_METHOD_WITH_ARGS("RunJobForced", SD_BUS_ARGS("s", name), SD_BUS_RESULT("s", run_id, "s", outcome),
                            methodRunJobForced, kMethod),
    SD_BUS_METHOD_WITH_ARGS("PauseJob", SD_BUS_ARGS("s", name), SD_BUS_RESULT("b", changed), methodPauseJob, kMethod),
    SD_BUS_METHOD_WITH_ARGS("ResumeJob", SD_BUS_ARGS("s", name), SD_BUS_RESULT("b", changed), methodResumeJob, kMethod),
    SD_BUS_METHOD_WITH_ARGS("Reload", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, methodReload, kMethod),
    SD_BUS_METHOD_WITH_ARGS("ExportCron", SD_BUS_ARGS("s", job), SD_BUS_RESULT("s", crontab), methodExportCron,
                            kMethod),
    SD_BUS_METHOD_WITH_ARGS("ExportCrontab", SD_BUS_ARGS("s", job, "s", cron_flavor), SD_BUS_RESULT("s", export_json),
                            methodExportCrontab, kMethod),
    SD_BUS_METHOD_WITH_ARGS("ExportSystemd", SD_BUS_ARGS("s", job, "s", runner), SD_BUS_RESULT("s", export_json),
                            methodExportSystemd, kMethod),
    SD_BUS_METHOD_WITH_ARGS("ExportKubernetes", SD_BUS_ARGS("s", job, "s", image, "s", namespace),
                            SD_BUS_RESULT("s", export_json), methodExportKubernetes, kMethod),
    SD_BUS_METHOD_WITH_ARGS("ListRuns", SD_BUS_ARGS("s", job, "u", limit), SD_BUS_RESULT("a(ssstttsa(ssiit))", runs),
                            methodListRuns, kMethod),
    SD_BUS_METHOD_WITH_ARGS("GetRunOutput", SD_BUS_ARGS("s", run_id), SD_BUS_RESULT("a(uss)", scripts),
                            methodGetRunOutput, kMethod),
    SD_BUS_METHOD_WITH_ARGS("GetRun", SD_BUS_ARGS("s", run_id), SD_BUS_RESULT("(ssstttsa(ssiit))", run), methodGetRun,
                            kMethod),
    SD_BUS_SIGNAL_WITH_ARGS("RunStarted", SD_BUS_ARGS("s", run_id, "s", job, "s", trigger, "t", scheduled_usec), 0),
    SD_BUS_SIGNAL_WITH_ARGS("ScriptFinished",
                            SD_BUS_ARGS("s", run_id, "s", job, "u", index, "s", path, "s", status, "i", exit_code, "i",
                                        signal, "t", duration_usec),
                            0),
    SD_BUS_SIGNAL_WITH_ARGS("RunFinished", SD_BUS_ARGS("s", run_id, "s", job, "s", result, "t", duration_usec), 0),
    SD_BUS_SIGNAL_WITH_ARGS("Reloaded", SD_BUS_ARGS("u", jobs), 0),
    SD_BUS_PROPERTY("Version", "s", getManagerProperty, 0, kConst),
    SD_BUS_PROPERTY("ConfigPath", "s", getManagerProperty, 0, kEmits),
    SD_BUS_PROPERTY("JobCount", "u", getManagerProperty, 0, kEmits),
    SD_BUS_PROPERTY("RunningRuns", "u", getManagerProperty, 0, kEmits),
    SD_BUS_PROPERTY("NextRun", "t", getManagerProperty, 0, kEmits),
    SD_BUS_PROPERTY("TelemetryEnabled", "b", getManagerProperty, 0, kPolled),
    SD_BUS_PROPERTY("TelemetryConnected", "b", getManagerProperty, 0, kPolled),
    SD_BUS_PROPERTY("TelemetryPendingMemory", "t", getManagerProperty, 0, kPolled),
    SD_BUS_PROPERTY("TelemetryPendingSpool", "t", getManagerProperty, 0, kPolled),
    SD_BUS_PROPERTY("TelemetryDead", "t", getManagerProperty, 0, kPolled),
    SD_BUS_PROPERTY("TelemetryDropped", "t", getManagerProperty, 0, kPolled),
    SD_BUS_PROPERTY("TelemetryLastError", "s", getManagerProperty, 0, kPolled),
    SD_BUS_PROPERTY("PausedJobs", "as", getManagerProperty, 0, kEmits),
    SD_BUS_VTABLE_END,
};

// The Job interface, served for every job under bus::kJobPathPrefix.
const sd_bus_vtable kJobVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("Name", "s", getJobProperty, 0, kConst),
    SD_BUS_PROPERTY("Description", "s", getJobProperty, 0, kOnReload),
    SD_BUS_PROPERTY("Enabled", "b", getJobProperty, 0, kOnReload),
    SD_BUS_PROPERTY("Schedule", "s", getJobProperty, 0, kOnReload),
    SD_BUS_PROPERTY("Mode", "s", getJobProperty, 0, kOnReload),
    SD_BUS_PROPERTY("Cron", "s", getJobProperty, 0, kOnReload),
    SD_BUS_PROPERTY("Timezone", "s", getJobProperty, 0, kOnReload),
    SD_BUS_PROPERTY("NextRun", "t", getJobProperty, 0, kEmits),
    SD_BUS_PROPERTY("LastRunId", "s", getJobProperty, 0, kEmits),
    SD_BUS_PROPERTY("LastResult", "s", getJobProperty, 0, kEmits),
    SD_BUS_PROPERTY("LastRunFinished", "t", getJobProperty, 0, kEmits),
    SD_BUS_PROPERTY("RunningCount", "u", getJobProperty, 0, kEmits),
    SD_BUS_PROPERTY("PendingQueued", "b", getJobProperty, 0, kEmits),
    SD_BUS_PROPERTY("RunningRunIds", "as", getJobProperty, 0, kEmits),
    SD_BUS_PROPERTY("QueuedRunId", "s", getJobProperty, 0, kEmits),
    SD_BUS_PROPERTY("Paused", "b", getJobProperty, 0, kEmits),
    SD_BUS_VTABLE_END,
};

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

ChiefBusService::ChiefBusService(ControlApi& control, boost::asio::io_context& io)
    : control_(control), io_(io), flushTimer_(io) {}

ChiefBusService::~ChiefBusService() {
    worker_.join();  // its last post()s reach the loop, which is not run again; they do nothing
    detach();
}

int ChiefBusService::replyInBackground(sd_bus_message* call, ReplyTask task, sd_bus_error* error) {
    if (pendingReplies_.size() >= kMaxBackgroundReplies)
        return setControlError(error, ControlError{bus::kBusy, "chiefd is already building " +
                                                                   std::to_string(kMaxBackgroundReplies) +
                                                                   " previews; try again shortly"});
    const std::uint64_t id = nextReplyId_++;
    pendingReplies_.emplace(id, SdBusMessagePtr(sd_bus_message_ref(call)));
    boost::asio::post(worker_, [this, id, task = std::move(task)] {
        ControlResult<std::string> result = task();
        boost::asio::post(io_, [this, id, result = std::move(result)]() mutable {
            finishBackgroundReply(id, std::move(result));
        });
    });
    return 1;  // handled: the reply follows
}

void ChiefBusService::finishBackgroundReply(std::uint64_t id, ControlResult<std::string> result) {
    auto it = pendingReplies_.find(id);
    if (it == pendingReplies_.end()) return;  // the connection went away meanwhile
    const SdBusMessagePtr call = std::move(it->second);
    pendingReplies_.erase(it);
    if (!result) {
        SdBusError error;
        setControlError(error.get(), result.failure());
        sd_bus_reply_method_error(call.get(), error.get());
    } else {
        replyString(call.get(), result.value());
    }
    afterQueueing();
}

int ChiefBusService::attach(sd_bus* bus, std::function<void()> queued) {
    detach();
    auto add = [this](int r, sd_bus_slot* slot) {
        if (r >= 0) slots_.emplace_back(slot);
        return r;
    };
    sd_bus_slot* slot = nullptr;
    int r = add(sd_bus_add_object_vtable(bus, &slot, bus::kManagerPath, bus::kManagerInterface, kManagerVtable, this),
                slot);
    if (r >= 0)
        r = add(sd_bus_add_fallback_vtable(bus, &slot, bus::kJobPathPrefix, bus::kJobInterface, kJobVtable, findJob,
                                           this),
                slot);
    if (r >= 0) r = add(sd_bus_add_node_enumerator(bus, &slot, bus::kJobPathPrefix, enumerateJobs, this), slot);
    if (r < 0) {
        slots_.clear();
        return r;
    }
    bus_ = bus;
    queued_ = std::move(queued);
    publishedManager_ = control_.manager();
    return 0;
}

void ChiefBusService::detach() {
    flushTimer_.cancel();
    flushPending_ = false;
    slots_.clear();
    bus_ = nullptr;
    queued_ = nullptr;
    changedJobs_.clear();
    managerChanged_ = false;
    pendingReplies_.clear();  // their connection is going; results that arrive later are dropped
}

void ChiefBusService::subscribeTo(RunEventBus& events) {
    events.subscribe([this](const RunEvent& event) { onRunEvent(event); });
}

void ChiefBusService::onRunEvent(const RunEvent& event) {
    if (!bus_) return;
    std::visit(Overloaded{
                   [&](const TriggerSkipped& e) { markJobChanged(e.job); },  // a waiting run may have been dropped
                   [&](const TriggerQueued& e) { markJobChanged(e.job); },
                   [&](const TriggerMissed&) {},  // NextScheduled follows
                   [&](const MissedWhileStopped&) {},
                   [&](const RunStarted& e) {
                       emitSignal("RunStarted", bus::RunBegan{e.runId, e.job, triggerKindName(e.trigger), e.scheduledFor},
                                  appendRunStarted);
                       markJobChanged(e.job);
                       markManagerChanged();
                   },
                   [&](const ScriptStarted&) {},
                   [&](const ScriptFinished& e) {
                       const ScriptRecord& r = e.record;
                       bus::ScriptEntry script{static_cast<unsigned>(e.index), r.path, scriptStatusName(r.outcome.status),
                                               r.outcome.exitCode, r.outcome.signal, bus::Millis{0}};
                       if (r.startedAt && r.endedAt) script.duration = *r.endedAt - *r.startedAt;
                       emitSignal("ScriptFinished", bus::ScriptEnded{e.runId, e.job, std::move(script)}, appendScriptFinished);
                   },
                   [&](const RunFinished& e) {
                       const RunRecord& run = e.record;
                       emitSignal("RunFinished",
                                  bus::RunEnd{run.id, run.job, bus::runEntryOf(run).result, bus::Millis{run.durationMs()}},
                                  appendRunFinished);
                       markJobChanged(e.record.job);
                       markManagerChanged();
                   },
                   [&](const NextScheduled& e) {
                       markJobChanged(e.job);
                       markManagerChanged();
                   },
               },
               event);
}

void ChiefBusService::onReloaded(std::size_t jobs) {
    if (!bus_) return;
    sd_bus_emit_signal(bus_, bus::kManagerPath, bus::kManagerInterface, "Reloaded", "u",
                       static_cast<std::uint32_t>(jobs));
    afterQueueing();
    markManagerChanged();
}

template <typename Event>
void ChiefBusService::emitSignal(const char* member, const Event& event, int (*append)(sd_bus_message*, const Event&)) {
    sd_bus_message* raw = nullptr;
    if (sd_bus_message_new_signal(bus_, &raw, bus::kManagerPath, bus::kManagerInterface, member) < 0) return;
    const SdBusMessagePtr message(raw);
    // A failure here means the connection is going away; the driver reports that once.
    if (append(raw, event) >= 0) sd_bus_send(bus_, raw, nullptr);
    afterQueueing();
}

void ChiefBusService::markJobChanged(const std::string& job) {
    changedJobs_.insert(job);
    scheduleFlush();
}

void ChiefBusService::markManagerChanged() {
    managerChanged_ = true;
    scheduleFlush();
}

// PropertiesChanged goes out from a timer, never from inside the event: the daemon is not done
// reacting yet (the runner reports a run's end to the scheduler from a posted handler, so the
// counts are still the old ones). A timer's completion is queued only when the loop next polls,
// behind everything posted meanwhile; the short delay also makes a burst of events about one
// job a single signal.
void ChiefBusService::scheduleFlush() {
    if (flushPending_) return;
    flushPending_ = true;
    flushTimer_.expires_after(kPropertiesDelay);
    flushTimer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;  // cancelled: the service is detaching or gone
        flushPropertyChanges();
    });
}

void ChiefBusService::flushPropertyChanges() {
    flushPending_ = false;
    if (!bus_) return;
    if (managerChanged_) {
        managerChanged_ = false;
        bus::ManagerState now = control_.manager();
        std::vector<const char*> changed = changedManagerProperties(publishedManager_, now);
        publishedManager_ = std::move(now);
        if (!changed.empty()) {
            changed.push_back(nullptr);
            sd_bus_emit_properties_changed_strv(bus_, bus::kManagerPath, bus::kManagerInterface,
                                                const_cast<char**>(changed.data()));
        }
    }
    std::vector<const char*> jobProperties(std::begin(kJobChangingProperties), std::end(kJobChangingProperties));
    jobProperties.push_back(nullptr);
    for (const std::string& job : changedJobs_) {
        // -ENOENT when the job was removed by a reload meanwhile: nothing to tell.
        sd_bus_emit_properties_changed_strv(bus_, jobObjectPath(job).c_str(), bus::kJobInterface,
                                            const_cast<char**>(jobProperties.data()));
    }
    changedJobs_.clear();
    afterQueueing();
}

void ChiefBusService::afterQueueing() {
    if (queued_) queued_();
}

}  // namespace chief::daemon
