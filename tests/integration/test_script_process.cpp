#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "process/process_group.h"
#include "process/script_process.h"
#include "process_test_support.h"
#include "test_skip.h"

using namespace std::chrono_literals;
using chief::daemon::OutputSink;
using chief::daemon::OutputStream;
using chief::daemon::ScriptExit;
using chief::daemon::ScriptLaunch;
using chief::daemon::ScriptProcess;
using chief::testing::groupIsGone;
using chief::testing::RecordingSink;
using chief::testing::runUntil;
using chief::testing::ScriptTempDir;

namespace {

using Strings = std::vector<std::string>;

// /bin/sh running `script` (written to the temp dir) with `args`, in the temp dir.
ScriptLaunch shellLaunch(const ScriptTempDir& dir, const std::string& script, const Strings& args = {}) {
    ScriptLaunch launch;
    launch.argv = {"/bin/sh", dir.write("script.sh", script)};
    launch.argv.insert(launch.argv.end(), args.begin(), args.end());
    launch.workingDir = dir.path();
    launch.environment = {"PATH=/usr/bin:/bin"};
    launch.timeout = 20s;
    launch.killGrace = 300ms;
    return launch;
}

// What one run produced, observed from onExit.
struct Run {
    ScriptExit exit;
    std::size_t linesAtExit = 0;  // lines the sink had seen when onExit ran
    int exitCalls = 0;
};

// Starts `launch` on a fresh io_context and runs it until onExit, failing the test if the safety
// deadline passes first. `whileRunning` may act on the process once it is started.
Run runToExit(const ScriptLaunch& launch, RecordingSink& sink,
              const std::function<void(boost::asio::io_context&, ScriptProcess&)>& whileRunning = {}) {
    boost::asio::io_context io;
    Run run;
    bool exited = false;
    auto process = ScriptProcess::start(io, launch, sink, [&](const ScriptExit& e) {
        run.exit = e;
        run.linesAtExit = sink.lines.size();
        ++run.exitCalls;
        exited = true;
    });
    CHECK_FALSE(exited);  // never from inside start()
    if (whileRunning) whileRunning(io, *process);
    REQUIRE(runUntil(io, [&] { return exited; }));
    io.poll();  // anything still queued must not call onExit again
    CHECK(run.exitCalls == 1);
    CHECK(run.linesAtExit == sink.lines.size());
    return run;
}

// Nothing of the group is alive: at once after onExit, which waits for that. Its zombies, if any,
// are its reaper's (init's) to collect, which may take a moment, so that part is awaited.
void requireGroupGone(pid_t pgid, bool aliveCheckNow = true) {
    if (aliveCheckNow) {
        const auto live = chief::daemon::liveProcessesInGroup(pgid);
        REQUIRE(live);
        CHECK(live->empty());
    }
    boost::asio::io_context io;
    CHECK(runUntil(io, [pgid] { return groupIsGone(pgid); }, 10s));
}

bool noChildLeft() { return ::waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD; }

}  // namespace

TEST_CASE("process: exit status and output of both streams", "[process]") {
    const int code = GENERATE(0, 3);
    ScriptTempDir dir;
    RecordingSink sink;
    const auto run = runToExit(shellLaunch(dir,
                                           "echo out1\n"
                                           "echo err1 >&2\n"
                                           "printf 'out2\\n'\n"
                                           "echo err2 >&2\n"
                                           "printf 'tail without newline'\n"
                                           "exit " + std::to_string(code) + "\n"),
                               sink);
    CHECK(run.exit.kind == ScriptExit::Kind::Exited);
    CHECK(run.exit.exitCode == code);
    CHECK(run.exit.signal == 0);
    CHECK(run.exit.error.empty());
    CHECK(run.exit.pid > 0);
    CHECK(run.exit.leftoverProcesses == 0);
    CHECK(sink.out() == Strings{"out1", "out2", "tail without newline"});
    CHECK(sink.err() == Strings{"err1", "err2"});
    requireGroupGone(run.exit.pid);
    CHECK(noChildLeft());
}

TEST_CASE("process: a signal chiefd did not send is reported as Signaled", "[process]") {
    ScriptTempDir dir;
    RecordingSink sink;
    const auto run = runToExit(shellLaunch(dir, "echo before\nkill -USR1 $$\necho after\n"), sink);
    CHECK(run.exit.kind == ScriptExit::Kind::Signaled);
    CHECK(run.exit.signal == SIGUSR1);
    CHECK(sink.out() == Strings{"before"});
}

TEST_CASE("process: arguments are passed verbatim, without a shell", "[process]") {
    ScriptTempDir dir;
    const Strings args{"two words", "'single'", "\"double\"", "", "$HOME", "ünïcødé ✓", "-n", "--", "a;b|c&&d", "*",
                       "back\\slash"};
    SECTION("through an interpreter") {
        RecordingSink sink;
        runToExit(shellLaunch(dir, "for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n", args), sink);
        Strings expected;
        for (const auto& a : args) expected.push_back("[" + a + "]");
        CHECK(sink.out() == expected);
    }
    SECTION("to a program exec'ed directly, argv[0] included") {
        const std::string printer = dir.write("printer", "#!/bin/sh\nprintf '%s\\n' \"$0\"\nprintf '<%s>\\n' \"$@\"\n");
        ScriptLaunch launch = shellLaunch(dir, "");
        launch.argv = {printer};
        launch.argv.insert(launch.argv.end(), args.begin(), args.end());
        RecordingSink sink;
        runToExit(launch, sink);
        Strings expected{printer};
        for (const auto& a : args) expected.push_back("<" + a + ">");
        CHECK(sink.out() == expected);
    }
}

TEST_CASE("process: the environment is exactly the one given", "[process]") {
    ScriptTempDir dir;
    ScriptLaunch launch = shellLaunch(dir, "");
    launch.argv = {"/usr/bin/env"};
    SECTION("some variables, no PATH") {
        launch.environment = {"CHIEF_VAR=hello world", "EMPTY=", "WITH_EQUALS=a=b=c", "UNICODE=ü✓"};
    }
    SECTION("nothing at all") { launch.environment = {}; }
    RecordingSink sink;
    const auto run = runToExit(launch, sink);
    CHECK(run.exit.exitCode == 0);
    CHECK(sink.out() == launch.environment);
}

TEST_CASE("process: runs in the working directory", "[process]") {
    ScriptTempDir dir;
    const std::string sub = dir.path() + "/sub dir";
    REQUIRE(::mkdir(sub.c_str(), 0755) == 0);
    ScriptLaunch launch = shellLaunch(dir, "");
    launch.argv = {"/bin/pwd", "-P"};
    launch.workingDir = sub;
    RecordingSink sink;
    runToExit(launch, sink);
    CHECK(sink.out() == Strings{sub});
}

TEST_CASE("process: stdin is /dev/null and nothing of chiefd's leaks in", "[process]") {
    ScriptTempDir dir;
    // A descriptor chiefd forgot to mark close-on-exec must not reach the script.
    const int stray = ::open("/dev/null", O_RDONLY);
    REQUIRE(stray > 2);
    RecordingSink sink;
    ScriptLaunch launch = shellLaunch(dir, "");
    launch.argv = {"/bin/sh", "-c",
                   "if IFS= read -r line; then echo \"read:$line\"; else echo eof; fi\n"
                   "readlink /proc/self/fd/0\n"
                   "ls /proc/$$/fd\n"};  // the shell's descriptors, listed by another process
    runToExit(launch, sink);
    ::close(stray);
    CHECK(sink.out() == Strings{"eof", "/dev/null", "0", "1", "2"});
}

TEST_CASE("process: the timeout ends the whole group, even a member ignoring SIGTERM", "[process]") {
    ScriptTempDir dir;
    // The grandchild ignores SIGTERM (and its exec'ed sleep inherits that), so only SIGKILL ends it.
    const std::string grandchild = "sh -c 'trap \"\" TERM; echo ready; exec sleep 1000' &\n";
    std::string script;
    int expectedSignal = 0;
    SECTION("the main process dies of SIGTERM") {
        script = grandchild + "wait\n";
        expectedSignal = SIGTERM;
    }
    SECTION("the main process ignores SIGTERM too") {
        script = "trap '' TERM\n" + grandchild + "wait\n";
        expectedSignal = SIGKILL;
    }
    ScriptLaunch launch = shellLaunch(dir, script);
    launch.timeout = 500ms;
    launch.killGrace = 300ms;
    RecordingSink sink;
    const auto run = runToExit(launch, sink);
    CHECK(sink.out() == Strings{"ready"});  // the trap was in place before the timeout
    CHECK(run.exit.kind == ScriptExit::Kind::TimedOut);
    CHECK(run.exit.signal == expectedSignal);
    CHECK(run.exit.duration >= 500ms);
    if (expectedSignal == SIGTERM) CHECK(run.exit.leftoverProcesses == 1);
    requireGroupGone(run.exit.pid);
    CHECK(noChildLeft());
}

TEST_CASE("process: processes left behind by the main process are ended and counted", "[process]") {
    ScriptTempDir dir;
    std::string script;
    int expectedLeftovers = 0;
    SECTION("a background sleep") {
        script = "sleep 1000 &\necho started\nexit 0\n";
        expectedLeftovers = 1;
    }
    SECTION("two, one ignoring SIGTERM") {
        script = "sleep 1000 &\nsh -c 'trap \"\" TERM; exec sleep 1000' &\necho started\nexit 0\n";
        expectedLeftovers = 2;
    }
    RecordingSink sink;
    const auto run = runToExit(shellLaunch(dir, script), sink);
    CHECK(run.exit.kind == ScriptExit::Kind::Exited);
    CHECK(run.exit.exitCode == 0);
    CHECK(run.exit.leftoverProcesses == expectedLeftovers);
    CHECK(sink.out() == Strings{"started"});
    requireGroupGone(run.exit.pid);
}

TEST_CASE("process: a process that escaped the group does not hold up the end with its copy of stdout",
          "[process]") {
    ScriptTempDir dir;
    RecordingSink sink;
    // setsid leaves the group (out of this component's reach: chiefd will catch such processes as
    // a child subreaper); it keeps the stdout pipe open, so EOF never comes while it lives.
    const auto run = runToExit(
        shellLaunch(dir, "setsid sh -c 'echo escaped $$; exec sleep 1000' &\nsleep 0.2\necho main done\n"), sink);
    pid_t escaped = 0;
    for (const auto& line : sink.out()) {
        if (line.rfind("escaped ", 0) == 0) escaped = std::stoi(line.substr(8));
    }
    REQUIRE(escaped > 0);
    CHECK(::kill(escaped, SIGKILL) == 0);  // ours to clean up: it was still running
    CHECK(run.exit.kind == ScriptExit::Kind::Exited);
    CHECK(run.exit.leftoverProcesses == 0);
    CHECK(sink.out().back() == "main done");
}

TEST_CASE("process: stop() ends the group", "[process]") {
    ScriptTempDir dir;
    std::string script;
    ScriptExit::Kind expectedKind = ScriptExit::Kind::Stopped;
    int expectedSignal = 0;
    int expectedCode = -1;
    SECTION("SIGTERM is enough") {
        script = "echo ready\nexec sleep 1000\n";
        expectedSignal = SIGTERM;
    }
    SECTION("SIGTERM ignored: SIGKILL after the grace") {
        script = "trap '' TERM\necho ready\nwhile :; do sleep 1; done\n";
        expectedSignal = SIGKILL;
    }
    SECTION("a script that cleans up and exits on SIGTERM") {
        script = "trap 'echo cleaning up; exit 7' TERM\necho ready\nwhile :; do sleep 0.05; done\n";
        expectedCode = 7;
    }
    RecordingSink sink;
    const auto run = runToExit(shellLaunch(dir, script), sink, [&sink](boost::asio::io_context& io, ScriptProcess& p) {
        sink.onLineHook = [&io, &p](const chief::testing::CapturedLine& line) {
            if (line.text == "ready") boost::asio::post(io, [&p] { p.stop(); });
        };
    });
    CHECK(run.exit.kind == expectedKind);
    CHECK(run.exit.signal == expectedSignal);
    CHECK(run.exit.exitCode == expectedCode);
    if (expectedCode == 7) CHECK(sink.out() == Strings{"ready", "cleaning up"});
    requireGroupGone(run.exit.pid);
}

TEST_CASE("process: spawn failures are values with precise errors", "[process]") {
    ScriptTempDir dir;
    ScriptLaunch launch = shellLaunch(dir, "echo never\n");
    std::string expected;
    SECTION("no such program") {
        launch.argv = {dir.path() + "/missing", "arg"};
        expected = "cannot execute \"" + dir.path() + "/missing\": No such file or directory (ENOENT)";
    }
    SECTION("a file without execute permission") {
        launch.argv = {dir.write("plain.sh", "#!/bin/sh\necho hi\n", 0644)};
        expected = "cannot execute \"" + launch.argv[0] + "\": Permission denied (EACCES)";
    }
    SECTION("an executable that is neither a binary nor has a #! line") {
        launch.argv = {dir.write("noshebang", "echo hi\n", 0755)};
        expected = "cannot execute \"" + launch.argv[0] + "\": Exec format error (ENOEXEC)";
    }
    SECTION("a script whose #! interpreter does not exist: the interpreter is named, not the script") {
        launch.argv = {dir.write("py9.py", "#!/usr/bin/python9 -u\nprint('hi')\n", 0755)};
        expected = "cannot execute \"" + launch.argv[0] +
                   "\": its interpreter \"/usr/bin/python9\" (from \"#!/usr/bin/python9 -u\") does not exist";
    }
    SECTION("a script whose #! interpreter is not executable") {
        const std::string interpreter = dir.write("fake-sh", "not a program\n", 0644);
        launch.argv = {dir.write("uses-fake.sh", "#!" + interpreter + "\necho hi\n", 0755)};
        expected = "cannot execute \"" + launch.argv[0] + "\": its interpreter \"" + interpreter + "\" (from \"#!" +
                   interpreter + "\") is not executable";
    }
    SECTION("a bad working directory") {
        launch.workingDir = dir.path() + "/nowhere";
        expected = "cannot change to working directory \"" + dir.path() + "/nowhere\": No such file or directory (ENOENT)";
    }
    SECTION("an empty argv") {
        launch.argv.clear();
        expected = "no program to run: argv is empty";
    }
    RecordingSink sink;
    const auto run = runToExit(launch, sink);
    CHECK(run.exit.kind == ScriptExit::Kind::SpawnFailed);
    CHECK(run.exit.error == expected);
    CHECK(run.exit.pid == 0);
    CHECK(sink.lines.empty());
    CHECK(noChildLeft());  // the failed child was reaped
}

TEST_CASE("process: a 100 KiB line arrives in 16 KiB pieces", "[process]") {
    ScriptTempDir dir;
    RecordingSink sink;
    runToExit(shellLaunch(dir, "head -c 102400 /dev/zero | tr '\\0' a\necho\necho after\n"), sink);
    REQUIRE(sink.lines.size() == 8);
    std::string joined;
    for (std::size_t i = 0; i < 7; ++i) {
        INFO("piece " << i);
        CHECK(sink.lines[i].continued == (i < 6));
        CHECK(sink.lines[i].text.size() == (i < 6 ? 16384u : 102400u - 6 * 16384u));
        joined += sink.lines[i].text;
    }
    CHECK(joined == std::string(102400, 'a'));
    CHECK(sink.lines[7].text == "after");
    CHECK_FALSE(sink.lines[7].continued);
}

TEST_CASE("process: a 50 MB flood is delivered in full with bounded memory", "[process]") {
    class CountingSink : public OutputSink {
    public:
        void onLine(OutputStream, std::string_view line, bool continued) override {
            bytes += line.size();
            if (!continued) ++lines;
            longest = std::max(longest, line.size());
        }
        std::size_t bytes = 0, lines = 0, longest = 0;
    } sink;
    constexpr std::size_t kTotal = 50u * 1024 * 1024;
    ScriptTempDir dir;
    ScriptLaunch launch = shellLaunch(dir, "yes " + std::string(99, 'x') + " | head -c " + std::to_string(kTotal) + "\n");

    rusage before{};
    ::getrusage(RUSAGE_SELF, &before);
    boost::asio::io_context io;
    std::optional<ScriptExit> exit;
    auto process = ScriptProcess::start(io, launch, sink, [&](const ScriptExit& e) { exit = e; });
    REQUIRE(runUntil(io, [&] { return exit.has_value(); }, 25s));
    rusage after{};
    ::getrusage(RUSAGE_SELF, &after);

    CHECK(exit->kind == ScriptExit::Kind::Exited);
    CHECK(exit->exitCode == 0);
    CHECK(sink.lines == kTotal / 100);
    CHECK(sink.bytes + sink.lines == kTotal);
    CHECK(sink.longest == 99);
    // Loose: holding the flood would cost 50 MB; reading it costs two 64 KiB buffers.
    CHECK(after.ru_maxrss - before.ru_maxrss < 20 * 1024);  // KiB
}

TEST_CASE("process: 20 scripts at once in one io_context", "[process]") {
    constexpr int kCount = 20;
    ScriptTempDir dir;
    const std::string script = dir.write("job.sh",
                                         "echo \"start $1\"\n"
                                         "echo \"to stderr $1\" >&2\n"
                                         "sleep 0.$(( $1 % 4 ))\n"
                                         "echo \"end $1\"\n"
                                         "exit $1\n");
    boost::asio::io_context io;
    std::vector<RecordingSink> sinks(kCount);
    std::vector<std::optional<ScriptExit>> exits(kCount);
    std::vector<std::unique_ptr<ScriptProcess>> processes;
    int done = 0;
    for (int i = 0; i < kCount; ++i) {
        ScriptLaunch launch;
        launch.argv = {"/bin/sh", script, std::to_string(i)};
        launch.workingDir = dir.path();
        launch.environment = {"PATH=/usr/bin:/bin"};
        launch.timeout = 20s;
        processes.push_back(ScriptProcess::start(io, launch, sinks[static_cast<std::size_t>(i)],
                                                 [&exits, &done, i](const ScriptExit& e) {
                                                     exits[static_cast<std::size_t>(i)] = e;
                                                     ++done;
                                                 }));
    }
    REQUIRE(runUntil(io, [&] { return done == kCount; }));
    for (std::size_t i = 0; i < kCount; ++i) {
        INFO("script " << i);
        REQUIRE(exits[i]);
        CHECK(exits[i]->kind == ScriptExit::Kind::Exited);
        CHECK(exits[i]->exitCode == static_cast<int>(i));
        CHECK(exits[i]->pid == processes[i]->pid());
        CHECK(sinks[i].out() == Strings{"start " + std::to_string(i), "end " + std::to_string(i)});
        CHECK(sinks[i].err() == Strings{"to stderr " + std::to_string(i)});
    }
    CHECK(noChildLeft());
}

TEST_CASE("process: destroying a ScriptProcess kills and reaps its group without calling back", "[process]") {
    ScriptTempDir dir;
    boost::asio::io_context io;
    RecordingSink sink;
    bool called = false;
    auto process = ScriptProcess::start(io, shellLaunch(dir, "sleep 1000 &\necho ready\nwait\n"), sink,
                                        [&called](const ScriptExit&) { called = true; });
    REQUIRE(runUntil(io, [&] { return !sink.lines.empty(); }));
    const pid_t pid = process->pid();
    REQUIRE(pid > 0);
    process.reset();
    // Reaped (not even a zombie) once the loop has run the pidfd handler.
    CHECK(runUntil(io, [pid] { return ::kill(pid, 0) == -1 && errno == ESRCH; }, 10s));
    io.poll();
    CHECK_FALSE(called);
    // Destruction sends SIGKILL and does not wait for the rest of the group to die of it.
    requireGroupGone(pid, /*aliveCheckNow=*/false);
    CHECK(noChildLeft());
}

TEST_CASE("process: runs as another user and group when chiefd is root", "[process]") {
    if (::geteuid() != 0) {
        CHIEF_SKIP_TEST("not root: the uid/gid switch cannot be tested");
    }
    const passwd* nobody = ::getpwnam("nobody");
    REQUIRE(nobody != nullptr);
    const uid_t uid = nobody->pw_uid;
    const gid_t gid = nobody->pw_gid;
    ScriptTempDir dir;
    REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);  // mkdtemp makes it 0700
    ScriptLaunch launch = shellLaunch(dir, "id -u\nid -g\nid -G\n");
    launch.uid = uid;
    launch.gid = gid;
    launch.userName = "nobody";

    SECTION("switches") {
        RecordingSink sink;
        const auto run = runToExit(launch, sink);
        CHECK(run.exit.kind == ScriptExit::Kind::Exited);
        REQUIRE(sink.out().size() == 3);
        CHECK(sink.out()[0] == std::to_string(uid));
        CHECK(sink.out()[1] == std::to_string(gid));
        CHECK(sink.out()[2] == std::to_string(gid));  // nobody has no supplementary groups; root's are gone
        // The child changed credentials in its own memory (forked), not in ours: the kernel would
        // otherwise have made this process non-dumpable.
        CHECK(::prctl(PR_GET_DUMPABLE) == 1);
    }
    SECTION("enters the working directory as that user") {
        const std::string closed = dir.path() + "/closed";
        REQUIRE(::mkdir(closed.c_str(), 0700) == 0);
        launch.workingDir = closed;
        RecordingSink sink;
        const auto run = runToExit(launch, sink);
        CHECK(run.exit.kind == ScriptExit::Kind::SpawnFailed);
        CHECK(run.exit.error == "cannot change to working directory \"" + closed + "\": Permission denied (EACCES)");
        CHECK(noChildLeft());
    }
    SECTION("a uid needs a gid") {
        launch.gid.reset();
        RecordingSink sink;
        const auto run = runToExit(launch, sink);
        CHECK(run.exit.kind == ScriptExit::Kind::SpawnFailed);
        CHECK(run.exit.error == "a user to run as (uid) needs a group (gid) too");
    }
}

TEST_CASE("process: 50 starts in a row each return with a forked child, and all of them run", "[process]") {
    // start() forks and returns: it does not wait for the exec, so these children start side by
    // side. What is checked is that each outcome is still exactly right (no timing is asserted),
    // including spawns that fail mixed in with the rest.
    constexpr int kCount = 50;
    ScriptTempDir dir;
    const std::string script = dir.write("job.sh", "echo \"out $1\"\necho \"err $1\" >&2\nexit $1\n");
    const auto failing = [](int i) { return i % 7 == 3; };
    boost::asio::io_context io;
    std::vector<RecordingSink> sinks(kCount);
    std::vector<std::optional<ScriptExit>> exits(kCount);
    std::vector<int> exitCalls(kCount, 0);
    std::vector<std::unique_ptr<ScriptProcess>> processes;
    std::set<pid_t> pids;
    int done = 0;
    for (int i = 0; i < kCount; ++i) {
        ScriptLaunch launch;
        launch.argv = {"/bin/sh", script, std::to_string(i)};
        if (failing(i)) launch.argv = {dir.path() + "/missing-" + std::to_string(i)};
        launch.workingDir = dir.path();
        launch.environment = {"PATH=/usr/bin:/bin"};
        launch.timeout = 20s;
        const auto index = static_cast<std::size_t>(i);
        processes.push_back(ScriptProcess::start(io, launch, sinks[index], [&exits, &exitCalls, &done, index](const ScriptExit& e) {
            exits[index] = e;
            ++exitCalls[index];
            ++done;
        }));
        // The fork has happened: the pid is there at once, already its own process group, not
        // reaped (nothing has run the loop), whether or not its exec is going to fail.
        const pid_t pid = processes.back()->pid();
        INFO("script " << i);
        REQUIRE(pid > 0);
        CHECK(::getpgid(pid) == pid);
        CHECK(pids.insert(pid).second);
    }
    CHECK(done == 0);  // never from inside start()
    REQUIRE(runUntil(io, [&] { return done == kCount; }));
    io.poll();
    for (std::size_t i = 0; i < kCount; ++i) {
        INFO("script " << i);
        REQUIRE(exits[i]);
        CHECK(exitCalls[i] == 1);
        if (failing(static_cast<int>(i))) {
            CHECK(exits[i]->kind == ScriptExit::Kind::SpawnFailed);
            CHECK(exits[i]->error ==
                  "cannot execute \"" + dir.path() + "/missing-" + std::to_string(i) + "\": No such file or directory (ENOENT)");
            CHECK(exits[i]->pid == 0);
            CHECK(sinks[i].lines.empty());
        } else {
            CHECK(exits[i]->kind == ScriptExit::Kind::Exited);
            CHECK(exits[i]->exitCode == static_cast<int>(i));
            CHECK(exits[i]->pid == processes[i]->pid());
            CHECK(sinks[i].out() == Strings{"out " + std::to_string(i)});
            CHECK(sinks[i].err() == Strings{"err " + std::to_string(i)});
        }
    }
    CHECK(noChildLeft());
}

TEST_CASE("process: a failed spawn is reported once, though its child exits too", "[process]") {
    ScriptTempDir dir;
    ScriptLaunch launch = shellLaunch(dir, "echo never\n");
    std::string expected;
    int expectedStatus = 0;
    SECTION("execve fails") {
        launch.argv = {dir.path() + "/missing"};
        expected = "cannot execute \"" + dir.path() + "/missing\": No such file or directory (ENOENT)";
        expectedStatus = 203;  // systemd's EXIT_EXEC
    }
    SECTION("chdir fails") {
        launch.workingDir = dir.path() + "/nowhere";
        expected = "cannot change to working directory \"" + dir.path() + "/nowhere\": No such file or directory (ENOENT)";
        expectedStatus = 200;  // EXIT_CHDIR
    }
    // Either the loop sees the report first, or, when the child is already gone by the time the
    // loop runs, the report and the pidfd together: the report wins either way.
    const bool exitFirst = GENERATE(false, true);
    INFO("child already exited when the loop first runs: " << exitFirst);
    boost::asio::io_context io;
    RecordingSink sink;
    std::vector<ScriptExit> exits;
    auto process = ScriptProcess::start(io, launch, sink, [&](const ScriptExit& e) { exits.push_back(e); });
    const pid_t pid = process->pid();
    REQUIRE(pid > 0);
    if (exitFirst) {
        const siginfo_t info = chief::testing::awaitExitWithoutReaping(pid);
        CHECK(info.si_code == CLD_EXITED);
        CHECK(info.si_status == expectedStatus);
    }
    REQUIRE(runUntil(io, [&] { return !exits.empty(); }));
    // Let anything still due (the pidfd's wait, output reads) run: none may report again.
    runUntil(io, [] { return false; }, 200ms);
    REQUIRE(exits.size() == 1);
    CHECK(exits[0].kind == ScriptExit::Kind::SpawnFailed);
    CHECK(exits[0].error == expected);
    CHECK(exits[0].pid == 0);
    CHECK(sink.lines.empty());
    CHECK(::kill(pid, 0) == -1);  // reaped: not even a zombie
    CHECK(noChildLeft());
}

namespace {

// Write end of a pipe that the SIGTERM handler below writes to: a byte in it means chiefd's
// (here, the test's) handler ran somewhere, in this process or in a child that inherited it.
int gHandlerRanFd = -1;
extern "C" void recordHandlerRan(int) {
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(gHandlerRanFd, &byte, 1);
}

}  // namespace

TEST_CASE("process: stop() right after start() ends the child, whatever step it is at", "[process]") {
    ScriptTempDir dir;
    // The handler is ours, installed the way chiefd installs its own for SIGTERM. A child that
    // got SIGTERM before resetting the dispositions would run it instead of dying.
    int handlerPipe[2];
    REQUIRE(::pipe2(handlerPipe, O_CLOEXEC | O_NONBLOCK) == 0);
    gHandlerRanFd = handlerPipe[1];
    struct sigaction handler {};
    handler.sa_handler = recordHandlerRan;
    ::sigemptyset(&handler.sa_mask);
    struct sigaction previous {};
    REQUIRE(::sigaction(SIGTERM, &handler, &previous) == 0);

    constexpr int kCount = 20;
    // The trap would turn SIGTERM into exit 7, but only once the shell runs: before the exec the
    // child has the default disposition and dies of it.
    const ScriptLaunch launch = shellLaunch(dir, "trap 'exit 7' TERM\necho ready\nexec sleep 1000\n");
    boost::asio::io_context io;
    std::vector<RecordingSink> sinks(kCount);
    std::vector<std::optional<ScriptExit>> exits(kCount);
    std::vector<std::unique_ptr<ScriptProcess>> processes;
    int done = 0;
    for (std::size_t i = 0; i < kCount; ++i) {
        processes.push_back(ScriptProcess::start(io, launch, sinks[i], [&exits, &done, i](const ScriptExit& e) {
            exits[i] = e;
            ++done;
        }));
        processes.back()->stop();
    }
    const bool allEnded = runUntil(io, [&] { return done == kCount; });
    ::sigaction(SIGTERM, &previous, nullptr);
    REQUIRE(allEnded);
    for (std::size_t i = 0; i < kCount; ++i) {
        INFO("script " << i);
        REQUIRE(exits[i]);
        CHECK(exits[i]->kind == ScriptExit::Kind::Stopped);
        CHECK(exits[i]->pid == processes[i]->pid());
        // Killed before the exec, or during the shell's start-up before its trap: SIGTERM; or by
        // the trap once it was set up.
        const bool diedOfSigterm = exits[i]->signal == SIGTERM;
        const bool trapped = exits[i]->signal == 0 && exits[i]->exitCode == 7;
        CHECK((diedOfSigterm || trapped));
        requireGroupGone(exits[i]->pid);
    }
    char byte = 0;
    CHECK(::read(handlerPipe[0], &byte, 1) == -1);  // EAGAIN: the handler never ran
    ::close(handlerPipe[0]);
    ::close(handlerPipe[1]);
    CHECK(noChildLeft());
}

TEST_CASE("process: destroying a ScriptProcess right after start() kills and reaps the child", "[process]") {
    ScriptTempDir dir;
    boost::asio::io_context io;
    std::vector<pid_t> pids;
    bool called = false;
    RecordingSink sink;
    for (int i = 0; i < 10; ++i) {
        auto process = ScriptProcess::start(io, shellLaunch(dir, "exec sleep 1000\n"), sink,
                                            [&called](const ScriptExit&) { called = true; });
        pids.push_back(process->pid());
        REQUIRE(pids.back() > 0);
    }  // each destroyed before the loop has learned whether it exec'ed
    CHECK(runUntil(io, [&pids] {
        return std::all_of(pids.begin(), pids.end(), [](pid_t pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; });
    }, 10s));
    io.poll();
    CHECK_FALSE(called);
    for (const pid_t pid : pids) requireGroupGone(pid, /*aliveCheckNow=*/false);
    CHECK(noChildLeft());
}
