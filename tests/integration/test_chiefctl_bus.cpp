// The real chiefctl against the real chiefd on a private dbus-daemon (DBUS_SYSTEM_BUS_ADDRESS):
// each online verb's output and exit status, run waiting for its scripts, and the messages when
// chiefd or the bus is not there.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>

#include "chief/bus_api.h"
#include "daemon_harness.h"
#include "private_bus.h"
#include "private_journal.h"
#include "test_skip.h"

using namespace chief::testing;
using namespace std::chrono_literals;

namespace {

const std::string kChiefd = CHIEFD_PATH;
const std::string kChiefctl = CHIEFCTL_PATH;

const char* const kYaml = R"(
jobs:
  - name: hello
    description: says hello
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: hello.sh}, {path: fail.sh}]
    stop_on_failure: false
  - name: good
    schedule: {frequency: daily, time: "03:30"}
    scripts: [{path: hello.sh}]
  - name: sleeper
    overlap: skip
    kill_grace_seconds: 1
    schedule: {frequency: daily, time: "04:00"}
    scripts: [{path: sleep.sh}]
  - name: off
    enabled: false
    schedule: {frequency: daily, time: "05:00"}
    scripts: [{path: hello.sh}]
)";

struct Ctl {
    int code;
    std::string out;
    std::string err;
};

// A private bus with chiefd on it; chiefctl runs against it. Everything ends by PID.
class Fixture {
public:
    explicit Fixture(const std::string& yaml = kYaml) {
        dir_.write("hello.sh", "#!/bin/sh\necho hello\n", true);
        dir_.write("fail.sh", "#!/bin/sh\nexit 3\n", true);
        dir_.write("sleep.sh", "#!/bin/sh\necho $$ > sleep.pid\nexec sleep 600\n", true);
        config_ = dir_.write("chief.yaml", yaml);
        address_ = bus_.start(dir_.path());
    }
    ~Fixture() { stopChiefd(); }

    // logTarget "journal": to the journal of a PrivateJournal started before.
    void startChiefd(const std::string& logTarget = "console") {
        notify_.reset();  // a restart: the old socket goes before the new one takes its path
        notify_ = std::make_unique<NotifySocket>(dir_ / "notify.sock");
        chiefd_ = std::make_unique<Child>(
            std::vector<std::string>{kChiefd, "--config", config_, "--log-target", logTarget, "--state-dir",
                                     dir_ / "state"},
            std::vector<std::string>{"NOTIFY_SOCKET=" + notify_->path(), "DBUS_SYSTEM_BUS_ADDRESS=" + address_,
                                     "TZ=UTC"},
            dir_ / "d.out", dir_ / "d.err");
        REQUIRE(notify_->waitFor("READY=1", 20s));  // sent once the bus name is owned
    }
    // kill -9, and the script it left behind (outside systemd nothing else ends it).
    void killChiefd() {
        if (!chiefd_) return;
        chiefd_->signal(SIGKILL);
        chiefd_->wait(20s);
        chiefd_.reset();
        if (const std::string pid = readFile(dir_ / "sleep.pid"); !pid.empty()) ::kill(std::stoi(pid), SIGKILL);
    }
    void stopChiefd() {
        if (!chiefd_) return;
        chiefd_->signal(SIGTERM);
        chiefd_->wait(20s);
        chiefd_.reset();
    }

    // Starts chiefctl with `args` (after `wrapper`, e.g. setpriv); the caller waits.
    std::unique_ptr<Child> spawn(const std::vector<std::string>& args, const std::vector<std::string>& wrapper = {},
                                 const std::string& address = "") {
        std::vector<std::string> argv = wrapper;
        argv.push_back(kChiefctl);
        argv.insert(argv.end(), args.begin(), args.end());
        const std::string n = std::to_string(++count_);
        return std::make_unique<Child>(
            argv, std::vector<std::string>{"DBUS_SYSTEM_BUS_ADDRESS=" + (address.empty() ? address_ : address), "TZ=UTC"},
            dir_ / ("c" + n + ".out"), dir_ / ("c" + n + ".err"));
    }
    // `chiefctl run --job JOB`, waiting: the chiefctl and the run id it printed.
    std::pair<std::unique_ptr<Child>, std::string> startWaitingRun(const std::string& job) {
        auto waiting = spawn({"run", "--job", job});
        REQUIRE(waitUntil([&] { return waiting->out().find("waiting for it to end") != std::string::npos; }, 20s));
        const std::string out = waiting->out();
        return {std::move(waiting), out.substr(4, out.find(' ', 4) - 4)};  // "Run <id> of JOB ..."
    }
    Ctl ctl(const std::vector<std::string>& args, const std::vector<std::string>& wrapper = {},
            const std::string& address = "") {
        auto child = spawn(args, wrapper, address);
        const auto code = child->wait(60s);
        REQUIRE(code);
        return {*code, child->out(), child->err()};
    }

    const TempDir& dir() const { return dir_; }
    const std::string& config() const { return config_; }
    std::string log() const { return chiefd_ ? chiefd_->err() : std::string(); }

private:
    TempDir dir_;
    PrivateBus bus_;
    std::string address_;
    std::string config_;
    std::unique_ptr<NotifySocket> notify_;
    std::unique_ptr<Child> chiefd_;
    int count_ = 0;
};

#define SKIP_WITHOUT_DBUS_DAEMON()                                                      \
    do {                                                                                \
        if (!PrivateBus::available()) {                                                 \
            CHIEF_SKIP_TEST("dbus-daemon is not installed: skipping this chiefctl D-Bus test"); \
        }                                                                               \
    } while (false)

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("chiefctl over the bus: status, list, show, preview, export-cron", "[ctl-bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    Fixture f;
    f.startChiefd();
    INFO(f.log());

    const Ctl status = f.ctl({"status"});
    INFO(status.err);
    CHECK(status.code == 0);
    CHECK(contains(status.out, " is running\n"));
    CHECK(contains(status.out, "      jobs: 4, 0 runs in progress\n"));
    CHECK(std::regex_search(status.out, std::regex("\noff +disabled +- ")));
    const auto statusJson = nlohmann::json::parse(f.ctl({"status", "--json"}).out);
    CHECK(statusJson["daemon"]["jobs"] == 4);
    CHECK(statusJson["jobs"].size() == 4);

    const Ctl list = f.ctl({"list"});
    CHECK(list.code == 0);
    CHECK(std::regex_search(
        list.out, std::regex("\n\\d{4}-\\d\\d-\\d\\d 03:00:00 UTC +[0-9a-z ]+ +- +- +- +hello +every day at 03:00\n")));
    const auto listJson = nlohmann::json::parse(f.ctl({"list", "--json"}).out);
    CHECK(listJson["jobs"][0]["name"] == "hello");
    CHECK(listJson["jobs"][0]["description"] == "says hello");
    CHECK(listJson["jobs"][0]["timezone"] == "UTC");

    const Ctl show = f.ctl({"show", "hello"});
    CHECK(show.code == 0);
    CHECK(contains(show.out, "hello - says hello\n"));
    CHECK(contains(show.out, "  mode:      pure_cron  (cron: 0 3 * * *)\n"));
    CHECK(contains(show.out, "  last run:  never\n"));
    const Ctl missing = f.ctl({"show", "nope"});
    CHECK(missing.code == chief::bus::kExitUsage);
    CHECK(contains(missing.err, "chiefctl: no job named \"nope\""));

    const Ctl preview = f.ctl({"preview", "--job", "hello", "--count", "2", "--from", "2027-01-01T00:00Z"});
    CHECK(preview.code == 0);
    CHECK(contains(preview.out, "  next runs:\n    Fri 2027-01-01 03:00 UTC (+00:00)\n    Sat 2027-01-02 03:00 UTC (+00:00)\n"));
    const auto previewJson = nlohmann::json::parse(f.ctl({"preview", "--json", "--count", "1"}).out);
    CHECK(previewJson["jobs"].size() == 4);

    const Ctl cron = f.ctl({"export-cron", "--job", "good"});
    CHECK(cron.code == 0);
    CHECK(contains(cron.out, "--job good"));
    CHECK_FALSE(contains(cron.out, "--job hello"));
}

TEST_CASE("chiefctl run over the bus: waits and prints each script, --no-wait, history", "[ctl-bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    Fixture f;
    f.startChiefd();
    INFO(f.log());

    const Ctl good = f.ctl({"run", "--job", "good"});
    INFO(good.err);
    CHECK(good.code == 0);
    CHECK(std::regex_search(good.out, std::regex("^Run \\S+ of good started; waiting for it to end\\.\n")));
    CHECK(std::regex_search(good.out, std::regex("\n  1\\. \\S*/hello\\.sh: exit 0 \\(\\d+\\.\\ds\\)\n")));
    CHECK(std::regex_search(good.out, std::regex("\nRun \\S+ succeeded after \\d+\\.\\ds\\.\n$")));

    const Ctl failed = f.ctl({"run", "--job", "hello", "--json"});
    CHECK(failed.code == chief::bus::kExitFailed);
    const auto j = nlohmann::json::parse(failed.out);
    CHECK(j["result"] == "failed");
    REQUIRE(j["scripts"].size() == 2);
    CHECK(j["scripts"][1]["exit_code"] == 3);

    const Ctl noWait = f.ctl({"run", "--job", "good", "--no-wait"});
    CHECK(noWait.code == 0);
    const std::string runId = noWait.out.substr(0, noWait.out.find('\n'));
    CHECK_FALSE(runId.empty());

    const Ctl history = f.ctl({"history", "hello", "--json"});
    CHECK(history.code == 0);
    const auto runs = nlohmann::json::parse(history.out)["runs"];
    REQUIRE(runs.size() == 1);
    CHECK(runs[0]["result"] == "failed");
    CHECK(runs[0]["trigger"] == "manual");

    CHECK(f.ctl({"run", "--job", "off"}).code == chief::bus::kExitUsage);  // JobDisabled
    CHECK(f.ctl({"run", "--job", "nope"}).code == chief::bus::kExitUsage);
    CHECK(f.ctl({"cancel", "no-such-run"}).code == chief::bus::kExitUsage);
    CHECK(f.ctl({"reload"}).code == 0);
}

namespace {

// A job due at every minute, one that cannot be due while the test runs (twelve hours from
// now), and a disabled one. "every" runs in parallel with itself, so chiefd's own run at a
// minute boundary never makes a requested run skipped.
std::string dueYaml() {
    const auto now = std::chrono::floor<std::chrono::minutes>(std::chrono::system_clock::now());
    const long long minuteOfDay = (now.time_since_epoch().count() + 12 * 60) % (24 * 60);
    const std::string hh = std::to_string(minuteOfDay / 60), mm = std::to_string(minuteOfDay % 60);
    const std::string later = (hh.size() < 2 ? "0" : "") + hh + ":" + (mm.size() < 2 ? "0" : "") + mm;
    return std::string(R"(
jobs:
  - name: every
    overlap: parallel
    schedule: {frequency: interval, every: 1m}
    scripts: [{path: hello.sh}]
  - name: later
    timezone: UTC
    schedule: {frequency: daily, time: ")") +
           later + R"("}
    scripts: [{path: hello.sh}]
  - name: off
    enabled: false
    schedule: {frequency: interval, every: 1m}
    scripts: [{path: hello.sh}]
)";
}

}  // namespace

TEST_CASE("chiefctl run --respect-schedule over the bus: chiefd starts the due job, reports the other", "[ctl-bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    Fixture f(dueYaml());
    f.startChiefd();
    INFO(f.log());

    const Ctl due = f.ctl({"run", "--job", "every", "--respect-schedule"});
    INFO(due.err);
    CHECK(due.code == 0);
    CHECK(std::regex_search(due.out, std::regex("^Run \\S+ of every started; waiting for it to end\\.\n")));
    CHECK(std::regex_search(due.out, std::regex("\n  1\\. \\S*/hello\\.sh: exit 0 \\(\\d+\\.\\ds\\)\n")));
    CHECK(std::regex_search(due.out, std::regex("\nRun \\S+ succeeded after \\d+\\.\\ds\\.\n$")));

    const Ctl notDue = f.ctl({"run", "--job", "later", "--respect-schedule"});
    CHECK(notDue.code == 0);
    CHECK(std::regex_match(notDue.out,
                           std::regex("later: not due at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:00 UTC; not run\\.\n")));

    // Every enabled job, judged by chiefd against one minute; "off" is not among them.
    const Ctl all = f.ctl({"run", "--respect-schedule", "--json"});
    INFO(all.err);
    CHECK(all.code == 0);
    const auto j = nlohmann::json::parse(all.out);
    CHECK(j["respect_schedule"] == true);
    CHECK(j["minute"].get<std::string>().ends_with(":00Z"));
    REQUIRE(j["runs"].size() == 2);
    CHECK(j["runs"][0]["job"] == "every");
    CHECK(j["runs"][0]["outcome"] == "started");
    CHECK(j["runs"][0]["result"] == "succeeded");
    CHECK(j["runs"][0]["scripts"].size() == 1);
    CHECK(j["runs"][1] ==
          nlohmann::json{{"job", "later"}, {"run_id", nullptr}, {"outcome", "not-due"}, {"reason", nullptr}});

    // An explicitly named disabled or unknown job refuses the whole request.
    CHECK(f.ctl({"run", "--job", "off", "--respect-schedule"}).code == chief::bus::kExitUsage);
    CHECK(f.ctl({"run", "--job", "nope", "--respect-schedule"}).code == chief::bus::kExitUsage);
}

TEST_CASE("chiefctl run without --job over the bus: every enabled job, in config order, each waited for",
          "[ctl-bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    Fixture f(dueYaml());
    f.startChiefd();
    INFO(f.log());

    const Ctl all = f.ctl({"run"});
    INFO(all.err);
    CHECK(all.code == 0);
    CHECK(std::regex_search(all.out, std::regex("^Run (\\S+) of every started; waiting for it to end\\.\n"
                                                "  1\\. \\S*/hello\\.sh: exit 0 \\(\\d+\\.\\ds\\)\n"
                                                "Run \\1 succeeded after \\d+\\.\\ds\\.\n"
                                                "Run (\\S+) of later (started|was queued \\(.*\\)); waiting for it to "
                                                "end\\.\n"
                                                "  1\\. \\S*/hello\\.sh: exit 0 \\(\\d+\\.\\ds\\)\n"
                                                "Run \\2 succeeded after \\d+\\.\\ds\\.\n$")));
    CHECK_FALSE(contains(all.out, " of off "));

    const Ctl noWait = f.ctl({"run", "--no-wait"});
    CHECK(noWait.code == 0);
    CHECK(std::regex_match(noWait.out, std::regex("\\S+\n\\S+\n")));
    CHECK(noWait.err.empty());

    // Both runs of "later" were manual runs chiefd recorded.
    REQUIRE(waitUntil([&] {
        const auto runs = nlohmann::json::parse(f.ctl({"history", "later", "--json"}).out)["runs"];
        return runs.size() == 2 && runs[0]["result"] != "running" && runs[1]["result"] != "running";
    }, 20s));
    const auto runs = nlohmann::json::parse(f.ctl({"history", "later", "--json"}).out)["runs"];
    CHECK(runs[0]["trigger"] == "manual");
    CHECK(runs[1]["result"] == "succeeded");
}

TEST_CASE("chiefctl over the bus: overlap skip exits 5, cancel ends the waited run", "[ctl-bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    Fixture f;
    f.startChiefd();
    INFO(f.log());

    auto [waiting, runId] = f.startWaitingRun("sleeper");

    const Ctl skipped = f.ctl({"run", "--job", "sleeper", "--no-wait"});
    CHECK(skipped.code == chief::bus::kExitNotStarted);
    CHECK(contains(skipped.err, "was not started"));

    CHECK(f.ctl({"cancel", runId}).code == 0);
    const auto code = waiting->wait(30s);
    REQUIRE(code);
    CHECK(*code == chief::bus::kExitFailed);
    CHECK(contains(waiting->out(), "Run " + runId + " cancelled after "));
}

TEST_CASE("chiefctl over the bus: show lists the running and queued run ids, history the running run, cancel JOB "
          "ends both",
          "[ctl-bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    Fixture f(R"(
jobs:
  - name: sleeper
    overlap: queue
    kill_grace_seconds: 1
    schedule: {frequency: daily, time: "04:00"}
    scripts: [{path: sleep.sh}]
)");
    f.startChiefd();
    INFO(f.log());
    const Ctl first = f.ctl({"run", "--job", "sleeper", "--no-wait"});
    REQUIRE(first.code == 0);
    const std::string running = first.out.substr(0, first.out.find('\n'));
    const Ctl second = f.ctl({"run", "--job", "sleeper", "--no-wait"});
    REQUIRE(second.code == 0);
    const std::string queued = second.out.substr(0, second.out.find('\n'));
    REQUIRE(running != queued);

    const Ctl show = f.ctl({"show", "sleeper"});
    CHECK(contains(show.out, "run:       " + running + " running\n"));
    CHECK(contains(show.out, "run:       " + queued + " queued\n"));
    const auto json = nlohmann::json::parse(f.ctl({"show", "sleeper", "--json"}).out);
    CHECK(json["running_run_ids"] == nlohmann::json::array({running}));
    CHECK(json["queued_run_id"] == queued);
    // The run in progress is in the history, as running.
    const auto history = nlohmann::json::parse(f.ctl({"history", "sleeper", "--json"}).out)["runs"];
    REQUIRE(history.size() == 1);
    CHECK(history[0]["run_id"] == running);
    CHECK(history[0]["result"] == "running");
    CHECK(contains(f.ctl({"history", "sleeper"}).out, running));

    const Ctl cancel = f.ctl({"cancel", "sleeper"});
    CHECK(cancel.code == 0);
    CHECK(contains(cancel.out, "Cancelled run " + queued + " of sleeper.\n"));
    CHECK(contains(cancel.out, "Cancelled run " + running + " of sleeper.\n"));
    REQUIRE(waitUntil([&] {
        const auto runs = nlohmann::json::parse(f.ctl({"history", "sleeper", "--json"}).out)["runs"];
        return runs.size() == 1 && runs[0]["result"] == "cancelled";
    }, 20s));
    const auto after = nlohmann::json::parse(f.ctl({"show", "sleeper", "--json"}).out);
    CHECK(after["running_run_ids"] == nlohmann::json::array());
    CHECK(after["queued_run_id"] == nullptr);
    const Ctl none = f.ctl({"cancel", "sleeper", "--json"});
    CHECK(none.code == 0);
    CHECK(nlohmann::json::parse(none.out) == nlohmann::json{{"job", "sleeper"}, {"cancelled", nlohmann::json::array()}});
    const Ctl unknown = f.ctl({"cancel", "nope"});
    CHECK(unknown.code == chief::bus::kExitUsage);
    CHECK(contains(unknown.err, "no job named"));
}

TEST_CASE("chiefctl over the bus: pause holds across a restart, list and show say so, run --force runs it anyway, "
          "resume",
          "[ctl-bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    Fixture f;
    f.startChiefd();
    INFO(f.log());
    const Ctl paused = f.ctl({"pause", "good"});
    CHECK(paused.code == 0);
    CHECK(paused.out == "Paused good; no scheduled run starts until chiefctl resume good.\n");
    CHECK(f.ctl({"pause", "good"}).out == "Already paused: good.\n");
    CHECK(f.ctl({"pause", "nope"}).code == chief::bus::kExitUsage);
    CHECK(f.ctl({"pause"}).code == chief::bus::kExitUsage);
    CHECK(contains(f.log(), "good: paused; no scheduled run starts until chiefctl resume"));

    // A restart reads the pause back from the state directory.
    f.stopChiefd();
    f.startChiefd();
    const auto show = nlohmann::json::parse(f.ctl({"show", "good", "--json"}).out);
    CHECK(show["paused"] == true);
    CHECK(show["next_run"] == nullptr);
    CHECK(contains(f.ctl({"show", "good"}).out, "paused:    yes (chiefctl resume good)\n"));
    const auto list = nlohmann::json::parse(f.ctl({"list", "--json"}).out)["jobs"];
    for (const auto& job : list) CHECK(job["paused"] == (job["name"] == "good"));
    CHECK(std::regex_search(f.ctl({"list"}).out, std::regex("paused +good ")));
    CHECK(contains(f.ctl({"status"}).out, "good "));

    const Ctl refused = f.ctl({"run", "--job", "good"});
    CHECK(refused.code == chief::bus::kExitUsage);
    CHECK(contains(refused.err, "job \"good\" is paused (chiefctl resume good, or run it anyway with run --force)"));
    CHECK(f.ctl({"run", "--force"}).code == chief::bus::kExitUsage);  // --force needs --job
    const Ctl forced = f.ctl({"run", "--job", "good", "--force"});
    CHECK(forced.code == 0);
    CHECK(contains(forced.out, "succeeded"));
    const Ctl offForced = f.ctl({"run", "--job", "off", "--force", "--no-wait"});
    CHECK(offForced.code == 0);  // disabled, forced

    const Ctl resumed = f.ctl({"resume", "good", "--json"});
    CHECK(nlohmann::json::parse(resumed.out) == nlohmann::json{{"job", "good"}, {"paused", false}, {"changed", true}});
    const auto after = nlohmann::json::parse(f.ctl({"show", "good", "--json"}).out);
    CHECK(after["paused"] == false);
    CHECK(after["next_run"] != nullptr);
    CHECK(contains(f.log(), "good: resumed; next run "));
}

TEST_CASE("chiefctl over the bus: a failed run prints its last 20 lines of output and why a script could not start",
          "[ctl-bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    Fixture f(R"(
jobs:
  - name: noisy
    stop_on_failure: false
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: noisy.sh}, {path: gone.sh}]
)");
    f.dir().write("noisy.sh",
                  "#!/bin/sh\ni=1\nwhile [ $i -le 25 ]; do echo \"line $i\"; i=$((i+1)); done\necho oops >&2\nexit 3\n", true);
    const std::string gone = f.dir().write("gone.sh", "#!/bin/sh\necho hi\n", true);
    f.startChiefd();
    INFO(f.log());
    // Valid when chiefd read the config; not executable any more when the run comes.
    REQUIRE(::chmod(gone.c_str(), 0644) == 0);
    const Ctl r = f.ctl({"run", "--job", "noisy"});
    INFO(r.out << r.err);
    CHECK(r.code == chief::bus::kExitFailed);
    std::string lines;
    for (int i = 7; i <= 25; ++i) lines += "    line " + std::to_string(i) + "\n";
    CHECK(std::regex_search(r.out, std::regex("Last output of script 1 \\(\\S*/noisy\\.sh\\):\n")));
    CHECK(contains(r.out, lines + "    oops\n"));  // stdout and stderr as they came, the newest 20 lines
    CHECK_FALSE(contains(r.out, "    line 6\n"));
    CHECK(std::regex_search(r.out, std::regex("Script 2 \\(\\S*/gone\\.sh\\) could not start: .*[Pp]ermission denied")));
}

TEST_CASE("chiefctl over the bus: Ctrl-C while run waits says the run goes on and how to cancel it", "[ctl-bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    Fixture f;
    f.startChiefd();
    INFO(f.log());
    auto [waiting, runId] = f.startWaitingRun("sleeper");
    waiting->signal(SIGINT);
    const auto code = waiting->wait(20s);
    REQUIRE(code);
    CHECK(*code == 128 + SIGINT);  // ended by the signal, as without the hint
    CHECK(contains(waiting->err(), "chiefctl: stopped waiting; run " + runId + " of sleeper goes on in chiefd (chiefctl cancel " +
                                       runId + " stops it; chiefctl history sleeper shows how it ends)\n"));
    // It does go on.
    const auto show = nlohmann::json::parse(f.ctl({"show", "sleeper", "--json"}).out);
    CHECK(show["running_run_ids"] == nlohmann::json::array({runId}));
    CHECK(f.ctl({"cancel", runId}).code == 0);
}

TEST_CASE("chiefctl over the bus: chiefd stopping mid-wait, not running, no bus", "[ctl-bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    // Runs end at once when chiefd stops (by default it would wait for them up to 60 s).
    Fixture f(std::string("defaults: {stop_timeout_seconds: 0}\n") + kYaml);

    const Ctl notRunning = f.ctl({"status"});
    CHECK(notRunning.code == chief::bus::kExitUnreachable);
    CHECK(notRunning.err ==
          "chiefctl: chiefd is not running (org.chief.Scheduler1 is not on the system bus): start it with systemctl "
          "start chiefd, or use --config PATH to read a config file offline\n");

    const Ctl noBus = f.ctl({"list"}, {}, "unix:path=" + (f.dir() / "no-such-bus.sock"));
    CHECK(noBus.code == chief::bus::kExitUnreachable);
    CHECK(contains(noBus.err, "chiefctl: cannot connect to the system bus ("));
    CHECK(contains(noBus.err, "use --config PATH to read a config file offline"));

    f.startChiefd();
    auto waiting = f.spawn({"run", "--job", "sleeper"});
    REQUIRE(waitUntil([&] { return contains(waiting->out(), "waiting for it to end"); }, 20s));
    f.stopChiefd();
    const auto code = waiting->wait(30s);
    REQUIRE(code);
    INFO(waiting->out());
    INFO(waiting->err());
    // chiefd ends the run as it stops; whether chiefctl sees the result first or chiefd leaving
    // the bus first, it says which and exits accordingly.
    if (*code == chief::bus::kExitUnreachable)
        CHECK(contains(waiting->err(), "chiefd left the system bus (it stopped or restarted) before the run ended"));
    else
        CHECK((*code == chief::bus::kExitFailed && contains(waiting->out(), " interrupted after ")));
}

TEST_CASE("chiefctl over the bus: chiefd killed while chiefctl run waits: chiefctl says so and exits 3", "[ctl-bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    Fixture f;
    f.startChiefd();
    auto waiting = f.spawn({"run", "--job", "sleeper"});
    REQUIRE(waitUntil([&] { return contains(waiting->out(), "waiting for it to end"); }, 20s));
    f.killChiefd();
    // Before the fix chiefctl dispatched chiefd's NameOwnerChanged and then slept forever.
    const auto code = waiting->wait(20s);
    REQUIRE(code);
    CHECK(*code == chief::bus::kExitUnreachable);
    CHECK(contains(waiting->err(), "chiefd left the system bus (it stopped or restarted) before the run ended"));
}

TEST_CASE("chiefctl over the bus: run, cancel and reload need root or the chief group", "[ctl-bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    if (::geteuid() != 0 || ::access("/usr/bin/setpriv", X_OK) != 0) {
        CHIEF_SKIP_TEST("needs root and setpriv to run chiefctl as another user: skipping");
    }
    Fixture f;
    f.startChiefd();
    INFO(f.log());
    const std::vector<std::string> nobody{"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
    const Ctl denied = f.ctl({"run", "--job", "good"}, nobody);
    CHECK(denied.code == chief::bus::kExitAccessDenied);
    CHECK(contains(denied.err, "needs root or membership in the \"chief\" group"));
    CHECK(f.ctl({"reload"}, nobody).code == chief::bus::kExitAccessDenied);
    CHECK(f.ctl({"list"}, nobody).code == 0);  // everyone may read
}

TEST_CASE("chiefctl over the bus: status and list with 10,000 jobs, and a preview too large for one reply",
          "[ctl-bus][hardening]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    std::string yaml = "jobs:\n";
    for (int i = 0; i < 10000; ++i)
        yaml += "  - name: job" + std::to_string(i) + "\n    schedule: {frequency: daily, time: \"03:00\"}\n"
                "    scripts: [{path: hello.sh}]\n";
    Fixture f(yaml);
    f.startChiefd();
    INFO(f.log());
    const Ctl status = f.ctl({"status", "--json"});
    INFO(status.err);
    REQUIRE(status.code == 0);
    CHECK(nlohmann::json::parse(status.out)["daemon"]["jobs"] == 10000);
    const Ctl list = f.ctl({"list"});
    REQUIRE(list.code == 0);
    CHECK(contains(list.out, "job9999"));
    // What an unprivileged user could send to knock chiefd off the bus: refused, exit 2.
    const Ctl preview = f.ctl({"preview", "--count", "100000"});
    CHECK(preview.code == 2);
    CHECK(contains(preview.err, "ask for fewer"));
    CHECK(f.ctl({"status"}).code == 0);
}

TEST_CASE("chiefctl: every read-only verb answers the same online (chiefd) and offline (--config), one printer, one shape",
          "[ctl-bus][client-model]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    Fixture f(std::string(R"(
jobs:
  - name: hello
    description: says hello
    schedule: {frequency: daily, time: "03:00", timezone: America/New_York}
    scripts: [{path: hello.sh, args: ["a b", "--x"]}]
  - name: month-end
    schedule: {frequency: monthly, day_of_month: last, time: "23:00", timezone: Europe/Berlin}
    scripts: [{path: hello.sh}]
  - name: off
    enabled: false
    schedule: {frequency: interval, every: 90m}
    scripts: [{path: hello.sh}]
)"));
    f.startChiefd();
    INFO(f.log());
    auto both = [&](std::vector<std::string> args) {
        const Ctl online = f.ctl(args);
        args.insert(args.begin(), {"--config", f.config()});
        const Ctl offline = f.ctl(args);
        INFO(online.err << offline.err);
        REQUIRE(online.code == 0);
        REQUIRE(offline.code == 0);
        return std::make_pair(online.out, offline.out);
    };
    // A fixed window: both sides compute the same fire times.
    for (const std::vector<std::string>& preview :
         {std::vector<std::string>{"preview", "--from", "2027-10-30T00:00Z", "--count", "4"},
          std::vector<std::string>{"preview", "--from", "2027-10-30T00:00Z", "--count", "4", "--json"},
          std::vector<std::string>{"preview", "--job", "month-end", "--from", "2028-02-01T00:00Z", "--json"}}) {
        const auto [online, offline] = both(preview);
        CHECK(online == offline);
    }
    // export-cron: the same document, but for the line that says when it was exported.
    auto withoutStamp = [](nlohmann::json document) {
        std::string crontab = document["crontab"];
        document["crontab"] = crontab.substr(crontab.find('\n'));
        return document;
    };
    const auto [onlineCron, offlineCron] = both({"export-cron", "--cron", "cronie", "--json"});
    CHECK(withoutStamp(nlohmann::json::parse(onlineCron)) == withoutStamp(nlohmann::json::parse(offlineCron)));
    // list and show: the same fields; what only chiefd knows (runs) is null offline.
    const auto [onlineList, offlineList] = both({"list", "--json", "--all"});
    const auto onlineJobs = nlohmann::json::parse(onlineList)["jobs"];
    const auto offlineJobs = nlohmann::json::parse(offlineList)["jobs"];
    REQUIRE(onlineJobs.size() == 3);
    REQUIRE(offlineJobs.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        REQUIRE(onlineJobs[i].size() == offlineJobs[i].size());  // one shape: the same keys
        for (const auto& [key, value] : offlineJobs[i].items()) {
            INFO(key);
            if (key == "running" || key == "pending_queued" || key == "paused") CHECK(value.is_null());
            else CHECK(onlineJobs[i][key] == value);
        }
    }
    const auto [onlineShow, offlineShow] = both({"show", "hello", "--json"});
    const auto onlineJob = nlohmann::json::parse(onlineShow);
    const auto offlineJob = nlohmann::json::parse(offlineShow);
    for (const auto& [key, value] : offlineJob.items()) {
        INFO(key);
        if (value.is_null()) continue;  // run-time state: unknown offline
        CHECK(onlineJob[key] == value);
    }
    // export-kubernetes: the same document and the same YAML stream; month-end (hybrid) and off
    // (runtime_only) are refused by both, with exit 1 and the same reasons.
    const auto [onlineK8s, offlineK8s] = both({"export-kubernetes", "--job", "hello", "--image", "registry.example/chief:1",
                                               "--namespace", "ops", "--json"});
    CHECK(nlohmann::json::parse(onlineK8s) == nlohmann::json::parse(offlineK8s));
    const Ctl onlineStream = f.ctl({"export-kubernetes", "--image", "registry.example/chief:1"});
    const Ctl offlineStream = f.ctl({"--config", f.config(), "export-kubernetes", "--image", "registry.example/chief:1"});
    CHECK(onlineStream.code == 1);
    CHECK(offlineStream.code == 1);
    CHECK(onlineStream.out == offlineStream.out);
    CHECK(onlineStream.err == offlineStream.err);
    CHECK(contains(onlineStream.out, "kind: CronJob"));
    CHECK(contains(onlineStream.err, "job \"month-end\" not exported"));
    // export-systemd: chiefd returns the units, chiefctl writes them; the same files either way.
    const std::string onlineDir = f.dir() / "units-online";
    const std::string offlineDir = f.dir() / "units-offline";
    REQUIRE(::mkdir(onlineDir.c_str(), 0755) == 0);
    REQUIRE(::mkdir(offlineDir.c_str(), 0755) == 0);
    for (const char* runner : {"chiefd", "native"}) {
        const Ctl online = f.ctl({"export-systemd", "--runner", runner, "--output", onlineDir, "--force", "--json"});
        const Ctl offline =
            f.ctl({"--config", f.config(), "export-systemd", "--runner", runner, "--output", offlineDir, "--force", "--json"});
        INFO(online.err << offline.err);
        REQUIRE(online.code == 0);
        REQUIRE(offline.code == 0);
        auto listed = [](const std::string& out, const std::string& directory) {
            nlohmann::json document = nlohmann::json::parse(out);
            CHECK(document["output"] == directory);
            for (auto& job : document["jobs"])
                for (auto& file : job["files"]) file = file.get<std::string>().substr(directory.size());
            document.erase("output");
            return document;
        };
        CHECK(listed(online.out, onlineDir) == listed(offline.out, offlineDir));
        for (const auto& job : nlohmann::json::parse(online.out)["jobs"]) {
            for (const auto& file : job["files"]) {
                const std::string name = file.get<std::string>().substr(onlineDir.size());
                INFO(name);
                CHECK(!readFile(onlineDir + name).empty());
                CHECK(readFile(onlineDir + name) == readFile(offlineDir + name));
            }
        }
    }
    // Environment values never cross the bus: online, --include-environment is refused.
    const Ctl withEnvironment = f.ctl({"export-systemd", "--output", onlineDir, "--include-environment"});
    CHECK(withEnvironment.code == 2);
    CHECK(contains(withEnvironment.err, "never sent over D-Bus"));
    // chiefd refuses what the core refuses, with the same exit code as offline.
    const Ctl badNamespace = f.ctl({"export-kubernetes", "--image", "i", "--namespace", "Not_A_Label"});
    CHECK(badNamespace.code == 2);
    CHECK(contains(badNamespace.err, "DNS-1123"));
    // What only chiefd knows, offline: exit 2 and why.
    const Ctl history = f.ctl({"--config", f.config(), "history"});
    CHECK(history.code == 2);
}

TEST_CASE("chiefctl over the bus: logs shows a job's and a run's journal entries (chiefd's only), -n, --json, and "
          "follows new ones",
          "[ctl-bus][logs]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    if (const std::string why = PrivateJournal::unavailableReason(); !why.empty())
        CHIEF_SKIP_TEST("a journald of the test's own " << why << ": skipping");
    PrivateJournal journal;
    journal.start();
    Fixture f(R"(
jobs:
  - name: greet
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: greet.sh}]
  - name: other
    schedule: {frequency: daily, time: "04:00"}
    scripts: [{path: hello.sh}]
  - name: quiet
    schedule: {frequency: daily, time: "05:00"}
    scripts: [{path: hello.sh}]
)");
    f.dir().write("greet.sh", "#!/bin/sh\necho \"hello from greet\"\necho \"greet warns\" >&2\n", true);
    f.startChiefd("journal");
    INFO(f.log());
    const Ctl first = f.ctl({"run", "--job", "greet"});
    REQUIRE(first.code == 0);
    const std::string runId = first.out.substr(4, first.out.find(' ', 4) - 4);  // "Run <id> of greet ..."
    REQUIRE(f.ctl({"run", "--job", "other"}).code == 0);

    // journald writes what it receives a moment later: wait until the run's last entry is there.
    Ctl logs;
    REQUIRE(waitUntil(
        [&] {
            logs = f.ctl({"logs", "greet", "--no-pager"});
            return contains(logs.out, "greet: run " + runId + " succeeded");
        },
        20s));
    INFO(logs.out << logs.err);
    CHECK(logs.code == 0);
    CHECK(logs.err.empty());  // from the journal: no note about falling back
    // journalctl's short format in the viewer's zone (TZ=UTC): chiefd's messages and the output.
    const std::string time = R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC )";
    CHECK(std::regex_search(logs.out, std::regex(time + R"(chiefd\[\d+\]: greet: run )" + runId + R"( started \(manual trigger)")));
    CHECK(std::regex_search(logs.out, std::regex(time + R"(greet\[\d+\]: hello from greet\n)")));
    CHECK(std::regex_search(logs.out, std::regex(time + R"(greet\[\d+\]: greet warns\n)")));
    CHECK(logs.out.find("started") < logs.out.find("hello from greet"));  // oldest first
    CHECK(logs.out.find("hello from greet") < logs.out.find("succeeded"));
    CHECK_FALSE(contains(logs.out, "other"));

    // By run id: the same run's entries; -n 1: only the newest one.
    const Ctl byRun = f.ctl({"logs", runId, "--no-pager"});
    CHECK(byRun.code == 0);
    CHECK(contains(byRun.out, "hello from greet"));
    const Ctl lastOne = f.ctl({"logs", runId, "-n", "1", "--no-pager"});
    CHECK(occurrences(lastOne.out, "\n") == 1);
    CHECK(contains(lastOne.out, "greet: run " + runId + " succeeded"));

    // --json: one object per line, the output line with its stream.
    const Ctl json = f.ctl({"logs", "greet", "--json"});
    REQUIRE(json.code == 0);
    std::istringstream lines(json.out);
    bool sawOutput = false;
    for (std::string line; std::getline(lines, line);) {
        const auto entry = nlohmann::json::parse(line);
        CHECK(entry["source"] == "journal");
        CHECK(entry["job"] == "greet");
        if (entry["message"] == "greet warns") {
            sawOutput = true;
            CHECK(entry["stream"] == "stderr");
            CHECK(entry["priority"] == 4);
            CHECK(entry["run_id"] == runId);
        }
    }
    CHECK(sawOutput);

    // An entry another user wrote with chiefd's fields is in the journal, but not chiefd's: not shown.
    if (::access("/usr/bin/setpriv", X_OK) != 0 || ::access("/usr/bin/logger", X_OK) != 0)
        CHIEF_SKIP_TEST("needs setpriv and logger to write a journal entry as another user: skipping");
    const std::string forged = f.dir().write("forged.fields", "MESSAGE=forged by nobody\nCHIEF_JOB=greet\n");
    const std::string marker = f.dir().write("marker.fields", "MESSAGE=after the forged one\nCHIEF_JOB=marker\n");
    const auto program = [&](const std::vector<std::string>& argv, const std::string& name) {
        Child child(argv, {}, f.dir() / (name + ".out"), f.dir() / (name + ".err"));
        const auto code = child.wait(20s);
        INFO(child.err());
        REQUIRE(code == 0);
        return child.out();
    };
    program({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/logger",
             "--journald=" + forged},
            "forger");
    // Sent after it, by root: once it is in the journal, so is the forged entry.
    program({"/usr/bin/logger", "--journald=" + marker}, "marker");
    REQUIRE(waitUntil([&] { return contains(f.ctl({"logs", "marker", "--no-pager"}).out, "after the forged one"); }, 20s));
    CHECK(contains(program({"/usr/bin/journalctl", "--no-pager", "CHIEF_JOB=greet"}, "journalctl"),
                   "forged by nobody"));  // journalctl shows it...
    CHECK_FALSE(contains(f.ctl({"logs", "greet", "--no-pager"}).out, "forged"));  // ...chiefctl logs does not

    // -f: the newest entry, then each new one as chiefd writes it, until it is stopped.
    auto follower = f.spawn({"logs", "greet", "-f", "-n", "1"});
    REQUIRE(waitUntil([&] { return contains(follower->out(), "succeeded"); }, 20s));
    const Ctl second = f.ctl({"run", "--job", "greet"});
    REQUIRE(second.code == 0);
    const std::string secondId = second.out.substr(4, second.out.find(' ', 4) - 4);
    CHECK(waitUntil([&] { return contains(follower->out(), "greet: run " + secondId + " succeeded"); }, 20s));
    CHECK(occurrences(follower->out(), "hello from greet") == 1);  // the second run's, not the first's
    follower->signal(SIGTERM);
    CHECK(follower->wait(20s) == 128 + SIGTERM);

    // A job with no entries yet: nothing to show (said on stderr), then its first run as it comes.
    auto waiting = f.spawn({"logs", "quiet", "-f"});
    REQUIRE(waitUntil([&] { return contains(waiting->err(), "No journal entries and no kept output for quiet."); }, 20s));
    const Ctl quiet = f.ctl({"run", "--job", "quiet"});
    REQUIRE(quiet.code == 0);
    const std::string quietId = quiet.out.substr(4, quiet.out.find(' ', 4) - 4);
    CHECK(waitUntil([&] { return contains(waiting->out(), "quiet: run " + quietId + " succeeded"); }, 20s));
    INFO(waiting->out());
    CHECK(contains(waiting->out(), "quiet[" ));  // the script's "hello"
    CHECK_FALSE(contains(waiting->out(), "greet"));
    waiting->signal(SIGTERM);
    CHECK(waiting->wait(20s) == 128 + SIGTERM);
}

TEST_CASE("chiefctl over the bus: logs shows the output chiefd kept when chiefd logs to a console", "[ctl-bus][logs]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    Fixture f;
    f.startChiefd();  // --log-target console: nothing of it reaches a journal
    INFO(f.log());
    const Ctl run = f.ctl({"run", "--job", "hello"});
    REQUIRE(run.code == 1);  // hello.sh then fail.sh (exit 3)
    const std::string runId = run.out.substr(4, run.out.find(' ', 4) - 4);
    const Ctl logs = f.ctl({"logs", "hello", "--no-pager"});
    INFO(logs.out << logs.err);
    CHECK(logs.code == 0);
    CHECK(contains(logs.err, "; showing the output chiefd kept\n"));
    CHECK(std::regex_search(logs.out, std::regex("-- run " + runId + " of hello, started [^,]+ UTC, failed --\n"
                                                 "script 1 \\(\\S*/hello\\.sh\\):\n    hello\n")));
    const Ctl byRun = f.ctl({"logs", runId, "--json"});
    CHECK(byRun.code == 0);
    const auto line = nlohmann::json::parse(byRun.out.substr(0, byRun.out.find('\n')));
    CHECK(line["source"] == "kept");
    CHECK(line["run_id"] == runId);
    CHECK(line["message"] == "hello");
    // Where this machine has a journal, -f would wait on it for hello's first entry.
    if (::access("/run/log/journal", F_OK) != 0 && ::access("/var/log/journal", F_OK) != 0) {
        const Ctl following = f.ctl({"logs", "hello", "-f"});
        CHECK(following.code == 1);
        CHECK(contains(following.err, "cannot follow hello: --follow reads the journal, and there is none here"));
    } else {
        WARN("this machine has a journal: logs -f without one is not checked here");
    }
    const Ctl unknown = f.ctl({"logs", "nope"});
    CHECK(unknown.code == 2);
    CHECK(contains(unknown.err, "nope"));
    CHECK(f.ctl({"logs", "20990101T000000.000Z-0001"}).code == 2);
    // The kept output is not for every user (GetRunOutput: root and the chief group).
    if (::geteuid() == 0 && ::access("/usr/bin/setpriv", X_OK) == 0) {
        const Ctl denied = f.ctl({"logs", "hello"}, {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
        CHECK(denied.code == 4);
    }
}
