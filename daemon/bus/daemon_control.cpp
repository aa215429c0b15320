#include "bus/daemon_control.h"

#include <algorithm>
#include <sstream>

#include "chief/dbus/codec.h"
#include "chief/job_selection.h"
#include "chief/cron_exporter.h"
#include "chief/display_text.h"
#include "chief/json_text.h"
#include "chief/report_json.h"
#include "chief/schedule.h"

namespace chief::daemon {

namespace {

ControlError error(const bus::ErrorEntry& entry, std::string message) { return ControlError{entry, std::move(message)}; }

// The shared selection rule's refusal as the bus reports it.
ControlError refusal(const SelectionError& e) {
    return error(e.kind == SelectionError::Kind::Disabled ? bus::kJobDisabled : bus::kNoSuchJob, e.message);
}

// `job` alone, or every job when it is "".
Result<std::vector<const Job*>, ControlError> select(const Config& config, std::string_view job, JobFilter filter) {
    std::vector<std::string> names;
    if (!job.empty()) names.emplace_back(job);
    auto selected = selectJobs(config, names, filter);
    if (!selected) return refusal(selected.failure());
    return std::move(selected).value();
}

std::string previewTooLarge(std::size_t jobs, unsigned count) {
    return "a preview of " + countOf(count, "run") + " for " + countOf(jobs, "job") + " is larger than the " + std::to_string(bus::kMaxReplyBytes >> 20) +
           " MiB chiefd sends in one reply; ask for fewer (--count, --job)";
}

}  // namespace

DaemonControl::DaemonControl(Daemon& daemon, const Clock& clock, const ControlAccess& access, std::string version,
                             ExportHost host)
    : daemon_(daemon), clock_(clock), access_(access), version_(std::move(version)), host_(std::move(host)) {}

ControlError DaemonControl::denied(const char* what) const {
    return error(bus::kAccessDenied, std::string(what) + " needs " + access_.whoMay());
}

bus::ManagerState DaemonControl::manager() const {
    bus::ManagerState state;
    state.version = version_;
    if (auto config = daemon_.config()) {
        state.configPath = config->sourcePath;
        state.jobCount = static_cast<unsigned>(config->jobs.size());
    }
    state.runningRuns = static_cast<unsigned>(daemon_.scheduler().activeRunCount());
    state.nextRun = daemon_.scheduler().nextWakeup();
    const auto& paused = daemon_.scheduler().pausedJobs();
    state.pausedJobs = std::vector<std::string>(paused.begin(), paused.end());
    const auto telemetry = daemon_.telemetryStatus();
    state.telemetry = bus::TelemetryState{telemetry.enabled,      telemetry.connected, telemetry.pendingMemory,
                                          telemetry.pendingSpool, telemetry.dead,      telemetry.dropped,
                                          telemetry.lastError};
    return state;
}

bus::JobSummary DaemonControl::summaryOf(const JobView& view) const {
    const Job& job = *view.job;
    bus::JobSummary s;
    s.name = job.name;
    s.description = job.description;
    s.enabled = job.enabled;
    s.schedule = job.schedule.description;
    s.mode = modeName(job.schedule.mode);
    s.cron = job.schedule.cron;
    s.timezone = job.timezone;
    s.nextRun = view.status.nextRun;
    s.lastRunId = "";
    if (view.lastRun) {
        s.lastRunId = view.lastRun->id;
        s.lastResult = view.lastRun->result ? runResultName(*view.lastRun->result) : "";
        s.lastRunFinished = view.lastRun->endedAt;
    }
    s.runningCount = static_cast<unsigned>(view.status.activeRuns);
    s.pendingQueued = view.status.waiting;
    s.paused = view.status.paused;
    return s;
}

std::vector<bus::JobSummary> DaemonControl::listJobs() const {
    std::vector<bus::JobSummary> out;
    for (const JobView& view : daemon_.jobs()) out.push_back(summaryOf(view));
    return out;
}

// One job without building every job's view: the bus reads a job's properties one at a time
// (GetAll, PropertiesChanged), often, with thousands of jobs configured.
std::optional<bus::JobSummary> DaemonControl::job(std::string_view name) const {
    const auto config = daemon_.config();
    const Job* found = config ? config->findJob(name) : nullptr;
    if (!found) return std::nullopt;
    JobView view;
    view.job = found;
    view.status = daemon_.scheduler().status(found->name).value_or(JobStatus{found->name, found->enabled, {}, 0, false, false});
    view.lastRun = daemon_.history().lastFinished(found->name);
    bus::JobSummary summary = summaryOf(view);
    summary.runningRunIds.emplace();
    for (const RunId& id : daemon_.scheduler().activeRunIds(found->name)) summary.runningRunIds->push_back(id);
    summary.queuedRunId = daemon_.scheduler().waitingRunId(found->name).value_or(RunId{});
    return summary;
}

ControlResult<ReplyTask> DaemonControl::previewJobs(std::string_view job, unsigned count,
                                                    std::optional<SysSeconds> from) const {
    std::shared_ptr<const Config> config = daemon_.config();
    if (count < 1 || count > 100000) return error(bus::kInvalidArgument, "count must be between 1 and 100000");
    auto selected = select(*config, job, JobFilter::Any);
    if (!selected) return selected.failure();
    std::vector<const Job*> jobs = std::move(selected).value();
    // Every fire time takes at least this many bytes of JSON: a request that cannot fit is
    // refused before any work is done.
    constexpr std::size_t kMinBytesPerFireTime = 24;
    if (jobs.size() * count * kMinBytesPerFireTime > bus::kMaxReplyBytes)
        return error(bus::kInvalidArgument, previewTooLarge(jobs.size(), count));
    const SysSeconds start = from.value_or(date::floor<Seconds>(clock_.now()));
    return ReplyTask([config = std::move(config), jobs = std::move(jobs), start, count]() -> ControlResult<std::string> {
        std::ostringstream out;
        writePreviewJson(out, *config, jobs, start, static_cast<int>(count));
        std::string document = std::move(out).str();
        if (document.size() > bus::kMaxReplyBytes) return error(bus::kInvalidArgument, previewTooLarge(jobs.size(), count));
        return document;
    });
}

ControlResult<std::string> DaemonControl::exportCron(std::string_view job) const {
    auto document = exportCrontab(job, "auto");
    if (!document) return document.failure();
    return nlohmann::json::parse(document.value())["crontab"].get<std::string>();
}

ControlResult<std::string> DaemonControl::exportCrontab(std::string_view job, std::string_view flavor) const {
    const auto config = daemon_.config();
    auto selected = select(*config, job, JobFilter::Any);
    if (!selected) return selected.failure();
    const std::vector<const Job*>& jobs = selected.value();
    CronExportOptions options;
    options.now = date::floor<Seconds>(clock_.now());
    options.chiefdCommand = host_.chiefdPath;
    options.perUser = host_.perUser;
    options.systemTimezone = host_.systemTimezone();
    if (flavor.empty() || flavor == "auto")
        options.flavor = host_.installedCron;
    else if (auto named = cronFlavorFromName(flavor))
        options.flavor = *named;
    else
        return error(bus::kInvalidArgument, "unknown cron flavor " + quoteForMessage(flavor) + ": cronie, debian or auto");
    return jsonText(cronExportJson(*config, jobs, options), 2) + "\n";
}

ControlResult<std::string> DaemonControl::exportSystemd(std::string_view job, std::string_view runner) const {
    SystemdExportOptions options;
    if (runner.empty()) options.runner = SystemdRunner::Chiefd;
    else if (auto named = systemdRunnerFromName(runner)) options.runner = *named;
    else return error(bus::kInvalidArgument, "unknown runner " + quoteForMessage(runner) + ": chiefd or native");
    const auto config = daemon_.config();
    auto selected = select(*config, job, JobFilter::Any);
    if (!selected) return selected.failure();
    options.chiefdPath = host_.chiefdPath;
    return jsonText(systemdExportJson(*config, selected.value(), options), 2) + "\n";
}

ControlResult<std::string> DaemonControl::exportKubernetes(std::string_view job, std::string_view image,
                                                           std::string_view namespaceName) const {
    KubernetesExportOptions options;
    options.image = std::string(image);
    options.namespaceName = std::string(namespaceName);
    if (auto problem = kubernetesOptionsProblem(options)) return error(bus::kInvalidArgument, *problem);
    const auto config = daemon_.config();
    auto selected = select(*config, job, JobFilter::Any);
    if (!selected) return selected.failure();
    return jsonText(kubernetesExportJson(*config, selected.value(), options), 2) + "\n";
}

ControlResult<std::vector<bus::RunEntry>> DaemonControl::listRuns(std::string_view job, unsigned limit) const {
    const auto config = daemon_.config();
    daemon_.refreshHistory();  // runs that cron started with chiefd --once belong here too
    std::vector<RunRecord> runs;
    if (!job.empty()) {
        auto selected = select(*config, job, JobFilter::Any);
        if (!selected) return selected.failure();
        runs = daemon_.history().history(std::string(job), limit);
    } else {
        // Bounded as it grows, so no caller can make chiefd hold every job's history at once:
        // with a limit only the newest `limit` are kept along the way; without one, the runs
        // are refused as soon as they could not be sent in one reply anyway.
        const auto newestFirst = [](const RunRecord& a, const RunRecord& b) { return a.id > b.id; };
        std::size_t bytes = 0;
        for (const Job& j : config->jobs) {
            for (RunRecord& run : daemon_.history().history(j.name, limit)) {
                if (!limit && (bytes += dbus::wireSize(bus::runEntryOf(run))) > bus::kMaxReplyBytes)
                    return error(bus::kInvalidArgument, "the runs of every job are more than the " +
                                                            std::to_string(bus::kMaxReplyBytes >> 20) +
                                                            " MiB chiefd sends in one reply; ask for fewer (a limit, "
                                                            "or one job)");
                runs.push_back(std::move(run));
            }
            if (limit && runs.size() > 2 * std::size_t{limit}) {
                std::nth_element(runs.begin(), runs.begin() + limit, runs.end(), newestFirst);
                runs.resize(limit);
            }
        }
        std::sort(runs.begin(), runs.end(), newestFirst);
        if (limit && runs.size() > limit) runs.resize(limit);
    }
    std::vector<bus::RunEntry> entries;
    entries.reserve(runs.size());
    // A run in progress is in the history from its start; this chiefd's runner knows how far
    // it has come (which scripts ended).
    for (const RunRecord& run : runs) {
        const JobRun* live = run.result ? nullptr : daemon_.runner().find(run.id);
        entries.push_back(bus::runEntryOf(live ? live->record() : run));
    }
    return entries;
}

ControlResult<const RunRecord*> DaemonControl::findRun(std::string_view runId) const {
    const RunId id(runId);
    if (const JobRun* run = daemon_.runner().find(id)) return &run->record();
    if (const RunRecord* kept = daemon_.history().find(id)) return kept;
    daemon_.refreshHistory();  // a run chiefd --once recorded meanwhile
    if (const RunRecord* kept = daemon_.history().find(id)) return kept;
    return error(bus::kNoSuchRun, "no run with id " + quoteForMessage(id) + " (it may have left the history)");
}

ControlResult<bus::RunEntry> DaemonControl::getRun(std::string_view runId) const {
    const auto record = findRun(runId);
    if (!record) return record.failure();
    return bus::runEntryOf(*record.value());
}

ControlResult<std::vector<bus::ScriptOutput>> DaemonControl::runOutput(const Caller& caller,
                                                                       std::string_view runId) const {
    if (!access_.mayControl(caller)) return denied("reading a run's output");
    const auto record = findRun(runId);
    if (!record) return record.failure();
    std::vector<bus::ScriptOutput> out;
    for (std::size_t i = 0; i < record.value()->scripts.size(); ++i) {
        const ScriptRecord& script = record.value()->scripts[i];
        out.push_back(bus::ScriptOutput{static_cast<unsigned>(i), script.outcome.error, script.outputTail});
    }
    return out;
}

ControlResult<bus::RunAccepted> DaemonControl::runJob(const Caller& caller, std::string_view job, bool force) {
    if (!access_.mayControl(caller)) return denied("running a job");
    if (daemon_.stopping()) return error(bus::kStopping, "chiefd is stopping");
    const auto config = daemon_.config();
    auto selected = select(*config, job, force ? JobFilter::Any : JobFilter::EnabledOnly);
    if (!selected) return selected.failure();
    const Job& found = *selected.value().front();
    if (!force && daemon_.scheduler().paused(found.name))
        return error(bus::kJobPaused, "job " + quoteForMessage(found.name) +
                                          " is paused (chiefctl resume " + found.name + ", or run it anyway with run --force)");
    const TriggerOutcome outcome = daemon_.runNow(job, force);
    switch (outcome.kind) {
        case TriggerOutcome::Kind::Started: return bus::RunAccepted{outcome.runId, bus::RunStartOutcome::Started};
        case TriggerOutcome::Kind::Queued: return bus::RunAccepted{outcome.runId, bus::RunStartOutcome::Queued};
        case TriggerOutcome::Kind::Skipped:
            return error(bus::kRunSkipped, "job " + quoteForMessage(found.name) + " was not started: " + outcome.reason);
        case TriggerOutcome::Kind::Refused: break;
    }
    return error(bus::kStopping, outcome.reason);
}

ControlResult<bus::RunJobsOutcome> DaemonControl::runJobs(const Caller& caller, const std::vector<std::string>& names,
                                                          bool respectSchedule) {
    if (!access_.mayControl(caller)) return denied("running jobs");
    if (daemon_.stopping()) return error(bus::kStopping, "chiefd is stopping");
    const auto config = daemon_.config();
    auto selected = selectJobs(*config, names, JobFilter::EnabledOnly);
    if (!selected) return refusal(selected.failure());
    // Paused jobs are left out of "every job", as disabled ones are; naming one refuses the
    // whole request before anything starts.
    std::vector<const Job*> runnable;
    for (const Job* job : selected.value()) {
        if (!daemon_.scheduler().paused(job->name)) {
            runnable.push_back(job);
        } else if (!names.empty()) {
            return error(bus::kJobPaused, "job " + quoteForMessage(job->name) + " is paused (chiefctl resume " +
                                              job->name + ", or run it alone with run --job NAME --force)");
        }
    }
    // One instant for the whole request: every job is judged against the same minute, however
    // long the others take to start.
    const SysSeconds now = date::floor<Seconds>(clock_.now());
    bus::RunJobsOutcome result;
    result.minute = date::floor<Minutes>(now);
    for (const Job* job : runnable) {
        bus::JobRunOutcome entry;
        entry.job = job->name;
        // The guard chiefd --once --respect-schedule applies: the compiled schedule (hybrid
        // guards, bounds, excluded dates and DST included) fires in this minute.
        if (respectSchedule && !firesAtMinute(job->schedule.schedule, now)) {
            entry.outcome = bus::RunRequestOutcome::NotDue;
            result.runs.push_back(std::move(entry));
            continue;
        }
        const TriggerOutcome outcome = daemon_.runNow(job->name);
        switch (outcome.kind) {
            case TriggerOutcome::Kind::Started: entry.outcome = bus::RunRequestOutcome::Started; break;
            case TriggerOutcome::Kind::Queued: entry.outcome = bus::RunRequestOutcome::Queued; break;
            // Refused cannot happen after the checks above (the call runs on chiefd's only
            // thread); reported as skipped rather than abandoning the runs already started.
            case TriggerOutcome::Kind::Skipped:
            case TriggerOutcome::Kind::Refused: entry.outcome = bus::RunRequestOutcome::Skipped; break;
        }
        entry.runId = outcome.runId;
        entry.reason = outcome.reason;
        result.runs.push_back(std::move(entry));
    }
    return result;
}

ControlResult<Done> DaemonControl::cancelRun(const Caller& caller, std::string_view runId) {
    if (!access_.mayControl(caller)) return denied("cancelling a run");
    if (!daemon_.cancelRun(RunId(runId)))
        return error(bus::kNoSuchRun, "no running or waiting run with id " + quoteForMessage(runId));
    return Done{};
}

ControlResult<std::vector<std::string>> DaemonControl::cancelJob(const Caller& caller, std::string_view job) {
    if (!access_.mayControl(caller)) return denied("cancelling a job's runs");
    const auto config = daemon_.config();
    // A job removed by a reload may still have runs going: those can be cancelled by name too.
    if (!config->findJob(job) && daemon_.scheduler().activeRunIds(job).empty()) {
        auto selected = select(*config, job, JobFilter::Any);
        if (!selected) return selected.failure();
    }
    std::vector<std::string> ids;
    for (const RunId& id : daemon_.cancelJob(job)) ids.push_back(id);
    return ids;
}

ControlResult<bool> DaemonControl::pauseJob(const Caller& caller, std::string_view job) {
    if (!access_.mayControl(caller)) return denied("pausing a job");
    const auto config = daemon_.config();
    auto selected = select(*config, job, JobFilter::Any);
    if (!selected) return selected.failure();
    auto changed = daemon_.pauseJob(std::string(job));
    if (!changed) return error(bus::kInvalidArgument, "cannot pause " + quoteForMessage(job) + ": " + changed.error());
    return changed.value();
}

ControlResult<bool> DaemonControl::resumeJob(const Caller& caller, std::string_view job) {
    if (!access_.mayControl(caller)) return denied("resuming a job");
    // A paused name whose job a reload removed can still be resumed (forgotten).
    if (!daemon_.scheduler().paused(job)) {
        auto selected = select(*daemon_.config(), job, JobFilter::Any);
        if (!selected) return selected.failure();
    }
    auto changed = daemon_.resumeJob(std::string(job));
    if (!changed) return error(bus::kInvalidArgument, "cannot resume " + quoteForMessage(job) + ": " + changed.error());
    return changed.value();
}

ControlResult<Done> DaemonControl::reload(const Caller& caller) {
    if (!access_.mayControl(caller)) return denied("reloading the config");
    if (daemon_.stopping()) return error(bus::kStopping, "chiefd is stopping");
    const std::vector<Diagnostic> problems = daemon_.reloadConfig();
    if (problems.empty()) return Done{};
    std::string message = "reload refused; still running the previous config:";
    for (const Diagnostic& d : problems) message += "\n" + formatDiagnostic(d);
    return error(bus::kInvalidConfig, message);
}

}  // namespace chief::daemon
