#pragma once
// OnceMode: `chiefd --once`: run enabled jobs (or one) in YAML order with the daemon's runner
// and logging, then exit. What exported cron lines call.

#include <boost/asio/io_context.hpp>

#include "app/daemon_options.h"
#include "chief/config_loader.h"
#include "chief/service/logger.h"
#include "runner/job_run.h"
#include "telemetry/telemetry_emitter.h"

namespace chief::daemon {

// Returns the exit status: 0 every run succeeded (or none was due), 1 a run failed or the
// config is invalid, 2 the job does not exist or is disabled. Each run is recorded in the
// run history under `stateDirectory` (when it starts and when it ends, under the job file's
// lock, merged with what chiefd or other --once runs wrote), so `chiefctl history` shows runs
// that cron started; a history that cannot be written is logged once and the run goes on.
// `telemetry` (subscribed to services.events; may be null) spools and sends the runs' events;
// before returning it waits at most monitor.timeout_ms for their delivery, and what it could
// not send stays in the spool for chiefd.
int runOnce(boost::asio::io_context& io, const DaemonOptions& options, const LoadResult& loaded, service::Logger& logger,
            RunServices& services, const std::string& stateDirectory, telemetry::TelemetryEmitter* telemetry = nullptr);

}  // namespace chief::daemon
