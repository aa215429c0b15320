#pragma once
// CronExporter: renders jobs as crontab lines that run them through chiefd's one-shot mode.

#include <string>
#include <vector>

#include "chief/config_model.h"

namespace chief {

struct CronExportOptions {
    std::string chiefdCommand = "chiefd";  // how cron should invoke chiefd
    SysSeconds now;                        // DST differences are looked for in the year after this
};

// Where cron's behaviour across a DST change differs from Chief's, for one job (one line each).
std::vector<std::string> cronDstDifferences(const Job& job, SysSeconds from, SysSeconds to);

// The crontab text for `jobs` (all of config's jobs when empty).
std::string exportCron(const Config& config, const std::vector<const Job*>& jobs, const CronExportOptions& options);

}  // namespace chief
