#pragma once
// ReportJson: the stable --json shapes of validate, preview and diagnostics (see docs/json-output.md).

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <vector>

#include "chief/config_loader.h"
#include "chief/schedule_preview.h"

namespace chief {

nlohmann::json diagnosticJson(const Diagnostic& diagnostic);

// {"valid", "errors": [...], "warnings": [...], "jobs": [{"name","enabled","mode","cron"}]}
nlohmann::json validateReportJson(const LoadResult& result);

// One entry of preview's "jobs" array.
nlohmann::json jobPreviewJson(const JobPreview& preview);

// The whole `preview --json` document ({"config", "from", "jobs": [...]}), written one job at a
// time so 10,000 jobs never sit in memory as JSON at once.
void writePreviewJson(std::ostream& out, const Config& config, const std::vector<const Job*>& jobs, SysSeconds from,
                      int count);

}  // namespace chief
