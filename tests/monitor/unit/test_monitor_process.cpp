// MonitorProcess inside the shared service shell (chief/service), in this process: READY=1 names
// the port, requests are answered, the watchdog is fed through the service thread, SIGTERM stops
// it even with a keep-alive connection open, and a store or port it cannot use is exit status 1.
// MonitorLogging: the journal entries and console lines chief-monitord writes.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "chief/service/service_shell.h"
#include "fake_journal_writer.h"
#include "http_client.h"
#include "monitor/app/monitor_logging.h"
#include "monitor/app/monitor_process.h"
#include "monitor/app/system_clock.h"
#include "monitor/core/message_ids.h"
#include "temp_dir.h"

using namespace chief::monitor;
using namespace chief::monitor::testing;
using namespace std::chrono_literals;
namespace service = chief::service;

namespace {

// Called on the server thread only (the shell's loop).
struct FakeNotifier final : service::ServiceNotifier {
    std::vector<std::string> sent;
    int watchdogs = 0;
    void ready(const std::string& status) override { sent.push_back("READY=1 " + status); }
    void reloading() override { sent.push_back("RELOADING=1"); }
    void status(const std::string& status) override { sent.push_back("STATUS=" + status); }
    void stopping() override { sent.push_back("STOPPING=1"); }
    void watchdog() override { ++watchdogs; }
    std::optional<std::chrono::microseconds> watchdogInterval() const override { return 20ms; }
};

// Both of the monitor's threads log, as they do through MonitorLogging.
class RecordingLogger final : public service::Logger {
public:
    void log(service::LogLevel, std::string_view message, const service::LogFields&,
             std::string_view messageId) override {
        const std::lock_guard lock(mutex_);
        entries_.emplace_back(std::string(message), std::string(messageId));
    }
    bool has(std::string_view messageId) const {
        const std::lock_guard lock(mutex_);
        for (const auto& entry : entries_)
            if (entry.second == messageId) return true;
        return false;
    }
    std::string text() const {
        const std::lock_guard lock(mutex_);
        std::string all;
        for (const auto& entry : entries_) all += entry.first + "\n";
        return all;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::pair<std::string, std::string>> entries_;
};

MonitorSettings settingsIn(const TempDir& dir) {
    MonitorSettings settings;
    settings.port = 0;
    settings.dbPath = dir.file("state/monitor.sqlite");  // a directory that does not exist yet
    return settings;
}

}  // namespace

TEST_CASE("monitor process: READY names the port, requests are answered, SIGTERM stops it with a connection open",
          "[process]") {
    TempDir dir;
    boost::asio::io_context io;
    FakeNotifier notifier;
    RecordingLogger logger;
    SystemClock clock;
    service::ServiceShell shell(io, notifier, logger);
    MonitorProcess monitor(MonitorParts{io, settingsIn(dir), logger, clock});
    shell.setLivenessProbe([&monitor](std::function<void()> alive) { monitor.probeLiveness(std::move(alive)); });
    REQUIRE_FALSE(shell.start(monitor));
    shell.ready();
    REQUIRE(notifier.sent.size() == 1);
    std::smatch match;
    REQUIRE(std::regex_match(notifier.sent[0], match, std::regex(R"(READY=1 Listening on http://127\.0\.0\.1:(\d+))")));
    HttpEndpoint endpoint;
    endpoint.port = static_cast<unsigned short>(std::stoi(match[1]));
    CHECK(monitor.url() == "http://127.0.0.1:" + std::string(match[1]));
    CHECK(logger.has(message_id::kMonitorStarted));

    // The client blocks, so it gets a thread; the loop runs here until the shell stops it.
    HttpResult health;
    HttpResult summary;
    boost::asio::io_context clientIo;
    boost::asio::ip::tcp::socket idle(clientIo);
    std::thread client([&] {
        health = httpGet(endpoint, "/v1/health");
        summary = httpGet(endpoint, "/v1/status/summary");  // answered on the service thread
        idle.connect({boost::asio::ip::make_address("127.0.0.1"), endpoint.port});
        std::this_thread::sleep_for(100ms);  // a few watchdog rounds
        ::kill(::getpid(), SIGTERM);
    });
    io.run_for(20s);
    client.join();
    CHECK(io.stopped());
    CHECK(health.status == 200);
    CHECK(summary.status == 200);
    CHECK(notifier.watchdogs >= 2);  // each one a round trip through the service thread
    CHECK(notifier.sent.back() == "STOPPING=1");
    CHECK(logger.has(message_id::kMonitorStopping));
    // The idle connection was closed by the monitor.
    char byte = 0;
    boost::system::error_code ec;
    idle.read_some(boost::asio::buffer(&byte, 1), ec);
    CHECK(ec);
}

TEST_CASE("monitor process: SIGHUP is logged and changes nothing", "[process]") {
    TempDir dir;
    boost::asio::io_context io;
    FakeNotifier notifier;
    RecordingLogger logger;
    SystemClock clock;
    service::ServiceShell shell(io, notifier, logger);
    MonitorProcess monitor(MonitorParts{io, settingsIn(dir), logger, clock});
    REQUIRE_FALSE(shell.start(monitor));
    shell.ready();
    ::kill(::getpid(), SIGHUP);
    for (int i = 0; i < 100 && logger.text().find("ignoring SIGHUP") == std::string::npos; ++i) io.run_for(20ms);
    CHECK(logger.text().find("ignoring SIGHUP") != std::string::npos);
    CHECK_FALSE(shell.stopping());
    // Stopped the way the shell does on SIGTERM, without a signal this time.
    bool stopped = false;
    monitor.stop([&] { stopped = true; });
    for (int i = 0; i < 500 && !stopped; ++i) io.run_for(20ms);
    CHECK(stopped);
}

TEST_CASE("monitor process: a store it cannot open is exit status 1, nothing announced", "[process]") {
    TempDir dir;
    std::ofstream(dir.file("file")) << "not a directory";
    MonitorSettings settings = settingsIn(dir);
    settings.dbPath = dir.file("file/monitor.sqlite");
    boost::asio::io_context io;
    FakeNotifier notifier;
    RecordingLogger logger;
    SystemClock clock;
    service::ServiceShell shell(io, notifier, logger);
    MonitorProcess monitor(MonitorParts{io, settings, logger, clock});
    CHECK(shell.start(monitor) == kMonitorExitFailure);
    CHECK(notifier.sent.empty());
    CHECK(logger.has(message_id::kStoreError));
}

TEST_CASE("monitor process: a port in use is exit status 1", "[process]") {
    TempDir dir;
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor taken(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    MonitorSettings settings = settingsIn(dir);
    settings.port = taken.local_endpoint().port();
    FakeNotifier notifier;
    RecordingLogger logger;
    SystemClock clock;
    service::ServiceShell shell(io, notifier, logger);
    MonitorProcess monitor(MonitorParts{io, settings, logger, clock});
    CHECK(shell.start(monitor) == kMonitorExitFailure);
    CHECK(logger.text().find("cannot listen on 127.0.0.1:" + std::to_string(settings.port)) != std::string::npos);
}

TEST_CASE("monitor logging: journal entries as chief-monitord with MESSAGE_IDs, console lines, debug on request",
          "[journal]") {
    chief::testing::FakeJournalWriter journal;
    std::ostringstream console;
    {
        MonitorLogging logging(service::LogTarget::Kind::Journal, false, journal, console);
        logging.logger().log(service::LogLevel::Info, "chief-monitord listening", {{"CHIEF_LISTEN", "http://x"}},
                             message_id::kMonitorStarted);
        logging.logger().log(service::LogLevel::Debug, "a detail");
    }
    REQUIRE(journal.entries.size() == 1);
    CHECK(journal.field(0, "SYSLOG_IDENTIFIER") == "chief-monitord");
    CHECK(journal.field(0, "MESSAGE_ID") == std::string(message_id::kMonitorStarted));
    CHECK(journal.field(0, "PRIORITY") == "6");
    CHECK(journal.field(0, "CHIEF_LISTEN") == "http://x");
    CHECK(console.str().empty());

    // journald refusing: the entry is kept on the console instead.
    journal.result = -ECONNREFUSED;
    MonitorLogging(service::LogTarget::Kind::Journal, false, journal, console).logger().log(
        service::LogLevel::Warning, "kept", {{"CHIEF_JOB", "backup"}});
    CHECK(console.str().find("warning: kept (CHIEF_JOB=backup)") != std::string::npos);

    std::ostringstream lines;
    MonitorLogging debug(service::LogTarget::Kind::Console, true, journal, lines);
    debug.logger().log(service::LogLevel::Debug, "a detail");
    CHECK(lines.str() == "debug: a detail\n");
}
