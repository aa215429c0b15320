#pragma once
// chief-monitord's command line.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "chief/result.h"
#include "chief/service/log_target.h"

namespace chief::monitor {

struct MonitorOptions {
    std::string configPath = "/etc/chief/monitor.yaml";
    bool configPathGiven = false;  // a missing file is an error only when named explicitly
    service::LogTarget logTarget;  // auto: the journal under systemd, else stderr
    bool debug = false;
    bool checkConfig = false;  // validate the settings, print them, exit
    bool help = false;
    bool version = false;
};

// Parses argv (without argv[0]).
Result<MonitorOptions> parseMonitorOptions(std::span<const std::string_view> args);

// The --help text.
std::string monitorUsage();

}  // namespace chief::monitor
