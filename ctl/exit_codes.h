#pragma once
// chiefctl's exit codes (documented in chiefctl(1) and --help).

namespace chief::ctl {

enum ExitCode : int {
    kExitOk = 0,       // success
    kExitInvalid = 1,  // the config is invalid, or a check failed
    kExitUsage = 2,    // bad command line: unknown verb or flag, bad value, unknown job
};

}  // namespace chief::ctl
