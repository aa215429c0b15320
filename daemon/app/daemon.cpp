#include "app/daemon.h"

#include <signal.h>

#include <algorithm>

#include <boost/asio/post.hpp>

#include "chief/display_text.h"
#include "chief/fire_window.h"
#include "chief/time_format.h"
#include "logging/message_ids.h"

namespace chief::daemon {

namespace {

// Longest a stop waits for scripts beyond their own kill grace before chiefd exits anyway.
constexpr std::chrono::seconds kShutdownSlack{5};
// Counting missed fire times stops here: an every-minute job down for a year is "more than".
constexpr std::size_t kMissedCountCap = 100000;

}  // namespace

Daemon::Daemon(DaemonParts parts)
    : parts_(std::move(parts)),
      journal_(parts_.logger),
      telemetry_(parts_.io, parts_.clock, parts_.logger, telemetry::localHostName()),
      history_(parts_.stateDirectory),
      runner_(parts_.io, parts_.runServices, [this](const RunRecord& record) { onRunEnded(record); }),
      scheduler_(runner_, parts_.events, ids_),
      timer_(parts_.io, [this](WallClockTimer::Wake wake) { onTimer(wake); }, parts_.timeBase),
      shutdownDeadline_(parts_.io) {
    journal_.subscribeTo(parts_.events);
    telemetry_.subscribeTo(parts_.events);
    parts_.events.subscribe([this](const RunEvent& event) {
        if (const auto* started = std::get_if<RunStarted>(&event)) {
            // Recorded as soon as it starts, so a crash leaves a trace: the next start finds
            // it unfinished and marks it interrupted.
            RunRecord run;
            run.id = started->runId;
            run.job = started->job;
            run.trigger = started->trigger;
            run.scheduledFor = started->scheduledFor;
            run.startedAt = started->startedAt;
            history_.record(run);
            scheduleHistoryFlush();
        } else if (const auto* finished = std::get_if<RunFinished>(&event); finished && !finished->dropped) {
            history_.record(finished->record);
            scheduleHistoryFlush();
        }
    });
}

Daemon::~Daemon() {
    // Every way out, not only a clean stop: queued batches are written (~thread_pool would drop
    // them), then whatever is still only in memory.
    historyWriter_.join();
    if (history_.dirty()) history_.flush();
}

void Daemon::logDiagnostics(const std::vector<Diagnostic>& diagnostics, service::LogLevel level) {
    for (const Diagnostic& d : diagnostics)
        parts_.logger.log(d.severity == Severity::Error ? level : service::LogLevel::Warning, formatDiagnostic(d),
                          {{"CHIEF_CONFIG", d.file}});
}

std::optional<int> Daemon::start() {
    std::optional<SysMillis> cleanStop;
    if (!parts_.stateDirectory.empty()) {
        auto prepared = prepareStateDirectory(parts_.stateDirectory);
        if (!prepared) {
            parts_.logger.log(service::LogLevel::Error, prepared.error() + "; not starting");
            return kExitNotConfigured;
        }
        auto lock = InstanceLock::acquire(prepared.value());
        if (!lock) {
            parts_.logger.log(service::LogLevel::Error, lock.error() + "; not starting");
            return kExitFailure;
        }
        instanceLock_.emplace(std::move(lock).value());
        cleanStop = takeCleanStopTime(prepared.value());
        // Starting with a pause forgotten would run what an operator stopped: refuse instead.
        auto paused = PausedJobs::load(PausedJobs::pathIn(parts_.stateDirectory));
        if (!paused) {
            parts_.logger.log(service::LogLevel::Error, "cannot read the paused jobs: " + paused.error() + "; not starting");
            return kExitNotConfigured;
        }
        paused_ = std::move(paused).value();
        for (const std::string& job : paused_.names()) scheduler_.pause(job);
    }
    for (const std::string& problem : history_.load()) parts_.logger.log(service::LogLevel::Warning, problem);
    LoadResult loaded = parts_.readConfig(parts_.configPath);
    logDiagnostics(loaded.diagnostics, service::LogLevel::Error);
    if (!loaded.ok()) {
        parts_.logger.log(service::LogLevel::Error, "config " + escapeForDisplay(parts_.configPath) + " is invalid; not starting",
                          {{"CHIEF_CONFIG", parts_.configPath}});
        return kExitNotConfigured;
    }
    installConfig(std::make_shared<const Config>(std::move(*loaded.config)));
    reportInterruptedRuns();
    reportMissedWhileStopped(cleanStop);
    parts_.logger.log(service::LogLevel::Info,
                      "chiefd started with " + countOf(config_->jobs.size(), "job") + " from " +
                          escapeForDisplay(config_->sourcePath),
                      {{"CHIEF_CONFIG", config_->sourcePath}}, message_id::kDaemonStarted);
    return std::nullopt;
}

void Daemon::refreshHistory() {
    for (const std::string& problem : history_.refresh()) parts_.logger.log(service::LogLevel::Warning, problem);
}

void Daemon::reportInterruptedRuns() {
    // Under systemd, KillMode=mixed ended their processes with the old chiefd; without it they
    // may still run, unseen by overlap checks (docs/chiefd.md).
    for (RunRecord& run : history_.interruptUnfinished()) parts_.events.publish(RunFinished{std::move(run)});
    scheduleHistoryFlush();
}

void Daemon::reportMissedWhileStopped(std::optional<SysMillis> cleanStop) {
    const SysSeconds now = date::floor<Seconds>(parts_.clock.now());
    for (const Job& job : config_->jobs) {
        if (!job.enabled || scheduler_.paused(job.name)) continue;
        std::optional<SysSeconds> from;
        if (auto last = history_.last(job.name))
            from = std::max(last->scheduledFor.value_or(SysSeconds::min()), date::floor<Seconds>(last->startedAt));
        if (!from) continue;  // never ran: nothing to compare with
        if (cleanStop) from = std::max(*from, date::floor<Seconds>(*cleanStop));
        const FireWindow missed = fireTimesBetween(job.schedule.schedule, *from, now, kMissedCountCap);
        if (missed.count == 0) continue;
        parts_.events.publish(MissedWhileStopped{job.name, missed.count, missed.capped, *missed.first, *missed.last});
    }
}

void Daemon::installConfig(std::shared_ptr<const Config> config) {
    config_ = std::move(config);
    // Telemetry takes the config first, so that the schedules the load announces are mapped
    // with the new jobs' settings; then it announces the rest (and the jobs that went away).
    telemetry_.configure(config_, parts_.stateDirectory);
    scheduler_.load(config_, parts_.clock.now());
    telemetry_.announceSchedules([this](const std::string& job) -> std::optional<SysSeconds> {
        const auto status = scheduler_.status(job);
        return status ? status->nextRun : std::nullopt;
    });
    armTimer();
}

std::vector<Diagnostic> Daemon::reloadConfig() {
    if (stopping_) return {};
    parts_.host.reloading();
    LoadResult loaded = parts_.readConfig(parts_.configPath);
    if (!loaded.ok()) {
        logDiagnostics(loaded.diagnostics, service::LogLevel::Error);
        const auto errors = std::count_if(loaded.diagnostics.begin(), loaded.diagnostics.end(),
                                          [](const Diagnostic& d) { return d.severity == Severity::Error; });
        parts_.logger.log(service::LogLevel::Error,
                          "reload refused: " + escapeForDisplay(parts_.configPath) + " has " +
                              countOf(static_cast<std::size_t>(errors), "error") + "; still running the previous config",
                          {{"CHIEF_CONFIG", parts_.configPath}}, message_id::kReloadRefused);
        parts_.host.reloaded();
        return loaded.diagnostics;
    }
    logDiagnostics(loaded.diagnostics, service::LogLevel::Warning);
    installConfig(std::make_shared<const Config>(std::move(*loaded.config)));
    parts_.logger.log(service::LogLevel::Info, "config reloaded: " + countOf(config_->jobs.size(), "job"),
                      {{"CHIEF_CONFIG", config_->sourcePath}}, message_id::kConfigReloaded);
    parts_.host.reloaded();
    if (reloadListener_) reloadListener_(config_->jobs.size());
    return {};
}

TriggerOutcome Daemon::runNow(std::string_view job, bool force) {
    TriggerOutcome outcome = scheduler_.requestRun(job, parts_.clock.now(), force);
    parts_.host.statusChanged();
    return outcome;
}

Result<bool> Daemon::pauseJob(const std::string& job) {
    // Without a state directory (tests) the pause lives as long as this chiefd.
    Result<bool> changed = parts_.stateDirectory.empty() ? Result<bool>(!scheduler_.paused(job))
                                                         : paused_.pause(PausedJobs::pathIn(parts_.stateDirectory), job);
    if (!changed || !changed.value()) return changed;
    scheduler_.pause(job);
    parts_.logger.log(service::LogLevel::Notice,
                      escapeForDisplay(job) + ": paused; no scheduled run starts until chiefctl resume",
                      {{"CHIEF_JOB", job}}, message_id::kJobPaused);
    armTimer();
    parts_.host.statusChanged();
    return changed;
}

Result<bool> Daemon::resumeJob(const std::string& job) {
    Result<bool> changed = parts_.stateDirectory.empty() ? Result<bool>(scheduler_.paused(job))
                                                         : paused_.resume(PausedJobs::pathIn(parts_.stateDirectory), job);
    if (!changed || !changed.value()) return changed;
    scheduler_.resume(job, parts_.clock.now());
    const auto status = scheduler_.status(job);
    parts_.logger.log(service::LogLevel::Notice,
                      escapeForDisplay(job) + ": resumed; next run " +
                          (status && status->nextRun ? formatIsoUtc(*status->nextRun) : std::string("none")),
                      {{"CHIEF_JOB", job}}, message_id::kJobResumed);
    armTimer();
    parts_.host.statusChanged();
    return changed;
}

bool Daemon::cancelRun(const RunId& id) {
    if (runner_.cancel(id)) return true;
    return scheduler_.cancelWaiting(id, parts_.clock.now());
}

std::vector<RunId> Daemon::cancelJob(std::string_view job) {
    std::vector<RunId> cancelled;
    // The waiting trigger first: ending a run could otherwise start it.
    if (const auto waiting = scheduler_.waitingRunId(job); waiting && scheduler_.cancelWaiting(*waiting, parts_.clock.now()))
        cancelled.push_back(*waiting);
    for (const RunId& id : scheduler_.activeRunIds(job))
        if (runner_.cancel(id)) cancelled.push_back(id);
    return cancelled;
}

void Daemon::armTimer() { timer_.arm(stopping_ ? std::nullopt : scheduler_.nextWakeup()); }

void Daemon::onTimer(WallClockTimer::Wake wake) {
    if (stopping_) return;
    const SysMillis now = parts_.clock.now();
    if (wake == WallClockTimer::Wake::ClockChanged) {
        parts_.logger.log(service::LogLevel::Notice, "the wall clock was set to " + formatIsoUtc(date::floor<Seconds>(now)) +
                                                "; re-arming timers");
        scheduler_.clockChanged(now);
    }
    scheduler_.wake(now);
    armTimer();
    parts_.host.statusChanged();
}

void Daemon::onRunEnded(const RunRecord& record) {
    scheduler_.runFinished(record.id, parts_.clock.now());
    if (stopping_) {
        if (runner_.activeCount() == 0) finishStopping();
        return;
    }
    armTimer();
    parts_.host.statusChanged();
}

// At most one write is in flight; what changes meanwhile goes out in the next one, so a burst
// of runs costs a few batches, not an fsync per run, and a run's start is on disk promptly.
void Daemon::scheduleHistoryFlush() {
    if (historyWriteInFlight_ || history_.directory().empty() || !history_.dirty()) return;
    writeHistoryInBackground();
}

void Daemon::writeHistoryInBackground() {
    auto files = history_.takeChanges();
    if (files.empty()) return;
    historyWriteInFlight_ = true;
    boost::asio::post(historyWriter_, [io = &parts_.io, this, directory = history_.directory(), perJob = history_.perJob(),
                                       files = std::move(files)]() mutable {
        RunHistoryStore::WriteOutcome outcome;
        // An exception here would end chiefd (std::terminate on a pool thread): it becomes the
        // write's error instead, logged like any other failure to save history.
        try {
            outcome = RunHistoryStore::write(directory, std::move(files), perJob);
        } catch (const std::exception& e) {
            outcome.error = std::string("unexpected error: ") + e.what();
        }
        // The result goes back to the loop; if chiefd is stopping and the loop is gone, the
        // handler is destroyed unrun (io_context outlives the Daemon, see main.cpp).
        boost::asio::post(*io, [this, outcome = std::move(outcome)] {
            historyWriteInFlight_ = false;
            history_.adopt(outcome);
            reportHistoryWrite(outcome.error);
            scheduleHistoryFlush();
        });
    });
}

void Daemon::flushHistory() {
    historyWriter_.join();  // what is queued is written first, so files never go back in time
    historyWriteInFlight_ = false;
    reportHistoryWrite(history_.flush());
}

void Daemon::reportHistoryWrite(const std::optional<std::string>& error) {
    // Said once when saving starts failing and once when it works again, not per run.
    if (error && !historyFailing_)
        parts_.logger.log(service::LogLevel::Warning, "cannot save run history: " + *error + "; keeping it in memory only, ignoring");
    if (!error && historyFailing_) parts_.logger.log(service::LogLevel::Notice, "saving run history works again");
    historyFailing_ = error.has_value();
}

void Daemon::stop(std::function<void()> stopped) {
    if (stopping_) {
        interruptRunning();  // asked again: do not wait any longer
        return;
    }
    stopping_ = true;
    stopped_ = std::move(stopped);
    const std::size_t running = runner_.activeCount();
    parts_.logger.log(service::LogLevel::Info,
                      "chiefd stopping" + (running ? ": stopping " + std::to_string(running) + " running runs" : std::string()),
                      {}, message_id::kDaemonStopping);
    scheduler_.stopDispatching(parts_.clock.now());
    timer_.arm(std::nullopt);
    if (running == 0) {
        finishStopping();
        return;
    }
    // The watchdog keeps going: systemd must not kill chiefd while it waits for runs.
    const int timeout = config_ ? config_->defaults.stopTimeoutSeconds : 0;
    if (timeout <= 0) {
        interruptRunning();
        return;
    }
    parts_.logger.log(service::LogLevel::Notice, "waiting up to " + std::to_string(timeout) + " s for " + std::to_string(running) +
                                            (running == 1 ? " running run" : " running runs") +
                                            " to finish (defaults.stop_timeout_seconds); send SIGTERM again to end " +
                                            (running == 1 ? "it" : "them") + " now");
    shutdownDeadline_.expires_after(std::chrono::seconds{timeout});
    shutdownDeadline_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) interruptRunning();
    });
}

void Daemon::interruptRunning() {
    if (interrupting_ || runner_.activeCount() == 0) return;
    interrupting_ = true;
    const std::size_t running = runner_.activeCount();
    parts_.logger.log(service::LogLevel::Notice, "ending " + std::to_string(running) +
                                            (running == 1 ? " running run" : " running runs") + " (interrupted)");
    runner_.interruptAll();
    int grace = 0;
    for (const JobRun* run : runner_.active()) grace = std::max(grace, run->ticket().job->killGraceSeconds);
    shutdownDeadline_.cancel();
    shutdownDeadline_.expires_after(std::chrono::seconds{grace} + kShutdownSlack);
    shutdownDeadline_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        parts_.logger.log(service::LogLevel::Warning, std::to_string(runner_.activeCount()) +
                                                 " runs did not end in time; exiting anyway");
        finishStopping();
    });
}

void Daemon::finishStopping() {
    shutdownDeadline_.cancel();
    flushHistory();
    if (!parts_.stateDirectory.empty() && instanceLock_) recordCleanStop(parts_.stateDirectory, parts_.clock.now());
    telemetry_.stop();  // what is queued goes to the spool for the next start
    if (auto stopped = std::exchange(stopped_, nullptr)) stopped();
}

std::vector<JobView> Daemon::jobs() const {
    std::vector<JobView> out;
    if (!config_) return out;
    for (const Job& job : config_->jobs) {
        JobView view;
        view.job = &job;
        view.status = scheduler_.status(job.name).value_or(JobStatus{job.name, job.enabled, {}, 0, false, false});
        view.lastRun = history_.lastFinished(job.name);
        out.push_back(std::move(view));
    }
    return out;
}

std::string Daemon::statusLine() const {
    if (!config_) return "no config";
    const auto enabled = std::count_if(config_->jobs.begin(), config_->jobs.end(), [](const Job& j) { return j.enabled; });
    std::string line = countOf(config_->jobs.size(), "job") + " (" + std::to_string(enabled) + " enabled)";
    const std::size_t running = scheduler_.activeRunCount();
    if (running) line += ", " + std::to_string(running) + " running";
    if (scheduler_.waitingCount()) line += ", " + std::to_string(scheduler_.waitingCount()) + " waiting";
    if (auto next = scheduler_.nextWakeup()) line += "; next run at " + formatIsoUtc(*next);
    return line;
}

}  // namespace chief::daemon
