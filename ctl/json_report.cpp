#include "json_report.h"

#include "chief/time_format.h"

namespace chief::ctl {

namespace {

nlohmann::json orNull(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

nlohmann::json orNull(const std::optional<std::string>& s) { return s ? orNull(*s) : nlohmann::json(nullptr); }

nlohmann::json timeJson(const std::optional<SysSeconds>& t) {
    return t ? nlohmann::json(formatIsoUtc(*t)) : nlohmann::json(nullptr);
}

nlohmann::json timeJson(const std::optional<SysMillis>& t) {
    return t ? nlohmann::json(formatIsoUtc(date::floor<Seconds>(*t))) : nlohmann::json(nullptr);
}

template <typename T>
nlohmann::json optionalJson(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json jobSummaryJson(const bus::JobSummary& job) {
    return {{"name", job.name},
            {"description", job.description},
            {"enabled", job.enabled},
            {"schedule", job.schedule},
            {"mode", job.mode},
            {"timezone", job.timezone},
            {"next_run", timeJson(job.nextRun)},
            {"last_result", orNull(job.lastResult)},
            {"last_run_finished", timeJson(job.lastRunFinished)},
            {"running", optionalJson(job.runningCount)},
            {"pending_queued", optionalJson(job.pendingQueued)},
            {"paused", optionalJson(job.paused)}};
}

nlohmann::json jobDetailsJson(const bus::JobSummary& job) {
    return {{"name", job.name},
            {"description", job.description},
            {"enabled", job.enabled},
            {"schedule", job.schedule},
            {"mode", job.mode},
            {"cron", orNull(job.cron)},
            {"timezone", job.timezone},
            {"next_run", timeJson(job.nextRun)},
            {"last_run_id", orNull(job.lastRunId)},
            {"last_result", orNull(job.lastResult)},
            {"last_run_finished", timeJson(job.lastRunFinished)},
            {"running", optionalJson(job.runningCount)},
            {"pending_queued", optionalJson(job.pendingQueued)},
            {"paused", optionalJson(job.paused)},
            {"running_run_ids", job.runningRunIds ? nlohmann::json(*job.runningRunIds) : nlohmann::json(nullptr)},
            {"queued_run_id", job.queuedRunId && !job.queuedRunId->empty() ? nlohmann::json(*job.queuedRunId)
                                                                              : nlohmann::json(nullptr)}};
}

nlohmann::json managerJson(const bus::ManagerState& manager) {
    return {{"version", manager.version},
            {"config", orNull(manager.configPath)},
            {"jobs", manager.jobCount},
            {"running_runs", manager.runningRuns},
            {"next_run", timeJson(manager.nextRun)},
            {"telemetry",
             {{"enabled", manager.telemetry.enabled},
              {"connected", manager.telemetry.connected},
              {"pending_memory", manager.telemetry.pendingMemory},
              {"pending_spool", manager.telemetry.pendingSpool},
              {"dead", manager.telemetry.dead},
              {"dropped", manager.telemetry.dropped},
              {"last_error", orNull(manager.telemetry.lastError)}}}};
}

nlohmann::json scriptJson(const bus::ScriptEntry& script) {
    return {{"index", script.index},
            {"path", script.path},
            {"status", script.status},
            {"exit_code", script.exitCode},
            {"signal", script.signal},
            {"duration_ms", script.duration.count()}};
}

nlohmann::json runJson(const bus::RunEntry& run) {
    nlohmann::json scripts = nlohmann::json::array();
    for (const bus::ScriptEntry& s : run.scripts) scripts.push_back(scriptJson(s));
    nlohmann::json duration = nullptr;
    if (run.startedAt && run.endedAt) duration = (*run.endedAt - *run.startedAt).count();
    return {{"run_id", run.id},
            {"job", run.job},
            {"trigger", run.trigger},
            {"scheduled_for", timeJson(run.scheduledFor)},
            {"started_at", timeJson(run.startedAt)},
            {"ended_at", timeJson(run.endedAt)},
            {"duration_ms", duration},
            {"result", orNull(run.result)},
            {"scripts", scripts}};
}

nlohmann::json runRequestJson(const bus::JobRunOutcome& request) {
    return {{"job", request.job},
            {"run_id", orNull(request.runId)},
            {"outcome", bus::runRequestOutcomeName(request.outcome)},
            {"reason", orNull(request.reason)}};
}

nlohmann::json minuteJson(const std::optional<SysSeconds>& minute) { return timeJson(minute); }

nlohmann::json errorJson(const ClientError& error) {
    return {{"error", {{"name", orNull(error.name)}, {"message", error.message}}}};
}

}  // namespace chief::ctl
