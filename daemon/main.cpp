// chiefd: parse the command line, wire the real adapters, run the event loop.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <iostream>

#include "app/daemon.h"
#include "app/check_due_mode.h"
#include "app/daemon_options.h"
#include "app/host_adapters.h"
#include "app/once_mode.h"
#include "app/time_base.h"
#include "bus/bus_connection.h"
#include "bus/chief_bus_service.h"
#include "bus/control_access.h"
#include "bus/daemon_control.h"
#include "chief/system/config_source.h"
#include "chief/system/cron_flavor.h"
#include "chief/system/posix_host_probe.h"
#include "chief/service/console_logger.h"
#include "chief/service/fallback_journal_writer.h"
#include "chief/service/journal_logger.h"
#include "chief/service/level_filter_logger.h"
#include "chief/service/log_target.h"
#include "chief/service/sd_journal_writer.h"

extern char** environ;

namespace {

std::vector<std::string> processEnvironment() {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
    return env;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace chief;
    using namespace chief::daemon;
    const std::vector<std::string> args(argv + 1, argv + argc);
    auto parsed = parseDaemonOptions(args);
    if (!parsed) {
        std::cerr << "chiefd: " << parsed.error() << "\nTry 'chiefd --help' for more information.\n";
        return asksCheckDue(args) ? kCheckDueError : 2;
    }
    const DaemonOptions& options = parsed.value();
    const DaemonPaths paths = resolveDaemonPaths(options, [](const char* name) { return std::getenv(name); });
    if (options.mode == DaemonOptions::Mode::Help) {
        std::cout << daemonHelpText();
        return 0;
    }
    if (options.mode == DaemonOptions::Mode::Version) {
        std::cout << "chiefd " CHIEF_VERSION "\n";
        return 0;
    }
    if (options.mode == DaemonOptions::Mode::PrintIntrospection) {
        const auto xml = introspectionXml();
        if (!xml) {
            std::cerr << "chiefd: " << xml.error() << "\n";
            return 1;
        }
        std::cout << xml.value();
        return 0;
    }
    if (options.mode == DaemonOptions::Mode::CheckDue) {
        // Nothing is run, logged to the journal or locked: one line to stderr, which systemd
        // puts in the unit's journal.
        const char* path = std::getenv("PATH");
        const system::PosixHostProbe host(path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        const char* trigger = std::getenv("TRIGGER_TIMER_REALTIME_USEC");
        return runCheckDue(system::loadConfigFile(paths.configPath, host, system::detectSystemTimezone()), paths.configPath,
                           *options.job, trigger ? std::optional<std::string_view>(trigger) : std::nullopt, std::cerr);
    }
    ::signal(SIGPIPE, SIG_IGN);  // a closed pipe is an error return, not a reason to die
    // Each running script holds about four descriptors; systemd's default soft limit (1024)
    // would cap max_parallel_jobs at ~250. Asio uses epoll, so the hard limit is safe to use.
    if (rlimit limit{}; ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }

    const auto target = service::resolveLogTargetForThisProcess(service::LogTarget::parse(options.logTarget).value());
    service::SdJournalWriter journalSocket;
    service::FallbackJournalWriter journalWriter(journalSocket, std::cerr);
    service::JournalLogger journalLogger(journalWriter);
    service::ConsoleLogger consoleLogger(std::cerr);
    const bool toJournal = target == service::LogTarget::Kind::Journal;
    service::LevelFilterLogger logger(toJournal ? static_cast<service::Logger&>(journalLogger) : consoleLogger,
                             service::parseLogLevel(options.logLevel).value());
    if (toJournal && !service::journalSocketPresent())
        std::cerr << "chiefd: --log-target=journal, but /run/systemd/journal/socket does not exist: log entries will be "
                     "lost; use --log-target=console\n";

    boost::asio::io_context io;
    // Real time, unless a benchmark asked for a faster clock (--time-speed).
    TimeBase timeBase;
    timeBase.origin = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch());
    timeBase.speed = options.timeSpeed;
    const TimeBaseClock clock(timeBase);
    std::vector<std::string> environment = processEnvironment();
    std::erase_if(environment, [](const std::string& e) { return e.starts_with("CHIEFD_BENCH_TIME_BASE="); });
    if (!timeBase.isReal()) {
        // Scripts (bench/exec_stamp) need it to turn CHIEF_SCHEDULED_FOR back into real time. Not
        // CHIEF_*: those are stripped from the inherited environment (run_environment.cpp).
        environment.push_back("CHIEFD_BENCH_TIME_BASE=" + std::to_string(timeBase.origin.count()) + ":" +
                              std::to_string(timeBase.speed));
        logger.log(service::LogLevel::Warning, "benchmark mode: chiefd's clock runs " + std::to_string(timeBase.speed) +
                                          " times faster than real time (--time-speed)");
    }
    RunEventBus events;
    ProcessLauncher launcher(io);
    PosixAccountResolver accounts;
    ScriptOutputSinks outputs(toJournal ? &journalWriter : nullptr, std::cerr);
    const char* path = std::getenv("PATH");
    const system::PosixHostProbe host(path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    RunServices services{clock, events, launcher, outputs, accounts, host, std::move(environment)};
    // The system's zone (the default for jobs without one) is read at every load, so a reload
    // after `timedatectl set-timezone` picks up the new one.
    ConfigFileLoader readConfig = [&host](const std::string& file) {
        return system::loadConfigFile(file, host, system::detectSystemTimezone());
    };

    if (options.mode == DaemonOptions::Mode::Once) {
        RunEventJournal journal(logger);
        journal.subscribeTo(events);
        // No heartbeats (the monitor would take each cron run for chiefd coming and going);
        // only this run's events are sent, chiefd sends the rest of the spool.
        chief::daemon::telemetry::TelemetryEmitter emitter(io, clock, logger, chief::daemon::telemetry::localHostName(),
                                                           chief::daemon::telemetry::EmitterOptions{.heartbeats = false, .ownEventsOnly = true});
        emitter.subscribeTo(events);
        return runOnce(io, options, readConfig(paths.configPath), logger, services, paths.stateDirectory, &emitter);
    }

    service::SystemdNotifier notifier;
    service::ServiceShell shell(io, notifier, logger);
    Daemon daemon(DaemonParts{io, clock, logger, shell, services, events, readConfig, paths.configPath,
                              paths.stateDirectory, timeBase});
    // A per-user chiefd answers to its own user (and root); the chief group is a system-wide notion.
    const ControlAccess access = options.userBus ? ControlAccess::forUser(::geteuid()) : ControlAccess();
    DaemonControl control(daemon, clock, access, CHIEF_VERSION,
                          ExportHost{[] { return system::detectSystemTimezone(); }, system::detectCronFlavor(),
                                     CHIEF_INSTALLED_CHIEFD, options.userBus});
    ChiefBusService busService(control, io);
    busService.subscribeTo(events);
    daemon.setReloadListener([&busService](std::size_t jobs) { busService.onReloaded(jobs); });
    if (const auto failed = shell.start(daemon)) return *failed;
    // Without a bus chiefd still schedules (BusConnection logs why); READY=1 waits for the bus
    // name either way, so "ready" means "callable" whenever the API is there at all.
    BusConnection bus(io, logger);
    bus.open(options.userBus ? BusKind::User : BusKind::System, busService);
    shell.ready();
    io.run();
    return 0;
}
