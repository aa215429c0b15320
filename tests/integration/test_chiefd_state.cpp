// chiefd and its state directory, with the real binary: exit statuses that stop systemd's
// restart loop, the instance lock, a state directory others could write to, runs interrupted
// by a crash or cut short at shutdown, the graceful stop, and runs missed while stopped.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "daemon_harness.h"

using namespace chief::testing;
using namespace std::chrono_literals;

namespace {

const std::string kChiefd = CHIEFD_PATH;

// chiefd on `config` with `state` as its state directory; READY=1 awaited unless `ready` is false.
struct Chiefd {
    Chiefd(const TempDir& dir, const std::string& config, const std::string& state, const std::string& name,
           std::vector<std::string> extra = {}, bool ready = true)
        : notify(dir / (name + ".sock")) {
        std::vector<std::string> argv = {kChiefd, "--config", config, "--log-target", "console", "--state-dir", state};
        argv.insert(argv.end(), extra.begin(), extra.end());
        child = std::make_unique<Child>(argv, std::vector<std::string>{"NOTIFY_SOCKET=" + notify.path()},
                                        dir / (name + ".out"), dir / (name + ".err"));
        if (ready) REQUIRE(notify.waitFor("READY=1", 20s));
    }
    NotifySocket notify;
    std::unique_ptr<Child> child;
};

// A job that fires every minute; under --time-speed 60 that is every real second.
std::string everyMinute(const std::string& script, const std::string& extra = "") {
    return "jobs:\n  - name: job\n    kill_grace_seconds: 1\n" + extra +
           "    schedule: {frequency: interval, every: 1m}\n    scripts: [{path: " + script + ", timeout: 600}]\n";
}

nlohmann::json history(const TempDir& dir, const std::string& job) {
    return nlohmann::json::parse(readFile(dir / ("state/runs/" + job + ".json")));
}

}  // namespace

TEST_CASE("chiefd: an invalid config at start exits 6, which chiefd.service does not restart", "[chiefd][hardening]") {
    TempDir dir;
    const std::string config = dir.write("chief.yaml", "jobs: []\n");
    Chiefd d(dir, config, dir / "state", "d", {}, false);
    CHECK(d.child->wait(20s) == 6);
    CHECK(d.child->err().find(config + ":1:7: jobs: \"jobs\" must not be empty") != std::string::npos);
    // The unit keeps it from restarting forever.
    const std::string unit = readFile(std::string(CHIEF_SOURCE_DIR) + "/units/chiefd.service.in");
    CHECK(unit.find("RestartPreventExitStatus=6") != std::string::npos);
}

TEST_CASE("chiefd: a state directory other users can write to is refused, directories are created 0750",
          "[chiefd][hardening]") {
    TempDir dir;
    dir.write("ok.sh", "#!/bin/sh\n", true);
    const std::string config = dir.write("chief.yaml", everyMinute("ok.sh"));
    std::filesystem::create_directories(dir / "open");
    ::chmod((dir / "open").c_str(), 0777);
    Chiefd refused(dir, config, dir / "open", "refused", {}, false);
    CHECK(refused.child->wait(20s) == 6);
    CHECK(refused.child->err().find("is writable by every user (mode 0777)") != std::string::npos);
    CHECK(refused.child->err().find("chmod o-w") != std::string::npos);

    // With a permissive umask, what chiefd creates is still 0750.
    const mode_t old = ::umask(0);
    Chiefd fresh(dir, config, dir / "fresh/state", "fresh");
    ::umask(old);
    struct stat st{};
    REQUIRE(::stat((dir / "fresh/state").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0750);
    fresh.child->signal(SIGTERM);
    CHECK(fresh.child->wait(20s) == 0);
}

TEST_CASE("chiefd: a second chiefd on the same state directory exits with a clear message", "[chiefd][hardening]") {
    TempDir dir;
    dir.write("ok.sh", "#!/bin/sh\n", true);
    const std::string config = dir.write("chief.yaml", everyMinute("ok.sh"));
    Chiefd first(dir, config, dir / "state", "first");
    Chiefd second(dir, config, dir / "state", "second", {}, false);
    CHECK(second.child->wait(20s) == 1);
    CHECK(second.child->err().find("another chiefd (pid " + std::to_string(first.child->pid()) +
                                   ") is using the state directory") != std::string::npos);
    first.child->signal(SIGTERM);
    CHECK(first.child->wait(20s) == 0);
}

TEST_CASE("chiefd: a run cut short by kill -9 is recorded when it starts and marked interrupted at the next start",
          "[chiefd][hardening]") {
    TempDir dir;
    dir.write("long.sh", "#!/bin/sh\necho $$ > script.pid\nexec sleep 600\n", true);
    const std::string config = dir.write("chief.yaml", everyMinute("long.sh"));
    pid_t script = 0;
    {
        Chiefd d(dir, config, dir / "state", "first", {"--time-speed", "60"});
        REQUIRE(waitUntil([&] { return !readFile(dir / "script.pid").empty(); }, 20s));
        script = std::stoi(readFile(dir / "script.pid"));
        // On disk as started (no result) before chiefd dies.
        REQUIRE(waitUntil([&] { return std::filesystem::exists(dir / "state/runs/job.json"); }, 20s));
        d.child->signal(SIGKILL);
        d.child->wait(20s);
    }
    ::kill(script, SIGKILL);  // outside systemd nothing ends the orphan; the test ends what it started
    const auto before = history(dir, "job");
    REQUIRE(before["runs"].size() == 1);
    CHECK(before["runs"][0]["result"].is_null());

    Chiefd again(dir, config, dir / "state", "again");
    INFO(again.child->err());
    CHECK(again.child->err().find("was interrupted: chiefd stopped or crashed while it ran") != std::string::npos);
    again.child->signal(SIGTERM);
    CHECK(again.child->wait(20s) == 0);
    const auto after = history(dir, "job");
    REQUIRE(after["runs"].size() >= 1);
    CHECK(after["runs"][0]["id"] == before["runs"][0]["id"]);
    CHECK(after["runs"][0]["result"] == "interrupted");
}

TEST_CASE("chiefd: SIGTERM lets a running run finish within stop_timeout_seconds, a second SIGTERM ends it now",
          "[chiefd][hardening]") {
    TempDir dir;
    // Waits for a file the test creates, then succeeds.
    dir.write("wait.sh", "#!/bin/sh\necho $$ > script.pid\nwhile [ ! -e go ]; do sleep 0.05; done\n", true);
    const std::string config = dir.write("chief.yaml", everyMinute("wait.sh", "    overlap: skip\n"));

    SECTION("the run finishes and counts as succeeded") {
        Chiefd d(dir, config, dir / "state", "d", {"--time-speed", "60"});
        REQUIRE(waitUntil([&] { return !readFile(dir / "script.pid").empty(); }, 20s));
        d.child->signal(SIGTERM);
        // chiefd waits (it says so) instead of ending the run.
        REQUIRE(waitUntil([&] { return d.child->err().find("waiting up to 60 s for 1 running run") != std::string::npos; },
                          20s));
        CHECK_FALSE(d.child->wait(0ms));
        dir.write("go", "");
        CHECK(d.child->wait(20s) == 0);
        CHECK(history(dir, "job")["runs"][0]["result"] == "succeeded");
    }
    SECTION("a second SIGTERM interrupts it") {
        Chiefd d(dir, config, dir / "state", "d", {"--time-speed", "60"});
        REQUIRE(waitUntil([&] { return !readFile(dir / "script.pid").empty(); }, 20s));
        d.child->signal(SIGTERM);
        REQUIRE(waitUntil([&] { return d.child->err().find("waiting up to") != std::string::npos; }, 20s));
        d.child->signal(SIGTERM);
        CHECK(d.child->wait(20s) == 0);
        INFO(d.child->err());
        CHECK(d.child->err().find("interrupted after") != std::string::npos);
        CHECK(history(dir, "job")["runs"][0]["result"] == "interrupted");
    }
}

TEST_CASE("chiefd: runs that fell due while it was stopped are logged once per job at start, not run",
          "[chiefd][hardening]") {
    TempDir dir;
    dir.write("ok.sh", "#!/bin/sh\ntouch ran\n", true);
    const std::string config = dir.write("chief.yaml", R"(
jobs:
  - name: daily
    timezone: UTC
    schedule: {frequency: daily, time: "06:00"}
    scripts: [{path: ok.sh}]
  - name: fresh
    schedule: {frequency: daily, time: "06:00"}
    scripts: [{path: ok.sh}]
)");
    // The daily job last ran four days ago at 06:00 UTC.
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto today = std::chrono::floor<std::chrono::days>(now);
    const auto lastRun = today - std::chrono::days{4} + std::chrono::hours{6};
    const long long lastS = std::chrono::duration_cast<std::chrono::seconds>(lastRun.time_since_epoch()).count();
    std::filesystem::create_directories(dir / "state/runs");
    dir.write("state/runs/daily.json",
              nlohmann::json{{"version", 1},
                             {"runs",
                              {{{"id", "20200101T060000.000Z-0001"},
                                {"job", "daily"},
                                {"trigger", "schedule"},
                                {"scheduled_for", "x"},
                                {"scheduled_for_s", lastS},
                                {"started_ms", lastS * 1000},
                                {"ended_ms", lastS * 1000 + 10},
                                {"duration_ms", 10},
                                {"result", "succeeded"},
                                {"scripts", nlohmann::json::array()}}}}}
                  .dump());
    ::chmod((dir / "state").c_str(), 0750);
    ::chmod((dir / "state/runs").c_str(), 0750);
    const bool pastSix = now >= today + std::chrono::hours{6};
    const int expected = pastSix ? 4 : 3;
    Chiefd d(dir, config, dir / "state", "d");
    INFO(d.child->err());
    const std::string log = d.child->err();
    CHECK(log.find("daily: " + std::to_string(expected) + " runs missed while chiefd was not running (first ") !=
          std::string::npos);
    CHECK(log.find("fresh:") == std::string::npos);  // never ran: nothing to compare with
    CHECK_FALSE(std::filesystem::exists(dir / "ran"));  // no catch-up

    // After a clean stop, only what fell due since the stop counts: nothing here.
    d.child->signal(SIGTERM);
    REQUIRE(d.child->wait(20s) == 0);
    Chiefd again(dir, config, dir / "state", "again");
    CHECK(again.child->err().find("missed while chiefd was not running") == std::string::npos);
}

TEST_CASE("chiefd: a history file of valid JSON but wrong types, or an unknown version, is moved aside, not fatal",
          "[chiefd][hardening]") {
    TempDir dir;
    dir.write("ok.sh", "#!/bin/sh\n", true);
    const std::string config = dir.write("chief.yaml", everyMinute("ok.sh"));
    std::filesystem::create_directories(dir / "state/runs");
    ::chmod((dir / "state").c_str(), 0750);
    dir.write("state/runs/job.json", R"({"version": 1, "runs": [{"id": 5, "job": "job", "exit_code": "3"}]})");
    dir.write("state/runs/future.json", R"({"version": 2, "runs": []})");
    ::mkfifo((dir / "state/runs/fifo.json").c_str(), 0600);  // would block a plain open()
    Chiefd d(dir, config, dir / "state", "d");
    const std::string log = d.child->err();
    INFO(log);
    CHECK(log.find("job.json \"id\" is not a string; moved aside to") != std::string::npos);
    CHECK(log.find("future.json has history format version 2, which this chiefd does not know") != std::string::npos);
    CHECK(log.find("fifo.json cannot be used (is a FIFO, not a regular file)") != std::string::npos);
    CHECK(std::filesystem::exists(dir / "state/runs/job.json.corrupt"));
    CHECK(std::filesystem::exists(dir / "state/runs/future.json.corrupt"));
    d.child->signal(SIGTERM);
    CHECK(d.child->wait(20s) == 0);
}
