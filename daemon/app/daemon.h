#pragma once
// Daemon: chiefd's process, the scheduler's side of Kea's controller/process split. Owns the
// scheduler, the runner and the run history, and reacts to the wall-clock timer. The service
// shell (chief/service/service_shell.h) around it handles signals, sd_notify and the watchdog,
// and calls start/reload/stop; the daemon tells it when its status changed or a reload ran.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chief/service/service_shell.h"
#include "app/wall_clock_timer.h"
#include "chief/config_loader.h"
#include "chief/service/logger.h"
#include "logging/run_event_journal.h"
#include "runner/job_runner.h"
#include "runner/run_history_store.h"
#include "state/paused_jobs.h"
#include "scheduler/scheduler.h"
#include "state/state_directory.h"
#include "telemetry/telemetry_emitter.h"

namespace chief::daemon {

// Reads and validates the config file; the daemon calls it at start and on every reload.
using ConfigFileLoader = std::function<LoadResult(const std::string& path)>;

// What the daemon is built from; main() wires real ones, tests may wire fakes.
struct DaemonParts {
    boost::asio::io_context& io;
    const Clock& clock;
    service::Logger& logger;
    service::ServiceHost& host;  // the shell: STATUS= and the reload handshake
    RunServices& runServices;  // its `events` must be `events` below
    RunEventBus& events;
    ConfigFileLoader readConfig;
    std::string configPath;
    std::string stateDirectory;
    TimeBase timeBase{};  // real time, except under chiefd --time-speed (benchmarks); `clock` must agree
};

// A snapshot of one job for status displays (chiefctl status, the D-Bus job objects).
struct JobView {
    const Job* job = nullptr;
    JobStatus status;
    std::optional<RunRecord> lastRun;
};

// chiefd's exit statuses (docs/chiefd.md). chiefd.service lists kExitNotConfigured in
// RestartPreventExitStatus=, so a config that cannot work fails the unit at once, with the
// reasons in its status, instead of restarting forever.
enum DaemonExit : int {
    kExitSuccess = 0,
    kExitFailure = 1,        // e.g. another chiefd holds the state directory
    kExitUsage = 2,          // bad command line
    kExitNotConfigured = 6,  // the config is invalid, or the state directory is unusable (LSB's "not configured")
};

class Daemon final : public service::ServiceProcess {
public:
    explicit Daemon(DaemonParts parts);
    ~Daemon() override;

    // Claims the state directory, loads the history and the config, and arms timers. On failure
    // (every problem logged) returns the exit status chiefd should end with (DaemonExit).
    std::optional<int> start() override;

    // Reloads the config; an invalid file is refused and the old config keeps running.
    // Returns the diagnostics (empty when the reload succeeded). SIGHUP and the bus's Reload.
    std::vector<Diagnostic> reloadConfig();
    void reload() override { reloadConfig(); }

    // Stops dispatching; lets running runs finish for up to defaults.stop_timeout_seconds, then
    // ends them (SIGTERM, SIGKILL after each job's grace) as interrupted; calls `stopped` once
    // every run has ended. A second call (another SIGTERM) ends them at once.
    void stop(std::function<void()> stopped) override;
    std::string statusLine() const override;
    bool stopping() const { return stopping_; }

    // An operator's run request (the job's overlap policy applies; `force` runs a disabled or
    // paused job too).
    TriggerOutcome runNow(std::string_view job, bool force = false);
    // chiefctl pause / resume: kept in the state directory (PausedJobs) before the scheduler
    // changes, so a pause is never lost to a restart. true when something changed; an error
    // when the file could not be written (nothing changed then).
    Result<bool> pauseJob(const std::string& job);
    Result<bool> resumeJob(const std::string& job);
    const PausedJobs& pausedJobs() const { return paused_; }
    // Cancels a running run, or drops a waiting one; false if the id is neither.
    bool cancelRun(const RunId& id);
    // Cancels every run of `job` in progress and drops its waiting one; the ids it ended.
    std::vector<RunId> cancelJob(std::string_view job);
    // Called after every successful reload with the new job count (the bus emits Reloaded).
    void setReloadListener(std::function<void(std::size_t)> listener) { reloadListener_ = std::move(listener); }

    Scheduler& scheduler() { return scheduler_; }
    JobRunner& runner() { return runner_; }
    const RunHistoryStore& history() const { return history_; }
    // Takes in runs other processes (chiefd --once from cron) recorded since chiefd last looked.
    void refreshHistory();
    std::shared_ptr<const Config> config() const { return config_; }
    std::vector<JobView> jobs() const;
    // Telemetry's state for chiefctl status and the D-Bus manager.
    telemetry::TelemetrySnapshot telemetryStatus() const { return telemetry_.status(); }
    telemetry::TelemetryEmitter& telemetry() { return telemetry_; }

private:
    void installConfig(std::shared_ptr<const Config> config);
    void reportInterruptedRuns();
    void reportMissedWhileStopped(std::optional<SysMillis> cleanStop);
    void interruptRunning();
    void finishStopping();
    void armTimer();
    void onTimer(WallClockTimer::Wake wake);
    void onRunEnded(const RunRecord& record);

    void scheduleHistoryFlush();
    void writeHistoryInBackground();
    void flushHistory();  // on the loop, after the writer has finished: only when stopping
    void reportHistoryWrite(const std::optional<std::string>& error);
    void logDiagnostics(const std::vector<Diagnostic>& diagnostics, service::LogLevel level);

    DaemonParts parts_;
    RunEventJournal journal_;
    telemetry::TelemetryEmitter telemetry_;
    RunIdSource ids_;
    RunHistoryStore history_;
    JobRunner runner_;
    Scheduler scheduler_;
    WallClockTimer timer_;
    boost::asio::steady_timer shutdownDeadline_;
    bool historyWriteInFlight_ = false;
    std::shared_ptr<const Config> config_;
    bool stopping_ = false;
    std::function<void()> stopped_;
    bool interrupting_ = false;
    std::optional<InstanceLock> instanceLock_;
    PausedJobs paused_;
    bool historyFailing_ = false;
    std::function<void(std::size_t)> reloadListener_;
    // History files are written (and fsync'ed) here, one batch after another, so that the disk
    // never holds up the event loop at a due instant. Last member: joined before the rest goes.
    boost::asio::thread_pool historyWriter_{1};
};

}  // namespace chief::daemon
