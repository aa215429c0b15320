#pragma once
// chiefctl's exit codes (documented in docs/chiefctl.md and --help). The values are the shared
// table's in chief/bus_api.h, so offline and bus verbs exit alike.

#include "chief/bus_api.h"

namespace chief::ctl {

enum ExitCode : int {
    kExitOk = bus::kExitOk,                      // success
    kExitInvalid = bus::kExitFailed,             // the config is invalid, or a check failed
    kExitFailed = bus::kExitFailed,              // the job failed (or was cancelled)
    kExitUsage = bus::kExitUsage,                // bad command line: unknown verb or flag, bad value, unknown job
    kExitUnreachable = bus::kExitUnreachable,    // chiefd not running, or no bus to reach it on
    kExitAccessDenied = bus::kExitAccessDenied,  // the caller may not change chiefd's state
    kExitNotStarted = bus::kExitNotStarted,      // the overlap policy skipped the run
};

}  // namespace chief::ctl
