#include "logging/run_event_journal.h"

#include "chief/time_format.h"
#include "logging/journal_fields.h"
#include "logging/log_text.h"
#include "logging/message_ids.h"

namespace chief::daemon {

namespace jf = journal_field;

namespace {

// "scheduled for X" for scheduled runs; manual and --once runs name their trigger too, so a
// reader does not take the time for one of the job's own fire times. A run without a due
// instant (manual, plain --once) says only its trigger.
std::string scheduledPhrase(TriggerKind trigger, const DueInstant& scheduledFor) {
    std::string text;
    if (trigger != TriggerKind::Schedule) {
        text += triggerKindName(trigger);
        text += " trigger";
        if (!scheduledFor) return text + ", not scheduled";
        text += ", ";
    }
    return text + "scheduled for " + (scheduledFor ? formatIsoUtc(*scheduledFor) : std::string("no due instant"));
}

// CHIEF_SCHEDULED_FOR=, only for runs that have a due instant.
void addDueInstant(service::LogFields& fields, const DueInstant& scheduledFor) {
    if (scheduledFor) fields.emplace_back(journal_field::kScheduledFor, formatIsoUtc(*scheduledFor));
}

std::optional<std::chrono::milliseconds> scriptDuration(const ScriptRecord& script) {
    if (!script.startedAt || !script.endedAt) return std::nullopt;
    return *script.endedAt - *script.startedAt;
}

std::string signalText(int signal) {
    const std::string name = signalName(signal);
    return "signal " + std::to_string(signal) + (name.empty() ? "" : " (" + name + ")");
}

// How a script ended, as a predicate: "exited with status 3", "was killed by signal 9 (SIGKILL)".
// A configured limit in whole seconds: "5s", "10s", "1h 0m 0s".
std::string limitText(int seconds) {
    if (seconds < 60) return std::to_string(seconds) + "s";
    return formatDurationText(std::chrono::seconds{seconds});
}

std::string outcomeText(const ScriptOutcome& outcome) {
    using Status = ScriptOutcome::Status;
    switch (outcome.status) {
        case Status::Exited: return "exited with status " + std::to_string(outcome.exitCode);
        case Status::Signaled: return "was killed by " + signalText(outcome.signal);
        case Status::TimedOut: return "timed out after " + limitText(outcome.timeoutSeconds);
        case Status::Stopped: return "was stopped by chiefd";
        case Status::SpawnFailed: return "could not be started: " + outcome.error;
        case Status::Skipped: return "was not run";
    }
    return "ended";
}

// How chiefd ended a script's group after a timeout or stop: SIGTERM was enough, or the group
// outlived the grace and SIGKILL ended it.
std::string groupEnding(const ScriptOutcome& outcome) {
    if (outcome.killedAfterGrace)
        return "did not stop within the " + limitText(outcome.killGraceSeconds) + " grace, killed with SIGKILL";
    if (outcome.signal == 0 && outcome.exitCode >= 0)
        return "exited with status " + std::to_string(outcome.exitCode) + " on SIGTERM";
    return "ended by SIGTERM";
}

// CHIEF_EXIT_STATUS / CHIEF_SIGNAL / CHIEF_ERROR for whatever ended the script.
void addOutcomeFields(service::LogFields& fields, const ScriptOutcome& outcome) {
    using Status = ScriptOutcome::Status;
    if (outcome.status == Status::Exited) fields.emplace_back(jf::kExitStatus, std::to_string(outcome.exitCode));
    if ((outcome.status == Status::Signaled || outcome.status == Status::TimedOut || outcome.status == Status::Stopped) &&
        outcome.signal != 0)
        fields.emplace_back(jf::kSignal, std::to_string(outcome.signal));
    if (outcome.status == Status::SpawnFailed) fields.emplace_back(jf::kError, outcome.error);
    if (outcome.status == Status::TimedOut || outcome.status == Status::Stopped) {
        if (outcome.status == Status::TimedOut) fields.emplace_back(jf::kTimeoutSeconds, std::to_string(outcome.timeoutSeconds));
        fields.emplace_back(jf::kKillGraceSeconds, std::to_string(outcome.killGraceSeconds));
        fields.emplace_back(jf::kFinalSignal, outcome.killedAfterGrace ? "SIGKILL" : "SIGTERM");
    }
}

LogEntry describe(const TriggerSkipped& e) {
    LogEntry entry;
    entry.level = service::LogLevel::Warning;
    entry.messageId = message_id::kJobSkipped;
    const std::string what = e.trigger == TriggerKind::Schedule ? "trigger" : std::string(triggerKindName(e.trigger)) + " trigger";
    entry.message = e.job + ": " + what + (e.scheduledFor ? " at " + formatIsoUtc(*e.scheduledFor) : std::string()) +
                    " skipped";
    if (!e.reason.empty()) entry.message += ": " + e.reason;
    entry.fields = {{jf::kJob, e.job}};
    addDueInstant(entry.fields, e.scheduledFor);
    entry.fields.emplace_back(jf::kTrigger, triggerKindName(e.trigger));
    if (!e.reason.empty()) entry.fields.emplace_back(jf::kReason, e.reason);
    return entry;
}

LogEntry describe(const TriggerQueued& e) {
    LogEntry entry;
    entry.level = service::LogLevel::Info;
    entry.messageId = message_id::kJobQueued;
    entry.message = e.job + ": run " + e.runId + " queued (" + scheduledPhrase(e.trigger, e.scheduledFor) + ")";
    if (!e.reason.empty()) entry.message += ": " + e.reason;
    entry.fields = {{jf::kJob, e.job}, {jf::kRunId, e.runId}};
    addDueInstant(entry.fields, e.scheduledFor);
    entry.fields.emplace_back(jf::kTrigger, triggerKindName(e.trigger));
    if (!e.reason.empty()) entry.fields.emplace_back(jf::kReason, e.reason);
    return entry;
}

LogEntry describe(const TriggerMissed& e) {
    LogEntry entry;
    entry.level = service::LogLevel::Warning;
    entry.messageId = message_id::kJobMissed;
    entry.message = e.job + ": run scheduled for " + formatIsoUtc(e.scheduledFor) + " missed (noticed at " +
                    formatIsoUtcMillis(e.noticedAt) + ")";
    entry.fields = {{jf::kJob, e.job},
                    {jf::kScheduledFor, formatIsoUtc(e.scheduledFor)},
                    {jf::kNoticedAt, formatIsoUtcMillis(e.noticedAt)}};
    return entry;
}

LogEntry describe(const MissedWhileStopped& e) {
    LogEntry entry;
    entry.level = service::LogLevel::Warning;
    entry.messageId = message_id::kMissedWhileStopped;
    const std::string count = (e.capped ? "more than " : "") + std::to_string(e.count);
    entry.message = e.job + ": " + count + (e.count == 1 && !e.capped ? " run" : " runs") +
                    " missed while chiefd was not running (" +
                    (e.count == 1 ? formatIsoUtc(e.first) : "first " + formatIsoUtc(e.first) + ", last " + formatIsoUtc(e.last)) +
                    "); not caught up";
    entry.fields = {{jf::kJob, e.job},
                    {jf::kMissedCount, std::to_string(e.count)},
                    {jf::kMissedFirst, formatIsoUtc(e.first)},
                    {jf::kMissedLast, formatIsoUtc(e.last)}};
    return entry;
}

LogEntry describe(const RunStarted& e) {
    LogEntry entry;
    entry.level = service::LogLevel::Info;
    entry.messageId = message_id::kJobStarted;
    entry.message = e.job + ": run " + e.runId + " started (" + scheduledPhrase(e.trigger, e.scheduledFor) + ")";
    entry.fields = {{jf::kJob, e.job}, {jf::kRunId, e.runId}};
    addDueInstant(entry.fields, e.scheduledFor);
    entry.fields.emplace_back(jf::kTrigger, triggerKindName(e.trigger));
    return entry;
}

LogEntry describe(const ScriptStarted& e) {
    LogEntry entry;
    entry.level = service::LogLevel::Info;
    entry.messageId = message_id::kScriptStarted;
    entry.message = e.job + ": script " + e.path + " started (pid " + std::to_string(e.pid) + ")";
    entry.fields = {{jf::kJob, e.job},
                    {jf::kRunId, e.runId},
                    {jf::kScript, e.path},
                    {jf::kScriptPid, std::to_string(e.pid)}};
    return entry;
}

LogEntry describe(const ScriptFinished& e) {
    using Status = ScriptOutcome::Status;
    const ScriptOutcome& outcome = e.record.outcome;
    const auto duration = scriptDuration(e.record);
    const std::string after = duration ? " after " + formatDurationText(*duration) : "";
    const std::string prefix = e.job + ": script " + e.record.path + " ";

    LogEntry entry;
    entry.messageId = message_id::kScriptFinished;
    switch (outcome.status) {
        case Status::Exited:
            entry.level = outcome.exitCode == 0 ? service::LogLevel::Info : service::LogLevel::Warning;
            entry.message = prefix + outcomeText(outcome) + after;
            break;
        case Status::Signaled:
            entry.level = service::LogLevel::Warning;
            entry.message = prefix + outcomeText(outcome) + after;
            break;
        case Status::TimedOut:
            // When the limit struck and how the group ended, not the time the kill took.
            entry.level = service::LogLevel::Warning;
            entry.messageId = message_id::kScriptTimedOut;
            entry.message = prefix + outcomeText(outcome) + "; " + groupEnding(outcome);
            break;
        case Status::Stopped:
            entry.level = service::LogLevel::Notice;
            entry.message = prefix + "was stopped by chiefd" + after + "; " + groupEnding(outcome);
            break;
        case Status::SpawnFailed:
            // Nothing ran: usually a configuration or permission problem only the operator can fix.
            entry.level = service::LogLevel::Error;
            entry.message = prefix + outcomeText(outcome);
            break;
        case Status::Skipped:
            entry.level = service::LogLevel::Info;
            entry.message = prefix + "was not run";
            break;
    }
    entry.fields = {{jf::kJob, e.job},
                    {jf::kRunId, e.runId},
                    {jf::kScript, e.record.path},
                    {jf::kResult, scriptStatusName(outcome.status)}};
    addOutcomeFields(entry.fields, outcome);
    if (duration) entry.fields.emplace_back(jf::kDurationMs, std::to_string(duration->count()));
    return entry;
}

LogEntry describe(const RunFinished& e) {
    const RunRecord& run = e.record;
    // A finished run always carries a result; if a runner ever forgets, saying "failed" is the
    // safer error than claiming success.
    const RunResult result = run.result.value_or(RunResult::Failed);
    const std::string after = run.endedAt ? " after " + formatDurationText(std::chrono::milliseconds{run.durationMs()}) : "";

    LogEntry entry;
    entry.fields = {{jf::kJob, run.job}, {jf::kRunId, run.id}};
    addDueInstant(entry.fields, run.scheduledFor);
    entry.fields.emplace_back(jf::kTrigger, triggerKindName(run.trigger));
    entry.fields.emplace_back(jf::kResult, runResultName(result));
    if (run.endedAt) entry.fields.emplace_back(jf::kDurationMs, std::to_string(run.durationMs()));

    switch (result) {
        case RunResult::Succeeded:
            entry.level = service::LogLevel::Info;
            entry.messageId = message_id::kJobSucceeded;
            entry.message = run.job + ": run " + run.id + " succeeded" + after;
            break;
        case RunResult::Cancelled:
            entry.level = service::LogLevel::Notice;
            entry.messageId = message_id::kJobCancelled;
            entry.message = run.job + ": run " + run.id + " cancelled" + after;
            break;
        case RunResult::Interrupted:
            entry.level = service::LogLevel::Warning;
            entry.messageId = message_id::kJobInterrupted;
            // With an end: cut short while chiefd stopped. Without: found unfinished at start.
            entry.message = run.endedAt ? run.job + ": run " + run.id + " interrupted" + after +
                                              ": chiefd was stopping and the run did not finish in time"
                                        : run.job + ": run " + run.id + " (started " + formatIsoUtcMillis(run.startedAt) +
                                              ") was interrupted: chiefd stopped or crashed while it ran";
            break;
        case RunResult::Failed: {
            entry.level = service::LogLevel::Error;
            entry.messageId = message_id::kJobFailed;
            entry.message = run.job + ": run " + run.id + " failed" + after;
            // Name the first script that failed: that is where an operator starts looking.
            for (std::size_t i = 0; i < run.scripts.size(); ++i) {
                const ScriptRecord& script = run.scripts[i];
                if (script.outcome.succeeded() || script.outcome.status == ScriptOutcome::Status::Skipped) continue;
                entry.message += " (script " + std::to_string(i + 1) + " of " + std::to_string(run.scripts.size()) + " " +
                                 outcomeText(script.outcome) + ")";
                entry.fields.emplace_back(jf::kScript, script.path);
                addOutcomeFields(entry.fields, script.outcome);
                break;
            }
            break;
        }
    }
    return entry;
}

LogEntry describe(const NextScheduled& e) {
    LogEntry entry;
    entry.level = service::LogLevel::Debug;
    entry.fields = {{jf::kJob, e.job}};
    if (e.next) {
        entry.message = e.job + ": next run scheduled for " + formatIsoUtc(*e.next);
        entry.fields.emplace_back(jf::kScheduledFor, formatIsoUtc(*e.next));
    } else {
        entry.message = e.job + ": no further runs scheduled";
    }
    return entry;
}

}  // namespace

LogEntry describeRunEvent(const RunEvent& event) {
    return std::visit([](const auto& e) { return describe(e); }, event);
}

void RunEventJournal::onEvent(const RunEvent& event) {
    if (const auto* finished = std::get_if<RunFinished>(&event); finished && finished->dropped) return;  // logged as skipped
    const LogEntry entry = describeRunEvent(event);
    logger_.log(entry.level, entry.message, entry.fields, entry.messageId);
}

void RunEventJournal::subscribeTo(RunEventBus& bus) {
    bus.subscribe([this](const RunEvent& event) { onEvent(event); });
}

}  // namespace chief::daemon
