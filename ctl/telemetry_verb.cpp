#include "telemetry_verb.h"

#include <ostream>

#include <nlohmann/json.hpp>

#include "chief/diagnostic.h"
#include "chief/display_text.h"
#include "exit_codes.h"
#include "telemetry/telemetry_spool.h"

namespace chief::ctl {

std::string chiefdStateDirectory(bool root, const std::function<const char*(const char*)>& getenv) {
    if (const char* state = getenv("STATE_DIRECTORY"); state && *state) return state;
    if (root) return "/var/lib/chief";
    if (const char* xdg = getenv("XDG_STATE_HOME"); xdg && *xdg) return std::string(xdg) + "/chief";
    const char* home = getenv("HOME");
    return std::string(home ? home : "") + "/.local/state/chief";
}

int replayDeadTelemetry(const LoadResult& loaded, const std::string& stateDirectory, bool json, std::ostream& out,
                        std::ostream& err) {
    if (!loaded.ok()) {
        for (const Diagnostic& d : loaded.diagnostics)
            if (d.severity == Severity::Error) err << formatDiagnostic(d) << '\n';
        err << "chiefctl: the config is invalid; cannot tell where the telemetry spool is\n";
        return kExitFailed;
    }
    const std::string path = daemon::telemetry::spoolPathFor(loaded.config->monitor, stateDirectory);
    daemon::telemetry::TelemetrySpool spool(path, loaded.config->monitor.buffer.spoolMaxBytes);
    auto moved = spool.replayDead();
    if (!moved) {
        err << "chiefctl: " << escapeForDisplay(moved.error()) << '\n';
        return kExitFailed;
    }
    if (json)
        out << nlohmann::json{{"spool", path}, {"replayed", moved.value()}}.dump(2) << '\n';
    else
        out << moved.value() << (moved.value() == 1 ? " event" : " events") << " moved from " << escapeForDisplay(spool.deadPath())
            << " back to " << escapeForDisplay(path) << "; chiefd sends them\n";
    return kExitOk;
}

}  // namespace chief::ctl
