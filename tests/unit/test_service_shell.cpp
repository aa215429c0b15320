// The service shell around a stub process, in-process: what it tells systemd, what signals make
// the process do, STATUS= coalescing and the watchdog.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>

#include "chief/service/service_shell.h"

using namespace chief::service;
using namespace std::chrono_literals;

namespace {

struct FakeNotifier final : ServiceNotifier {
    std::vector<std::string> sent;
    std::optional<std::chrono::microseconds> interval;
    int watchdogs = 0;
    void ready(const std::string& status) override { sent.push_back("READY=1 " + status); }
    void reloading() override { sent.push_back("RELOADING=1"); }
    void status(const std::string& status) override { sent.push_back("STATUS=" + status); }
    void stopping() override { sent.push_back("STOPPING=1"); }
    void watchdog() override { ++watchdogs; }
    std::optional<std::chrono::microseconds> watchdogInterval() const override { return interval; }
    long count(const std::string& prefix) const {
        return std::count_if(sent.begin(), sent.end(), [&](const std::string& s) { return s.starts_with(prefix); });
    }
};

struct NullLogger final : Logger {
    std::vector<std::string> lines;
    void log(LogLevel, std::string_view message, const LogFields&, std::string_view) override { lines.emplace_back(message); }
};

// Records what the shell asks; reloads go through the host as a real process's would.
struct StubProcess final : ServiceProcess {
    explicit StubProcess(ServiceHost*& host) : host_(host) {}
    std::optional<int> startResult;
    int starts = 0, reloads = 0, stops = 0;
    std::function<void()> stopped;
    std::string status = "3 jobs";
    std::optional<int> start() override {
        ++starts;
        return startResult;
    }
    void reload() override {
        ++reloads;
        host_->reloading();
        host_->reloaded();
    }
    void stop(std::function<void()> done) override {
        ++stops;
        stopped = std::move(done);
    }
    std::string statusLine() const override { return status; }

private:
    ServiceHost*& host_;
};

// Runs the loop until `condition` holds or 10 s pass.
bool runUntil(boost::asio::io_context& io, const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!condition() && std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(20ms);
    }
    return condition();
}

}  // namespace

TEST_CASE("service shell: a process that cannot start gives its exit status, nothing is announced", "[service]") {
    boost::asio::io_context io;
    FakeNotifier notifier;
    NullLogger logger;
    ServiceShell shell(io, notifier, logger);
    ServiceHost* host = &shell;
    StubProcess process(host);
    process.startResult = 6;
    CHECK(shell.start(process) == 6);
    CHECK(notifier.sent.empty());
}

TEST_CASE("service shell: READY with the status, SIGHUP reloads with the handshake, SIGTERM stops, twice hurries",
          "[service]") {
    boost::asio::io_context io;
    FakeNotifier notifier;
    NullLogger logger;
    ServiceShell shell(io, notifier, logger);
    ServiceHost* host = &shell;
    StubProcess process(host);
    REQUIRE_FALSE(shell.start(process));
    shell.ready();
    CHECK(notifier.sent == std::vector<std::string>{"READY=1 3 jobs"});

    ::kill(::getpid(), SIGHUP);
    REQUIRE(runUntil(io, [&] { return process.reloads == 1; }));
    CHECK(notifier.sent == std::vector<std::string>{"READY=1 3 jobs", "RELOADING=1", "READY=1 3 jobs"});

    ::kill(::getpid(), SIGTERM);
    REQUIRE(runUntil(io, [&] { return process.stops == 1; }));
    CHECK(notifier.count("STOPPING=1") == 1);
    CHECK(shell.stopping());
    // A second SIGTERM reaches the process again (it stops waiting for runs); STOPPING once.
    ::kill(::getpid(), SIGTERM);
    REQUIRE(runUntil(io, [&] { return process.stops == 2; }));
    CHECK(notifier.count("STOPPING=1") == 1);
    // SIGHUP while stopping does not reload.
    ::kill(::getpid(), SIGHUP);
    io.restart();
    io.run_for(100ms);
    CHECK(process.reloads == 1);
    // The process says it is done: the loop stops.
    process.stopped();
    io.restart();
    io.run_for(1s);  // returns at once: the loop was stopped and nothing is pending
    CHECK(io.stopped());
}

TEST_CASE("service shell: STATUS= is coalesced to one message a second", "[service]") {
    boost::asio::io_context io;
    FakeNotifier notifier;
    NullLogger logger;
    ServiceShell shell(io, notifier, logger);
    ServiceHost* host = &shell;
    StubProcess process(host);
    REQUIRE_FALSE(shell.start(process));
    for (int i = 0; i < 1000; ++i) shell.statusChanged();
    process.status = "3 jobs, 1 running";
    REQUIRE(runUntil(io, [&] { return notifier.count("STATUS=") > 0; }));
    CHECK(notifier.sent == std::vector<std::string>{"STATUS=3 jobs, 1 running"});
}

TEST_CASE("service shell: the watchdog is fed from the loop, and only while the liveness probe answers",
          "[service]") {
    boost::asio::io_context io;
    FakeNotifier notifier;
    notifier.interval = 20ms;
    NullLogger logger;
    ServiceShell shell(io, notifier, logger);
    ServiceHost* host = &shell;
    StubProcess process(host);
    bool alive = true;
    std::function<void()> pendingAlive;
    shell.setLivenessProbe([&](std::function<void()> done) {
        if (alive) done();
        else pendingAlive = std::move(done);  // a wedged worker: never answers
    });
    REQUIRE_FALSE(shell.start(process));
    REQUIRE(runUntil(io, [&] { return notifier.watchdogs >= 3; }));
    alive = false;
    REQUIRE(runUntil(io, [&] { return pendingAlive != nullptr; }));
    const int fed = notifier.watchdogs;
    io.restart();
    io.run_for(200ms);
    CHECK(notifier.watchdogs == fed);  // no answer, no ping: systemd will restart the service
}
