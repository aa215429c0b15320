// Telemetry: the run-event mapping (core), the spool, batching with bisection on 400, and the
// sender over a fake transport.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <atomic>
#include <deque>
#include <thread>
#include <filesystem>
#include <fstream>
#include <set>

#include "chief/telemetry_mapping.h"
#include "daemon_harness.h"
#include "telemetry/event_batcher.h"
#include "telemetry/event_id_source.h"
#include "telemetry/telemetry_sender.h"
#include "telemetry/telemetry_spool.h"

using namespace chief;
using namespace chief::telemetry;
using namespace chief::daemon::telemetry;
using chief::testing::TempDir;
using chief::testing::readFile;

namespace {

SysMillis at(int seconds) { return SysMillis{std::chrono::milliseconds(1'772'000'000'000LL + seconds * 1000LL)}; }

Config sampleConfig() {
    Config config;
    config.monitor.enabled = true;
    Job job;
    job.name = "backup";
    job.timezone = "Europe/Berlin";
    job.monitor.enabled = true;
    job.monitor.check.graceSeconds = 60;
    Script a;
    a.path = "a.sh";
    a.resolvedPath = "/srv/a.sh";
    a.timeoutSeconds = 100;
    Script b = a;
    b.path = "b.sh";
    b.resolvedPath = "/srv/b.sh";
    b.timeoutSeconds = 200;
    job.scripts = {a, b};
    config.jobs.push_back(job);
    Job quiet = job;
    quiet.name = "quiet";
    quiet.monitor.enabled = false;
    config.jobs.push_back(quiet);
    return config;
}

std::string line(const std::string& id, const std::string& message = "m") {
    TelemetryEvent event;
    event.eventType = "job.started";
    event.message = message;
    event.eventId = id;
    return toJson(event).dump();
}

std::vector<std::string> lines(int from, int count) {
    std::vector<std::string> out;
    for (int i = from; i < from + count; ++i) out.push_back(line("id-" + std::to_string(i)));
    return out;
}

std::vector<std::string> idsOf(const std::vector<SpoolRecord>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.id);
    return out;
}

}  // namespace

// ---- mapping ---------------------------------------------------------------------------------

TEST_CASE("Telemetry mapping: a run's events with camelCase fields, check metadata and max_runtime_seconds",
          "[telemetry][mapping]") {
    const Config config = sampleConfig();
    const MappingContext context{&config, "host-1", at(0)};
    const auto started = telemetryEventsFor(RunStarted{"r1", "backup", SysSeconds{date::floor<Seconds>(at(-1))},
                                                       TriggerKind::Schedule, at(0)},
                                            context);
    REQUIRE(started.size() == 2);
    CHECK(started[0].eventType == "daemon.dispatch");
    CHECK(started[1].eventType == "job.started");
    const auto json = toJson(started[1]);
    CHECK(json["runId"] == "r1");
    CHECK(json["jobName"] == "backup");
    CHECK(json["host"] == "host-1");
    CHECK(json["sourceType"] == "chief");
    CHECK(json["scheduledFor"] == formatEventTime(EventTime{date::floor<Seconds>(at(-1))}));
    CHECK(json["metadata"]["max_runtime_seconds"] == 360);  // 100 + 200 + grace 60
    CHECK(json["metadata"]["grace_seconds"] == 60);
    CHECK(json["metadata"]["check_enabled"] == true);
    // The monitor accepts what the mapping makes.
    CHECK(parseTelemetryEvent(json).ok());

    ScriptRecord script;
    script.path = "/srv/a.sh";
    script.outcome.status = ScriptOutcome::Status::Exited;
    script.outcome.exitCode = 3;
    script.startedAt = at(0);
    script.endedAt = at(2);
    const auto completed = telemetryEventsFor(ScriptFinished{"r1", "backup", 0, script}, context);
    REQUIRE(completed.size() == 1);
    CHECK(completed[0].eventType == "script.completed");
    CHECK(completed[0].success == false);
    CHECK(completed[0].returnCode == 3);
    CHECK(completed[0].durationMs == 2000);
    CHECK(completed[0].scriptPath == "/srv/a.sh");

    RunRecord run;
    run.id = "r0";
    run.job = "backup";
    run.startedAt = at(-100);
    run.result = RunResult::Interrupted;
    const auto interrupted = telemetryEventsFor(RunFinished{run}, context);
    REQUIRE(interrupted.size() == 1);
    CHECK(interrupted[0].eventType == "job.failed");
    CHECK(interrupted[0].metadata["reason"] == "interrupted");

    run.result = RunResult::Succeeded;
    run.endedAt = at(-90);
    const auto done = telemetryEventsFor(RunFinished{run}, context);
    CHECK(done[0].eventType == "job.completed");
    CHECK(done[0].durationMs == 10000);
    CHECK(telemetryEventsFor(RunFinished{run, true}, context).empty());  // a dropped trigger
}

TEST_CASE("Telemetry mapping: schedules, heartbeats, overlap and the per-job switch", "[telemetry][mapping]") {
    Config config = sampleConfig();
    const MappingContext context{&config, "h", at(0)};
    const auto next = telemetryEventsFor(NextScheduled{"backup", date::floor<Seconds>(at(60))}, context);
    REQUIRE(next.size() == 1);
    CHECK(next[0].eventType == "job.next_scheduled");
    CHECK(next[0].metadata["next_run_at"] == formatEventTime(EventTime{date::floor<Seconds>(at(60))}));
    CHECK(next[0].metadata["timezone"] == "Europe/Berlin");
    CHECK(telemetryEventsFor(NextScheduled{"backup", std::nullopt}, context)[0].eventType == "job.unscheduled");
    config.jobs[0].enabled = false;
    CHECK(nextScheduledEvent(config.jobs[0], date::floor<Seconds>(at(60)), context).eventType == "job.unscheduled");
    CHECK(heartbeatEvent(15, context).metadata["ping_interval_seconds"] == 15);
    CHECK(telemetryEventsFor(TriggerSkipped{"backup", std::nullopt, TriggerKind::Manual, "busy"}, context)[0].eventType ==
          "daemon.overlap_skipped");
    CHECK(telemetryEventsFor(TriggerQueued{"r", "backup", std::nullopt, TriggerKind::Manual, "busy"}, context)[0].eventType ==
          "daemon.queued_pending");
    CHECK(jobMonitored(config, "backup"));
    CHECK_FALSE(jobMonitored(config, "quiet"));
    config.jobs[0].monitor.check.maxRuntimeSeconds = 42;
    CHECK(checkMetadata(config.jobs[0])["max_runtime_seconds"] == 42);
}

TEST_CASE("EventIdSource: distinct ids across sources, within 128 characters", "[telemetry]") {
    EventIdSource a, b;
    std::set<std::string> ids;
    for (int i = 0; i < 1000; ++i) {
        ids.insert(a.next());
        ids.insert(b.next());
    }
    CHECK(ids.size() == 2000);
    CHECK(a.next().size() <= 128);
}

// ---- spool -----------------------------------------------------------------------------------

TEST_CASE("TelemetrySpool: append, read in order, remove what was acknowledged", "[telemetry][spool]") {
    TempDir dir;
    TelemetrySpool spool(dir / "spool.jsonl", 0);
    REQUIRE(spool.append(lines(0, 10)));
    auto first = spool.read({}, 4, 1 << 20);
    REQUIRE(first);
    CHECK(idsOf(first.value().records) == std::vector<std::string>{"id-0", "id-1", "id-2", "id-3"});
    CHECK(first.value().more);
    auto cursor = spool.removeThrough(first.value().end);
    REQUIRE(cursor);
    auto rest = spool.read(cursor.value(), 100, 1 << 20);
    REQUIRE(rest);
    REQUIRE(rest.value().records.size() == 6);
    CHECK(rest.value().records.front().id == "id-4");
    REQUIRE(spool.removeThrough(rest.value().end));
    CHECK(readFile(dir / "spool.jsonl").empty());
    CHECK(spool.countFrom({}).value() == 0);
}

TEST_CASE("TelemetrySpool: a torn last line and a corrupt line are skipped, appending ends the torn line",
          "[telemetry][spool]") {
    TempDir dir;
    const std::string path = dir / "spool.jsonl";
    {
        std::ofstream out(path);
        out << line("a") << "\nthis is not json\n" << line("b") << "\n{\"eventId\":\"torn";
    }
    TelemetrySpool spool(path, 0);
    auto read = spool.read({}, 100, 1 << 20);
    REQUIRE(read);
    CHECK(idsOf(read.value().records) == std::vector<std::string>{"a", "b"});
    CHECK(read.value().corruptLines == 1);
    CHECK(read.value().tornTail);
    REQUIRE(spool.append({line("c")}));
    auto after = spool.read({}, 100, 1 << 20);
    CHECK(idsOf(after.value().records) == std::vector<std::string>{"a", "b", "c"});
    CHECK(after.value().corruptLines == 2);
    CHECK_FALSE(after.value().tornTail);
}

TEST_CASE("TelemetrySpool: the byte bound drops the oldest and counts them", "[telemetry][spool]") {
    TempDir dir;
    const std::size_t lineBytes = line("id-0").size() + 1;
    TelemetrySpool spool(dir / "spool.jsonl", static_cast<std::int64_t>(lineBytes * 100));
    std::size_t dropped = 0;
    for (int i = 0; i < 30; ++i) {
        auto appended = spool.append(lines(i * 10, 10));
        REQUIRE(appended);
        dropped += appended.value().dropped;
        CHECK(std::filesystem::file_size(dir / "spool.jsonl") <= lineBytes * 100);
    }
    const auto all = spool.read({}, 1000, 1 << 22).value().records;
    CHECK(all.size() + dropped == 300);
    CHECK(all.back().id == "id-299");  // the newest are kept
    CHECK(dropped > 0);
}

TEST_CASE("TelemetrySpool: <spool>.dead is bounded by spool_max_bytes too, dropping the oldest, counted",
          "[telemetry][spool][dead]") {
    TempDir dir;
    const auto deadLine = [](int i) {
        return nlohmann::json{{"status", 400}, {"error", "invalid event"}, {"event", nlohmann::json::parse(line("id-" + std::to_string(i)))}}
            .dump();
    };
    const std::size_t entryBytes = deadLine(0).size() + 1;
    const auto bound = static_cast<std::int64_t>(entryBytes * 50);
    TelemetrySpool spool(dir / "spool.jsonl", bound);
    std::size_t dropped = 0;
    for (int round = 0; round < 20; ++round) {
        std::vector<std::string> entries;
        for (int i = round * 10; i < round * 10 + 10; ++i) entries.push_back(deadLine(i));
        auto appended = spool.appendDead(entries);
        REQUIRE(appended);
        dropped += appended.value().dropped;
        CHECK(static_cast<std::int64_t>(std::filesystem::file_size(spool.deadPath())) <= bound);
    }
    CHECK(dropped > 0);
    // What is left is the newest, in order, and every entry is accounted for.
    std::vector<std::string> kept;
    std::ifstream in(spool.deadPath());
    for (std::string text; std::getline(in, text);) kept.push_back(nlohmann::json::parse(text)["event"]["eventId"]);
    CHECK(kept.size() + dropped == 200);
    REQUIRE_FALSE(kept.empty());
    CHECK(kept.back() == "id-199");
    CHECK(kept.front() == "id-" + std::to_string(200 - kept.size()));
    // The spool itself is untouched, and replay-dead moves the kept ones back.
    CHECK(spool.countFrom({}).value() == 0);
    CHECK(spool.replayDead().value() == kept.size());
    CHECK(idsOf(spool.read({}, 1000, 1 << 22).value().records) == kept);
    CHECK(std::filesystem::file_size(spool.deadPath()) == 0);

    // Unbounded (spool_max_bytes <= 0): nothing is dropped.
    TelemetrySpool unbounded(dir / "other.jsonl", 0);
    for (int round = 0; round < 5; ++round) CHECK(unbounded.appendDead({deadLine(round)}).value().dropped == 0);
}

TEST_CASE("TelemetrySpool: waits for the lock another process (chiefd --once) holds", "[telemetry][spool]") {
    TempDir dir;
    TelemetrySpool spool(dir / "spool.jsonl", 0);
    const int fd = ::open((dir / "spool.jsonl.lock").c_str(), O_RDWR | O_CREAT, 0640);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX) == 0);
    std::atomic<bool> appended{false};
    std::thread writer([&] {
        REQUIRE(spool.append({line("x")}));
        appended = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK_FALSE(appended.load());
    ::flock(fd, LOCK_UN);
    ::close(fd);
    writer.join();
    CHECK(appended.load());
}

TEST_CASE("TelemetrySpool: a cursor survives another process rewriting the file", "[telemetry][spool]") {
    TempDir dir;
    TelemetrySpool spool(dir / "spool.jsonl", 0);
    REQUIRE(spool.append(lines(0, 6)));
    auto read = spool.read({}, 3, 1 << 20).value();
    // Another process removes two records before ours (ids 0 and 1): the offset moved.
    REQUIRE(spool.removeIds({"id-0", "id-1"}).value() == 2);
    auto next = spool.read(read.end, 100, 1 << 20);
    REQUIRE(next);
    CHECK(idsOf(next.value().records) == std::vector<std::string>{"id-3", "id-4", "id-5"});
}

// ---- batching ------------------------------------------------------------------------------

TEST_CASE("EventBatcher: a 400 is bisected down to the refused events, the rest are delivered", "[telemetry][batch]") {
    std::vector<SpoolRecord> records;
    for (int i = 0; i < 8; ++i) records.push_back({"id-" + std::to_string(i), line("id-" + std::to_string(i))});
    const std::set<std::string> bad = {"id-2", "id-7"};
    EventBatcher batcher;
    batcher.begin(records);
    int requests = 0;
    std::vector<std::string> delivered;
    while (batcher.active()) {
        const BatchRequest request = batcher.request();
        ++requests;
        bool refused = false;
        for (std::size_t i = request.first; i < request.first + request.count; ++i) refused |= bad.count(records[i].id) > 0;
        if (!refused)
            for (std::size_t i = request.first; i < request.first + request.count; ++i) delivered.push_back(records[i].id);
        batcher.answer(refused ? HttpResult{400, R"({"error":"bad event"})", {}} : HttpResult{202, "{}", {}});
    }
    const auto dead = batcher.takeDead();
    REQUIRE(dead.size() == 2);
    CHECK(dead[0].record.id == "id-2");
    CHECK(dead[1].record.id == "id-7");
    CHECK(dead[0].error == R"({"error":"bad event"})");
    CHECK(delivered == std::vector<std::string>{"id-0", "id-1", "id-3", "id-4", "id-5", "id-6"});  // oldest first
    CHECK(requests < 16);
}

TEST_CASE("EventBatcher: retryable answers keep the batch, the body is a JSON array", "[telemetry][batch]") {
    EventBatcher batcher;
    batcher.begin({{"a", line("a")}, {"b", line("b")}});
    CHECK(nlohmann::json::parse(batcher.request().body).size() == 2);
    for (long status : {0L, 401L, 404L, 408L, 429L, 500L, 503L}) CHECK(batcher.answer(HttpResult{status, {}, {}}) == EventBatcher::Step::Retry);
    CHECK(batcher.answer(HttpResult{202, {}, {}}) == EventBatcher::Step::Done);
    CHECK(batcher.deliveredCount() == 2);
}

TEST_CASE("Backoff: doubles up to the maximum, with jitter between half and one and a half times", "[telemetry][batch]") {
    Backoff backoff(100, 1000);
    CHECK(backoff.nextDelayMs(0.0) == 50);    // 100 x 0.5
    CHECK(backoff.nextDelayMs(0.99) == 298);  // 200 x 1.49
    CHECK(backoff.nextDelayMs(0.5) == 400);
    CHECK(backoff.nextDelayMs(0.5) == 800);
    CHECK(backoff.nextDelayMs(0.5) == 1000);
    backoff.reset();
    CHECK(backoff.nextDelayMs(0.5) == 100);
}

// ---- the sender over a fake transport ----------------------------------------------------------

namespace {

// Holds each request until the test answers it.
class FakeTransport final : public TelemetryTransport {
public:
    void post(std::string body, Done done) override { pending.push_back({std::move(body), std::move(done)}); }
    struct Call {
        std::string body;
        Done done;
    };
    std::deque<Call> pending;
    std::vector<std::string> ids(const std::string& body) const {
        std::vector<std::string> out;
        for (const auto& e : nlohmann::json::parse(body)) out.push_back(e["eventId"]);
        return out;
    }
};

}  // namespace

TEST_CASE("TelemetrySender: spools first, sends oldest first, keeps events across failures, exactly once by id",
          "[telemetry][sender]") {
    TempDir dir;
    boost::asio::io_context io;
    TelemetrySpool spool(dir / "spool.jsonl", 0);
    FakeTransport transport;
    TelemetryInbox inbox(1 << 20);
    TelemetryStatus status;
    std::vector<std::string> logged;
    SenderSettings settings;
    settings.maxEvents = 3;
    settings.flushInterval = std::chrono::milliseconds(1);
    settings.backoffInitial = std::chrono::milliseconds(1);
    settings.backoffMax = std::chrono::milliseconds(2);
    TelemetrySender sender(io, spool, transport, inbox, status, settings,
                           [&](service::LogLevel, std::string message, std::string_view) { logged.push_back(message); });
    std::size_t held = 0;
    for (const std::string& l : lines(0, 5)) inbox.push(l, held);
    sender.wake();
    // In the spool before anything is sent.
    CHECK(spool.countFrom({}).value() == 5);
    REQUIRE(transport.pending.size() == 1);
    CHECK(transport.ids(transport.pending.front().body) == std::vector<std::string>{"id-0", "id-1", "id-2"});
    // Monitor down twice: one log line for the outage.
    for (int failure = 0; failure < 2; ++failure) {
        auto call = std::move(transport.pending.front());
        transport.pending.pop_front();
        call.done(HttpResult{0, {}, "Couldn't connect to server"});
        io.restart();  // out of work, run_for() stopped the io_context
        io.run_for(std::chrono::milliseconds(20));
        REQUIRE(transport.pending.size() == 1);
    }
    CHECK(status.snapshot().connected == false);
    std::vector<std::string> received;
    while (!transport.pending.empty()) {
        auto call = std::move(transport.pending.front());
        transport.pending.pop_front();
        for (const auto& id : transport.ids(call.body)) received.push_back(id);
        call.done(HttpResult{202, "{}", {}});
        io.restart();
        io.run_for(std::chrono::milliseconds(5));
    }
    CHECK(received == std::vector<std::string>{"id-0", "id-1", "id-2", "id-3", "id-4"});
    CHECK(spool.countFrom({}).value() == 0);
    const auto snapshot = status.snapshot();
    CHECK(snapshot.connected);
    CHECK(snapshot.delivered == 5);
    CHECK(snapshot.pendingSpool == 0);
    std::size_t outageLines = 0, recoveryLines = 0;
    for (const auto& m : logged) {
        outageLines += m.find("cannot deliver telemetry") != std::string::npos;
        recoveryLines += m.find("answers again") != std::string::npos;
    }
    CHECK(outageLines == 1);
    CHECK(recoveryLines == 1);
    sender.stop();
}

TEST_CASE("TelemetrySender: events the monitor refuses go to <spool>.dead with its error", "[telemetry][sender]") {
    TempDir dir;
    boost::asio::io_context io;
    TelemetrySpool spool(dir / "spool.jsonl", 0);
    FakeTransport transport;
    TelemetryInbox inbox(1 << 20);
    TelemetryStatus status;
    SenderSettings settings;
    settings.flushInterval = std::chrono::milliseconds(1);
    TelemetrySender sender(io, spool, transport, inbox, status, settings, [](service::LogLevel, std::string, std::string_view) {});
    std::size_t held = 0;
    for (const std::string& l : lines(0, 4)) inbox.push(l, held);
    sender.wake();
    while (!transport.pending.empty()) {
        auto call = std::move(transport.pending.front());
        transport.pending.pop_front();
        const auto ids = transport.ids(call.body);
        const bool bad = std::find(ids.begin(), ids.end(), "id-1") != ids.end();
        call.done(bad ? HttpResult{400, R"({"error":"invalid event","details":{"level":"required"}})", {}} : HttpResult{202, "{}", {}});
        io.restart();
        io.run_for(std::chrono::milliseconds(5));
    }
    const std::string dead = readFile(dir / "spool.jsonl.dead");
    const auto entry = nlohmann::json::parse(dead.substr(0, dead.find('\n')));
    CHECK(entry["event"]["eventId"] == "id-1");
    CHECK(entry["status"] == 400);
    CHECK(entry["error"].get<std::string>().find("invalid event") != std::string::npos);
    CHECK(status.snapshot().dead == 1);
    CHECK(status.snapshot().delivered == 3);
    CHECK(spool.countFrom({}).value() == 0);
    sender.stop();
}

TEST_CASE("TelemetrySender: a full <spool>.dead drops its oldest entries, says so once, counts them as dropped",
          "[telemetry][sender][dead]") {
    TempDir dir;
    boost::asio::io_context io;
    // Room for about a dozen refused entries; the spool itself never holds more than a batch.
    const auto sample = nlohmann::json{{"status", 400}, {"error", "x"}, {"event", nlohmann::json::parse(line("id-00"))}}.dump();
    const auto bound = static_cast<std::int64_t>((sample.size() + 120) * 12);
    TelemetrySpool spool(dir / "spool.jsonl", bound);
    FakeTransport transport;
    TelemetryInbox inbox(1 << 20);
    TelemetryStatus status;
    std::vector<std::string> logged;
    SenderSettings settings;
    settings.maxEvents = 5;
    settings.flushInterval = std::chrono::milliseconds(1);
    TelemetrySender sender(io, spool, transport, inbox, status, settings,
                           [&](service::LogLevel, std::string message, std::string_view) { logged.push_back(message); });
    for (int round = 0; round < 8; ++round) {
        std::size_t held = 0;
        for (const std::string& l : lines(round * 5, 5)) inbox.push(l, held);
        sender.wake();
        // The monitor refuses every event: bisected down to single events, each one dead.
        while (!transport.pending.empty()) {
            auto call = std::move(transport.pending.front());
            transport.pending.pop_front();
            call.done(HttpResult{400, R"({"error":"invalid event"})", {}});
            io.restart();
            io.run_for(std::chrono::milliseconds(2));
        }
        CHECK(static_cast<std::int64_t>(std::filesystem::file_size(spool.deadPath())) <= bound);
    }
    const auto snapshot = status.snapshot();
    CHECK(snapshot.dead == 40);
    CHECK(snapshot.dropped > 0);
    std::size_t kept = 0;
    std::ifstream in(spool.deadPath());
    for (std::string text; std::getline(in, text);) ++kept;
    CHECK(kept + snapshot.dropped == 40);
    std::size_t boundLines = 0;
    for (const auto& m : logged) boundLines += m.find(".dead reached monitor.buffer.spool_max_bytes") != std::string::npos;
    CHECK(boundLines == 1);
    sender.stop();
}
