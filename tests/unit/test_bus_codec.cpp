// The D-Bus contract's codec (chief/dbus/codec.h): the wire shape of every value, and each value
// encoded then decoded back equal, on real sd_bus_messages of a bus that is never connected to a
// bus daemon (one end of a socket pair), so no dbus-daemon is needed.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>

#include "chief/bus_api.h"
#include "chief/dbus/codec.h"
#include "chief/dbus/sd_bus_ptr.h"

using namespace chief;
using namespace chief::bus;
using namespace chief::dbus;
using namespace std::chrono_literals;

namespace {

// Messages need a started bus; this one talks to nobody.
class OfflineBus {
public:
    OfflineBus() {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
        peer_ = fds[1];
        sd_bus* raw = nullptr;
        REQUIRE(sd_bus_new(&raw) >= 0);
        bus_.reset(raw);
        REQUIRE(sd_bus_set_fd(raw, fds[0], fds[0]) >= 0);
        REQUIRE(sd_bus_start(raw) >= 0);
    }
    ~OfflineBus() {
        // The peer goes first: the bus's flush on close waits for its (never answered)
        // authentication to finish, until the socket's other end is gone.
        ::close(peer_);
        bus_.reset();
    }

    SdBusMessagePtr methodCall() {
        sd_bus_message* m = nullptr;
        REQUIRE(sd_bus_message_new_method_call(bus_.get(), &m, bus::kServiceName, bus::kManagerPath,
                                               bus::kManagerInterface, "Test") >= 0);
        return SdBusMessagePtr(m);
    }
    SdBusMessagePtr signal(const char* member) {
        sd_bus_message* m = nullptr;
        REQUIRE(sd_bus_message_new_signal(bus_.get(), &m, bus::kManagerPath, bus::kManagerInterface, member) >= 0);
        return SdBusMessagePtr(m);
    }
    // Seals the message as if sent, and rewinds it for reading.
    void seal(sd_bus_message* m) {
        REQUIRE(sd_bus_message_seal(m, ++cookie_, 0) >= 0);
        REQUIRE(sd_bus_message_rewind(m, 1) >= 0);
    }

private:
    SdBusPtr bus_;
    int peer_ = -1;
    std::uint64_t cookie_ = 0;
};

SysMillis millis(std::int64_t ms) { return SysMillis{std::chrono::milliseconds{ms}}; }

std::string readText(sd_bus_message* m) {
    const char* s = nullptr;
    REQUIRE(sd_bus_message_read(m, "s", &s) > 0);
    return s;
}

}  // namespace

TEST_CASE("bus codec: job object paths escape any name and decode only direct children", "[bus]") {
    CHECK(jobObjectPath("hello") == "/org/chief/Scheduler1/job/hello");
    CHECK(jobObjectPath("db.backup-1@eu") == "/org/chief/Scheduler1/job/db_2ebackup_2d1_40eu");
    for (const std::string name : {"hello", "db.backup-1@eu", "a b/c", "_", "9"})
        CHECK(jobNameFromPath(jobObjectPath(name)) == name);
    CHECK_FALSE(jobNameFromPath("/org/chief/Scheduler1/job"));
    CHECK_FALSE(jobNameFromPath("/org/chief/Scheduler1/job/"));
    CHECK_FALSE(jobNameFromPath("/org/chief/Scheduler1/job/a/b"));
    CHECK_FALSE(jobNameFromPath("/org/chief/Scheduler1/jobs/a"));
    CHECK_FALSE(jobNameFromPath("/org/chief/Scheduler1"));
    CHECK_FALSE(jobNameFromPath("/other/job/a"));
}

TEST_CASE("bus codec: times are usec since the epoch, 0 for none", "[bus]") {
    CHECK(toUsec(std::optional<SysSeconds>{}) == 0);
    CHECK(toUsec(std::optional<SysMillis>{}) == 0);
    CHECK(toUsec(SysSeconds{1893456000s}) == 1893456000000000ULL);
    CHECK(toUsec(std::optional<SysMillis>{millis(1893456000123)}) == 1893456000123000ULL);
    CHECK(toUsec(SysSeconds{-5s}) == 0);

    auto none = timeArgument(0, "from_usec");
    REQUIRE(none);
    CHECK_FALSE(none.value());
    auto some = timeArgument(1893456000999999ULL, "from_usec");
    REQUIRE(some);
    CHECK(some.value() == SysSeconds{1893456000s});
    auto far = timeArgument(UINT64_MAX, "from_usec");
    REQUIRE_FALSE(far);
    CHECK(std::string(far.failure().error.name) == bus::kInvalidArgument.name);
    CHECK(far.failure().message.find("from_usec") != std::string::npos);
}

TEST_CASE("bus codec: a ListJobs entry is (ssbssststubo) with the object path last", "[bus]") {
    OfflineBus offline;
    JobSummary job;
    job.name = "db.backup";
    job.description = "nightly dump";
    job.enabled = false;
    job.schedule = "every day at 03:00";
    job.mode = "hybrid";
    job.cron = "0 3 * * *";
    job.timezone = "Europe/Berlin";
    job.nextRun = SysSeconds{1893456000s};
    job.lastRunId = "20300101T000000.000Z-0001";
    job.lastResult = "failed";
    job.lastRunFinished = millis(1893456000500);
    job.runningCount = 2;
    job.pendingQueued = true;
    auto m = offline.methodCall();
    REQUIRE(appendJobEntry(m.get(), job) >= 0);
    offline.seal(m.get());
    CHECK(std::string(sd_bus_message_get_signature(m.get(), 1)) == kJobEntrySignature);
    const char *name, *description, *schedule, *mode, *zone, *lastResult, *path;
    int enabled = 1, pending = 0;
    std::uint64_t next = 0, finished = 0;
    std::uint32_t running = 0;
    REQUIRE(sd_bus_message_read(m.get(), kJobEntrySignature, &name, &description, &enabled, &schedule, &mode, &zone,
                                &next, &lastResult, &finished, &running, &pending, &path) > 0);
    CHECK(std::string(name) == "db.backup");
    CHECK(std::string(description) == "nightly dump");
    CHECK_FALSE(enabled);
    CHECK(std::string(schedule) == "every day at 03:00");
    CHECK(std::string(mode) == "hybrid");
    CHECK(std::string(zone) == "Europe/Berlin");
    CHECK(next == 1893456000000000ULL);
    CHECK(std::string(lastResult) == "failed");
    CHECK(finished == 1893456000500000ULL);
    CHECK(running == 2);
    CHECK(pending);
    CHECK(std::string(path) == jobObjectPath("db.backup"));
}

TEST_CASE("bus codec: run records, finished and in progress", "[bus]") {
    OfflineBus offline;
    RunRecord run;
    run.id = "20300101T030000.000Z-0001";
    run.job = "backup";
    run.trigger = TriggerKind::Schedule;
    run.scheduledFor = SysSeconds{1893466800s};
    run.startedAt = millis(1893466800010);
    ScriptRecord first;
    first.path = "/usr/local/bin/dump";
    first.startedAt = millis(1893466800010);
    first.endedAt = millis(1893466801510);
    first.outcome.status = ScriptOutcome::Status::Exited;
    first.outcome.exitCode = 0;
    ScriptRecord second;
    second.path = "/usr/local/bin/upload";
    run.scripts = {first, second};

    SECTION("in progress: result running, scripts running or pending, no end") {
        run.scripts[1].startedAt = millis(1893466801520);
        run.scripts.push_back(ScriptRecord{"/usr/local/bin/notify", {}, {}, {}, 0, {}});
        auto m = offline.methodCall();
        REQUIRE(appendRunEntry(m.get(), runEntryOf(run)) >= 0);
        offline.seal(m.get());
        CHECK(std::string(sd_bus_message_get_signature(m.get(), 1)) == kRunEntrySignature);
        REQUIRE(sd_bus_message_enter_container(m.get(), 'r', "ssstttsa(ssiit)") > 0);
        const char *id, *job, *trigger, *result;
        std::uint64_t scheduled, started, ended;
        REQUIRE(sd_bus_message_read(m.get(), "sssttts", &id, &job, &trigger, &scheduled, &started, &ended, &result) >
                0);
        CHECK(std::string(id) == run.id);
        CHECK(std::string(job) == "backup");
        CHECK(std::string(trigger) == "schedule");
        CHECK(scheduled == 1893466800000000ULL);
        CHECK(started == 1893466800010000ULL);
        CHECK(ended == 0);
        CHECK(std::string(result) == "running");
        REQUIRE(sd_bus_message_enter_container(m.get(), 'a', kScriptEntrySignature) > 0);
        std::vector<std::string> statuses;
        const char *path, *status;
        std::int32_t exitCode, signal;
        std::uint64_t duration;
        std::vector<std::uint64_t> durations;
        while (sd_bus_message_read(m.get(), kScriptEntrySignature, &path, &status, &exitCode, &signal, &duration) >
               0) {
            statuses.emplace_back(status);
            durations.push_back(duration);
        }
        CHECK(statuses == std::vector<std::string>{"exited", "running", "pending"});
        CHECK(durations == std::vector<std::uint64_t>{1500000, 0, 0});
    }

    SECTION("finished: the core's names, the end time and each script's outcome") {
        run.trigger = TriggerKind::Manual;
        run.endedAt = millis(1893466802000);
        run.result = RunResult::Failed;
        run.scripts[1].startedAt = millis(1893466801520);
        run.scripts[1].endedAt = millis(1893466801720);
        run.scripts[1].outcome = ScriptOutcome{ScriptOutcome::Status::Signaled, -1, 9, {}};
        auto m = offline.methodCall();
        REQUIRE(appendRunEntry(m.get(), runEntryOf(run)) >= 0);
        offline.seal(m.get());
        REQUIRE(sd_bus_message_enter_container(m.get(), 'r', "ssstttsa(ssiit)") > 0);
        const char *id, *job, *trigger, *result;
        std::uint64_t scheduled, started, ended;
        REQUIRE(sd_bus_message_read(m.get(), "sssttts", &id, &job, &trigger, &scheduled, &started, &ended, &result) >
                0);
        CHECK(std::string(trigger) == "manual");
        CHECK(ended == 1893466802000000ULL);
        CHECK(std::string(result) == "failed");
        REQUIRE(sd_bus_message_enter_container(m.get(), 'a', kScriptEntrySignature) > 0);
        const char *path, *status;
        std::int32_t exitCode, signal;
        std::uint64_t duration;
        REQUIRE(sd_bus_message_read(m.get(), kScriptEntrySignature, &path, &status, &exitCode, &signal, &duration) >
                0);
        CHECK(std::string(path) == "/usr/local/bin/dump");
        CHECK(std::string(status) == "exited");
        CHECK(exitCode == 0);
        REQUIRE(sd_bus_message_read(m.get(), kScriptEntrySignature, &path, &status, &exitCode, &signal, &duration) >
                0);
        CHECK(std::string(status) == "signaled");
        CHECK(exitCode == -1);
        CHECK(signal == 9);
        CHECK(duration == 200000);
        CHECK(sd_bus_message_read(m.get(), kScriptEntrySignature, &path, &status, &exitCode, &signal, &duration) == 0);
    }
}

TEST_CASE("bus codec: the RunJobs reply is (t, a(ssss)) in request order", "[bus]") {
    OfflineBus offline;
    RunJobsOutcome outcome;
    outcome.minute = SysSeconds{1893466800s};
    outcome.runs = {JobRunOutcome{"backup", "20300101T030000.000Z-0001", RunRequestOutcome::Started, ""},
                    JobRunOutcome{"report", "", RunRequestOutcome::NotDue, ""},
                    JobRunOutcome{"sleeper", "", RunRequestOutcome::Skipped, "still running (overlap: skip)"}};
    auto m = offline.methodCall();
    REQUIRE(appendRunJobsOutcome(m.get(), outcome) >= 0);
    offline.seal(m.get());
    CHECK(std::string(sd_bus_message_get_signature(m.get(), 1)) == std::string("ta") + kJobRunOutcomeSignature);
    std::uint64_t minute = 0;
    REQUIRE(sd_bus_message_read(m.get(), "t", &minute) > 0);
    CHECK(minute == 1893466800000000ULL);
    REQUIRE(sd_bus_message_enter_container(m.get(), 'a', kJobRunOutcomeSignature) > 0);
    std::vector<std::string> rows;
    const char *job, *runId, *result, *reason;
    while (sd_bus_message_read(m.get(), kJobRunOutcomeSignature, &job, &runId, &result, &reason) > 0)
        rows.push_back(std::string(job) + "|" + runId + "|" + result + "|" + reason);
    CHECK(rows == std::vector<std::string>{"backup|20300101T030000.000Z-0001|started|", "report||not-due|",
                                           "sleeper||skipped|still running (overlap: skip)"});

    auto empty = offline.methodCall();
    REQUIRE(appendRunJobsOutcome(empty.get(), RunJobsOutcome{SysSeconds{1893466800s}, {}}) >= 0);
    offline.seal(empty.get());
    CHECK(std::string(sd_bus_message_get_signature(empty.get(), 1)) == "ta(ssss)");
}

TEST_CASE("bus codec: every Job and Manager property has its declared type", "[bus]") {
    OfflineBus offline;
    JobSummary job;
    job.name = "hello";
    job.cron = "0 3 * * *";
    job.nextRun = SysSeconds{1893456000s};
    job.runningCount = 1u;
    job.runningRunIds = std::vector<std::string>{"20300101T030000.000Z-0001"};
    const std::vector<std::pair<std::string, std::string>> jobProperties = {
        {"Name", "s"},          {"Description", "s"},   {"Enabled", "b"},         {"Schedule", "s"},
        {"Mode", "s"},          {"Cron", "s"},          {"Timezone", "s"},        {"NextRun", "t"},
        {"LastRunId", "s"},     {"LastResult", "s"},    {"LastRunFinished", "t"}, {"RunningCount", "u"},
        {"PendingQueued", "b"}, {"RunningRunIds", "as"}, {"QueuedRunId", "s"},    {"Paused", "b"}};
    for (const auto& [property, type] : jobProperties) {
        INFO(property);
        auto m = offline.methodCall();
        REQUIRE(appendJobProperty(m.get(), job, property) >= 0);
        offline.seal(m.get());
        CHECK(std::string(sd_bus_message_get_signature(m.get(), 1)) == type);
    }
    for (const char* changing : kJobChangingProperties)
        CHECK(std::find_if(jobProperties.begin(), jobProperties.end(),
                           [&](const auto& p) { return p.first == changing; }) != jobProperties.end());
    {
        auto m = offline.methodCall();
        REQUIRE(appendJobProperty(m.get(), job, "Cron") >= 0);
        REQUIRE(appendJobProperty(m.get(), job, "NextRun") >= 0);
        offline.seal(m.get());
        CHECK(readText(m.get()) == "0 3 * * *");
        std::uint64_t next = 0;
        REQUIRE(sd_bus_message_read(m.get(), "t", &next) > 0);
        CHECK(next == 1893456000000000ULL);
    }
    auto unknown = offline.methodCall();
    CHECK(appendJobProperty(unknown.get(), job, "Nope") == -ENOENT);

    ManagerState state{"0.1.0", "/etc/chief/chief.yaml", 3, 1, SysSeconds{1893456000s}, {}, {}};
    const std::vector<std::pair<std::string, char>> managerProperties = {
        {"Version", 's'}, {"ConfigPath", 's'}, {"JobCount", 'u'}, {"RunningRuns", 'u'}, {"NextRun", 't'},
        {"TelemetryEnabled", 'b'}, {"TelemetryConnected", 'b'}, {"TelemetryPendingMemory", 't'},
        {"TelemetryPendingSpool", 't'}, {"TelemetryDead", 't'}, {"TelemetryDropped", 't'}, {"TelemetryLastError", 's'}};
    for (const auto& [property, type] : managerProperties) {
        INFO(property);
        auto m = offline.methodCall();
        REQUIRE(appendManagerProperty(m.get(), state, property) >= 0);
        offline.seal(m.get());
        CHECK(std::string(sd_bus_message_get_signature(m.get(), 1)) == std::string(1, type));
    }
    auto noManager = offline.methodCall();
    CHECK(appendManagerProperty(noManager.get(), state, "Nope") == -ENOENT);
}

TEST_CASE("bus codec: signal bodies of RunStarted, ScriptFinished, RunFinished", "[bus]") {
    OfflineBus offline;
    {
        auto m = offline.signal("RunStarted");
        REQUIRE(appendRunStarted(m.get(), RunBegan{"r-1", "backup", "manual", SysSeconds{1893466800s}}) >= 0);
        offline.seal(m.get());
        const char *id, *job, *trigger;
        std::uint64_t scheduled = 0;
        REQUIRE(sd_bus_message_read(m.get(), "ssst", &id, &job, &trigger, &scheduled) > 0);
        CHECK(std::string(id) == "r-1");
        CHECK(std::string(job) == "backup");
        CHECK(std::string(trigger) == "manual");
        CHECK(scheduled == 1893466800000000ULL);
    }
    {
        auto m = offline.signal("ScriptFinished");
        REQUIRE(appendScriptFinished(m.get(), ScriptEnded{"r-1", "backup", ScriptEntry{1, "/bin/true", "timed-out", -1, 15,
                                                                                      std::chrono::milliseconds{2500}}}) >= 0);
        offline.seal(m.get());
        CHECK(std::string(sd_bus_message_get_signature(m.get(), 1)) == "ssussiit");
        const char *id, *job, *path, *status;
        std::uint32_t index = 0;
        std::int32_t exitCode = 0, signal = 0;
        std::uint64_t duration = 0;
        REQUIRE(sd_bus_message_read(m.get(), "ssussiit", &id, &job, &index, &path, &status, &exitCode, &signal,
                                    &duration) > 0);
        CHECK(index == 1);
        CHECK(std::string(path) == "/bin/true");
        CHECK(std::string(status) == "timed-out");
        CHECK(exitCode == -1);
        CHECK(signal == 15);
        CHECK(duration == 2500000);
    }
    {
        auto m = offline.signal("RunFinished");
        REQUIRE(appendRunFinished(m.get(), RunEnd{"r-1", "backup", "cancelled", std::chrono::milliseconds{3000}}) >= 0);
        offline.seal(m.get());
        const char *id, *job, *result;
        std::uint64_t duration = 0;
        REQUIRE(sd_bus_message_read(m.get(), "ssst", &id, &job, &result, &duration) > 0);
        CHECK(std::string(result) == "cancelled");
        CHECK(duration == 3000000);
    }
}

TEST_CASE("bus codec: which Manager properties changed", "[bus]") {
    const ManagerState before{"0.1.0", "/etc/chief/chief.yaml", 3, 0, SysSeconds{100s}, {}, {}};
    CHECK(changedManagerProperties(before, before).empty());
    ManagerState after = before;
    after.runningRuns = 1;
    after.nextRun.reset();
    after.version = "9";  // constant: never reported
    auto names = [](const std::vector<const char*>& changed) {
        return std::vector<std::string>(changed.begin(), changed.end());
    };
    CHECK(names(changedManagerProperties(before, after)) == std::vector<std::string>{"RunningRuns", "NextRun"});
    after = before;
    after.jobCount = 4;
    after.configPath = "/srv/chief.yaml";
    CHECK(names(changedManagerProperties(before, after)) == std::vector<std::string>{"JobCount", "ConfigPath"});
}

TEST_CASE("bus codec: ControlErrors become the shared table's D-Bus errors", "[bus]") {
    for (const bus::ErrorEntry& entry : bus::kErrors) {
        SdBusError error;
        const int r = setControlError(error.get(), ControlError{entry, "because 100% of it"});
        CHECK(r < 0);
        CHECK(std::string(error.name()) == entry.name);
        CHECK(std::string(error.message()) == "because 100% of it");
    }
}

TEST_CASE("bus codec: the caller from credentials", "[bus]") {
    CHECK_FALSE(callerFromCreds(nullptr).uid);
    CHECK(callerFromCreds(nullptr).groups.empty());

    sd_bus_creds* raw = nullptr;
    REQUIRE(sd_bus_creds_new_from_pid(
                &raw, 0, SD_BUS_CREDS_EUID | SD_BUS_CREDS_UID | SD_BUS_CREDS_GID | SD_BUS_CREDS_SUPPLEMENTARY_GIDS) >=
            0);
    const SdBusCredsPtr creds(raw);
    const Caller caller = callerFromCreds(raw);
    REQUIRE(caller.uid);
    CHECK(*caller.uid == ::geteuid());
    CHECK(std::find(caller.groups.begin(), caller.groups.end(), ::getgid()) != caller.groups.end());
    std::vector<gid_t> supplementary(static_cast<std::size_t>(std::max(0, ::getgroups(0, nullptr))));
    ::getgroups(static_cast<int>(supplementary.size()), supplementary.data());
    for (gid_t gid : supplementary)
        CHECK(std::find(caller.groups.begin(), caller.groups.end(), gid) != caller.groups.end());
    // Each gid once.
    auto sorted = caller.groups;
    std::sort(sorted.begin(), sorted.end());
    CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());

    sd_bus_creds* uidOnly = nullptr;
    REQUIRE(sd_bus_creds_new_from_pid(&uidOnly, 0, SD_BUS_CREDS_EUID) >= 0);
    const SdBusCredsPtr uidCreds(uidOnly);
    CHECK(callerFromCreds(uidOnly).groups.empty());
}

TEST_CASE("bus codec: every value of the contract decodes to what was encoded", "[bus][codec]") {
    OfflineBus offline;
    auto roundTrip = [&](auto append, auto read, const auto& value) {
        auto m = offline.methodCall();
        REQUIRE(append(m.get(), value) >= 0);
        offline.seal(m.get());
        std::decay_t<decltype(value)> back;
        REQUIRE(read(m.get(), back) > 0);
        return back;
    };

    JobSummary job;
    job.name = "db.backup";
    job.description = "nightly dump";
    job.enabled = false;
    job.schedule = "every day at 03:00 (Europe/Berlin)";
    job.mode = "hybrid";
    job.timezone = "Europe/Berlin";
    job.nextRun = SysSeconds{1893456000s};
    job.lastResult = "interrupted";
    job.lastRunFinished = millis(1893456000500);
    job.runningCount = 2u;
    job.pendingQueued = true;
    // A ListJobs entry carries neither the cron line nor the last run id.
    CHECK(roundTrip(appendJobEntry, readJobEntry, job) == job);

    ManagerState state{"0.1.0", "/etc/chief/chief.yaml", 3, 1, SysSeconds{1893456000s},
                       {true, true, 2, 40, 1, 3, "HTTP 503"}, {}};
    auto properties = offline.methodCall();
    REQUIRE(sd_bus_message_open_container(properties.get(), 'a', "{sv}") >= 0);
    for (const char* name : {"Version", "ConfigPath", "JobCount", "RunningRuns", "NextRun", "TelemetryEnabled",
                             "TelemetryConnected", "TelemetryPendingMemory", "TelemetryPendingSpool", "TelemetryDead",
                             "TelemetryDropped", "TelemetryLastError"}) {
        REQUIRE(sd_bus_message_open_container(properties.get(), 'e', "sv") >= 0);
        REQUIRE(sd_bus_message_append(properties.get(), "s", name) >= 0);
        const std::string n = name;
        const char* type = n == "JobCount" || n == "RunningRuns"                ? "u"
                           : n == "TelemetryEnabled" || n == "TelemetryConnected" ? "b"
                           : n == "NextRun" || (n.starts_with("Telemetry") && n != "TelemetryLastError") ? "t"
                                                                                   : "s";
        REQUIRE(sd_bus_message_open_container(properties.get(), 'v', type) >= 0);
        REQUIRE(appendManagerProperty(properties.get(), state, name) >= 0);
        REQUIRE(sd_bus_message_close_container(properties.get()) >= 0);
        REQUIRE(sd_bus_message_close_container(properties.get()) >= 0);
    }
    REQUIRE(sd_bus_message_close_container(properties.get()) >= 0);
    offline.seal(properties.get());
    ManagerState decoded;
    REQUIRE(readManagerProperties(properties.get(), decoded) > 0);
    CHECK(decoded == state);

    RunEntry run;
    run.id = "20300101T030000.000Z-0001-o42";
    run.job = "backup";
    run.trigger = "once";
    run.scheduledFor = std::nullopt;  // not scheduled: 0 on the wire, none again
    run.startedAt = millis(1893466800010);
    run.endedAt = millis(1893466802000);
    run.result = "failed";
    run.scripts = {ScriptEntry{0, "/usr/local/bin/dump", "exited", 0, 0, std::chrono::milliseconds{1500}},
                   ScriptEntry{1, "/usr/local/bin/upload", "signaled", -1, 9, std::chrono::milliseconds{200}}};
    CHECK(roundTrip(appendRunEntry, readRunEntry, run) == run);

    CHECK(roundTrip(appendRunAccepted, readRunAccepted, RunAccepted{"r-1", RunStartOutcome::Queued}) ==
          RunAccepted{"r-1", RunStartOutcome::Queued});

    RunJobsOutcome outcome;
    outcome.minute = SysSeconds{1893466800s};
    outcome.runs = {JobRunOutcome{"backup", "r-1", RunRequestOutcome::Started, ""},
                    JobRunOutcome{"report", "", RunRequestOutcome::NotDue, ""},
                    JobRunOutcome{"sleeper", "", RunRequestOutcome::Skipped, "still running (overlap: skip)"},
                    JobRunOutcome{"slow", "r-2", RunRequestOutcome::Queued, "waiting for a free slot"}};
    CHECK(roundTrip(appendRunJobsOutcome, readRunJobsOutcome, outcome) == outcome);

    const RunBegan began{"r-1", "backup", "schedule", SysSeconds{1893466800s}};
    CHECK(roundTrip(appendRunStarted, readRunStarted, began) == began);
    const ScriptEnded ended{"r-1", "backup", ScriptEntry{1, "/bin/true", "timed-out", -1, 15, std::chrono::milliseconds{2500}}};
    CHECK(roundTrip(appendScriptFinished, readScriptFinished, ended) == ended);
    const RunEnd end{"r-1", "backup", "interrupted", std::chrono::milliseconds{3000}};
    CHECK(roundTrip(appendRunFinished, readRunFinished, end) == end);
}

TEST_CASE("bus codec: the Job properties of GetAll decode to the job", "[bus][codec]") {
    OfflineBus offline;
    JobSummary job;
    job.name = "hello";
    job.description = "says hello";
    job.enabled = true;
    job.schedule = "every day at 03:00 (UTC)";
    job.mode = "pure_cron";
    job.cron = "0 3 * * *";
    job.timezone = "UTC";
    job.nextRun = SysSeconds{1893456000s};
    job.lastRunId = "r-9";
    job.lastResult = "succeeded";
    job.lastRunFinished = millis(1893456000500);
    job.runningCount = 2u;
    job.pendingQueued = true;
    job.runningRunIds = std::vector<std::string>{"20300101T030000.000Z-0001", "20300101T030000.000Z-0002"};
    job.queuedRunId = "20300101T030100.000Z-0003";
    const std::vector<std::pair<std::string, const char*>> all = {
        {"Name", "s"},      {"Description", "s"}, {"Enabled", "b"},    {"Schedule", "s"},        {"Mode", "s"},
        {"Cron", "s"},      {"Timezone", "s"},    {"NextRun", "t"},    {"LastRunId", "s"},       {"LastResult", "s"},
        {"LastRunFinished", "t"}, {"RunningCount", "u"}, {"PendingQueued", "b"}, {"RunningRunIds", "as"},
        {"QueuedRunId", "s"}};
    auto m = offline.methodCall();
    REQUIRE(sd_bus_message_open_container(m.get(), 'a', "{sv}") >= 0);
    for (const auto& [name, type] : all) {
        REQUIRE(sd_bus_message_open_container(m.get(), 'e', "sv") >= 0);
        REQUIRE(sd_bus_message_append(m.get(), "s", name.c_str()) >= 0);
        REQUIRE(sd_bus_message_open_container(m.get(), 'v', type) >= 0);
        REQUIRE(appendJobProperty(m.get(), job, name) >= 0);
        REQUIRE(sd_bus_message_close_container(m.get()) >= 0);
        REQUIRE(sd_bus_message_close_container(m.get()) >= 0);
    }
    REQUIRE(sd_bus_message_close_container(m.get()) >= 0);
    offline.seal(m.get());
    JobSummary back;
    REQUIRE(readJobProperties(m.get(), back) > 0);
    CHECK(back == job);
}

TEST_CASE("bus codec: strings that are not UTF-8 go out escaped, not refused", "[bus][codec]") {
    CHECK(busText("plain") == "plain");
    CHECK(busText("conf\xff/chief.yaml") == "conf\\xff/chief.yaml");
    OfflineBus offline;
    ManagerState state{"0.1.0", "/srv/conf\xff/chief.yaml", 1, 0, std::nullopt, {}, {}};
    auto m = offline.methodCall();
    REQUIRE(appendManagerProperty(m.get(), state, "ConfigPath") >= 0);
    offline.seal(m.get());
    CHECK(readText(m.get()) == "/srv/conf\\xff/chief.yaml");
}
