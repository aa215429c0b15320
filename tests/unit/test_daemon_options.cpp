// chiefd's command line and the benchmark time base.
#include <catch2/catch.hpp>

#include "app/check_due_mode.h"
#include "app/daemon_options.h"
#include "app/time_base.h"
#include "bus/control_access.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "config_fixture.h"

using namespace chief::daemon;
using namespace std::chrono_literals;

TEST_CASE("chiefd options: modes, values and their errors", "[daemon-options]") {
    auto parse = [](std::vector<std::string> args) { return parseDaemonOptions(args); };

    const auto plain = parse({"--config", "/etc/x.yaml", "--log-target=console", "--user"});
    REQUIRE(plain);
    CHECK(plain.value().mode == DaemonOptions::Mode::Daemon);
    CHECK(plain.value().configPath == "/etc/x.yaml");
    CHECK(plain.value().logTarget == "console");
    CHECK(plain.value().userBus);
    CHECK(plain.value().timeSpeed == 1);

    const auto once = parse({"--once", "--job", "backup", "--respect-schedule"});
    REQUIRE(once);
    CHECK(once.value().mode == DaemonOptions::Mode::Once);
    CHECK(once.value().job == std::optional<std::string>("backup"));

    CHECK(parse({"--job", "x"}).error() == "--job only applies with --once or --check-due");
    CHECK(parse({"--log-target", "syslog"}).error() == "--log-target must be auto, journal or console, got 'syslog'");
    CHECK(parse({"--confg", "x"}).error() == "unknown option '--confg' (did you mean '--config'?)");
    CHECK(parse({"--help"}).value().mode == DaemonOptions::Mode::Help);
}

TEST_CASE("chiefd --check-due: options, and every error exits 255 so ExecCondition= fails the unit", "[daemon-options]") {
    auto parse = [](std::vector<std::string> args) { return parseDaemonOptions(args); };
    const auto due = parse({"--check-due", "--job", "backup", "--config", "/etc/x.yaml", "--user"});
    REQUIRE(due);
    CHECK(due.value().mode == DaemonOptions::Mode::CheckDue);
    CHECK(due.value().job == std::optional<std::string>("backup"));
    CHECK(due.value().userBus);
    CHECK(parse({"--check-due"}).error() == "--check-due needs --job NAME");
    CHECK(parse({"--check-due", "--once", "--job", "x"}).error() == "--check-due runs nothing; it cannot be combined with --once");
    CHECK_FALSE(parse({"--check-due", "--job", "x", "--respect-schedule"}));
    CHECK_FALSE(parse({"--check-due=yes", "--job", "x"}));
    CHECK(asksCheckDue({"--job", "x", "--check-due", "--bogus"}));
    CHECK_FALSE(asksCheckDue({"--once", "--job", "x"}));

    const chief::LoadResult loaded = chief::testing::loadYaml(R"(
jobs:
  - name: bounded
    schedule: {frequency: daily, time: "04:00", timezone: UTC, exclude: ["2027-02-01"]}
    scripts: [{path: run.sh}]
)");
    REQUIRE(loaded.ok());
    auto check = [&](const std::string& job, std::optional<std::string_view> trigger) {
        std::ostringstream log;
        const int code = runCheckDue(loaded, chief::testing::kConfigPath, job, trigger, log);
        const std::string line = log.str();
        CHECK(std::count(line.begin(), line.end(), '\n') == 1);  // one line for the journal
        return std::make_pair(code, line);
    };
    CHECK(check("bounded", "1803268800000000").first == 0);  // 2027-02-22T04:00:00Z
    CHECK(check("bounded", "1803268860000000").first == 1);  // 04:01
    CHECK(check("bounded", "1801454400000000").first == 1);  // 2027-02-01T04:00:00Z, excluded
    CHECK(check("bounded", std::nullopt).first == 0);        // started by hand
    CHECK(check("bounded", "soon").first == kCheckDueError);
    const auto unknown = check("nope", "1803268800000000");
    CHECK(unknown.first == kCheckDueError);
    CHECK(unknown.second.find("no job \"nope\"") != std::string::npos);
    std::ostringstream log;
    CHECK(runCheckDue(chief::testing::loadYaml("jobs: 3\n"), "/etc/x.yaml", "bounded", std::nullopt, log) == kCheckDueError);
    CHECK(log.str().find("is invalid") != std::string::npos);
}

TEST_CASE("chiefd --time-speed: whole numbers 1-3600, daemon mode only", "[daemon-options]") {
    auto parse = [](std::vector<std::string> args) { return parseDaemonOptions(args); };
    CHECK(parse({"--time-speed", "600"}).value().timeSpeed == 600);
    CHECK(parse({"--time-speed=1"}).value().timeSpeed == 1);
    for (const char* bad : {"0", "3601", "-5", "1.5", "fast", ""}) {
        INFO(bad);
        const auto r = parse({"--time-speed", bad});
        REQUIRE_FALSE(r);
        CHECK(r.error().find("--time-speed") != std::string::npos);
    }
    CHECK(parse({"--once", "--time-speed", "60"}).error() == "--time-speed does not apply with --once");
}

TEST_CASE("time base: real time is the identity, a faster clock maps both ways from its origin", "[daemon-options]") {
    const TimeBase real;
    CHECK(real.isReal());
    CHECK(real.toVirtual(123456789ns) == 123456789ns);
    CHECK(real.toReal(987654321ns) == 987654321ns);

    TimeBase fast;
    fast.origin = 1'000'000'000'000ns;  // real and virtual agree here
    fast.speed = 600;
    CHECK_FALSE(fast.isReal());
    CHECK(fast.toVirtual(fast.origin) == fast.origin);
    CHECK(fast.toVirtual(fast.origin + 100ms) == fast.origin + 60s);  // a virtual minute per 100 real ms
    CHECK(fast.toReal(fast.origin + 60s) == fast.origin + 100ms);
    CHECK(fast.toReal(fast.toVirtual(fast.origin + 12345us)) == fast.origin + 12345us);
}

TEST_CASE("chiefd paths: /etc and /var/lib for the system daemon, the XDG directories with --user", "[daemon-options]") {
    std::map<std::string, std::string> env;
    auto getenv = [&env](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
    };
    auto paths = [&](const std::vector<std::string>& args) { return resolveDaemonPaths(parseDaemonOptions(args).value(), getenv); };
    env = {{"HOME", "/home/ann"}};
    CHECK(paths({}).configPath == "/etc/chief/chief.yaml");
    CHECK(paths({}).stateDirectory == "/var/lib/chief");
    CHECK(paths({"--user"}).configPath == "/home/ann/.config/chief/chief.yaml");
    CHECK(paths({"--user"}).stateDirectory == "/home/ann/.local/state/chief");
    env["XDG_CONFIG_HOME"] = "/cfg";
    env["XDG_STATE_HOME"] = "/st";
    CHECK(paths({"--user"}).configPath == "/cfg/chief/chief.yaml");
    CHECK(paths({"--user"}).stateDirectory == "/st/chief");
    // systemd's StateDirectory= (for a user unit, under $XDG_STATE_HOME) and explicit options win.
    env["STATE_DIRECTORY"] = "/run/x:/run/y";
    CHECK(paths({"--user"}).stateDirectory == "/run/x");
    CHECK(paths({"--user", "--config", "/tmp/c.yaml", "--state-dir", "/tmp/s"}).configPath == "/tmp/c.yaml");
    CHECK(paths({"--user", "--config", "/tmp/c.yaml", "--state-dir", "/tmp/s"}).stateDirectory == "/tmp/s");
}

TEST_CASE("control access: the chief group for the system daemon, the owner and root for a per-user one",
          "[daemon-options][access]") {
    const ControlAccess system([](const std::string& group) { return group == "chief" ? std::optional<gid_t>(990) : std::nullopt; });
    CHECK(system.mayControl(Caller{0, {}}));
    CHECK(system.mayControl(Caller{1000, {1000, 990}}));
    CHECK_FALSE(system.mayControl(Caller{1000, {1000}}));
    CHECK_FALSE(system.mayControl(Caller{std::nullopt, {990}}));  // no credentials: no
    const ControlAccess user = ControlAccess::forUser(1000);
    CHECK(user.mayControl(Caller{1000, {1000}}));
    CHECK(user.mayControl(Caller{0, {}}));
    CHECK_FALSE(user.mayControl(Caller{1001, {1001, 990}}));  // the chief group counts for nothing here
    CHECK(user.whoMay() == "root or the user this chiefd runs as (uid 1000)");
    CHECK(system.whoMay() == "root or membership in the \"chief\" group");
}

TEST_CASE("chiefd --once --user: a per-user chiefd's exported lines record runs in that user's history",
          "[daemon-options][user]") {
    std::map<std::string, std::string> env{{"HOME", "/home/ann"}};
    auto getenv = [&env](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
    };
    const auto options = parseDaemonOptions({"--once", "--user", "--job", "mine"});
    REQUIRE(options);
    CHECK(options.value().mode == DaemonOptions::Mode::Once);
    CHECK(resolveDaemonPaths(options.value(), getenv).stateDirectory == "/home/ann/.local/state/chief");
    CHECK(resolveDaemonPaths(options.value(), getenv).configPath == "/home/ann/.config/chief/chief.yaml");
}
