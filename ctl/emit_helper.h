#pragma once
// Running chief-emit for `chiefctl emit`: where the helper is, and handing the process over to it.

#include <ostream>
#include <string>
#include <vector>

namespace chief::ctl {

// The helper next to the running chiefctl (a build tree), else the installed one
// (CHIEF_EMIT_HELPER, set at build time to libexecdir/chief/chief-emit).
std::string emitHelperPath();

// Replaces this process with chief-emit ARGS... and does not return when that works. When it
// cannot (the helper is missing), says so on `err` and returns emit's status for an event that
// was not taken: 0, or 1 with --strict, so a worker never fails for its telemetry.
int execEmitHelper(const std::vector<std::string>& args, std::ostream& err);

}  // namespace chief::ctl
