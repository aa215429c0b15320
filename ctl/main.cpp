// chiefctl: parse the command line, pick who answers (chiefd over the bus, or the config file
// through the core) and run the verb.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "bus_client.h"
#include "chief/display_text.h"
#include "chief/system/bounded_file_reader.h"
#include "chief/system/config_source.h"
#include "chief/system/cron_flavor.h"
#include "chief/system/posix_host_probe.h"
#include "command_line.h"
#include "emit_command.h"
#include "exit_codes.h"
#include "emit_helper.h"
#include "logs_verb.h"
#include "offline_client.h"
#include "pager.h"
#include "pager_process.h"
#include "system_journal.h"
#include "telemetry_verb.h"
#include "terminal_style.h"
#include "verbs.h"

namespace {

// Usage errors and --help are answered here; sending is chief-emit's (emit_helper.h), so that
// libcurl is loaded by an emit only.
int emit(const std::vector<std::string>& args) {
    using namespace chief;
    const auto request = ctl::parseEmitArguments(args);
    if (!request) {
        std::cerr << "chiefctl emit: " << escapeForDisplay(request.error())
                  << "\nTry 'chiefctl emit --help' for more information.\n";
        return ctl::kExitUsage;
    }
    if (request.value().help) {
        std::cout << ctl::emitHelpText();
        return ctl::kExitOk;
    }
    std::cout.flush();
    return ctl::execEmitHelper(args, std::cerr);
}

// A crontab is a few kilobytes; the bound keeps a mistaken FILE (a log, /dev/zero) from
// filling memory.
constexpr std::size_t kMaxCrontabBytes = 1 << 20;

// import-cron's input: FILE (a regular file only), or standard input for "-" or no FILE.
chief::Result<std::string> readCrontab(const std::optional<std::string>& file) {
    if (file && *file != "-") return chief::system::readRegularFile(*file, kMaxCrontabBytes);
    std::string text;
    char buffer[8192];
    while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(std::cin.gcount()));
        if (text.size() > kMaxCrontabBytes) return chief::makeError("is larger than 1 MiB");
    }
    if (std::cin.bad()) return chief::makeError("cannot read");
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace chief;
    const std::vector<std::string> args(argv + 1, argv + argc);
    auto command = ctl::parseCommandLine(args);
    if (!command) {
        std::cerr << "chiefctl: " << escapeForDisplay(command.error()) << "\nTry 'chiefctl --help' for more information.\n";
        return ctl::kExitUsage;
    }
    const ctl::CommandLine& cl = command.value();
    const ctl::EnvironmentLookup environment = [](const char* name) { return std::getenv(name); };
    const bool stdoutIsTerminal = ::isatty(STDOUT_FILENO) == 1;
    // Decided before a pager takes standard output: the colours go through it (less -R).
    const ctl::TerminalStyle style(!cl.json && ctl::colourWanted(environment, stdoutIsTerminal));
    // Closed (and waited for) when main returns, after the verb's last line.
    std::unique_ptr<ctl::PagerProcess> pager;
    if (ctl::pagerWanted(ctl::pagesOutput(cl), stdoutIsTerminal, environment))
        if (const auto candidates = ctl::pagerCandidates(environment); !candidates.empty())
            pager = ctl::PagerProcess::start(candidates, ctl::pagerEnvironment(environment));
    if (cl.verb == ctl::Verb::Help) {
        std::cout << ctl::helpText();
        return ctl::kExitOk;
    }
    if (cl.verb == ctl::Verb::Version) {
        std::cout << "chiefctl " CHIEF_VERSION "\n";
        return ctl::kExitOk;
    }
    if (cl.verb == ctl::Verb::Emit) return emit(cl.emitArguments);
    if (cl.verb == ctl::Verb::ImportCron) return ctl::runImportCron(cl, readCrontab(cl.argument), std::cout, std::cerr);
    const std::string zone = system::detectSystemTimezone();
    const bool root = ::geteuid() == 0;
    if (!ctl::runsOffline(cl)) {
        const ctl::BusTarget target =
            ctl::chooseBusTarget(cl.bus, cl.busNamed, cl.host, root, [](const ctl::BusTarget& candidate) {
                ctl::BusClient probe(candidate);
                const auto present = probe.chiefdOnBus();
                return present && present.value();
            });
        ctl::BusClient client(target);
        const bool ownDaemonPossible = !root && target.kind == ctl::BusKind::System && !target.host;
        const auto viewerNow = date::floor<Seconds>(std::chrono::system_clock::now());
        const ctl::VerbContext context{zone, ownDaemonPossible, SysSeconds{viewerNow.time_since_epoch()}, style};
        if (cl.verb == ctl::Verb::Logs) {
            // The system chiefd's entries are root's; a per-user chiefd's are the caller's own.
            const unsigned chiefdUid = target.kind == ctl::BusKind::User ? ::getuid() : 0;
            std::optional<ctl::SystemJournal> journal;
            if (!target.host) journal.emplace();
            return ctl::runLogs(cl, client, journal ? &*journal : nullptr, ctl::LogsContext{context, chiefdUid, target.host},
                                std::cout, std::cerr);
        }
        return ctl::runVerb(cl, client, context, std::cout, std::cerr);
    }
    const char* path = std::getenv("PATH");
    const system::PosixHostProbe files(path ? path : "/usr/local/bin:/usr/bin:/bin");
    if (cl.verb == ctl::Verb::Telemetry) {
        const std::string config = cl.configGiven ? cl.configPath : std::string("/etc/chief/chief.yaml");
        return ctl::replayDeadTelemetry(system::loadConfigFile(config, files, zone), ctl::chiefdStateDirectory(root, std::getenv),
                                        cl.json, std::cout, std::cerr);
    }
    const LoadResult loaded = system::loadConfigFile(cl.configPath, files, zone);
    const auto now = date::floor<Seconds>(std::chrono::system_clock::now());
    const ctl::OfflineClient::Host host{SysSeconds{now.time_since_epoch()}, zone, system::detectCronFlavor(),
                                        /*perUser=*/!root};
    return ctl::runOffline(cl, loaded, host, ctl::VerbContext{zone, false, host.now, style}, std::cout, std::cerr);
}
