#pragma once
// The sd-bus codec of org.chief.Scheduler1: the one place that knows the wire shape of the
// contract's values (chief/bus_types.h), for chiefd (encode replies and signals, decode
// arguments and credentials) and chiefctl (encode arguments, decode replies and signals).
// Free functions over sd_bus_message*, tested encode-then-decode on real messages without a bus.
// units/dbus/org.chief.Scheduler1.xml is the description; docs/dbus-api.md the reference.
//
// Wire conventions: times are microseconds since the Unix epoch, 0 = none; durations are
// microseconds; strings are UTF-8 (paths with other bytes go out as \xNN, see busText).
//
// Functions return >= 0 on success or a negative errno from sd-bus. Readers of one item of an
// array return 0 at the end of the array.

#include <systemd/sd-bus.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chief/bus_types.h"

namespace chief::dbus {

// ---- signatures ------------------------------------------------------------------------

// ListJobs entry: name, description, enabled, schedule, mode, timezone, next_run_usec,
// last_result, last_run_finished_usec, running_count, pending_queued, object path. (cron and
// last_run_id are on the Job object only.)
inline constexpr const char* kJobEntrySignature = "(ssbssststubo)";
// A run: id, job, trigger, scheduled_usec, started_usec, ended_usec, result, scripts.
inline constexpr const char* kRunEntrySignature = "(ssstttsa(ssiit))";
inline constexpr const char* kRunEntryContents = "ssstttsa(ssiit)";
// One script of a run: path, status, exit_code, signal, duration_usec.
inline constexpr const char* kScriptEntrySignature = "(ssiit)";
// One script of GetRunOutput's answer: index, spawn error, output tail.
inline constexpr const char* kScriptOutputSignature = "(uss)";
// One job of RunJobs' answer: name, run_id, outcome, reason.
inline constexpr const char* kJobRunOutcomeSignature = "(ssss)";

// The Job properties that change while chiefd runs (they emit PropertiesChanged); the others
// change only with a reload, after which clients re-read them (Manager.Reloaded).
inline constexpr const char* kJobChangingProperties[] = {"NextRun",      "LastRunId",     "LastResult",
                                                         "LastRunFinished", "RunningCount", "PendingQueued",
                                                         "RunningRunIds",   "QueuedRunId",  "Paused"};

// ---- values ----------------------------------------------------------------------------

template <typename Duration>
std::uint64_t toUsec(date::sys_time<Duration> time) {
    const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
    return usec > 0 ? static_cast<std::uint64_t>(usec) : 0;
}
template <typename Duration>
std::uint64_t toUsec(const std::optional<date::sys_time<Duration>>& time) {
    return time ? toUsec(*time) : 0;
}
std::uint64_t durationUsec(bus::Millis duration);
std::optional<SysSeconds> secondsFromUsec(std::uint64_t usec);
std::optional<SysMillis> millisFromUsec(std::uint64_t usec);
bus::Millis durationFromUsec(std::uint64_t usec);
// A *_usec argument: 0 means "not given"; beyond the year 9999 is an InvalidArgument error.
bus::ControlResult<std::optional<SysSeconds>> timeArgument(std::uint64_t usec, std::string_view argument);

// D-Bus strings must be UTF-8 (sd-bus refuses to append anything else), but paths are whatever
// bytes the file system holds: such bytes go out as \xNN. Every string sent goes through this.
std::string busText(std::string_view text);

// The Job object path for a job name (any string; escaped with sd_bus_path_encode) and back.
std::string jobObjectPath(std::string_view job);
// The job name of a path directly under bus::kJobPathPrefix; nullopt for anything else.
std::optional<std::string> jobNameFromPath(std::string_view path);

// Upper bounds of the bytes a value takes in a message body (strings with their length,
// terminator and worst-case padding), so a reply can be refused before it is built rather than
// exceed the bus's message limit, which makes dbus-daemon drop the sender's connection.
std::size_t wireSize(std::string_view text);
std::size_t wireSize(const bus::JobSummary& job);
std::size_t wireSize(const bus::RunEntry& run);

// ---- encoding and decoding -------------------------------------------------------------

int appendJobEntry(sd_bus_message* m, const bus::JobSummary& job);
int readJobEntry(sd_bus_message* m, bus::JobSummary& job);

// One Job property's value, as declared in the vtable; -ENOENT for an unknown name.
int appendJobProperty(sd_bus_message* m, const bus::JobSummary& job, std::string_view property);
// The a{sv} of a GetAll on a Job object.
int readJobProperties(sd_bus_message* m, bus::JobSummary& job);

int appendManagerProperty(sd_bus_message* m, const bus::ManagerState& state, std::string_view property);
int readManagerProperties(sd_bus_message* m, bus::ManagerState& state);
// Which of the Manager's changing properties (RunningRuns, NextRun, JobCount, ConfigPath) differ.
std::vector<const char*> changedManagerProperties(const bus::ManagerState& before, const bus::ManagerState& after);

int appendRunEntry(sd_bus_message* m, const bus::RunEntry& run);
int readRunEntry(sd_bus_message* m, bus::RunEntry& run);

int appendRunAccepted(sd_bus_message* m, const bus::RunAccepted& accepted);
int readRunAccepted(sd_bus_message* m, bus::RunAccepted& accepted);

// RunJobs' two out arguments: minute_usec and the a(ssss) of outcomes.
int appendRunJobsOutcome(sd_bus_message* m, const bus::RunJobsOutcome& outcome);
int readRunJobsOutcome(sd_bus_message* m, bus::RunJobsOutcome& outcome);

// Signal bodies (the message already has its path, interface and member).
int appendRunStarted(sd_bus_message* m, const bus::RunBegan& run);
int readRunStarted(sd_bus_message* m, bus::RunBegan& run);
int appendScriptFinished(sd_bus_message* m, const bus::ScriptEnded& script);
int readScriptFinished(sd_bus_message* m, bus::ScriptEnded& script);
int appendRunFinished(sd_bus_message* m, const bus::RunEnd& run);
int readRunFinished(sd_bus_message* m, bus::RunEnd& run);

// ---- errors and callers ------------------------------------------------------------------

// Sets `error` to the shared table's name with the message; returns the negative errno a method
// handler returns with it.
int setControlError(sd_bus_error* error, const bus::ControlError& refused);

// The caller as the creds say (effective uid; primary and supplementary gids). What the creds
// do not carry stays unset, and the access check then refuses state changes. Gids that sd-bus
// read from /proc (augmented) count only when the uid read there too equals the effective uid.
bus::Caller callerFromCreds(sd_bus_creds* creds);

}  // namespace chief::dbus
