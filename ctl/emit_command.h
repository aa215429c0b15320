#pragma once
// `chiefctl emit LEVEL MESSAGE [KEY=VALUE ...]`: a shell worker's one line to the monitor, the
// same worker.message event the Python helper (workers/python/monitor_client.py) posts, with the
// run's correlation fields from the CHIEF_* variables (chief/worker_environment.h). Telemetry
// never fails a job: without --strict the exit status is 0 whether or not the monitor took it.
// docs/telemetry-workers.md describes it for users.

#include <chrono>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chief/result.h"
#include "chief/telemetry_event.h"
#include "event_poster.h"

namespace chief::ctl {

inline constexpr std::chrono::milliseconds kDefaultEmitTimeout{400};
// A typo such as 400000 must not turn "best effort" into "the job waits minutes".
inline constexpr std::chrono::milliseconds kMaxEmitTimeout{60'000};
// The variable that sets the timeout for both helpers (an operator's, not one chiefd sets).
inline constexpr const char* kMonitorTimeoutVariable = "CHIEF_MONITOR_TIMEOUT_MS";

// What `chiefctl emit` was asked to send.
struct EmitRequest {
    bool help = false;  // --help: print emitHelpText() and nothing else
    telemetry::EventLevel level = telemetry::EventLevel::Info;
    std::string message;
    nlohmann::json metadata = nlohmann::json::object();  // KEY=VALUE pairs, values as strings
    bool strict = false;                                 // exit 1 when the monitor did not take it
    std::optional<std::chrono::milliseconds> timeout;    // --timeout-ms
};

// The arguments after "emit". Usage errors (unknown level, empty message, a pair without "=",
// a key given twice, a bad timeout) are values with the message to print.
Result<EmitRequest> parseEmitArguments(const std::vector<std::string>& args);

// The CHIEF_* variables the event is built from; unset and empty are both nullopt.
struct WorkerContext {
    std::optional<std::string> endpoint;
    std::optional<std::string> apiKey;
    std::optional<std::string> runId;
    std::optional<std::string> jobName;
    std::optional<std::string> scriptPath;
    std::optional<std::string> scheduledFor;  // as chiefd wrote it
    std::optional<std::string> timeoutMs;     // CHIEF_MONITOR_TIMEOUT_MS, as written
};
// Reads them through `lookup` (getenv in chiefctl, a map in the tests).
WorkerContext readWorkerContext(const std::function<std::optional<std::string>(const char*)>& lookup);

// What only the machine knows: when, which event id, which host.
struct EmitStamp {
    telemetry::EventTime now;
    std::string eventId;
    std::string host;
};

// The worker.message event: the request's level, message and metadata, the run's correlation
// fields, the stamp. Checked against the contract the monitor checks (telemetry_event.h): an
// event the monitor would refuse (a message over 16 KiB, metadata over 64 KiB serialized, a
// CHIEF_RUN_ID over 128 bytes, ...) is an error naming the field.
Result<telemetry::TelemetryEvent> buildWorkerMessage(const EmitRequest& request, const WorkerContext& context,
                                                     const EmitStamp& stamp);

// The whole verb: builds the event, posts it unless the job's monitor is off, reports on `err`.
// Returns chiefctl's exit status: 2 for a usage error, 1 with --strict when the event was not
// taken (a 2xx answer), else 0.
int runEmit(const EmitRequest& request, const WorkerContext& context, const EmitStamp& stamp, EventPoster& poster,
            std::ostream& out, std::ostream& err);

// `chiefctl emit --help`.
std::string emitHelpText();

}  // namespace chief::ctl
