// The Daemon and DaemonControl in-process, without chiefd's binary or a bus: a fake clock, a
// launcher whose scripts the test ends, and the contract's values as chiefctl would get them.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>

#include "app/daemon.h"
#include "bus/control_access.h"
#include "bus/daemon_control.h"
#include "config_fixture.h"
#include "fake_run_services.h"

using namespace chief;
using namespace chief::daemon;
using namespace chief::testing;
using namespace std::chrono_literals;

namespace {

struct RecordingHost final : service::ServiceHost {
    std::vector<std::string> calls;
    void statusChanged() override {}
    void reloading() override { calls.push_back("reloading"); }
    void reloaded() override { calls.push_back("reloaded"); }
};

struct CollectingLogger final : service::Logger {
    std::vector<std::string> lines;
    void log(service::LogLevel, std::string_view message, const service::LogFields&, std::string_view) override {
        lines.emplace_back(message);
    }
    bool said(std::string_view part) const {
        return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(part) != std::string::npos; });
    }
};

const char* const kTwoJobs = R"(
defaults: {stop_timeout_seconds: 0}
jobs:
  - name: backup
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: dump.sh}, {path: upload.sh}]
  - name: off
    enabled: false
    schedule: {frequency: daily, time: "04:00"}
    scripts: [{path: dump.sh}]
)";

// One chiefd, in this process.
struct Fixture {
    explicit Fixture(std::string configText = kTwoJobs) : yaml(std::move(configText)) {
        clock.t = SysMillis{std::chrono::milliseconds{1798761600000}};  // 2027-01-01T00:00:00Z
    }
    // A fresh state directory; members are built in order, so it exists before the daemon is.
    static std::filesystem::path freshState() {
        auto dir = std::filesystem::temp_directory_path() / ("chief-daemon-test-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir);
        return dir;
    }
    ~Fixture() { std::filesystem::remove_all(state); }

    boost::asio::io_context io;
    FakeClock clock;
    CollectingLogger logger;
    RecordingHost host;
    RunEventBus events;
    FakeLauncher launcher;
    NullOutputs outputs;
    FakeAccounts accounts;
    FakeHostProbe programs;
    RunServices services{clock, events, launcher, outputs, accounts, programs, {"PATH=/usr/bin:/bin"}};
    std::string yaml;
    std::filesystem::path state = freshState();
    Daemon daemon{DaemonParts{io, clock, logger, host, services, events,
                              [this](const std::string&) { return loadYaml(yaml); }, kConfigPath, state.string()}};
    ControlAccess access{[](const std::string& group) { return group == "chief" ? std::optional<gid_t>(990) : std::nullopt; }};
    DaemonControl control{daemon, clock, access, "9.9.9"};

    // Lets posted work (run starts and ends) happen.
    void settle() {
        io.restart();
        io.run_for(50ms);
    }
};

const bus::Caller kRoot{0, {0}};
const bus::Caller kOperator{1000, {1000, 990}};
const bus::Caller kStranger{1001, {1001}};

}  // namespace

TEST_CASE("daemon in-process: start, the manager and job views, and what only chiefd knows", "[daemon][control]") {
    Fixture f;
    REQUIRE_FALSE(f.daemon.start());
    const bus::ManagerState manager = f.control.manager();
    CHECK(manager.version == "9.9.9");
    CHECK(manager.configPath == kConfigPath);
    CHECK(manager.jobCount == 2);
    CHECK(manager.nextRun == SysSeconds{1798761600s + 3h});
    const auto jobs = f.control.listJobs();
    REQUIRE(jobs.size() == 2);
    CHECK(jobs[0].name == "backup");
    CHECK(jobs[0].cron == "0 3 * * *");
    CHECK(jobs[0].runningCount == 0u);
    CHECK(jobs[1].nextRun == std::nullopt);  // disabled
    CHECK_FALSE(f.control.job("nope"));
    CHECK(f.control.getRun("r-1").failure().error.name == std::string(bus::kNoSuchRun.name));
    CHECK(f.control.listRuns("nope", 0).failure().error.name == std::string(bus::kNoSuchJob.name));
}

TEST_CASE("daemon in-process: runs need root or the chief group, a run goes on record as the bus shows it",
          "[daemon][control]") {
    Fixture f;
    REQUIRE_FALSE(f.daemon.start());
    const auto denied = f.control.runJob(kStranger, "backup", false);
    REQUIRE_FALSE(denied);
    CHECK(denied.failure().error.name == std::string(bus::kAccessDenied.name));
    CHECK(denied.failure().message == "running a job needs root or membership in the \"chief\" group");
    CHECK(f.control.runJob(kOperator, "off", false).failure().error.name == std::string(bus::kJobDisabled.name));
    CHECK(f.control.runJob(kOperator, "nope", false).failure().error.name == std::string(bus::kNoSuchJob.name));

    const auto accepted = f.control.runJob(kOperator, "backup", false);
    REQUIRE(accepted);
    CHECK(accepted.value().outcome == bus::RunStartOutcome::Started);
    f.settle();
    REQUIRE(f.launcher.launches.size() == 1);
    const auto running = f.control.getRun(accepted.value().runId);
    REQUIRE(running);
    CHECK(running.value().result == "running");
    CHECK(running.value().trigger == "manual");
    CHECK_FALSE(running.value().scheduledFor);  // nobody scheduled it
    CHECK(running.value().scripts[0].status == "running");
    CHECK(running.value().scripts[1].status == "pending");
    // A second request meets the overlap policy (skip).
    CHECK(f.control.runJob(kRoot, "backup", false).failure().error.name == std::string(bus::kRunSkipped.name));

    f.launcher.exit(0, ScriptExit::Kind::Exited, 0);
    f.settle();
    f.launcher.exit(1, ScriptExit::Kind::Exited, 3);
    f.settle();
    const auto runs = f.control.listRuns("backup", 0);
    REQUIRE(runs);
    REQUIRE(runs.value().size() == 1);
    CHECK(runs.value()[0].result == "failed");
    CHECK(runs.value()[0].scripts[1].exitCode == 3);
    CHECK(f.control.job("backup")->lastResult == "failed");
}

TEST_CASE("daemon in-process: a reload goes through the shell's handshake, an invalid file is refused",
          "[daemon][control]") {
    Fixture f;
    REQUIRE_FALSE(f.daemon.start());
    std::size_t reloadedJobs = 0;
    f.daemon.setReloadListener([&](std::size_t jobs) { reloadedJobs = jobs; });
    f.yaml = "jobs: []\n";
    const auto refused = f.control.reload(kRoot);
    REQUIRE_FALSE(refused);
    CHECK(refused.failure().error.name == std::string(bus::kInvalidConfig.name));
    CHECK(refused.failure().message.find("\"jobs\" must not be empty") != std::string::npos);
    CHECK(f.host.calls == std::vector<std::string>{"reloading", "reloaded"});
    CHECK(f.control.manager().jobCount == 2);  // still the old config
    CHECK(f.control.reload(kStranger).failure().error.name == std::string(bus::kAccessDenied.name));

    f.yaml = "jobs:\n  - name: only\n    schedule: {frequency: daily, time: \"05:00\"}\n    scripts: [{path: a.sh}]\n";
    REQUIRE(f.control.reload(kOperator));
    CHECK(f.control.manager().jobCount == 1);
    CHECK(reloadedJobs == 1);
}

TEST_CASE("daemon in-process: stopping ends a running run as interrupted, then says it is done", "[daemon][control]") {
    Fixture f;
    REQUIRE_FALSE(f.daemon.start());
    REQUIRE(f.control.runJob(kRoot, "backup", false));
    f.settle();
    bool stopped = false;
    f.daemon.stop([&] { stopped = true; });  // stop_timeout_seconds: 0, so at once
    REQUIRE(f.launcher.processes.size() == 1);
    CHECK(f.launcher.processes[0]->stopped);
    CHECK_FALSE(stopped);  // the script has not ended yet
    CHECK(f.control.runJob(kRoot, "backup", false).failure().error.name == std::string(bus::kStopping.name));
    f.launcher.exit(0, ScriptExit::Kind::Stopped, -1, 15);
    f.settle();
    CHECK(stopped);
    CHECK(f.daemon.history().lastFinished("backup")->result == RunResult::Interrupted);
}

TEST_CASE("daemon in-process: an invalid config or an unsafe state directory fails the start with 6",
          "[daemon][control]") {
    {
        Fixture f("jobs: []\n");
        CHECK(f.daemon.start() == kExitNotConfigured);
        CHECK(f.logger.said("is invalid; not starting"));
    }
    {
        Fixture f;
        std::filesystem::create_directories(f.state);
        ::chmod(f.state.c_str(), 0777);
        CHECK(f.daemon.start() == kExitNotConfigured);
        CHECK(f.logger.said("is writable by every user"));
    }
}

TEST_CASE("daemon in-process: pause keeps a job from its schedule, on disk, resume gives it its next fire time, "
          "run --force runs a paused or disabled job",
          "[daemon][control]") {
    Fixture f;
    REQUIRE_FALSE(f.daemon.start());
    CHECK(f.control.pauseJob(kStranger, "backup").failure().error.name == std::string(bus::kAccessDenied.name));
    CHECK(f.control.pauseJob(kOperator, "nope").failure().error.name == std::string(bus::kNoSuchJob.name));
    REQUIRE(f.control.pauseJob(kOperator, "backup").value() == true);
    CHECK(f.control.pauseJob(kOperator, "backup").value() == false);  // already
    CHECK(f.logger.said("backup: paused; no scheduled run starts until chiefctl resume"));
    CHECK(f.control.manager().pausedJobs == std::vector<std::string>{"backup"});
    CHECK(f.control.manager().nextRun == std::nullopt);  // the only enabled job is paused
    const auto job = f.control.job("backup");
    REQUIRE(job);
    CHECK(job->paused == true);
    CHECK(job->nextRun == std::nullopt);
    // Kept where a restart finds it.
    std::ifstream file(f.state / "paused-jobs");
    std::string line;
    REQUIRE(std::getline(file, line));
    CHECK(line == "backup");

    // The schedule does not start it; an operator's plain run is refused, a forced one runs.
    f.clock.t += 4h;
    f.settle();
    CHECK(f.launcher.launches.empty());
    const auto refused = f.control.runJob(kOperator, "backup", false);
    REQUIRE_FALSE(refused);
    CHECK(refused.failure().error.name == std::string(bus::kJobPaused.name));
    CHECK(refused.failure().message.find("run --force") != std::string::npos);
    CHECK(f.control.runJobs(kOperator, {"backup"}, false).failure().error.name == std::string(bus::kJobPaused.name));
    CHECK(f.control.runJobs(kOperator, {}, false).value().runs.empty());  // paused and disabled left out
    REQUIRE(f.control.runJob(kOperator, "backup", true).value().outcome == bus::RunStartOutcome::Started);
    // Disabled, forced: accepted, and waits for the one slot (max_parallel_jobs: 1).
    REQUIRE(f.control.runJob(kOperator, "off", true).value().outcome == bus::RunStartOutcome::Queued);
    f.settle();
    CHECK(f.launcher.launches.size() == 1);

    REQUIRE(f.control.resumeJob(kOperator, "backup").value() == true);
    CHECK(f.control.resumeJob(kOperator, "backup").value() == false);
    CHECK(f.control.manager().pausedJobs == std::vector<std::string>{});
    CHECK(f.control.job("backup")->nextRun == SysSeconds{1798761600s + 24h + 3h});  // next day: no catch-up
    CHECK(f.logger.said("backup: resumed; next run 2027-01-02T03:00:00Z"));
    std::ifstream empty(f.state / "paused-jobs");
    CHECK_FALSE(std::getline(empty, line));
}
