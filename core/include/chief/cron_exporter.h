#pragma once
// CronExporter: renders jobs as crontab lines that run them through chiefd's one-shot mode.

#include <string>
#include <vector>

#include "chief/config_model.h"

namespace chief {

// Which cron reads the lines. They differ in one way that matters: cronie honours CRON_TZ=
// (each job's lines fire in its own zone); Debian's cron (3.0pl1, Debian 12's only cron) ignores
// it and fires every line in the system's zone.
enum class CronFlavor { Cronie, Debian };
const char* cronFlavorName(CronFlavor flavor);

struct CronExportOptions {
    // How cron invokes chiefd: an absolute path, because cron's PATH (/usr/bin:/bin) lacks sbin.
    std::string chiefdCommand = "/usr/sbin/chiefd";
    // The lines are for a user's own crontab and a per-user chiefd: `chiefd --once --user`, so
    // runs are recorded in that user's history ($XDG_STATE_HOME), not the system's.
    bool perUser = false;
    CronFlavor flavor = CronFlavor::Cronie;
    std::string systemTimezone = "UTC";  // the zone Debian's cron reads every line in
    SysSeconds now;                      // DST differences are looked for in the year after this
};

// The minute field of a system-zone cron line that fires at every minute `job` can fire (a
// superset), for a cron that cannot read the job's own zone: the job's minutes moved by every
// offset difference between the two zones in the year after `now`. Empty when the two zones
// agree all year (the job's own line then works as it is).
std::string systemZoneMinutes(const Job& job, const ZoneRules& system, SysSeconds now);

// Where cron's behaviour across a DST change differs from Chief's, for one job (one line each).
std::vector<std::string> cronDstDifferences(const Job& job, SysSeconds from, SysSeconds to);

// The crontab text for `jobs` (all of config's jobs when empty).
std::string exportCron(const Config& config, const std::vector<const Job*>& jobs, const CronExportOptions& options);

}  // namespace chief
