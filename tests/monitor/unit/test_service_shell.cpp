// The service shell: READY/STATUS/STOPPING through a fake notifier, the watchdog fed only while
// the liveness probe comes back, SIGHUP acknowledged without stopping, SIGTERM stopping once.
#include <catch2/catch.hpp>

#include <csignal>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "monitor/app/service_shell.h"

using namespace chief::monitor;

namespace {

class FakeNotifier final : public ServiceNotifier {
public:
    void ready(const std::string& text) override { messages.push_back("READY " + text); }
    void status(const std::string& text) override { messages.push_back("STATUS " + text); }
    void stopping() override { messages.push_back("STOPPING"); }
    void watchdog() override { ++pings; }
    std::optional<std::chrono::microseconds> watchdogInterval() const override { return std::chrono::milliseconds{20}; }
    std::vector<std::string> messages;
    int pings = 0;
};

class QuietLogger final : public Logger {
public:
    void log(LogLevel, std::string_view message, const LogFields&, std::string_view) override { lines.emplace_back(message); }
    std::vector<std::string> lines;
};

}  // namespace

TEST_CASE("the watchdog is fed only while the liveness probe answers", "[shell]") {
    boost::asio::io_context io;
    FakeNotifier notifier;
    QuietLogger logger;
    ServiceShell shell(io, notifier, logger);
    bool serviceAlive = true;
    shell.setLivenessProbe([&](std::function<void()> alive) {
        if (serviceAlive) boost::asio::post(io, std::move(alive));
    });
    shell.ready("Listening on http://127.0.0.1:1");
    io.run_for(std::chrono::milliseconds{100});
    CHECK(notifier.messages.front() == "READY Listening on http://127.0.0.1:1");
    const int fed = notifier.pings;
    CHECK(fed >= 3);
    serviceAlive = false;  // the service thread is stuck: no more pings
    io.run_for(std::chrono::milliseconds{100});
    CHECK(notifier.pings == fed);
    shell.stopping();
    CHECK(notifier.messages.back() == "STOPPING");
}

TEST_CASE("SIGHUP is acknowledged; SIGTERM stops once", "[shell]") {
    boost::asio::io_context io;
    FakeNotifier notifier;
    QuietLogger logger;
    ServiceShell shell(io, notifier, logger);
    int stops = 0;
    shell.start([&] { ++stops; });
    std::raise(SIGHUP);
    io.run_for(std::chrono::milliseconds{50});
    CHECK(stops == 0);
    REQUIRE_FALSE(logger.lines.empty());
    CHECK(logger.lines.back().find("SIGHUP") != std::string::npos);
    std::raise(SIGTERM);
    io.run_for(std::chrono::milliseconds{50});
    CHECK(stops == 1);
    shell.stopping();
}
