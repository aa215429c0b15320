#pragma once
// Fakes of what runs need (RunServices' parts), shared by the runner, daemon and control tests:
// a settable clock, a launcher whose processes the test ends, sinks that drop output, and an
// account resolver that knows every user but "ghost".

#include <memory>
#include <string>
#include <vector>

#include "runner/clock.h"
#include "runner/job_run.h"

namespace chief::testing {

using chief::daemon::AccountResolver;
using chief::daemon::Clock;
using chief::daemon::OutputSink;
using chief::daemon::OutputSinkFactory;
using chief::daemon::OutputStream;
using chief::daemon::RunIdentity;
using chief::daemon::RunTicket;
using chief::daemon::ScriptExit;
using chief::daemon::ScriptLaunch;
using chief::daemon::ScriptLauncher;
using chief::daemon::ScriptProcess;

// A wall clock the test sets.
struct FakeClock final : Clock {
    SysMillis t{std::chrono::milliseconds{1777896000000}};  // 2026-05-04T12:00:00Z
    SysMillis now() const override { return t; }
};

// A process that only records being stopped.
struct FakeProcess final : ScriptProcess {
    pid_t fakePid;
    bool stopped = false;
    explicit FakeProcess(pid_t p) : fakePid(p) {}
    pid_t pid() const override { return fakePid; }
    void stop() override { stopped = true; }
};

// Hands out fake processes and remembers how to end each one.
struct FakeLauncher final : ScriptLauncher {
    std::vector<ScriptLaunch> launches;
    std::vector<ScriptProcess::ExitHandler> exits;
    std::vector<FakeProcess*> processes;
    std::unique_ptr<ScriptProcess> launch(const ScriptLaunch& l, OutputSink&, ScriptProcess::ExitHandler onExit) override {
        launches.push_back(l);
        exits.push_back(std::move(onExit));
        auto p = std::make_unique<FakeProcess>(static_cast<pid_t>(1000 + launches.size()));
        processes.push_back(p.get());
        return p;
    }
    void exit(std::size_t i, ScriptExit::Kind kind, int code = 0, int signal = 0) {
        ScriptExit e;
        e.kind = kind;
        e.exitCode = code;
        e.signal = signal;
        exits.at(i)(e);
    }
};

// Drops script output.
struct NullSink final : OutputSink {
    void onLine(OutputStream, std::string_view, bool) override {}
};
struct NullOutputs final : OutputSinkFactory {
    std::unique_ptr<OutputSink> open(const RunTicket&, const Script&) override { return std::make_unique<NullSink>(); }
};
// Every user exists (uid and gid 65534) but ghost.
struct FakeAccounts final : AccountResolver {
    Result<RunIdentity> resolve(const std::string& user, const std::string&) const override {
        if (user == "ghost") return makeError("user \"ghost\" does not exist");
        return RunIdentity{65534, 65534, user, {user, "/home/" + user, "/bin/sh"}};
    }
    chief::daemon::LoginAccount ownAccount() const override { return {"chief-test", "/home/chief-test", "/bin/bash"}; }
};

}  // namespace chief::testing
