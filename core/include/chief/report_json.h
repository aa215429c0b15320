#pragma once
// ReportJson: the stable --json shapes of validate, preview and diagnostics (see docs/json-output.md).

#include <nlohmann/json.hpp>

#include "chief/config_loader.h"
#include "chief/schedule_preview.h"

namespace chief {

nlohmann::json diagnosticJson(const Diagnostic& diagnostic);

// {"valid", "errors": [...], "warnings": [...], "jobs": [{"name","enabled","mode","cron"}]}
nlohmann::json validateReportJson(const LoadResult& result);

// One entry of preview's "jobs" array.
nlohmann::json jobPreviewJson(const JobPreview& preview);

}  // namespace chief
