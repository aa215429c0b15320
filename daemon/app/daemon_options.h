#pragma once
// DaemonOptions: chiefd's command line.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chief/result.h"

namespace chief::daemon {

struct DaemonOptions {
    enum class Mode { Daemon, Once, CheckDue, Help, Version, PrintIntrospection };
    Mode mode = Mode::Daemon;
    std::string configPath = "/etc/chief/chief.yaml";
    bool configGiven = false;                    // --config was given (else --user looks in $XDG_CONFIG_HOME)
    std::string logTarget = "auto";              // auto | journal | console
    std::string logLevel = "info";               // err | warning | notice | info | debug
    std::optional<std::string> stateDirectory;   // default: $STATE_DIRECTORY, else /var/lib/chief
    std::optional<std::string> job;              // --once --job NAME, --check-due --job NAME
    bool respectSchedule = false;                // --once --respect-schedule
    bool userBus = false;                        // --user: the user bus instead of the system bus
    long timeSpeed = 1;                          // --time-speed N (benchmarks): the clock runs N times faster
};

Result<DaemonOptions> parseDaemonOptions(const std::vector<std::string>& args);

// Whether the command line asks for --check-due, even one that does not parse: its errors then
// exit with kCheckDueError (255, the unit fails) instead of 2 (which ExecCondition= would read as
// "not due").
bool asksCheckDue(const std::vector<std::string>& args);

// Where a per-user chiefd (--user, like chief.py run by its user) keeps its files, from the
// XDG base directories: the config at $XDG_CONFIG_HOME/chief/chief.yaml (default
// ~/.config/...), state in $XDG_STATE_HOME/chief (default ~/.local/state/...). `getenv` is
// injectable for tests. The system daemon's defaults are /etc/chief/chief.yaml and /var/lib/chief.
struct DaemonPaths {
    std::string configPath;
    std::string stateDirectory;
};
DaemonPaths resolveDaemonPaths(const DaemonOptions& options, const std::function<const char*(const char*)>& getenv);
std::string daemonHelpText();

}  // namespace chief::daemon
