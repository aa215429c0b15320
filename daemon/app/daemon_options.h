#pragma once
// DaemonOptions: chiefd's command line.

#include <optional>
#include <string>
#include <vector>

#include "chief/result.h"

namespace chief::daemon {

struct DaemonOptions {
    enum class Mode { Daemon, Once, Help, Version, PrintIntrospection };
    Mode mode = Mode::Daemon;
    std::string configPath = "/etc/chief/chief.yaml";
    std::string logTarget = "auto";              // auto | journal | console
    std::string logLevel = "info";               // err | warning | notice | info | debug
    std::optional<std::string> stateDirectory;   // default: $STATE_DIRECTORY, else /var/lib/chief
    std::optional<std::string> job;              // --once --job NAME
    bool respectSchedule = false;                // --once --respect-schedule
    bool userBus = false;                        // --user: the user bus instead of the system bus
    long timeSpeed = 1;                          // --time-speed N (benchmarks): the clock runs N times faster
};

Result<DaemonOptions> parseDaemonOptions(const std::vector<std::string>& args);
std::string daemonHelpText();

}  // namespace chief::daemon
