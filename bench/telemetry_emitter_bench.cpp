// The telemetry emitter under load (docs/benchmarks.md): RATE events/s injected through
// TelemetryEmitter::emit on the loop for SECONDS, the monitor (a loopback sink in a child
// process, so its memory is not counted) down for the middle third, then wait until the spool
// is empty. Reports events made, received, unique by eventId, lost, duplicated, and this
// process's peak RSS.
// Usage: telemetry_emitter_bench [RATE=10000] [SECONDS=30] [DIR=/tmp]
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "chief/service/console_logger.h"
#include "runner/clock.h"
#include "telemetry/telemetry_emitter.h"
#include "telemetry_sink.h"

namespace {

using namespace std::chrono_literals;
using chief::daemon::telemetry::TelemetryEmitter;

// The sink's side: serves until told, over `commands`, to go down ('d'), up ('u') or report
// ('q': "received unique" on `reports`, then exit).
[[noreturn]] void runSink(int commands, int reports, int readyFd) {
    chief::testing::TelemetrySink sink;
    const unsigned short port = sink.port();
    if (::write(readyFd, &port, sizeof port) != sizeof port) std::_Exit(1);
    char command = 0;
    while (::read(commands, &command, 1) == 1) {
        if (command == 'd') sink.down();
        if (command == 'u') sink.up();
        if (command == 'q') {
            const auto counts = sink.countsById();
            std::size_t received = 0;
            for (const auto& [id, n] : counts) received += static_cast<std::size_t>(n);
            const std::string report = std::to_string(received) + " " + std::to_string(counts.size()) + "\n";
            if (::write(reports, report.data(), report.size()) < 0) std::_Exit(1);
            std::_Exit(0);
        }
    }
    std::_Exit(0);
}

long peakRssKiB() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
    const int rate = argc > 1 ? std::atoi(argv[1]) : 10000;
    const int seconds = argc > 2 ? std::atoi(argv[2]) : 30;
    const std::string base = argc > 3 ? argv[3] : "/tmp";
    int commandPipe[2], reportPipe[2], readyPipe[2];
    if (::pipe(commandPipe) != 0 || ::pipe(reportPipe) != 0 || ::pipe(readyPipe) != 0) return 1;
    const pid_t sinkPid = ::fork();
    if (sinkPid == 0) runSink(commandPipe[0], reportPipe[1], readyPipe[1]);
    unsigned short port = 0;
    if (::read(readyPipe[0], &port, sizeof port) != sizeof port) return 1;
    auto tell = [&](char command) { return ::write(commandPipe[1], &command, 1) == 1; };

    const std::string dir = base + "/telemetry-bench-" + std::to_string(::getpid());
    std::filesystem::create_directories(dir);
    auto config = std::make_shared<chief::Config>();
    config->monitor.enabled = true;
    config->monitor.endpoint = "http://127.0.0.1:" + std::to_string(port);
    config->monitor.timeoutMs = 2000;
    config->monitor.heartbeatSeconds = 3600;
    config->monitor.buffer.spoolFile = dir + "/spool.jsonl";

    boost::asio::io_context io;
    chief::daemon::SystemClock clock;
    chief::service::ConsoleLogger logger(std::cerr);
    TelemetryEmitter emitter(io, clock, logger, "bench-host", {.heartbeats = false, .ownEventsOnly = false});
    emitter.configure(config, dir);

    const auto start = std::chrono::steady_clock::now();
    const auto tickEvery = 10ms;
    const int perTick = std::max(1, rate / 100);
    std::size_t made = 0, refused = 0;
    bool wentDown = false, cameUp = false;
    boost::asio::steady_timer tick(io);
    std::function<void()> inject = [&] {
        const auto elapsed = std::chrono::steady_clock::now() - start;
        if (!wentDown && elapsed >= std::chrono::seconds(seconds) / 3) wentDown = tell('d');
        if (!cameUp && elapsed >= std::chrono::seconds(seconds) * 2 / 3) cameUp = tell('u');
        if (elapsed >= std::chrono::seconds(seconds)) return;
        // Paced by the clock, not the timer: a late tick makes up for the events it owes.
        const auto owed = static_cast<std::size_t>(std::chrono::duration<double>(elapsed).count() * rate) + perTick;
        while (made + refused < owed) {
            chief::telemetry::TelemetryEvent event;
            event.eventType = "job.started";
            event.message = "bench event " + std::to_string(made + refused);
            event.jobName = "bench";
            event.runId = "run-" + std::to_string((made + refused) / 5);
            event.eventAt = clock.now();
            if (emitter.emit(std::move(event))) ++made;
            else ++refused;
        }
        tick.expires_after(tickEvery);
        tick.async_wait([&](const boost::system::error_code& ec) {
            if (!ec) inject();
        });
    };
    inject();
    // Then wait for the spool to drain (at most two minutes).
    boost::asio::steady_timer drain(io);
    std::function<void()> check = [&] {
        const auto status = emitter.status();
        const bool injecting = std::chrono::steady_clock::now() - start < std::chrono::seconds(seconds);
        // The emitter's heartbeat timer keeps the loop busy: stop it when done.
        if (!injecting && status.pendingMemory == 0 && status.pendingSpool == 0 && status.delivered >= made) return io.stop();
        if (std::chrono::steady_clock::now() - start > std::chrono::seconds(seconds) + 120s) return io.stop();
        drain.expires_after(100ms);
        drain.async_wait([&](const boost::system::error_code& ec) {
            if (!ec) check();
        });
    };
    check();
    io.run();
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto status = emitter.status();
    emitter.stop();
    tell('q');
    char buffer[128] = {};
    const ssize_t n = ::read(reportPipe[0], buffer, sizeof buffer - 1);
    int wstatus = 0;
    ::waitpid(sinkPid, &wstatus, 0);
    std::size_t received = 0, unique = 0;
    if (n > 0) std::sscanf(buffer, "%zu %zu", &received, &unique);
    std::printf("rate %d/s for %d s, sink down from %d s to %d s; drained after %.1f s\n", rate, seconds, seconds / 3,
                seconds * 2 / 3, total);
    std::printf("made %zu (refused by a full queue %zu), received %zu, unique %zu, lost %zu, duplicated %zu\n", made, refused,
                received, unique, made > unique ? made - unique : 0, received - unique);
    std::printf("delivered %llu, dead %llu, dropped %llu, peak RSS %.1f MB\n",
                static_cast<unsigned long long>(status.delivered), static_cast<unsigned long long>(status.dead),
                static_cast<unsigned long long>(status.dropped), static_cast<double>(peakRssKiB()) / 1024.0);
    std::filesystem::remove_all(dir);
    return made == unique ? 0 : 1;
}
