#include "app/once_mode.h"

#include <memory>

#include <unistd.h>

#include "chief/display_text.h"
#include "chief/job_selection.h"
#include "chief/time_format.h"
#include "runner/run_history_store.h"
#include "scheduler/run_id_source.h"
#include "state/paused_jobs.h"

namespace chief::daemon {

namespace {

// Records this process's runs in the shared history, synchronously: a --once run is not on a
// latency-critical path, and a crash right after must not lose the record.
class OnceHistory {
public:
    OnceHistory(std::string directory, service::Logger& logger) : store_(std::move(directory)), logger_(logger) {}

    void record(const RunRecord& run) {
        store_.record(run);
        if (auto error = store_.flush(); error && !failed_) {
            failed_ = true;
            logger_.log(service::LogLevel::Warning, "cannot record run history: " + *error +
                                               "; the run goes on, but chiefctl history will not show it");
        }
    }

private:
    RunHistoryStore store_;
    service::Logger& logger_;
    bool failed_ = false;
};

}  // namespace

int runOnce(boost::asio::io_context& io, const DaemonOptions& options, const LoadResult& loaded, service::Logger& logger,
            RunServices& services, const std::string& stateDirectory, telemetry::TelemetryEmitter* telemetry) {
    for (const Diagnostic& d : loaded.diagnostics)
        logger.log(d.severity == Severity::Error ? service::LogLevel::Error : service::LogLevel::Warning, formatDiagnostic(d));
    if (!loaded.ok()) {
        logger.log(service::LogLevel::Error, "config " + escapeForDisplay(options.configPath) + " is invalid; nothing was run");
        return 1;
    }
    const auto config = std::make_shared<const Config>(*loaded.config);
    std::vector<std::string> names;
    if (options.job) names.push_back(*options.job);
    auto selected = selectJobs(*config, names, JobFilter::EnabledOnly);
    if (!selected) {
        logger.log(service::LogLevel::Error, selected.failure().message + " in " + escapeForDisplay(config->sourcePath) +
                                        (selected.failure().kind == SelectionError::Kind::Disabled ? "; not running it" : ""));
        return 2;
    }
    const std::vector<const Job*>& jobs = selected.value();
    if (telemetry) telemetry->configure(config, stateDirectory);

    // A cron line (--respect-schedule) is the job's schedule: `chiefctl pause` stops it too. A
    // file that cannot be read is said, and nothing is taken as paused.
    PausedJobs paused;
    if (options.respectSchedule && !stateDirectory.empty()) {
        auto read = PausedJobs::load(PausedJobs::pathIn(stateDirectory));
        if (read) paused = std::move(read).value();
        else logger.log(service::LogLevel::Warning, "cannot read the paused jobs: " + read.error());
    }

    RunIdSource ids("o" + std::to_string(::getpid()));
    OnceHistory history(stateDirectory, logger);
    bool anyFailed = false;
    for (const Job* job : jobs) {
        const SysMillis now = services.clock.now();
        const SysSeconds minute = date::floor<Minutes>(now);
        if (options.respectSchedule && paused.contains(job->name)) {
            logger.log(service::LogLevel::Info, job->name + ": paused (chiefctl resume " + job->name + "); skipped",
                       {{"CHIEF_JOB", job->name}});
            continue;
        }
        if (options.respectSchedule && !firesAtMinute(job->schedule.schedule, date::floor<Seconds>(now))) {
            logger.log(service::LogLevel::Info, job->name + ": not due at " + formatIsoUtc(minute) + " (--respect-schedule); skipped",
                       {{"CHIEF_JOB", job->name}});
            continue;
        }
        // Only a run the schedule made due has a due instant; a plain --once run is like a manual one.
        const DueInstant scheduledFor = options.respectSchedule ? DueInstant(minute) : std::nullopt;
        const RunId id = ids.next(now);
        services.events.publish(RunStarted{id, job->name, scheduledFor, TriggerKind::Once, now});
        RunRecord started;
        started.id = id;
        started.job = job->name;
        started.trigger = TriggerKind::Once;
        started.scheduledFor = scheduledFor;
        started.startedAt = now;
        history.record(started);
        std::optional<RunRecord> result;
        JobRun run(RunTicket{id, config, job, scheduledFor, TriggerKind::Once}, services,
                   [&result](const RunRecord& record) { result = record; });
        run.start();
        while (!result && io.run_one() > 0) {
        }
        if (result) history.record(*result);
        if (!result || result->result != RunResult::Succeeded) anyFailed = true;
    }
    if (telemetry && telemetry->status().enabled) {
        const auto timeout = std::chrono::milliseconds(config->monitor.timeoutMs);
        if (!telemetry->flush(timeout)) {
            const auto left = telemetry->status();
            logger.log(service::LogLevel::Notice, std::to_string(left.pendingSpool + left.pendingMemory) +
                                                      " telemetry events not delivered within monitor.timeout_ms (" +
                                                      std::to_string(timeout.count()) + " ms); chiefd sends them from the spool");
        }
        telemetry->stop();
        // The telemetry thread's log lines were handed to this loop.
        io.restart();
        io.poll();
    }
    return anyFailed ? 1 : 0;
}

}  // namespace chief::daemon
