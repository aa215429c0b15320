#include "app/check_due_mode.h"

#include <ostream>

#include "chief/display_text.h"
#include "chief/systemd_exporter.h"

namespace chief::daemon {

int runCheckDue(const LoadResult& loaded, const std::string& configPath, const std::string& job,
                const std::optional<std::string_view>& triggerRealtimeUsec, std::ostream& log) {
    if (!loaded.ok()) {
        for (const Diagnostic& d : loaded.diagnostics)
            if (d.severity == Severity::Error) log << "chiefd: " << formatDiagnostic(d) << '\n';
        log << "chiefd: --check-due: config " << escapeForDisplay(configPath) << " is invalid; cannot tell whether job "
            << escapeForDisplay(quoteForMessage(job)) << " is due\n";
        return kCheckDueError;
    }
    const Job* found = loaded.config->findJob(job);
    if (!found) {
        log << "chiefd: --check-due: no job " << escapeForDisplay(quoteForMessage(job)) << " in "
            << escapeForDisplay(configPath) << "; export the units again after renaming or removing a job\n";
        return kCheckDueError;
    }
    const CheckDueVerdict verdict = checkDue(*found, triggerRealtimeUsec);
    log << "chiefd: --check-due: " << escapeForDisplay(verdict.message) << '\n';
    return verdict.exitCode;
}

}  // namespace chief::daemon
