#pragma once
// SystemdExporter: renders jobs as systemd .timer and .service units, and decides the
// `chiefd --check-due` guard those units use. Pure: a loaded Config in, file texts out; writing
// the files, and reading $TRIGGER_TIMER_REALTIME_USEC, are the caller's business.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chief/config_model.h"
#include "chief/result.h"

namespace chief {

// What the .service runs.
enum class SystemdRunner {
    // ExecStart=chiefd --once --config CONFIG --job NAME: chiefd runs the scripts, so per-script
    // timeouts, stop_on_failure, environment, user and group are exactly chiefd's.
    Chiefd,
    // One ExecStart= per script (Type=oneshot), no chiefd at run time (except --check-due for a
    // guarded schedule): one deadline for the whole run, no CHIEF_* variables; comments say so.
    Native,
};

const char* runnerName(SystemdRunner runner);

struct SystemdExportOptions {
    SystemdRunner runner = SystemdRunner::Chiefd;
    // Write Environment= lines with the job's values (Native only: chiefd reads them from the
    // config itself). Off by default: values may be secrets; only names are listed then.
    bool includeEnvironment = false;
    // chiefd's absolute path as the units must name it (ExecStart=, ExecCondition=).
    std::string chiefdPath = "/usr/sbin/chiefd";
    // Unit names are <prefix><job name>.timer / .service.
    std::string unitPrefix = "chief-";
};

// One generated file: a name (no directory) and its whole text.
struct ExportedFile {
    std::string name;
    std::string content;
};

// How a schedule reads as OnCalendar= lines.
struct SystemdCalendar {
    // One or more OnCalendar= values (with the zone); the timer elapses at their union.
    std::vector<std::string> onCalendar;
    // False when the union is a strict superset of the fire times (bounds, exclusions, an
    // interval that does not divide a day): ExecCondition=chiefd --check-due must then decide.
    bool exact = true;
    std::string guardReason;  // why not exact, in words; empty when exact
};

// The OnCalendar= values for a compiled schedule read in `timezone`. Calendar rules (including
// ordinal weekdays, the last day of the month and day_match: any) are exact; see docs/exports.md.
SystemdCalendar systemdCalendarFor(const CompiledSchedule& schedule, const std::string& timezone);

// What one job became.
struct SystemdJobExport {
    std::string job;
    std::string timerUnit;    // e.g. "chief-backup.timer"
    std::string serviceUnit;  // e.g. "chief-backup.service"
    SystemdCalendar calendar;
    bool guarded = false;     // the .service has ExecCondition=chiefd --check-due
    std::vector<ExportedFile> files;  // the .timer, then the .service
    // Where the units behave differently from chiefd, one sentence each (they are also comments
    // in the files); for --json and for printing after "wrote ...".
    std::vector<std::string> notes;
};

// The units for one job of `config`.
SystemdJobExport exportSystemdJob(const Config& config, const Job& job, const SystemdExportOptions& options);

// The units for `jobs` (every job of config when empty), in order.
std::vector<SystemdJobExport> exportSystemd(const Config& config, const std::vector<const Job*>& jobs,
                                            const SystemdExportOptions& options);

// "<prefix><job name><suffix>", with '@' (a template marker in unit names) escaped as \x40, as
// systemd-escape does.
std::string systemdUnitName(std::string_view prefix, std::string_view jobName, std::string_view suffix);

// One word for a command line in a unit file (ExecStart=, ExecCondition=): quoted when needed,
// with '%' written as "%%" and '$' as "$$" so neither specifiers nor variables are expanded.
std::string quoteSystemdWord(std::string_view word);

// ---- chiefd --check-due -------------------------------------------------------------------

// Whether `instant` falls in a minute the schedule fires in: the same rule as chiefd --once
// --respect-schedule (firesAtMinute), so hybrid guards, bounds, exclusions and DST all apply.
bool isFireTime(const CompiledSchedule& schedule, SysSeconds instant);

// Reads $TRIGGER_TIMER_REALTIME_USEC (microseconds since the epoch, decimal).
Result<SysSeconds> parseTriggerRealtimeUsec(std::string_view text);

// What `chiefd --check-due --job NAME` answers, for ExecCondition=: exit 0 runs the unit, 1-254
// skip it quietly (systemd logs "condition failed"), 255 fails it.
struct CheckDueVerdict {
    int exitCode = 0;
    std::string message;  // one line for the journal
};

// `triggerRealtimeUsec` is the variable's value, or nullopt when it is unset: the unit was
// started by hand (systemctl start), which runs the job now like `chiefctl run` (exit 0). A
// value that is not a number is an error (exit 255): the unit fails rather than guessing.
// A disabled job is never due (exit 1).
CheckDueVerdict checkDue(const Job& job, const std::optional<std::string_view>& triggerRealtimeUsec);

}  // namespace chief
