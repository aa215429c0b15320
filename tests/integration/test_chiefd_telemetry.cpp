// chiefd's telemetry against a loopback sink the test controls (tests/support/telemetry_sink.h):
// the real chiefd binary, real runs, real HTTP.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>

#include <csignal>
#include <ctime>
#include <fstream>
#include <map>
#include <set>

#include "daemon_harness.h"
#include "spool_file.h"
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

std::size_t countType(const std::vector<nlohmann::json>& events, const std::string& type) {
    return static_cast<std::size_t>(
        std::count_if(events.begin(), events.end(), [&](const nlohmann::json& e) { return e["eventType"] == type; }));
}

}  // namespace

TEST_CASE("chiefd --once sends a run's events in order with their fields, the API key is sent and never logged",
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

TEST_CASE("chiefd: monitor down then up: every event arrives, at most one batch twice, the outage is logged once",
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
    // Polled: sink.waitFor checks only when a batch arrives, before chiefd removed it from the
    // spool, so with runs going on it could miss every moment the spool is empty.
    if (!waitUntil([&] { return spooledIds(dir / "spool.jsonl").empty(); }, 30s))
        FAIL("the spool did not drain; " << spooledIds(dir / "spool.jsonl").size() << " events left, sink took "
                                         << sink.events().size() << "; chiefd said:\n" << daemon->err());
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
    // At least once: a batch the sink took just as it went down, whose answer chiefd never saw,
    // is sent again (the monitor drops it by eventId): never more than twice.
    for (const auto& [id, count] : sink.countsById()) {
        INFO(id);
        CHECK(count <= 2);
    }
    CHECK(started.size() >= 4);
    for (const auto& [run, count] : started) {
        INFO(run);
        CHECK(count >= 1);
        CHECK(ended[run] >= 1);
    }
    const std::string err = daemon->err();
    INFO(err);
    CHECK(occurrences(err, "cannot deliver telemetry") == 1);
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

namespace {

// 00:00 UTC of the day after `t`, as the contract writes instants.
std::string nextUtcMidnight(std::chrono::system_clock::time_point t) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    const std::time_t midnight = (seconds / 86400 + 1) * 86400;
    std::tm tm{};
    ::gmtime_r(&midnight, &tm);
    char buffer[40];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT00:00:00.000Z", &tm);
    return buffer;
}

std::vector<nlohmann::json> eventsFor(const std::vector<nlohmann::json>& events, std::size_t from, const std::string& type,
                                      const std::string& job) {
    std::vector<nlohmann::json> found;
    for (std::size_t i = from; i < events.size(); ++i)
        if (events[i]["eventType"] == type && events[i].value("jobName", std::string()) == job) found.push_back(events[i]);
    return found;
}

}  // namespace

TEST_CASE("chiefd telemetry: a reload announces a changed schedule (job.next_scheduled) and a disabled and a removed job "
          "(job.unscheduled)",
          "[chiefd][telemetry][reload]") {
    TempDir dir;
    writeScripts(dir);
    TelemetrySink sink;
    // Daily jobs far from due (real clock): only announcements, no runs.
    const std::string before = "  - name: changed\n"
                               "    schedule: {frequency: daily, time: \"03:00\"}\n"
                               "    timezone: UTC\n"
                               "    scripts: [{path: ok.sh}]\n"
                               "  - name: disabled\n"
                               "    schedule: {frequency: daily, time: \"04:00\"}\n"
                               "    scripts: [{path: ok.sh}]\n"
                               "  - name: removed\n"
                               "    schedule: {frequency: daily, time: \"05:00\"}\n"
                               "    scripts: [{path: ok.sh}]\n";
    const std::string config = dir.write("chief.yaml", telemetryConfig(sink, "", before));
    NotifySocket notify(dir / "notify.sock");
    Child daemon({kChiefd, "--config", config, "--log-target", "console", "--state-dir", dir / "state"},
                 {"NOTIFY_SOCKET=" + notify.path()}, dir / "chiefd.out", dir / "chiefd.err");
    INFO(daemon.err());
    REQUIRE(notify.waitFor("READY=1", 20s));
    // Start-up announces all three.
    REQUIRE(sink.waitFor(
        [](const auto& events) {
            return !eventsFor(events, 0, "job.next_scheduled", "changed").empty() &&
                   !eventsFor(events, 0, "job.next_scheduled", "disabled").empty() &&
                   !eventsFor(events, 0, "job.next_scheduled", "removed").empty();
        },
        30s));
    const auto first = eventsFor(sink.events(), 0, "job.next_scheduled", "changed").front();
    CHECK(first["metadata"]["next_run_at"].get<std::string>().substr(10) == "T03:00:00.000Z");
    CHECK(first["metadata"]["timezone"] == "UTC");

    // Changed: 05:30 in Kolkata (UTC+05:30) is 00:00 UTC. Disabled: enabled false. Removed: gone.
    const std::size_t mark = sink.eventCount();
    const auto reloadedAt = std::chrono::system_clock::now();
    dir.write("chief.yaml", telemetryConfig(sink, "",
                                            "  - name: changed\n"
                                            "    schedule: {frequency: daily, time: \"05:30\"}\n"
                                            "    timezone: Asia/Kolkata\n"
                                            "    scripts: [{path: ok.sh}]\n"
                                            "  - name: disabled\n"
                                            "    enabled: false\n"
                                            "    schedule: {frequency: daily, time: \"04:00\"}\n"
                                            "    scripts: [{path: ok.sh}]\n"));
    daemon.signal(SIGHUP);
    REQUIRE(notify.waitFor("RELOADING=1", 20s));
    REQUIRE(notify.waitFor("READY=1", 20s));
    REQUIRE(sink.waitFor(
        [mark](const auto& events) {
            return !eventsFor(events, mark, "job.next_scheduled", "changed").empty() &&
                   !eventsFor(events, mark, "job.unscheduled", "disabled").empty() &&
                   !eventsFor(events, mark, "job.unscheduled", "removed").empty();
        },
        30s));
    const auto events = sink.events();
    const auto changed = eventsFor(events, mark, "job.next_scheduled", "changed");
    REQUIRE(changed.size() == 1);
    INFO(changed.front().dump());
    const std::string nextRunAt = changed.front()["metadata"]["next_run_at"];
    CHECK((nextRunAt == nextUtcMidnight(reloadedAt) || nextRunAt == nextUtcMidnight(std::chrono::system_clock::now())));
    CHECK(changed.front()["metadata"]["timezone"] == "Asia/Kolkata");
    CHECK(changed.front()["sourceType"] == "chief");
    CHECK(changed.front()["metadata"].contains("check_enabled"));

    const auto disabled = eventsFor(events, mark, "job.unscheduled", "disabled");
    const auto removed = eventsFor(events, mark, "job.unscheduled", "removed");
    REQUIRE(disabled.size() == 1);
    REQUIRE(removed.size() == 1);
    CHECK(disabled.front()["metadata"]["reason"] == "the job is disabled");
    CHECK(removed.front()["metadata"]["reason"] == "the job was removed from the config");
    // Neither is announced as scheduled after the reload.
    CHECK(eventsFor(events, mark, "job.next_scheduled", "disabled").empty());
    CHECK(eventsFor(events, mark, "job.next_scheduled", "removed").empty());

    daemon.signal(SIGTERM);
    CHECK(daemon.wait(30s) == 0);
}

TEST_CASE("chiefctl telemetry replay-dead moves <spool>.dead back into the spool under its lock (text and --json), "
          "chiefd sends the events again",
          "[chiefd][telemetry][replay-dead]") {
    TempDir dir;
    writeScripts(dir);
    TelemetrySink sink;
    // The monitor refuses every event: bisected down to single events, each goes to <spool>.dead.
    sink.setMode(TelemetrySink::Mode::Status, 400);
    const std::string config = dir.write("chief.yaml", telemetryConfig(sink));
    const std::string spool = dir / "spool.jsonl";
    const std::string dead = spool + ".dead";
    auto once = runOnce(dir, config, "tick");
    INFO(once->err());
    CHECK(once->err().find("the monitor refused") != std::string::npos);
    std::vector<std::string> refused;
    {
        std::ifstream in(dead);
        for (std::string line; std::getline(in, line);) {
            const auto entry = nlohmann::json::parse(line);
            CHECK(entry["status"] == 400);
            refused.push_back(entry["event"]["eventId"]);
        }
    }
    REQUIRE(refused.size() == 5);
    CHECK(spooledIds(spool).empty());

    const auto chiefctl = [&](const std::vector<std::string>& extra, const std::string& name) {
        std::vector<std::string> argv{CHIEFCTL_PATH, "--config", config};
        argv.insert(argv.end(), extra.begin(), extra.end());
        return std::make_unique<Child>(argv, std::vector<std::string>{"STATE_DIRECTORY=" + (dir / "state")}, dir / (name + ".out"),
                                       dir / (name + ".err"));
    };

    // While another process (chiefd) holds the spool's lock, replay-dead waits for it.
    const int lockFd = ::open((spool + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    REQUIRE(lockFd >= 0);
    REQUIRE(::flock(lockFd, LOCK_EX) == 0);
    auto replay = chiefctl({"telemetry", "replay-dead"}, "replay");
    CHECK_FALSE(replay->wait(500ms).has_value());
    CHECK(spooledIds(spool).empty());
    ::flock(lockFd, LOCK_UN);
    ::close(lockFd);
    REQUIRE(replay->wait(30s) == 0);
    INFO(replay->err());
    CHECK(replay->out() == "5 events moved from " + dead + " back to " + spool + "; chiefd sends them\n");
    // Back in the spool with their original eventIds, and gone from the dead file.
    CHECK(spooledIds(spool) == refused);
    CHECK(readFile(dead).empty());

    // --json: an entry written by hand is replayed too; a line that is not an entry is not.
    const std::string handEvent =
        R"({"sourceType":"chief","eventType":"job.started","level":"INFO","message":"by hand","jobName":"tick","eventId":"hand-1"})";
    dir.write("spool.jsonl.dead", R"({"status":400,"error":"invalid event","event":)" + handEvent + "}\nnot an entry\n");
    auto json = chiefctl({"--json", "telemetry", "replay-dead"}, "replay-json");
    REQUIRE(json->wait(30s) == 0);
    const auto answer = nlohmann::json::parse(json->out());
    CHECK(answer["replayed"] == 1);
    CHECK(answer["spool"] == spool);
    CHECK(spooledIds(spool).size() == 6);
    // Nothing left to replay: 0, exit 0.
    auto empty = chiefctl({"telemetry", "replay-dead"}, "replay-empty");
    REQUIRE(empty->wait(30s) == 0);
    CHECK(empty->out().find("0 events moved") == 0);

    // The monitor accepts them now: chiefd sends the replayed events, each once.
    sink.setMode(TelemetrySink::Mode::Accept);
    auto daemon = startDaemon(dir, config);
    refused.push_back("hand-1");
    REQUIRE(waitUntil(
        [&] {
            const auto counts = sink.countsById();
            return std::all_of(refused.begin(), refused.end(), [&](const std::string& id) { return counts.count(id) > 0; });
        },
        30s));
    stopDaemon(*daemon);
    const auto counts = sink.countsById();
    for (const auto& id : refused) CHECK(counts.at(id) == 1);
}

// libcurl and its ~30 libraries cost 5.8 MB of resident memory: chiefd maps them only when a
// monitor: block switches telemetry on (daemon/telemetry/curl_library.h).
TEST_CASE("chiefd maps libcurl only when telemetry is on", "[chiefd][telemetry]") {
    TempDir dir;
    dir.write("stamp.sh", "#!/bin/sh\necho run >> runs.log\n", true);
    const std::string jobs = "  - name: tick\n"
                             "    schedule: {frequency: interval, every: 1m}\n"
                             "    scripts: [{path: stamp.sh}]\n";
    const auto mapsOf = [](const Child& child) { return readFile("/proc/" + std::to_string(child.pid()) + "/maps"); };
    {
        const std::string config = dir.write("off.yaml", "jobs:\n" + jobs);
        auto daemon = startDaemon(dir, config, "off");
        // A run has happened, so the config (and any telemetry it asks for) is in place.
        REQUIRE(waitUntil([&] { return !readFile(dir / "runs.log").empty(); }, 30s));
        const std::string maps = mapsOf(*daemon);
        REQUIRE(maps.find("libc.so") != std::string::npos);
        CHECK(maps.find("libcurl") == std::string::npos);
        stopDaemon(*daemon);
    }
    TelemetrySink sink;
    const std::string config = dir.write("on.yaml", telemetryConfig(sink, "", jobs));
    auto daemon = startDaemon(dir, config, "on");
    REQUIRE(waitUntil([&] { return !sink.events().empty(); }, 30s));
    CHECK(mapsOf(*daemon).find("libcurl.so.4") != std::string::npos);
    stopDaemon(*daemon);
}
