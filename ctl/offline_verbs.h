#pragma once
// The offline verbs: validate, and with --config preview, export-cron, list and show, on a config
// file without the daemon.

#include <iosfwd>

#include "chief/config_loader.h"
#include "chief/cron_exporter.h"
#include "command_line.h"

namespace chief::ctl {

// What an offline verb needs besides the command line: the loaded config and "now".
struct OfflineInput {
    const LoadResult& loaded;
    SysSeconds now;
    std::string systemTimezone;
    CronFlavor installedCron = CronFlavor::Cronie;  // what export-cron --cron auto means here
    bool perUser = false;  // chiefctl runs as a non-root user: exported lines are for their own crontab
};

// Runs the verb, writing results to `out` and problems to `err`; returns the exit code.
int runOfflineVerb(const CommandLine& command, const OfflineInput& input, std::ostream& out, std::ostream& err);

}  // namespace chief::ctl
