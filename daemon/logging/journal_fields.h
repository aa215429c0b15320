#pragma once
// Names of chiefd's own journal fields, so `journalctl CHIEF_JOB=backup` and friends work.
// Documented in docs/journal.md; like MESSAGE_IDs they are a public interface.

namespace chief::daemon::journal_field {

inline constexpr const char* kJob = "CHIEF_JOB";                    // job name
inline constexpr const char* kRunId = "CHIEF_RUN_ID";               // run id
inline constexpr const char* kScheduledFor = "CHIEF_SCHEDULED_FOR";  // fire time, ISO 8601 UTC
inline constexpr const char* kTrigger = "CHIEF_TRIGGER";            // schedule | manual | once
inline constexpr const char* kReason = "CHIEF_REASON";              // why a trigger was skipped or queued
inline constexpr const char* kNoticedAt = "CHIEF_NOTICED_AT";       // when a missed fire time was noticed
inline constexpr const char* kResult = "CHIEF_RESULT";              // run: succeeded | failed | cancelled | interrupted; script: see scriptStatusName
inline constexpr const char* kScript = "CHIEF_SCRIPT";              // resolved script path
inline constexpr const char* kScriptPid = "CHIEF_SCRIPT_PID";       // the script's process id
inline constexpr const char* kExitStatus = "CHIEF_EXIT_STATUS";     // exit status of a script that exited
inline constexpr const char* kSignal = "CHIEF_SIGNAL";              // number of the signal that ended a script
inline constexpr const char* kError = "CHIEF_ERROR";                // why a script could not be started
inline constexpr const char* kDurationMs = "CHIEF_DURATION_MS";     // run or script duration
inline constexpr const char* kStream = "CHIEF_STREAM";              // script output: stdout | stderr
inline constexpr const char* kTimeoutSeconds = "CHIEF_TIMEOUT_SEC";       // a timed-out script's timeout
inline constexpr const char* kKillGraceSeconds = "CHIEF_KILL_GRACE_SEC";  // SIGTERM to SIGKILL for a timed-out or stopped script
inline constexpr const char* kFinalSignal = "CHIEF_FINAL_SIGNAL";         // what ended its group: SIGTERM or SIGKILL
inline constexpr const char* kMissedCount = "CHIEF_MISSED_COUNT";  // fire times missed while chiefd was stopped
inline constexpr const char* kMissedFirst = "CHIEF_MISSED_FIRST";  // the first of them, ISO 8601 UTC
inline constexpr const char* kMissedLast = "CHIEF_MISSED_LAST";    // the last of them
inline constexpr const char* kContinued = "CHIEF_CONTINUED";        // script output: 1 on all but the last piece of a split line

}  // namespace chief::daemon::journal_field
