// chiefctl: parse the command line, load the config, run one verb.
#include <chrono>
#include <cstdlib>
#include <iostream>

#include "chief/system/config_source.h"
#include "chief/system/posix_host_probe.h"
#include "command_line.h"
#include "exit_codes.h"
#include "offline_verbs.h"

int main(int argc, char** argv) {
    using namespace chief;
    const std::vector<std::string> args(argv + 1, argv + argc);
    auto command = ctl::parseCommandLine(args);
    if (!command) {
        std::cerr << "chiefctl: " << command.error() << "\nTry 'chiefctl --help' for more information.\n";
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
    const char* path = std::getenv("PATH");
    const system::PosixHostProbe files(path ? path : "/usr/local/bin:/usr/bin:/bin");
    const std::string zone = system::detectSystemTimezone();
    const LoadResult loaded = system::loadConfigFile(command.value().configPath, files, zone);
    const auto now = date::floor<Seconds>(std::chrono::system_clock::now());
    return ctl::runOfflineVerb(command.value(), ctl::OfflineInput{loaded, SysSeconds{now.time_since_epoch()}, zone},
                               std::cout, std::cerr);
}
