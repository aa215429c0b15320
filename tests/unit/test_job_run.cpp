#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "chief/time_format.h"
#include "config_fixture.h"
#include "fake_run_services.h"
#include "runner/job_run.h"
#include "runner/run_environment.h"
#include "runner/run_history_store.h"

using namespace chief;
using namespace chief::daemon;
using namespace chief::testing;

namespace {

struct Harness {
    FakeClock clock;
    RunEventBus bus;
    FakeLauncher launcher;
    NullOutputs outputs;
    FakeAccounts accounts;
    FakeHostProbe programs;
    RunServices services{clock, bus, launcher, outputs, accounts, programs, {"PATH=/usr/bin:/bin", "HOME=/root", "CHIEF_RUN_ID=leaked",
                                                                               "NOTIFY_SOCKET=/run/systemd/notify", "JOURNAL_STREAM=8:1234"}};
    std::shared_ptr<const Config> config;
    std::vector<std::string> events;
    std::optional<RunRecord> done;

    explicit Harness(const std::string& yaml) {
        FakeHostProbe files;
        files.set("/etc/chief/load.py", FakeHostProbe::Kind::File);  // not executable: runs via python3
        const LoadResult result = loadYaml(yaml, files);
        for (const auto& d : result.diagnostics) UNSCOPED_INFO(formatDiagnostic(d));
        REQUIRE(result.ok());
        config = std::make_shared<const Config>(*result.config);
        bus.subscribe([this](const RunEvent& e) {
            std::visit(
                [this](const auto& ev) {
                    using T = std::decay_t<decltype(ev)>;
                    if constexpr (std::is_same_v<T, ScriptStarted>)
                        events.push_back("script-started " + std::to_string(ev.index));
                    else if constexpr (std::is_same_v<T, ScriptFinished>)
                        events.push_back("script-finished " + std::to_string(ev.index) + " " +
                                         scriptStatusName(ev.record.outcome.status));
                    else if constexpr (std::is_same_v<T, RunFinished>)
                        events.push_back(std::string("run-finished ") + runResultName(*ev.record.result));
                },
                e);
        });
    }
    std::unique_ptr<JobRun> run(std::size_t jobIndex = 0) {
        RunTicket ticket{"20260504T120000.000Z-0001", config, &config->jobs.at(jobIndex),
                         SysSeconds{Seconds{1777896000}}, TriggerKind::Schedule};
        return std::make_unique<JobRun>(ticket, services, [this](const RunRecord& r) { done = r; });
    }
};

const char* kThreeScripts = R"(
jobs:
  - name: etl
    stop_on_failure: true
    kill_grace_seconds: 3
    environment: {REGION: eu}
    schedule: {frequency: daily, time: "12:00"}
    scripts:
      - {path: extract.sh, args: ["--from", "a b", ""], timeout: 30}
      - {path: load.py}
      - {path: report.sh}
)";

}  // namespace

TEST_CASE("job run: scripts run in order with argv, cwd, env, timeout and grace", "[runner]") {
    Harness h(kThreeScripts);
    auto run = h.run();
    run->start();
    REQUIRE(h.launcher.launches.size() == 1);
    const ScriptLaunch& first = h.launcher.launches[0];
    CHECK(first.argv == std::vector<std::string>{"/etc/chief/extract.sh", "--from", "a b", ""});
    CHECK(first.workingDir == "/etc/chief");
    CHECK(first.timeout == std::chrono::seconds{30});
    CHECK(first.killGrace == std::chrono::seconds{3});
    CHECK(first.environment == std::vector<std::string>{
                                   "PATH=/usr/bin:/bin", "HOME=/home/chief-test", "USER=chief-test",
                                   "LOGNAME=chief-test", "SHELL=/bin/bash", "REGION=eu", "CHIEF_RUN_ID=20260504T120000.000Z-0001",
                                   "CHIEF_JOB_NAME=etl", "CHIEF_SCRIPT_PATH=/etc/chief/extract.sh",
                                   "CHIEF_SCHEDULED_FOR=2026-05-04T12:00:00+00:00"});
    h.launcher.exit(0, ScriptExit::Kind::Exited, 0);
    REQUIRE(h.launcher.launches.size() == 2);
    // A .py script that is not executable runs through python3, resolved on PATH.
    CHECK(h.launcher.launches[1].argv == std::vector<std::string>{"/usr/bin/python3", "/etc/chief/load.py"});
    h.launcher.exit(1, ScriptExit::Kind::Exited, 0);
    h.launcher.exit(2, ScriptExit::Kind::Exited, 0);
    REQUIRE(h.done);
    CHECK(h.done->result == RunResult::Succeeded);
    CHECK(h.events == std::vector<std::string>{"script-started 0", "script-finished 0 exited", "script-started 1",
                                               "script-finished 1 exited", "script-started 2", "script-finished 2 exited",
                                               "run-finished succeeded"});
}

TEST_CASE("job run: stop_on_failure skips the remaining scripts", "[runner]") {
    Harness h(kThreeScripts);
    auto run = h.run();
    run->start();
    h.launcher.exit(0, ScriptExit::Kind::Exited, 3);
    CHECK(h.launcher.launches.size() == 1);
    REQUIRE(h.done);
    CHECK(h.done->result == RunResult::Failed);
    CHECK(h.done->scripts[0].outcome.exitCode == 3);
    CHECK(h.done->scripts[1].outcome.status == ScriptOutcome::Status::Skipped);
    CHECK(h.done->scripts[2].outcome.status == ScriptOutcome::Status::Skipped);
}

TEST_CASE("job run: without stop_on_failure the rest still run, and the run fails", "[runner]") {
    Harness h(R"(
jobs:
  - name: all
    stop_on_failure: false
    schedule: {frequency: daily, time: "12:00"}
    scripts: [{path: a.sh}, {path: b.sh}]
)");
    auto run = h.run();
    run->start();
    h.launcher.exit(0, ScriptExit::Kind::TimedOut, -1, 9);
    REQUIRE(h.launcher.launches.size() == 2);
    h.launcher.exit(1, ScriptExit::Kind::Exited, 0);
    REQUIRE(h.done);
    CHECK(h.done->result == RunResult::Failed);
    CHECK(h.done->scripts[0].outcome.status == ScriptOutcome::Status::TimedOut);
    CHECK(h.done->scripts[0].outcome.signal == 9);
    CHECK(h.done->scripts[1].outcome.succeeded());
}

TEST_CASE("job run: cancel stops the current script and skips the rest", "[runner]") {
    Harness h(kThreeScripts);
    auto run = h.run();
    run->start();
    run->cancel();
    CHECK(h.launcher.processes[0]->stopped);
    h.launcher.exit(0, ScriptExit::Kind::Stopped, -1, 15);
    REQUIRE(h.done);
    CHECK(h.done->result == RunResult::Cancelled);
    CHECK(h.launcher.launches.size() == 1);
}

TEST_CASE("job run: an unknown user or a missing interpreter fails the run with a reason", "[runner]") {
    SECTION("user") {
        Harness h(R"(
jobs:
  - name: as-ghost
    user: nobody
    schedule: {frequency: daily, time: "12:00"}
    scripts: [{path: a.sh}]
)");
        // The config named an existing user; the host lost it before the run.
        auto ticketJob = const_cast<Job*>(&h.config->jobs[0]);
        ticketJob->user = "ghost";
        auto run = h.run();
        run->start();
        CHECK(h.launcher.launches.empty());
        REQUIRE(h.done);
        CHECK(h.done->result == RunResult::Failed);
        CHECK(h.done->scripts[0].outcome.status == ScriptOutcome::Status::SpawnFailed);
        CHECK(h.done->scripts[0].outcome.error == "user \"ghost\" does not exist");
    }
    SECTION("interpreter") {
        Harness h(kThreeScripts);
        h.programs.removeProgram("python3");
        auto run = h.run();
        run->start();
        h.launcher.exit(0, ScriptExit::Kind::Exited, 0);
        REQUIRE(h.done);
        CHECK(h.done->scripts[1].outcome.error == "interpreter \"python3\" was not found in PATH");
        CHECK(h.done->scripts[2].outcome.status == ScriptOutcome::Status::Skipped);
    }
}

TEST_CASE("job run: the monitor endpoint and key reach workers only when the job's monitor is on", "[runner]") {
    Harness h(R"(
monitor: {enabled: true, endpoint: "http://127.0.0.1:7410", api_key: s3cret}
jobs:
  - name: watched
    schedule: {frequency: daily, time: "12:00"}
    scripts: [{path: a.sh}]
  - name: quiet
    monitor: {enabled: false}
    schedule: {frequency: daily, time: "12:00"}
    scripts: [{path: a.sh}]
)");
    const Job& watched = h.config->jobs[0];
    const auto env = buildScriptEnvironment({}, watched, watched.scripts[0], "r1", SysSeconds{Seconds{0}});
    CHECK(std::count(env.begin(), env.end(), "CHIEF_MONITOR_ENDPOINT=http://127.0.0.1:7410") == 1);
    CHECK(std::count(env.begin(), env.end(), "CHIEF_MONITOR_API_KEY=s3cret") == 1);
    const Job& quiet = h.config->jobs[1];
    const auto env2 = buildScriptEnvironment({}, quiet, quiet.scripts[0], "r1", SysSeconds{Seconds{0}});
    CHECK(std::none_of(env2.begin(), env2.end(), [](const std::string& e) { return e.starts_with("CHIEF_MONITOR"); }));
}

TEST_CASE("run history: bounded per job, persisted atomically, reloaded after a restart", "[history]") {
    const auto dir = std::filesystem::temp_directory_path() / ("chief-history-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    RunRecord run;
    run.job = "backup";
    run.scheduledFor = SysSeconds{Seconds{1777896000}};
    run.startedAt = SysMillis{std::chrono::milliseconds{1777896000123}};
    run.endedAt = run.startedAt + std::chrono::milliseconds{4500};
    run.result = RunResult::Failed;
    ScriptRecord script{"/etc/chief/a.sh", {}, run.startedAt, run.endedAt, 42, "copying...\ndisk full\n"};
    script.outcome.status = ScriptOutcome::Status::Exited;
    script.outcome.exitCode = 3;
    run.scripts.push_back(script);
    {
        RunHistoryStore store(dir.string(), 3);
        for (int i = 1; i <= 5; ++i) {
            run.id = "r" + std::to_string(i);
            store.record(run);
        }
        CHECK(store.dirty());
        CHECK_FALSE(store.flush());
        CHECK_FALSE(store.dirty());
        CHECK(store.history("backup").size() == 3);
        CHECK(store.last("backup")->id == "r5");
    }
    RunHistoryStore reloaded(dir.string(), 3);
    CHECK(reloaded.load().empty());
    const auto runs = reloaded.history("backup");
    REQUIRE(runs.size() == 3);
    CHECK(runs[0].id == "r5");
    CHECK(runs[2].id == "r3");
    CHECK(runs[0].result == RunResult::Failed);
    CHECK(runs[0].durationMs() == 4500);
    CHECK(runs[0].scripts[0].outcome.exitCode == 3);
    CHECK(runs[0].scripts[0].pid == 42);
    CHECK(runs[0].scripts[0].outputTail == "copying...\ndisk full\n");
    CHECK(runs[0].scheduledFor == run.scheduledFor);
    // No temporary file is left behind.
    for (const auto& entry : std::filesystem::directory_iterator(dir / "runs"))
        CHECK(entry.path().filename().string().find(".tmp") == std::string::npos);
    // A torn or foreign file is moved aside, not trusted, and does not stop the others loading.
    std::ofstream(dir / "runs" / "broken.json") << "{\"runs\": [";
    RunHistoryStore third(dir.string(), 3);
    const auto problems = third.load();
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("broken.json is not valid JSON") != std::string::npos);
    CHECK(std::filesystem::exists(dir / "runs" / "broken.json.corrupt"));
    CHECK(third.history("backup").size() == 3);
    std::filesystem::remove_all(dir);
}

TEST_CASE("run history: a run is kept from its start, replaced at its end, and marked interrupted if it never ended",
          "[history]") {
    const auto dir = std::filesystem::temp_directory_path() / ("chief-history-start-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    RunRecord started;
    started.id = "r1";
    started.job = "backup";
    started.startedAt = SysMillis{std::chrono::milliseconds{1000}};
    {
        RunHistoryStore store(dir.string());
        store.record(started);
        CHECK_FALSE(store.flush());
        CHECK_FALSE(store.lastFinished("backup"));
    }
    RunHistoryStore after(dir.string());
    CHECK(after.load().empty());
    const auto interrupted = after.interruptUnfinished();
    REQUIRE(interrupted.size() == 1);
    CHECK(interrupted[0].id == "r1");
    CHECK(interrupted[0].result == RunResult::Interrupted);
    CHECK_FALSE(interrupted[0].endedAt);
    CHECK(after.dirty());
    CHECK(after.lastFinished("backup")->result == RunResult::Interrupted);
    // Its end replaces the start record, never a second entry.
    RunRecord ended = started;
    ended.result = RunResult::Succeeded;
    ended.endedAt = started.startedAt + std::chrono::milliseconds{5};
    after.record(ended);
    REQUIRE(after.history("backup").size() == 1);
    CHECK(after.history("backup")[0].result == RunResult::Succeeded);
    std::filesystem::remove_all(dir);
}

TEST_CASE("run history: runs another process wrote to the same file are merged, not overwritten", "[history]") {
    const auto dir = std::filesystem::temp_directory_path() / ("chief-history-merge-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    RunRecord run;
    run.job = "backup";
    run.result = RunResult::Succeeded;
    RunHistoryStore daemon(dir.string());
    RunHistoryStore once(dir.string());  // chiefd --once from cron, say
    run.id = "r1";
    daemon.record(run);
    CHECK_FALSE(daemon.flush());
    run.id = "r2";
    once.record(run);
    CHECK_FALSE(once.flush());
    run.id = "r3";
    daemon.record(run);
    CHECK_FALSE(daemon.flush());
    // The daemon's write kept r2 and took it in.
    const auto mine = daemon.history("backup");
    REQUIRE(mine.size() == 3);
    CHECK(mine[1].id == "r2");
    RunHistoryStore reader(dir.string());
    CHECK(reader.load().empty());
    CHECK(reader.history("backup").size() == 3);
    std::filesystem::remove_all(dir);
}

TEST_CASE("job run: only the CHIEF_* names chiefd sets are reserved, an empty API key is left unset", "[runner]") {
    Harness h(R"(
monitor: {enabled: true, endpoint: "http://127.0.0.1:7410"}
jobs:
  - name: keyless
    schedule: {frequency: daily, time: "12:00"}
    scripts: [{path: a.sh}]
)");
    const Job& job = h.config->jobs[0];
    // A caller's CHIEF_ENVIRONMENT passes through; a caller's CHIEF_SCHEDULED_FOR must not leak
    // into a run that has no due instant.
    const auto env = buildScriptEnvironment(
        {"CHIEF_ENVIRONMENT=prod", "CHIEF_SCHEDULED_FOR=2020-01-01T00:00:00+00:00", "CHIEF_MONITOR_API_KEY=old"}, job,
        job.scripts[0], "r1", std::nullopt);
    CHECK(std::count(env.begin(), env.end(), "CHIEF_ENVIRONMENT=prod") == 1);
    CHECK(std::none_of(env.begin(), env.end(), [](const std::string& e) { return e.starts_with("CHIEF_SCHEDULED_FOR="); }));
    CHECK(std::count(env.begin(), env.end(), "CHIEF_MONITOR_ENDPOINT=http://127.0.0.1:7410") == 1);
    CHECK(std::none_of(env.begin(), env.end(), [](const std::string& e) { return e.starts_with("CHIEF_MONITOR_API_KEY="); }));
}

TEST_CASE("a script gets HOME, USER, LOGNAME and SHELL of the account it runs as, the job's environment wins",
          "[environment]") {
    Harness h(R"(
jobs:
  - name: plain
    schedule: {frequency: daily, time: "12:00"}
    scripts: [{path: a.sh}]
  - name: pinned
    environment: {HOME: /srv/pinned}
    schedule: {frequency: daily, time: "12:00"}
    scripts: [{path: a.sh}]
)");
    const LoginAccount backup{"backup", "/var/backups", "/usr/sbin/nologin"};
    const Job& plain = h.config->jobs[0];
    // chiefd's own HOME and USER (root's, under the system chiefd) must not reach the script.
    const auto env = buildScriptEnvironment({"HOME=/root", "USER=root", "LOGNAME=root", "SHELL=/bin/bash"}, plain,
                                            plain.scripts[0], "r1", std::nullopt, backup);
    CHECK(std::count(env.begin(), env.end(), "HOME=/var/backups") == 1);
    CHECK(std::count(env.begin(), env.end(), "USER=backup") == 1);
    CHECK(std::count(env.begin(), env.end(), "LOGNAME=backup") == 1);
    CHECK(std::count(env.begin(), env.end(), "SHELL=/usr/sbin/nologin") == 1);
    CHECK(std::none_of(env.begin(), env.end(), [](const std::string& e) { return e == "HOME=/root" || e == "USER=root"; }));

    const Job& pinned = h.config->jobs[1];
    const auto env2 = buildScriptEnvironment({}, pinned, pinned.scripts[0], "r1", std::nullopt, backup);
    CHECK(std::count(env2.begin(), env2.end(), "HOME=/srv/pinned") == 1);
    CHECK(std::count(env2.begin(), env2.end(), "USER=backup") == 1);
}

TEST_CASE("job run: a job with user: gets that account's login variables, others chiefd's own", "[runner][environment]") {
    Harness h(R"(
jobs:
  - name: as-nobody
    user: nobody
    schedule: {frequency: daily, time: "12:00"}
    scripts: [{path: a.sh}]
)");
    auto run = h.run();
    run->start();
    REQUIRE(h.launcher.launches.size() == 1);
    const auto& env = h.launcher.launches[0].environment;
    CHECK(std::count(env.begin(), env.end(), "HOME=/home/nobody") == 1);
    CHECK(std::count(env.begin(), env.end(), "USER=nobody") == 1);
    CHECK(std::count(env.begin(), env.end(), "LOGNAME=nobody") == 1);
    CHECK(std::count(env.begin(), env.end(), "SHELL=/bin/sh") == 1);
    h.launcher.exit(0, ScriptExit::Kind::Exited, 0);
}
