// The real chiefctl on a pseudo-terminal, as an operator sees it: long output goes through the
// pager ($PAGER, here a script that records it ran and copies its input), except with
// --no-pager, --json or when standard output is not a terminal; results are coloured on a
// terminal, and not with NO_COLOR.
#include <catch2/catch.hpp>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "daemon_harness.h"
#include "private_bus.h"
#include "test_skip.h"

using namespace chief::testing;
using namespace std::chrono_literals;

namespace {

const std::string kChiefctl = CHIEFCTL_PATH;
const std::string kChiefd = CHIEFD_PATH;

const char* const kYaml = R"(
jobs:
  - name: backup
    schedule: {frequency: daily, time: "06:00"}
    scripts: [{path: run.sh}]
  - name: old
    enabled: false
    schedule: {frequency: daily, time: "07:00"}
    scripts: [{path: run.sh}]
)";

const std::string kGreyDisabled = "\x1b[0;90mdisabled\x1b[0m";

struct Screen {
    int code = -1;
    std::string text;  // everything chiefctl and its pager wrote to the terminal
};

// Runs `args` on a new pseudo-terminal with exactly `environment`; what the terminal showed.
Screen onTerminal(const std::vector<std::string>& args, const std::vector<std::string>& environment) {
    std::vector<std::string> argv{kChiefctl};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv, cenv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    for (const auto& e : environment) cenv.push_back(const_cast<char*>(e.c_str()));
    cenv.push_back(nullptr);
    struct winsize size {};
    size.ws_row = 50;
    size.ws_col = 200;
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::execve(cargv[0], cargv.data(), cenv.data());
        ::_exit(127);
    }
    Screen screen;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    for (;;) {
        struct pollfd p {master, POLLIN, 0};
        if (std::chrono::steady_clock::now() > deadline) break;
        const int ready = ::poll(&p, 1, 200);
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) {
            // Everything that holds the terminal has ended and all was read.
            int status = 0;
            if (screen.code < 0 && ::waitpid(pid, &status, WNOHANG) == pid)
                screen.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            continue;
        }
        char buffer[4096];
        const ssize_t got = ::read(master, buffer, sizeof buffer);
        if (got <= 0) break;  // EIO: the last process with the terminal open has ended
        screen.text.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(master);
    if (screen.code < 0) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
        }
        screen.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    return screen;
}

class Fixture {
public:
    Fixture() {
        dir_.write("run.sh", "#!/bin/sh\ntrue\n", true);
        config_ = dir_.write("chief.yaml", kYaml);
        // The pager: says it ran, with which LESS, then shows its input as it came.
        pager_ = dir_.write("pager.sh",
                            "#!/bin/sh\necho \"LESS=$LESS LESSCHARSET=$LESSCHARSET\" >> '" + log() + "'\nexec /bin/cat\n",
                            true);
    }
    std::vector<std::string> environment(const std::vector<std::string>& extra = {}) const {
        std::vector<std::string> env{"PATH=/usr/bin:/bin", "TERM=xterm", "TZ=UTC", "PAGER=" + pager_};
        for (const std::string& e : extra) {
            const std::string name = e.substr(0, e.find('=') + 1);
            std::erase_if(env, [&name](const std::string& have) { return have.starts_with(name); });
            env.push_back(e);
        }
        return env;
    }
    Screen list(const std::vector<std::string>& extraArgs = {}, const std::vector<std::string>& extraEnv = {}) const {
        std::vector<std::string> args{"--config", config_, "list", "--all"};
        args.insert(args.end(), extraArgs.begin(), extraArgs.end());
        return onTerminal(args, environment(extraEnv));
    }
    std::string log() const { return dir_ / "pager.log"; }
    std::string pagerLog() const { return readFile(log()); }
    void forgetPager() const { std::filesystem::remove(log()); }
    const TempDir& dir() const { return dir_; }
    const std::string& config() const { return config_; }
    const std::string& pager() const { return pager_; }

private:
    TempDir dir_;
    std::string config_;
    std::string pager_;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("chiefctl on a terminal: list goes through PAGER with LESS=FRSXMK, results coloured", "[integration][terminal]") {
    Fixture f;
    const Screen shown = f.list();
    CHECK(shown.code == 0);
    CHECK(f.pagerLog() == "LESS=FRSXMK LESSCHARSET=utf-8\n");
    CHECK(contains(shown.text, "backup"));
    CHECK(contains(shown.text, kGreyDisabled + "  old"));
    CHECK(contains(shown.text, "2 jobs listed."));
    // The user's LESS is theirs.
    f.forgetPager();
    CHECK(f.list({}, {"LESS=-R", "LESSCHARSET=latin1"}).code == 0);
    CHECK(f.pagerLog() == "LESS=-R LESSCHARSET=latin1\n");
    // The help is long text too.
    f.forgetPager();
    const Screen help = onTerminal({"--help"}, f.environment());
    CHECK(help.code == 0);
    CHECK(contains(help.text, "--no-pager"));
    CHECK(f.pagerLog() == "LESS=FRSXMK LESSCHARSET=utf-8\n");
}

TEST_CASE("chiefctl on a terminal: no pager with --no-pager, --json, PAGER=cat or TERM=dumb", "[integration][terminal]") {
    Fixture f;
    const Screen noPager = f.list({"--no-pager"});
    CHECK(noPager.code == 0);
    CHECK(contains(noPager.text, kGreyDisabled));  // still a terminal: still coloured
    const Screen before = onTerminal({"--no-pager", "--config", f.config(), "show", "backup"}, f.environment());
    CHECK(before.code == 0);
    CHECK(contains(before.text, "every day at 06:00"));
    const Screen json = f.list({"--json"});
    CHECK(json.code == 0);
    CHECK(contains(json.text, "\"name\": \"old\""));
    CHECK_FALSE(contains(json.text, "\x1b["));
    CHECK(f.list({}, {"PAGER=cat"}).code == 0);
    CHECK(f.list({}, {"PAGER="}).code == 0);
    CHECK(f.list({}, {"SYSTEMD_PAGER=cat"}).code == 0);
    const Screen dumb = f.list({}, {"TERM=dumb"});
    CHECK(dumb.code == 0);
    CHECK_FALSE(contains(dumb.text, "\x1b["));
    CHECK(contains(dumb.text, "disabled  old"));
    CHECK(f.pagerLog().empty());
}

TEST_CASE("chiefctl on a terminal: NO_COLOR and SYSTEMD_COLORS=0 leave the escapes out", "[integration][terminal]") {
    Fixture f;
    for (const char* variable : {"NO_COLOR=1", "SYSTEMD_COLORS=0"}) {
        INFO(variable);
        const Screen shown = f.list({}, {variable});
        CHECK(shown.code == 0);
        CHECK(contains(shown.text, "disabled  old"));
        CHECK_FALSE(contains(shown.text, "\x1b["));
    }
    CHECK(f.pagerLog() == "LESS=FRSXMK LESSCHARSET=utf-8\nLESS=FRSXMK LESSCHARSET=utf-8\n");
}

TEST_CASE("chiefctl on a terminal: a pager that cannot be started leaves the output unpaged", "[integration][terminal]") {
    Fixture f;
    // No such program, and no less or more on PATH: the text still reaches the terminal.
    const Screen shown = f.list({}, {"PAGER=/nonexistent/pager", "PATH=/nonexistent"});
    CHECK(shown.code == 0);
    CHECK(contains(shown.text, "2 jobs listed."));
    CHECK(contains(shown.text, kGreyDisabled));
}

TEST_CASE("chiefctl not on a terminal: no pager, no colour, unless SYSTEMD_COLORS says so", "[integration][terminal]") {
    Fixture f;
    const std::vector<std::string> env{"TERM=xterm", "PAGER=" + f.pager(), "NO_COLOR=", "SYSTEMD_COLORS=auto-unknown"};
    Child plain({kChiefctl, "--config", f.config(), "list", "--all"}, env, f.dir() / "out1", f.dir() / "err1");
    CHECK(plain.wait(30s) == 0);
    CHECK(contains(plain.out(), "disabled  old"));
    CHECK_FALSE(contains(plain.out(), "\x1b["));
    std::vector<std::string> forced = env;
    forced.back() = "SYSTEMD_COLORS=1";
    Child coloured({kChiefctl, "--config", f.config(), "list", "--all"}, forced, f.dir() / "out2", f.dir() / "err2");
    CHECK(coloured.wait(30s) == 0);
    CHECK(contains(coloured.out(), kGreyDisabled));
    CHECK(f.pagerLog().empty());
}

TEST_CASE("chiefctl on a terminal against chiefd: run waits unpaged, its result, list and history coloured",
          "[integration][terminal]") {
    if (!PrivateBus::available()) CHIEF_SKIP_TEST("dbus-daemon is not installed: skipping this chiefctl D-Bus test");
    Fixture f;
    f.dir().write("fail.sh", "#!/bin/sh\nexit 3\n", true);
    const std::string config = f.dir().write("online.yaml", R"(
jobs:
  - name: good
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: run.sh}]
  - name: bad
    schedule: {frequency: daily, time: "04:00"}
    scripts: [{path: fail.sh}]
)");
    PrivateBus bus;
    const std::string address = bus.start(f.dir().path());
    NotifySocket notify(f.dir() / "notify.sock");
    Child chiefd({kChiefd, "--config", config, "--log-target", "console", "--state-dir", f.dir() / "state"},
                 {"NOTIFY_SOCKET=" + notify.path(), "DBUS_SYSTEM_BUS_ADDRESS=" + address, "TZ=UTC"}, f.dir() / "d.out",
                 f.dir() / "d.err");
    REQUIRE(notify.waitFor("READY=1", 20s));
    const auto env = f.environment({"DBUS_SYSTEM_BUS_ADDRESS=" + address});

    const Screen good = onTerminal({"run", "--job", "good"}, env);
    INFO(good.text);
    CHECK(good.code == 0);
    CHECK(contains(good.text, " \x1b[0;32msucceeded\x1b[0m after "));
    const Screen bad = onTerminal({"run", "--job", "bad"}, env);
    INFO(bad.text);
    CHECK(bad.code == 1);
    CHECK(contains(bad.text, " \x1b[0;1;31mfailed\x1b[0m after "));
    CHECK(f.pagerLog().empty());  // run waits: never through the pager

    const Screen list = onTerminal({"list"}, env);
    INFO(list.text);
    CHECK(list.code == 0);
    CHECK(contains(list.text, "\x1b[0;32msucceeded\x1b[0m  good"));
    CHECK(contains(list.text, "\x1b[0;1;31mfailed\x1b[0m     bad"));
    const Screen history = onTerminal({"history", "good"}, env);
    CHECK(history.code == 0);
    CHECK(contains(history.text, "\x1b[0;32msucceeded\x1b[0m"));
    CHECK(f.pagerLog() == "LESS=FRSXMK LESSCHARSET=utf-8\nLESS=FRSXMK LESSCHARSET=utf-8\n");

    chiefd.signal(SIGTERM);
    chiefd.wait(20s);
}
