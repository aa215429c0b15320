// The real chiefd binary with real child processes, in temp dirs.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <regex>

#include "daemon_harness.h"

using namespace chief::testing;
using namespace std::chrono_literals;

namespace {

const std::string kChiefd = CHIEFD_PATH;

// Runs `chiefd --once` with the given extra arguments on `config`; returns the finished child.
std::unique_ptr<Child> runOnce(const TempDir& dir, const std::string& config, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {kChiefd, "--once", "--config", config, "--log-target", "console"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto child = std::make_unique<Child>(argv, std::vector<std::string>{}, dir / "once.out", dir / "once.err");
    REQUIRE(child->wait(60s));
    return child;
}

}  // namespace

TEST_CASE("chiefd --once runs enabled jobs in YAML order with args verbatim and the CHIEF_* environment",
          "[chiefd][once]") {
    TempDir dir;
    dir.write("show.sh", R"(#!/bin/sh
printf '%s\n' "$CHIEF_JOB_NAME" >> order.log
i=0
for a in "$@"; do i=$((i+1)); printf 'arg%d=[%s]\n' "$i" "$a"; done > "args-$CHIEF_JOB_NAME.txt"
env | sort > "env-$CHIEF_JOB_NAME.txt"
)",
              true);
    const std::string config = dir.write("chief.yaml", R"(
defaults:
  environment: {REGION: eu-west}
jobs:
  - name: second-in-file-first-to-run
    schedule: {frequency: daily, time: "03:00"}
    scripts:
      - path: show.sh
        args: --label "weekly run" 'it''s' "" '$HOME' --unicode=é
  - name: disabled
    enabled: false
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: show.sh}]
  - name: listed
    schedule: {frequency: daily, time: "03:00"}
    environment: {REGION: us-east, EXTRA: "1"}
    scripts:
      - path: show.sh
        args: ["-x", "two words", "2026-01-01"]
)");
    auto child = runOnce(dir, config);
    INFO(child->err());
    CHECK(child->wait(0ms) == 0);
    CHECK(readFile(dir / "order.log") == "second-in-file-first-to-run\nlisted\n");
    CHECK(readFile(dir / "args-second-in-file-first-to-run.txt") ==
          "arg1=[--label]\narg2=[weekly run]\narg3=[its]\narg4=[]\narg5=[$HOME]\narg6=[--unicode=é]\n");
    CHECK(readFile(dir / "args-listed.txt") == "arg1=[-x]\narg2=[two words]\narg3=[2026-01-01]\n");
    const std::string env = readFile(dir / "env-listed.txt");
    CHECK(env.find("CHIEF_JOB_NAME=listed\n") != std::string::npos);
    CHECK(env.find("CHIEF_SCRIPT_PATH=" + (dir / "show.sh") + "\n") != std::string::npos);
    CHECK(env.find("CHIEF_RUN_ID=20") != std::string::npos);
    // Not scheduled (plain --once): no due instant, as chief.py left it unset.
    CHECK(env.find("CHIEF_SCHEDULED_FOR") == std::string::npos);
    CHECK(env.find("REGION=us-east\n") != std::string::npos);
    CHECK(env.find("EXTRA=1\n") != std::string::npos);
    CHECK(env.find("NOTIFY_SOCKET") == std::string::npos);
    CHECK(env.find("CHIEF_MONITOR_ENDPOINT") == std::string::npos);  // the monitor is off
    CHECK(readFile(dir / "env-second-in-file-first-to-run.txt").find("REGION=eu-west\n") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "args-disabled.txt"));
}

TEST_CASE("chiefd --once: stop_on_failure skips the rest, exit status 1 when a run fails", "[chiefd][once]") {
    TempDir dir;
    dir.write("fail.sh", "#!/bin/sh\necho failing >&2\nexit 3\n", true);
    dir.write("touch.sh", "#!/bin/sh\ntouch \"ran-$CHIEF_JOB_NAME\"\n", true);
    const std::string config = dir.write("chief.yaml", R"(
jobs:
  - name: stops
    stop_on_failure: true
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: fail.sh}, {path: touch.sh}]
  - name: continues
    stop_on_failure: false
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: fail.sh}, {path: touch.sh}]
)");
    auto child = runOnce(dir, config);
    INFO(child->err());
    CHECK(child->wait(0ms) == 1);
    CHECK_FALSE(std::filesystem::exists(dir / "ran-stops"));
    CHECK(std::filesystem::exists(dir / "ran-continues"));
    CHECK(child->err().find("stops: run ") != std::string::npos);
    CHECK(child->err().find("failed after") != std::string::npos);
    CHECK(child->err().find("failing") != std::string::npos);  // the script's stderr line
}

// A script that runs forever with a child that ignores SIGTERM; both write their pids.
const char* const kScriptWithStubbornChild = R"(#!/bin/sh
sh -c 'trap "" TERM; echo $$ > grandchild.pid; while :; do sleep 1; done' &
echo $$ > script.pid
while :; do sleep 1; done
)";

TEST_CASE("chiefd --once: a timeout ends the whole process tree, SIGTERM-ignoring grandchild included",
          "[chiefd][once][timeout]") {
    TempDir dir;
    dir.write("stuck.sh", kScriptWithStubbornChild, true);
    const std::string config = dir.write("chief.yaml", R"(
jobs:
  - name: stuck
    kill_grace_seconds: 1
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: stuck.sh, timeout: 1}]
)");
    auto child = runOnce(dir, config);
    INFO(child->err());
    CHECK(child->wait(0ms) == 1);
    REQUIRE(std::filesystem::exists(dir / "grandchild.pid"));
    const pid_t script = std::stoi(readFile(dir / "script.pid"));
    const pid_t grandchild = std::stoi(readFile(dir / "grandchild.pid"));
    CHECK_FALSE(processAlive(script));
    CHECK_FALSE(processAlive(grandchild));
    // The grandchild ignores SIGTERM: the message says when the timeout struck and that the
    // group had to be killed, with the limits as journal fields.
    CHECK(child->err().find("timed out after 1s; did not stop within the 1s grace, killed with SIGKILL") !=
          std::string::npos);
    CHECK(child->err().find("CHIEF_FINAL_SIGNAL=SIGKILL") != std::string::npos);
}

TEST_CASE("chiefd --once: usage errors and invalid configs", "[chiefd][once]") {
    TempDir dir;
    dir.write("ok.sh", "#!/bin/sh\nexit 0\n", true);
    const std::string config = dir.write("chief.yaml", R"(
jobs:
  - name: on
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: ok.sh}]
  - name: off
    enabled: false
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: ok.sh}]
)");
    auto unknown = runOnce(dir, config, {"--job", "nope"});
    CHECK(unknown->wait(0ms) == 2);
    CHECK(unknown->err().find("no job named \"nope\"") != std::string::npos);
    auto disabled = runOnce(dir, config, {"--job", "off"});
    CHECK(disabled->wait(0ms) == 2);
    CHECK(disabled->err().find("job \"off\" is disabled") != std::string::npos);
    const std::string bad = dir.write("bad.yaml", "jobs:\n  - name: x\n    schedule: {frequency: daily, time: \"25:00\"}\n    scripts: [{path: ok.sh}]\n");
    auto invalid = runOnce(dir, bad);
    CHECK(invalid->wait(0ms) == 1);
    CHECK(invalid->err().find(bad + ":3:40: jobs[0].schedule.time: invalid time \"25:00\"") != std::string::npos);
    Child usage({kChiefd, "--once", "--bogus"}, {}, dir / "u.out", dir / "u.err");
    CHECK(usage.wait(10s) == 2);
    CHECK(usage.err().find("unknown option '--bogus'") != std::string::npos);
}

TEST_CASE("chiefd --once --respect-schedule runs only jobs due this minute", "[chiefd][once]") {
    TempDir dir;
    dir.write("touch.sh", "#!/bin/sh\necho \"$CHIEF_SCHEDULED_FOR\" > \"ran-$CHIEF_JOB_NAME\"\n", true);
    const std::string config = dir.write("chief.yaml", R"(
jobs:
  - name: every-minute
    schedule: {frequency: interval, every: 1m}
    scripts: [{path: touch.sh}]
  - name: leap-day
    schedule: {frequency: yearly, month: february, day_of_month: 29, time: "00:00"}
    scripts: [{path: touch.sh}]
)");
    auto child = runOnce(dir, config, {"--respect-schedule"});
    INFO(child->err());
    CHECK(child->wait(0ms) == 0);
    CHECK(std::filesystem::exists(dir / "ran-every-minute"));
    // Due this minute: the minute is its due instant, in the +00:00 form every ISO parser reads.
    const std::string due = readFile(dir / "ran-every-minute");
    CHECK(std::regex_match(due, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:00\+00:00\n)")));
    CHECK_FALSE(std::filesystem::exists(dir / "ran-leap-day"));
    CHECK(child->err().find("leap-day: not due at") != std::string::npos);
}

TEST_CASE("chiefd --once --respect-schedule (a cron line) skips a job chiefctl paused, plain --once runs it",
          "[chiefd][once]") {
    TempDir dir;
    dir.write("touch.sh", "#!/bin/sh\ntouch \"ran-$CHIEF_JOB_NAME\"\n", true);
    const std::string config = dir.write("chief.yaml", R"(
jobs:
  - name: every-minute
    schedule: {frequency: interval, every: 1m}
    scripts: [{path: touch.sh}]
  - name: held
    schedule: {frequency: interval, every: 1m}
    scripts: [{path: touch.sh}]
)");
    std::filesystem::create_directory(dir / "state");
    std::filesystem::permissions(dir / "state", std::filesystem::perms(0750));
    dir.write("state/paused-jobs", "held\n");
    auto child = runOnce(dir, config, {"--respect-schedule", "--state-dir", dir / "state"});
    INFO(child->err());
    CHECK(child->wait(0ms) == 0);
    CHECK(std::filesystem::exists(dir / "ran-every-minute"));
    CHECK_FALSE(std::filesystem::exists(dir / "ran-held"));
    CHECK(child->err().find("held: paused (chiefctl resume held); skipped") != std::string::npos);
    // Not the schedule: an operator's own --once run runs it, as run --force would.
    auto plain = runOnce(dir, config, {"--job", "held", "--state-dir", dir / "state"});
    CHECK(plain->wait(0ms) == 0);
    CHECK(std::filesystem::exists(dir / "ran-held"));
}

TEST_CASE("chiefd: READY=1 and STATUS, SIGHUP reload (a bad file is refused), SIGTERM exits 0", "[chiefd][daemon]") {
    TempDir dir;
    dir.write("ok.sh", "#!/bin/sh\nexit 0\n", true);
    const std::string one = "jobs:\n  - name: a\n    schedule: {frequency: yearly, month: 1, day_of_month: 1, time: \"00:00\"}\n"
                            "    scripts: [{path: ok.sh}]\n";
    const std::string config = dir.write("chief.yaml", one);
    NotifySocket notify(dir / "notify.sock");
    Child chiefd({kChiefd, "--config", config, "--log-target", "console", "--state-dir", dir / "state"},
                 {"NOTIFY_SOCKET=" + notify.path()}, dir / "d.out", dir / "d.err");
    INFO(chiefd.err());
    REQUIRE(notify.waitFor("READY=1", 20s));
    CHECK(notify.messages().back().find("STATUS=1 job (1 enabled); next run at ") != std::string::npos);

    dir.write("chief.yaml", "jobs:\n  - name: a\n    schedule: {frequency: daily, time: \"99:00\"}\n    scripts: [{path: ok.sh}]\n");
    chiefd.signal(SIGHUP);
    REQUIRE(notify.waitFor("RELOADING=1", 20s));
    REQUIRE(notify.waitFor("READY=1", 20s));
    CHECK(waitUntil([&] { return chiefd.err().find("reload refused") != std::string::npos; }, 5s));
    CHECK(chiefd.err().find("jobs[0].schedule.time: invalid time \"99:00\"") != std::string::npos);
    CHECK(notify.messages().back().find("STATUS=1 job (") != std::string::npos);  // still the old config

    dir.write("chief.yaml", one + "  - name: b\n    schedule: {frequency: daily, time: \"04:00\"}\n    scripts: [{path: ok.sh}]\n");
    chiefd.signal(SIGHUP);
    REQUIRE(notify.waitFor("RELOADING=1", 20s));
    REQUIRE(notify.waitFor("READY=1", 20s));
    CHECK(notify.messages().back().find("STATUS=2 jobs (2 enabled)") != std::string::npos);
    CHECK(chiefd.err().find("config reloaded: 2 jobs") != std::string::npos);

    chiefd.signal(SIGTERM);
    CHECK(notify.waitFor("STOPPING=1", 20s));
    CHECK(chiefd.wait(20s) == 0);
}

TEST_CASE("chiefd: SIGTERM stops running scripts' whole groups, leaves no child, and the run is recorded",
          "[chiefd][daemon][slow]") {
    TempDir dir;
    dir.write("long.sh", kScriptWithStubbornChild, true);
    // stop_timeout_seconds: 0 ends runs at once (the default waits for them; tested below).
    const std::string config = dir.write("chief.yaml", R"(
defaults: {stop_timeout_seconds: 0}
jobs:
  - name: long
    kill_grace_seconds: 1
    schedule: {frequency: interval, every: 1m}
    scripts: [{path: long.sh, timeout: 600}]
)");
    NotifySocket notify(dir / "notify.sock");
    Child chiefd({kChiefd, "--config", config, "--log-target", "console", "--state-dir", dir / "state"},
                 {"NOTIFY_SOCKET=" + notify.path()}, dir / "d.out", dir / "d.err");
    INFO(chiefd.err());
    REQUIRE(notify.waitFor("READY=1", 20s));
    // The job fires at the next minute boundary: wait for its processes to exist.
    REQUIRE(waitUntil([&] { return std::filesystem::exists(dir / "grandchild.pid") && std::filesystem::exists(dir / "script.pid"); },
                      75s));
    const pid_t script = std::stoi(readFile(dir / "script.pid"));
    REQUIRE(waitUntil([&] { return !readFile(dir / "grandchild.pid").empty(); }, 5s));
    const pid_t grandchild = std::stoi(readFile(dir / "grandchild.pid"));
    CHECK(processAlive(script));
    CHECK(processAlive(grandchild));
    chiefd.signal(SIGTERM);
    CHECK(chiefd.wait(20s) == 0);
    CHECK_FALSE(processAlive(script));
    CHECK_FALSE(processAlive(grandchild));
    // The run cut short was saved in the state directory, so status survives the restart.
    const auto history = nlohmann::json::parse(readFile(dir / "state/runs/long.json"));
    REQUIRE(history["runs"].size() == 1);
    CHECK(history["runs"][0]["result"] == "interrupted");
    CHECK(history["runs"][0]["scripts"][0]["status"] == "stopped");
}

TEST_CASE("chiefd --once: output of a background child still in the script's group is read until the group ends",
          "[chiefd][once][hardening]") {
    TempDir dir;
    // The child ignores SIGTERM (it says so before the script exits) and writes after the
    // script is gone; chiefd ends the group after kill_grace_seconds and reads it until then.
    dir.write("bg.sh", R"(#!/bin/sh
sh -c 'trap "" TERM; touch trapped; sleep 0.3; echo written-after-the-script-ended; echo done > done.txt; sleep 60' &
while [ ! -e trapped ]; do sleep 0.01; done
echo main
)",
              true);
    const std::string config = dir.write("chief.yaml", R"(
jobs:
  - name: bg
    kill_grace_seconds: 2
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: bg.sh}]
)");
    auto child = runOnce(dir, config);
    INFO(child->err());
    CHECK(child->wait(0ms) == 0);
    CHECK(child->err().find("written-after-the-script-ended") != std::string::npos);
    CHECK(readFile(dir / "done.txt") == "done\n");  // the write did not kill it (no SIGPIPE)
}
