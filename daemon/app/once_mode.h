#pragma once
// OnceMode: `chiefd --once`: run enabled jobs (or one) in YAML order with the daemon's runner
// and logging, then exit. What exported cron lines call.

#include <boost/asio/io_context.hpp>

#include "app/daemon_options.h"
#include "chief/config_loader.h"
#include "logging/logger.h"
#include "runner/job_run.h"

namespace chief::daemon {

// Returns the exit status: 0 every run succeeded (or none was due), 1 a run failed or the
// config is invalid, 2 the job does not exist or is disabled.
int runOnce(boost::asio::io_context& io, const DaemonOptions& options, const LoadResult& loaded, Logger& logger,
            RunServices& services);

}  // namespace chief::daemon
