#pragma once
// TextReport: chiefctl's human-readable output for validate and preview.

#include <iosfwd>

#include "chief/config_loader.h"
#include "chief/schedule_preview.h"

namespace chief::ctl {

void printValidateSummary(const Config& config, std::ostream& out);
void printErrorCount(const LoadResult& loaded, std::ostream& err);
void printJobPreview(const JobPreview& preview, std::ostream& out);

}  // namespace chief::ctl
