// chiefd's telemetry against a loopback sink the test controls (tests/support/telemetry_sink.h):
// the real chiefd binary, real runs, real HTTP.
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <map>
#include <set>

#include "daemon_harness.h"
#include "telemetry_sink.h"

using namespace chief::testing;
using namespace std::chrono_literals;

namespace {

const std::string kChiefd = CHIEFD_PATH;
const std::string kApiKey = "s3cret-key-never-logged";

// timeout_ms is generous: a request that times out on a loaded machine is sent again, and the
// exactly-once checks below count arrivals before the monitor's dedup.
std::string telemetryConfig(const TelemetrySink& sink, const std::string& extraMonitor = "",
                            const std::string& jobs = "", int timeoutMs = 3000) {
    return "monitor:\n"
           "  enabled: true\n"
           "  endpoint: " + sink.endpoint() + "\n"
           "  api_key: " + kApiKey + "\n"
           "  timeout_ms: " + std::to_string(timeoutMs) + "\n"
           "  heartbeat_seconds: 3600\n"
           "  buffer: {flush_interval_ms: 100, spool_file: spool.jsonl}\n" +
           extraMonitor + "jobs:\n" +
           (jobs.empty() ? "  - name: tick\n"
                           "    schedule: {frequency: interval, every: 1m}\n"
                           "    scripts: [{path: ok.sh}]\n"
                           "  - name: unmonitored\n"
                           "    monitor: {enabled: false}\n"
                           "    schedule: {frequency: interval, every: 1m}\n"
                           "    scripts: [{path: env.sh}]\n"
                         : jobs);
}

void writeScripts(const TempDir& dir) {
    dir.write("ok.sh", "#!/bin/sh\necho fine\n", true);
    dir.write("env.sh", "#!/bin/sh\nenv > \"env-$CHIEF_JOB_NAME.txt\"\n", true);
}

std::unique_ptr<Child> runOnce(const TempDir& dir, const std::string& config, const std::string& job) {
    auto child = std::make_unique<Child>(
        std::vector<std::string>{kChiefd, "--once", "--job", job, "--config", config, "--log-target", "console", "--state-dir",
                                 dir / "state"},
        std::vector<std::string>{}, dir / "once.out", dir / "once.err");
    REQUIRE(child->wait(60s));
    return child;
}

// chiefd with its clock 60 times faster: an every-minute job runs every real second.
std::unique_ptr<Child> startDaemon(const TempDir& dir, const std::string& config, const std::string& name = "chiefd") {
    return std::make_unique<Child>(
        std::vector<std::string>{kChiefd, "--config", config, "--log-target", "console", "--state-dir", dir / "state",
                                 "--time-speed", "60"},
        std::vector<std::string>{}, dir / (name + ".out"), dir / (name + ".err"));
}

void stopDaemon(Child& child) {
    child.signal(SIGTERM);
    REQUIRE(child.wait(30s) == 0);
}

std::vector<std::string> spooledIds(const std::string& path) {
    std::vector<std::string> ids;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        const auto json = nlohmann::json::parse(line, nullptr, false);
        if (json.is_object() && json.contains("eventId")) ids.push_back(json["eventId"]);
    }
    return ids;
}

std::size_t countType(const std::vector<nlohmann::json>& events, const std::string& type) {
    return static_cast<std::size_t>(
        std::count_if(events.begin(), events.end(), [&](const nlohmann::json& e) { return e["eventType"] == type; }));
}

}  // namespace

TEST_CASE("chiefd --once sends a run's events in order with their fields; the API key is sent and never logged",
          "[chiefd][telemetry]") {
    TempDir dir;
    writeScripts(dir);
    TelemetrySink sink;
    const std::string config = dir.write("chief.yaml", telemetryConfig(sink));
    auto once = runOnce(dir, config, "tick");
    INFO(once->err());
    CHECK(once->wait(0ms) == 0);
    // --once waits for delivery before it exits: everything is there now.
    const auto events = sink.events();
    std::vector<std::string> types;
    for (const auto& e : events) types.push_back(e["eventType"]);
    CHECK(types == std::vector<std::string>{"daemon.dispatch", "job.started", "script.started", "script.completed",
                                            "job.completed"});
    std::set<std::string> runIds, eventIds;
    for (const auto& e : events) {
        INFO(e.dump());
        CHECK(e["sourceType"] == "chief");
        CHECK(e["jobName"] == "tick");
        CHECK(e["host"].get<std::string>().size() > 0);
        CHECK(e.contains("eventAt"));
        runIds.insert(e["runId"].get<std::string>());
        eventIds.insert(e["eventId"].get<std::string>());
        CHECK(e["metadata"]["max_runtime_seconds"] == 3600 + 120);  // default script timeout + grace
    }
    CHECK(runIds.size() == 1);
    CHECK(eventIds.size() == events.size());
    CHECK(events[3]["scriptPath"] == dir / "ok.sh");
    CHECK(events[3]["returnCode"] == 0);
    CHECK(events[3]["success"] == true);
    CHECK(events[4]["success"] == true);
    CHECK(events[4].contains("durationMs"));
    for (const auto& headers : sink.requestHeaders()) CHECK(headers.at("x-api-key") == kApiKey);
    CHECK(once->err().find(kApiKey) == std::string::npos);
    CHECK(once->out().find(kApiKey) == std::string::npos);
    // Delivered: nothing left in the spool.
    CHECK(spooledIds(dir / "spool.jsonl").empty());

    // An unmonitored job: no events, and no CHIEF_MONITOR_* for its scripts.
    const std::size_t before = sink.eventCount();
    runOnce(dir, config, "unmonitored");
    CHECK(sink.eventCount() == before);
    const std::string env = readFile(dir / "env-unmonitored.txt");
    CHECK(env.find("CHIEF_MONITOR_ENDPOINT") == std::string::npos);
    CHECK(env.find("CHIEF_MONITOR_API_KEY") == std::string::npos);
}

TEST_CASE("Events spooled while the monitor is down arrive after chiefd restarts, once each by eventId",
          "[chiefd][telemetry]") {
    TempDir dir;
    writeScripts(dir);
    TelemetrySink sink;
    const std::string config = dir.write("chief.yaml", telemetryConfig(sink));
    sink.down();
    auto once = runOnce(dir, config, "tick");
    INFO(once->err());
    // Not delivered within timeout_ms: left in the spool, and said so.
    const auto spooled = spooledIds(dir / "spool.jsonl");
    CHECK(spooled.size() == 5);
    CHECK(once->err().find("not delivered") != std::string::npos);
    sink.up();
    auto daemon = startDaemon(dir, config);
    // (Not sink.waitFor: its condition runs under the sink's lock, which countsById takes.)
    REQUIRE(waitUntil(
        [&] {
            const auto counts = sink.countsById();
            return std::all_of(spooled.begin(), spooled.end(), [&](const std::string& id) { return counts.count(id) > 0; });
        },
        30s));
    stopDaemon(*daemon);
    const auto counts = sink.countsById();
    for (const auto& id : spooled) CHECK(counts.at(id) == 1);
    INFO(daemon->err());
    CHECK(daemon->err().find("left in") != std::string::npos);
}

TEST_CASE("chiefd: monitor down then up: every event arrives exactly once; the outage is logged once",
          "[chiefd][telemetry]") {
    TempDir dir;
    writeScripts(dir);
    TelemetrySink sink;
    const std::string config = dir.write("chief.yaml", telemetryConfig(sink));
    auto daemon = startDaemon(dir, config);
    // Up: runs arrive.
    REQUIRE(sink.waitFor([](const auto& events) { return countType(events, "job.completed") >= 2; }, 30s));
    sink.down();
    // Down: the spool grows while runs go on.
    REQUIRE(waitUntil([&] { return spooledIds(dir / "spool.jsonl").size() >= 15; }, 30s));
    sink.up();
    REQUIRE(sink.waitFor([&](const auto&) { return spooledIds(dir / "spool.jsonl").empty(); }, 30s));
    stopDaemon(*daemon);
    // What was left at the stop goes out at the next start.
    if (!spooledIds(dir / "spool.jsonl").empty()) {
        auto again = startDaemon(dir, config, "again");
        REQUIRE(waitUntil([&] { return spooledIds(dir / "spool.jsonl").empty(); }, 30s));
        stopDaemon(*again);
    }
    const auto events = sink.events();
    std::map<std::string, int> started, ended;
    for (const auto& e : events) {
        if (e["eventType"] == "job.started") ++started[e["runId"]];
        if (e["eventType"] == "job.completed" || e["eventType"] == "job.failed") ++ended[e["runId"]];
    }
    for (const auto& [id, count] : sink.countsById()) {
        INFO(id);
        CHECK(count == 1);
    }
    CHECK(started.size() >= 4);
    for (const auto& [run, count] : started) {
        INFO(run);
        CHECK(count == 1);
        CHECK(ended[run] == 1);
    }
    const std::string err = daemon->err();
    INFO(err);
    std::size_t outages = 0;
    for (auto at = err.find("cannot deliver telemetry"); at != std::string::npos; at = err.find("cannot deliver telemetry", at + 1))
        ++outages;
    CHECK(outages == 1);
    CHECK(err.find("answers again") != std::string::npos);
    CHECK(err.find(kApiKey) == std::string::npos);
    CHECK(countType(events, "job.next_scheduled") >= 4);
    CHECK(countType(events, "chief.heartbeat") >= 1);
}

TEST_CASE("chiefd: a monitor that accepts and never answers does not delay due runs", "[chiefd][telemetry]") {
    TempDir dir;
    dir.write("stamp.sh", "#!/bin/sh\necho run >> runs.log\n", true);
    TelemetrySink sink;
    sink.setMode(TelemetrySink::Mode::Hang);
    const std::string config = dir.write(
        "chief.yaml", telemetryConfig(sink, "", "  - name: tick\n"
                                                "    schedule: {frequency: interval, every: 1m}\n"
                                                "    scripts: [{path: stamp.sh}]\n",
                                     500));
    auto daemon = startDaemon(dir, config);
    // At 60x, a run a second: ten runs in about ten seconds, whatever the monitor does.
    const auto start = std::chrono::steady_clock::now();
    REQUIRE(waitUntil(
        [&] {
            const std::string log = readFile(dir / "runs.log");
            return std::count(log.begin(), log.end(), '\n') >= 10;
        },
        30s));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(elapsed < 14s);
    CHECK(sink.requests() >= 1);
    sink.setMode(TelemetrySink::Mode::Accept);
    stopDaemon(*daemon);
}

TEST_CASE("chiefd: a corrupt line and a torn last line in the spool are skipped with a warning", "[chiefd][telemetry]") {
    TempDir dir;
    writeScripts(dir);
    TelemetrySink sink;
    const std::string config = dir.write("chief.yaml", telemetryConfig(sink));
    const std::string good =
        R"({"sourceType":"chief","eventType":"job.started","level":"INFO","message":"old","jobName":"tick","eventId":"old-1"})";
    dir.write("spool.jsonl", good + "\nnot json at all\n" +
                                 R"({"sourceType":"chief","eventType":"job.completed","level":"INFO","message":"old","eventId":"old-2"})" +
                                 "\n{\"sourceType\":\"chief\",\"eventT");
    auto daemon = startDaemon(dir, config);
    REQUIRE(waitUntil(
        [&] {
            const auto counts = sink.countsById();
            return counts.count("old-1") && counts.count("old-2");
        },
        30s));
    stopDaemon(*daemon);
    const std::string err = daemon->err();
    INFO(err);
    CHECK((err.find("that are not telemetry events") != std::string::npos ||
           err.find("ends in an incomplete line") != std::string::npos));
}

TEST_CASE("chiefd: the spool stays within monitor.buffer.spool_max_bytes, dropping the oldest, said loudly",
          "[chiefd][telemetry]") {
    TempDir dir;
    writeScripts(dir);
    TelemetrySink sink;
    sink.down();
    const std::string config = dir.write(
        "chief.yaml", telemetryConfig(sink, "", "  - name: tick\n"
                                                "    schedule: {frequency: interval, every: 1m}\n"
                                                "    scripts: [{path: ok.sh}]\n"));
    // The bound goes under the buffer block the helper writes.
    std::string text = readFile(config);
    text.replace(text.find("spool_file: spool.jsonl}"), 24, "spool_file: spool.jsonl, spool_max_bytes: 4096}");
    dir.write("chief.yaml", text);
    auto daemon = startDaemon(dir, config);
    REQUIRE(waitUntil([&] { return daemon->err().find("reached monitor.buffer.spool_max_bytes") != std::string::npos; }, 30s));
    for (int i = 0; i < 3; ++i) {
        // At the bound the count may stay the same append after append; the ids move on.
        const auto before = spooledIds(dir / "spool.jsonl");
        REQUIRE(waitUntil([&] { return spooledIds(dir / "spool.jsonl") != before; }, 10s));
        CHECK(std::filesystem::file_size(dir / "spool.jsonl") <= 4096);
    }
    stopDaemon(*daemon);
    CHECK(std::filesystem::file_size(dir / "spool.jsonl") <= 4096);
}
