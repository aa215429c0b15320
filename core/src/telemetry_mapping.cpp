#include "chief/telemetry_mapping.h"

#include <algorithm>

#include "chief/time_format.h"

namespace chief::telemetry {

namespace {

using nlohmann::json;

const Job* findJob(const MappingContext& context, std::string_view name) {
    return context.config ? context.config->findJob(name) : nullptr;
}

TelemetryEvent baseEvent(std::string_view type, EventLevel level, std::string message, SysMillis at,
                         const MappingContext& context) {
    TelemetryEvent event;
    event.sourceType = SourceType::Chief;
    event.eventType = std::string(type);
    event.level = level;
    event.message = std::move(message);
    event.eventAt = at;
    event.host = context.host;
    return event;
}

// Fields and metadata every event about one job carries.
TelemetryEvent jobEvent(std::string_view type, EventLevel level, std::string message, SysMillis at,
                        const std::string& jobName, const MappingContext& context) {
    TelemetryEvent event = baseEvent(type, level, std::move(message), at, context);
    event.jobName = jobName;
    if (const Job* job = findJob(context, jobName)) event.metadata = checkMetadata(*job);
    return event;
}

void setScheduledFor(TelemetryEvent& event, const DueInstant& due) {
    if (due) event.scheduledFor = EventTime{*due};
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

std::vector<TelemetryEvent> mapEvent(const RunStarted& e, const MappingContext& context) {
    TelemetryEvent dispatch = jobEvent(event_type::kDaemonDispatch, EventLevel::Info,
                                       "dispatched " + quoted(e.job) + " (" + triggerKindName(e.trigger) + ")",
                                       e.startedAt, e.job, context);
    dispatch.runId = e.runId;
    setScheduledFor(dispatch, e.scheduledFor);
    dispatch.metadata["trigger"] = triggerKindName(e.trigger);
    TelemetryEvent started = dispatch;
    started.eventType = std::string(event_type::kJobStarted);
    started.message = "job " + quoted(e.job) + " started";
    return {std::move(dispatch), std::move(started)};
}

std::vector<TelemetryEvent> mapEvent(const ScriptStarted& e, const MappingContext& context) {
    TelemetryEvent event = jobEvent(event_type::kScriptStarted, EventLevel::Info, "script " + quoted(e.path) + " started",
                                    e.startedAt, e.job, context);
    event.runId = e.runId;
    event.scriptPath = e.path;
    event.metadata["index"] = e.index;
    event.metadata["pid"] = e.pid;
    return {std::move(event)};
}

std::vector<TelemetryEvent> mapEvent(const ScriptFinished& e, const MappingContext& context) {
    const ScriptRecord& script = e.record;
    const ScriptOutcome& outcome = script.outcome;
    // A script that never started (an earlier one failed under stop_on_failure) has no events.
    if (outcome.status == ScriptOutcome::Status::Skipped) return {};
    const bool ok = outcome.succeeded();
    std::string message = "script " + quoted(script.path) + " ";
    switch (outcome.status) {
        case ScriptOutcome::Status::Exited: message += "exited with status " + std::to_string(outcome.exitCode); break;
        case ScriptOutcome::Status::Signaled: message += "was killed by signal " + std::to_string(outcome.signal); break;
        case ScriptOutcome::Status::TimedOut:
            message += "timed out after " + std::to_string(outcome.timeoutSeconds) + " s";
            break;
        case ScriptOutcome::Status::Stopped: message += "was stopped by chiefd"; break;
        case ScriptOutcome::Status::SpawnFailed: message += "could not be started: " + outcome.error; break;
        case ScriptOutcome::Status::Skipped: break;
    }
    const SysMillis at = script.endedAt.value_or(context.now);
    TelemetryEvent event =
        jobEvent(event_type::kScriptCompleted, ok ? EventLevel::Info : EventLevel::Error, std::move(message), at, e.job, context);
    event.runId = e.runId;
    event.scriptPath = script.path;
    event.success = ok;
    if (outcome.status == ScriptOutcome::Status::Exited) event.returnCode = outcome.exitCode;
    if (script.startedAt && script.endedAt)
        event.durationMs = std::max<std::int64_t>(0, (*script.endedAt - *script.startedAt).count());
    event.metadata["index"] = e.index;
    event.metadata["status"] = scriptStatusName(outcome.status);
    if (outcome.signal != 0) event.metadata["signal"] = outcome.signal;
    return {std::move(event)};
}

std::vector<TelemetryEvent> mapEvent(const RunFinished& e, const MappingContext& context) {
    // A waiting trigger that never started: daemon.overlap_skipped already said so.
    if (e.dropped) return {};
    const RunRecord& run = e.record;
    const RunResult result = run.result.value_or(RunResult::Failed);
    const bool ok = result == RunResult::Succeeded;
    std::string message = "job " + quoted(run.job) + " ";
    switch (result) {
        case RunResult::Succeeded: message += "completed"; break;
        case RunResult::Failed: message += "failed"; break;
        case RunResult::Cancelled: message += "was cancelled"; break;
        case RunResult::Interrupted:
            message += run.endedAt ? "was interrupted: chiefd stopped" : "was interrupted: found unfinished when chiefd started";
            break;
    }
    TelemetryEvent event = jobEvent(ok ? event_type::kJobCompleted : event_type::kJobFailed,
                                    ok ? EventLevel::Info : EventLevel::Error, std::move(message),
                                    run.endedAt.value_or(context.now), run.job, context);
    event.runId = run.id;
    setScheduledFor(event, run.scheduledFor);
    event.success = ok;
    if (run.endedAt) event.durationMs = std::max<std::int64_t>(0, run.durationMs());
    // The last script that ran decides the run's return code, as chief.py reported it.
    for (auto it = run.scripts.rbegin(); it != run.scripts.rend(); ++it) {
        if (it->outcome.status == ScriptOutcome::Status::Skipped) continue;
        if (it->outcome.status == ScriptOutcome::Status::Exited) event.returnCode = it->outcome.exitCode;
        break;
    }
    event.metadata["trigger"] = triggerKindName(run.trigger);
    event.metadata["result"] = runResultName(result);
    if (result == RunResult::Interrupted) event.metadata[std::string(metadata_key::kReason)] = "interrupted";
    if (result == RunResult::Cancelled) event.metadata[std::string(metadata_key::kReason)] = "cancelled";
    return {std::move(event)};
}

std::vector<TelemetryEvent> mapEvent(const TriggerSkipped& e, const MappingContext& context) {
    TelemetryEvent event = jobEvent(event_type::kDaemonOverlapSkipped, EventLevel::Warn,
                                    "trigger of " + quoted(e.job) + " skipped: " + e.reason, context.now, e.job, context);
    setScheduledFor(event, e.scheduledFor);
    event.metadata["trigger"] = triggerKindName(e.trigger);
    event.metadata["reason"] = e.reason;
    return {std::move(event)};
}

std::vector<TelemetryEvent> mapEvent(const TriggerQueued& e, const MappingContext& context) {
    TelemetryEvent event = jobEvent(event_type::kDaemonQueuedPending, EventLevel::Info,
                                    "trigger of " + quoted(e.job) + " queued: " + e.reason, context.now, e.job, context);
    event.runId = e.runId;
    setScheduledFor(event, e.scheduledFor);
    event.metadata["trigger"] = triggerKindName(e.trigger);
    event.metadata["reason"] = e.reason;
    return {std::move(event)};
}

std::vector<TelemetryEvent> mapEvent(const NextScheduled& e, const MappingContext& context) {
    if (const Job* job = findJob(context, e.job)) return {nextScheduledEvent(*job, e.next, context)};
    return {unscheduledEvent(e.job, "the job is no longer in the config", context)};
}

// The monitor notices missed fire times itself (expectedNextAt + grace).
std::vector<TelemetryEvent> mapEvent(const TriggerMissed&, const MappingContext&) { return {}; }
std::vector<TelemetryEvent> mapEvent(const MissedWhileStopped&, const MappingContext&) { return {}; }

}  // namespace

int effectiveMaxRuntimeSeconds(const Job& job) {
    if (job.monitor.check.maxRuntimeSeconds) return *job.monitor.check.maxRuntimeSeconds;
    std::int64_t total = job.monitor.check.graceSeconds;
    for (const Script& script : job.scripts) total += script.timeoutSeconds;
    return static_cast<int>(std::min<std::int64_t>(total, limits::kMaxSettingSeconds));
}

bool jobMonitored(const Config& config, std::string_view job) {
    if (const Job* found = config.findJob(job)) return found->monitor.enabled;
    return config.monitor.enabled;
}

json checkMetadata(const Job& job) {
    json metadata = json::object();
    metadata[std::string(metadata_key::kCheckEnabled)] = job.monitor.check.enabled;
    metadata[std::string(metadata_key::kGraceSeconds)] = job.monitor.check.graceSeconds;
    metadata[std::string(metadata_key::kAlertOnFailure)] = job.monitor.check.alertOnFailure;
    metadata[std::string(metadata_key::kAlertOnMiss)] = job.monitor.check.alertOnMiss;
    metadata[std::string(metadata_key::kMaxRuntimeSeconds)] = effectiveMaxRuntimeSeconds(job);
    return metadata;
}

std::vector<TelemetryEvent> telemetryEventsFor(const RunEvent& event, const MappingContext& context) {
    return std::visit([&](const auto& e) { return mapEvent(e, context); }, event);
}

TelemetryEvent nextScheduledEvent(const Job& job, std::optional<SysSeconds> next, const MappingContext& context) {
    if (!job.enabled) return unscheduledEvent(job.name, "the job is disabled", context);
    if (!next) return unscheduledEvent(job.name, "the schedule has no next run", context);
    TelemetryEvent event = baseEvent(event_type::kJobNextScheduled, EventLevel::Info,
                                     "next run of \"" + job.name + "\" at " + formatIsoUtc(*next), context.now, context);
    event.jobName = job.name;
    event.metadata = checkMetadata(job);
    event.metadata[std::string(metadata_key::kNextRunAt)] = formatEventTime(EventTime{*next});
    event.metadata[std::string(metadata_key::kTimezone)] = job.timezone;
    return event;
}

TelemetryEvent unscheduledEvent(const std::string& job, const std::string& why, const MappingContext& context) {
    TelemetryEvent event =
        baseEvent(event_type::kJobUnscheduled, EventLevel::Info, "\"" + job + "\" is not scheduled: " + why, context.now, context);
    event.jobName = job;
    event.metadata[std::string(metadata_key::kReason)] = why;
    return event;
}

TelemetryEvent heartbeatEvent(int pingIntervalSeconds, const MappingContext& context) {
    TelemetryEvent event = baseEvent(event_type::kChiefHeartbeat, EventLevel::Info, "chiefd is alive", context.now, context);
    event.metadata[std::string(metadata_key::kPingIntervalSeconds)] = pingIntervalSeconds;
    return event;
}

}  // namespace chief::telemetry
