#pragma once
// BusJson: the --json shapes of the verbs answered by chiefd (see docs/chiefctl.md). Times are
// ISO 8601 UTC ("2027-01-01T06:00:00Z") or null; durations are whole milliseconds.

#include <nlohmann/json.hpp>

#include "chief_client.h"

namespace chief::ctl {

// One entry of `list --json` / `status --json` "jobs": the fields Manager.ListJobs carries.
nlohmann::json jobSummaryJson(const bus::JobSummary& job);
// `show --json`: every Job property.
nlohmann::json jobDetailsJson(const bus::JobSummary& job);
// `status --json` "daemon".
nlohmann::json managerJson(const bus::ManagerState& manager);
// One run of `history --json`.
nlohmann::json runJson(const bus::RunEntry& run);
// One script of a run.
nlohmann::json scriptJson(const bus::ScriptEntry& script);
// One entry of a RunJobs-based `run --json`: {"job", "run_id", "outcome", "reason"} (run_id and
// reason null when empty); the caller adds the result of a waited-for run.
nlohmann::json runRequestJson(const bus::JobRunOutcome& request);
// The "minute" of such a document (ISO 8601 UTC, or null).
nlohmann::json minuteJson(const std::optional<SysSeconds>& minute);
// What --json prints on standard output when a call fails: {"error": {"name", "message"}}.
nlohmann::json errorJson(const ClientError& error);

}  // namespace chief::ctl
