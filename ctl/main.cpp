// chiefctl: parse the command line, then either load the config and run an offline verb, or
// connect to chiefd and run a bus verb.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "bus_client.h"
#include "bus_verbs.h"
#include "chief/display_text.h"
#include "chief/system/config_source.h"
#include "chief/system/cron_flavor.h"
#include "chief/system/posix_host_probe.h"
#include "command_line.h"
#include "exit_codes.h"
#include "offline_verbs.h"

int main(int argc, char** argv) {
    using namespace chief;
    const std::vector<std::string> args(argv + 1, argv + argc);
    auto command = ctl::parseCommandLine(args);
    if (!command) {
        std::cerr << "chiefctl: " << escapeForDisplay(command.error()) << "\nTry 'chiefctl --help' for more information.\n";
        return ctl::kExitUsage;
    }
    if (command.value().verb == ctl::Verb::Help) {
        std::cout << ctl::helpText();
        return ctl::kExitOk;
    }
    if (command.value().verb == ctl::Verb::Version) {
        std::cout << "chiefctl " CHIEF_VERSION "\n";
        return ctl::kExitOk;
    }
    const std::string zone = system::detectSystemTimezone();
    if (!ctl::runsOffline(command.value())) {
        const ctl::CommandLine& cl = command.value();
        const ctl::BusTarget target =
            ctl::chooseBusTarget(cl.bus, cl.busNamed, cl.host, ::geteuid() == 0, [](const ctl::BusTarget& candidate) {
                ctl::BusClient probe(candidate);
                const auto present = probe.chiefdOnBus();
                return present && present.value();
            });
        ctl::BusClient client(target);
        const bool ownDaemonPossible = ::geteuid() != 0 && target.kind == ctl::BusKind::System && !target.host;
        return ctl::runBusVerb(command.value(), client, ctl::BusVerbContext{zone, ownDaemonPossible}, std::cout,
                               std::cerr);
    }
    const char* path = std::getenv("PATH");
    const system::PosixHostProbe files(path ? path : "/usr/local/bin:/usr/bin:/bin");
    const LoadResult loaded = system::loadConfigFile(command.value().configPath, files, zone);
    const auto now = date::floor<Seconds>(std::chrono::system_clock::now());
    return ctl::runOfflineVerb(command.value(),
                               ctl::OfflineInput{loaded, SysSeconds{now.time_since_epoch()}, zone, system::detectCronFlavor(),
                                                 ::geteuid() != 0},
                               std::cout, std::cerr);
}
