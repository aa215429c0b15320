#pragma once
// From chiefd's run events to the telemetry contract (telemetry_event.h): which contract events
// a run event becomes, with which fields and check metadata. Pure: the caller gives the time,
// the host name and the config; chiefd's emitter (daemon/telemetry/) assigns event ids and
// sends. Written in the core so that the monitor and its tests read the same mapping.

#include <optional>
#include <string>
#include <vector>

#include "chief/config_model.h"
#include "chief/run_event.h"
#include "chief/telemetry_event.h"

namespace chief::telemetry {

// What the mapping needs besides the event itself.
struct MappingContext {
    const Config* config = nullptr;  // jobs' check settings and zones; null: no job metadata
    std::string host;                // gethostname(): `host` on every event
    SysMillis now;                   // `eventAt` of events that carry no time of their own
};

// A job's max_runtime_seconds: its own setting, else the sum of its scripts' timeouts plus its
// grace (a run that exceeds every timeout has certainly hung).
int effectiveMaxRuntimeSeconds(const Job& job);

// Whether chiefd sends this job's events: the job's monitor.enabled (which inherits the
// top-level one). Events of a job not in the config (removed by a reload) follow the top level.
bool jobMonitored(const Config& config, std::string_view job);

// The check settings every job event carries in metadata (metadata_key::kCheckEnabled, ...).
nlohmann::json checkMetadata(const Job& job);

// The contract events a run event becomes, in the order they happened (RunStarted becomes
// daemon.dispatch then job.started). Some run events become none (a missed fire time: the
// monitor notices those itself). eventId is left unset: the emitter assigns it.
std::vector<TelemetryEvent> telemetryEventsFor(const RunEvent& event, const MappingContext& context);

// job.next_scheduled for `job`'s next fire time, or job.unscheduled when there is none.
TelemetryEvent nextScheduledEvent(const Job& job, std::optional<SysSeconds> next, const MappingContext& context);
// job.unscheduled for a job that was disabled or removed; `why` ends up in the message and metadata.
TelemetryEvent unscheduledEvent(const std::string& job, const std::string& why, const MappingContext& context);
// chief.heartbeat, with the interval at which the next one is due.
TelemetryEvent heartbeatEvent(int pingIntervalSeconds, const MappingContext& context);

}  // namespace chief::telemetry
