#pragma once
// Marshalling between ControlApi values and sd-bus messages: the one place that knows the wire
// shape of org.chief.Scheduler1 (units/dbus/org.chief.Scheduler1.xml). Free functions over
// sd_bus_message*, so unit tests check them on real messages without a bus daemon.
//
// Wire conventions: times are microseconds since the Unix epoch, 0 = none; a run still in
// progress has result "running", and its scripts "running" (started) or "pending" (not yet).
//
// ListJobs entry, (ssbssststubo): name, description, enabled, schedule, mode, timezone,
//   next_run_usec, last_result, last_run_finished_usec, running_count, pending_queued, object path.
//   (cron and last_run_id are on the Job object only.)
// RunJobs reply, (t, a(ssss)): minute_usec, then per job: name, run_id ("" unless started or
//   queued), outcome (started | queued | skipped | not-due), reason ("" unless queued or skipped).
// Run record, (ssstttsa(ssiit)): id, job, trigger, scheduled_usec, started_usec, ended_usec,
//   result, scripts: (path, status, exit_code, signal, duration_usec).

#include <systemd/sd-bus.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bus/control_api.h"
#include "chief/run_event.h"

namespace chief::daemon {

inline constexpr const char* kJobSummarySignature = "(ssbssststubo)";
inline constexpr const char* kRunRecordSignature = "(ssstttsa(ssiit))";
inline constexpr const char* kScriptRecordSignature = "(ssiit)";
inline constexpr const char* kJobRunOutcomeSignature = "(ssss)";

// The Job properties that change while chiefd runs (they emit PropertiesChanged); the others
// change only with a reload, after which clients re-read them (Manager.Reloaded).
inline constexpr const char* kJobChangingProperties[] = {"NextRun",         "LastRunId",    "LastResult",
                                                         "LastRunFinished", "RunningCount", "PendingQueued"};

// ---- values ----------------------------------------------------------------------------

// D-Bus strings must be UTF-8 (sd-bus refuses to append anything else), but paths are whatever
// bytes the file system holds: such bytes go out as \xNN. Every path and message uses this.
std::string busText(std::string_view text);

template <typename Duration>
std::uint64_t toUsec(date::sys_time<Duration> time) {
    const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
    return usec > 0 ? static_cast<std::uint64_t>(usec) : 0;
}
template <typename Duration>
std::uint64_t toUsec(const std::optional<date::sys_time<Duration>>& time) {
    return time ? toUsec(*time) : 0;
}
// A *_usec argument: 0 means "not given"; beyond the year 9999 is an InvalidArgument error.
ControlResult<std::optional<SysSeconds>> fromUsecArgument(std::uint64_t usec, std::string_view argument);

// The Job object path for a job name (any string; escaped with sd_bus_path_encode) and back.
std::string jobObjectPath(std::string_view job);
// The job name of a path directly under bus::kJobPathPrefix; nullopt for anything else.
std::optional<std::string> jobNameFromPath(std::string_view path);

std::string runResultText(const RunRecord& run);
std::string scriptStatusText(const RunRecord& run, const ScriptRecord& script);
std::uint64_t scriptDurationUsec(const ScriptRecord& script);

// ---- reply sizes -------------------------------------------------------------------------

// Upper bounds of the bytes a value takes in a D-Bus message body (strings with their length,
// terminator and worst-case padding), so a reply can be refused before it is built rather than
// exceed the bus's message limit, which makes dbus-daemon drop the sender's connection.
std::size_t wireSize(std::string_view text);
std::size_t wireSize(const JobSummary& job);
std::size_t wireSize(const RunRecord& run);

// ---- messages (each returns >= 0 or a negative errno from sd-bus) ------------------------

int appendJobSummary(sd_bus_message* message, const JobSummary& job);
int appendRunRecord(sd_bus_message* message, const RunRecord& run);
// RunJobs' two out arguments: minute_usec and the a(ssss) of outcomes.
int appendRunJobsOutcome(sd_bus_message* message, const RunJobsOutcome& outcome);
// One property's value, as declared in the vtable; -ENOENT for an unknown name.
int appendJobProperty(sd_bus_message* message, const JobSummary& job, std::string_view property);
int appendManagerProperty(sd_bus_message* message, const ManagerState& state, std::string_view property);

// Signal bodies (the message already has its path, interface and member).
int appendRunStartedSignal(sd_bus_message* message, const RunStarted& event);
int appendScriptFinishedSignal(sd_bus_message* message, const ScriptFinished& event);
int appendRunFinishedSignal(sd_bus_message* message, const RunFinished& event);

// Which of the Manager's changing properties (RunningRuns, NextRun, JobCount, ConfigPath) differ.
std::vector<const char*> changedManagerProperties(const ManagerState& before, const ManagerState& after);

// ---- errors and callers ------------------------------------------------------------------

// Sets `error` to the shared table's name with the message; returns the negative errno that a
// method handler returns with it.
int setControlError(sd_bus_error* error, const ControlError& refused);

// The caller as the creds say (effective uid; primary and supplementary gids). What the creds
// do not carry stays unset, and ControlApi then refuses state changes. Gids that sd-bus read
// from /proc (augmented) count only when the uid read there too equals the effective uid.
Caller callerFromCreds(sd_bus_creds* creds);

}  // namespace chief::daemon
