#pragma once
// Scheduler: decides when each job fires and whether a trigger runs, waits or is skipped.
// Pure logic: time comes in as arguments, runs go out through RunStarter, and what happens is
// published on the RunEventBus. The event loop, timers and processes live elsewhere.

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chief/config_model.h"
#include "chief/run_event.h"
#include "scheduler/run_id_source.h"
#include "scheduler/run_starter.h"

namespace chief::daemon {

// What became of a trigger.
struct TriggerOutcome {
    enum class Kind {
        Started,  // handed to the RunStarter now
        Queued,   // will start when its turn comes (runId is already assigned)
        Skipped,  // dropped by the overlap policy
        Refused,  // not a runnable job (unknown, disabled, removed, or chiefd is stopping)
    };
    Kind kind = Kind::Refused;
    RunId runId;         // Started, Queued
    std::string reason;  // Queued, Skipped, Refused
};

// A job as the scheduler sees it, for status displays.
struct JobStatus {
    std::string name;
    bool enabled = true;
    std::optional<SysSeconds> nextRun;
    int activeRuns = 0;
    bool waiting = false;  // a trigger waits for its turn
    bool paused = false;   // chiefctl pause: no fire times until resumed
};

// Semantics (docs/chiefd.md, "Scheduling"):
// - no catch-up: after load, a job's first trigger is its first fire time after "now";
// - simultaneous triggers are handled in YAML job order;
// - at most max_parallel_jobs different jobs run at once (default 1: one at a time); a trigger
//   that finds no free slot waits, in arrival order, and is never dropped for that reason;
// - overlap is per job: "skip" drops a trigger while the job runs, "queue" keeps one pending
//   run that starts when the job's current run ends, "parallel" starts another run of the same
//   job at once (other jobs still wait for slots);
// - a job has at most one waiting trigger; another trigger meanwhile is skipped;
// - a fire time noticed more than `misfireGrace` late (suspend, wall clock jumped forward) is
//   reported as missed, not run.
class Scheduler {
public:
    Scheduler(RunStarter& starter, const RunEventBus& events, RunIdSource& ids,
              std::chrono::seconds misfireGrace = std::chrono::seconds{60});

    // Installs a config: the first one, or a reload. Jobs whose definition is unchanged keep
    // their next fire time and runs; changed and new jobs get a fresh next fire time after
    // `now`; runs in progress always finish under the definition they started with.
    void load(std::shared_ptr<const Config> config, SysMillis now);

    // The earliest instant at which wake() has something to do.
    std::optional<SysSeconds> nextWakeup() const;

    // Fires every trigger due at or before `now`, in (instant, YAML order).
    void wake(SysMillis now);

    // The wall clock was set. After a large backward step the stored fire times (computed from
    // the wrong clock) are recomputed from `now`; forward steps are handled by wake() as misses.
    void clockChanged(SysMillis now);

    // An operator asks for a run now; the job's overlap policy applies. A disabled or paused
    // job is refused unless `force` (chiefctl run --force).
    TriggerOutcome requestRun(std::string_view job, SysMillis now, bool force = false);

    // An operator stops (or resumes) a job's scheduled runs without editing the config. A paused
    // job has no fire time; resuming gives it its first one after `now` (no catch-up). Paused
    // names outlive reloads, also while a reload has removed the job. Runs in progress and a
    // waiting run go on.
    void pause(std::string_view job);
    void resume(std::string_view job, SysMillis now);
    bool paused(std::string_view job) const { return paused_.find(job) != paused_.end(); }
    const std::set<std::string, std::less<>>& pausedJobs() const { return paused_; }

    // Drops a waiting trigger by its run id (published as skipped); false if none waits with it.
    bool cancelWaiting(const RunId& id, SysMillis now);

    // The runner reports that a run has ended; waiting triggers may start.
    void runFinished(const RunId& id, SysMillis now);

    // Stops starting runs; waiting triggers are dropped. Running runs are the caller's to end.
    void stopDispatching(SysMillis now);

    std::vector<JobStatus> status() const;
    std::optional<JobStatus> status(std::string_view job) const;
    // The ids of `job`'s runs in progress (sorted: run ids sort by start) and of its waiting
    // trigger: what `chiefctl show` lists and `chiefctl cancel JOB` ends.
    std::vector<RunId> activeRunIds(std::string_view job) const;
    std::optional<RunId> waitingRunId(std::string_view job) const;
    std::size_t activeRunCount() const { return activeRuns_.size(); }
    std::size_t waitingCount() const { return waitQueue_.size(); }
    int maxParallelJobs() const { return maxParallelJobs_; }

private:
    struct Waiting {
        RunId runId;
        DueInstant scheduledFor;
        TriggerKind trigger;
    };
    struct Slot {
        std::string name;
        std::shared_ptr<const Config> config;  // null once removed by a reload (kept while runs last)
        const Job* job = nullptr;
        // Of jobDefinitionKey(); a hash keeps 10,000 jobs small. Computed at the first reload that
        // needs it, not at start-up, where nothing is compared (it was 14% of a 10,000-job start).
        std::optional<std::uint64_t> definitionHash;
        std::size_t order = 0;
        std::optional<SysSeconds> next;
        std::optional<SysSeconds> lastFired;
        int activeRuns = 0;
        std::optional<Waiting> waiting;
    };

    TriggerOutcome trigger(Slot& slot, DueInstant scheduledFor, TriggerKind kind, SysMillis now);
    void start(Slot& slot, const RunId& id, DueInstant scheduledFor, TriggerKind kind, SysMillis now);
    bool canStart(const Slot& slot) const;
    void drainWaitQueue(SysMillis now);
    void dropWaiting(Slot& slot, const std::string& reason, SysMillis now);
    void schedule(Slot& slot, std::optional<SysSeconds> next);
    Slot* find(std::string_view name);
    const Slot* find(std::string_view name) const;

    RunStarter& starter_;
    const RunEventBus& events_;
    RunIdSource& ids_;
    std::chrono::seconds misfireGrace_;
    int maxParallelJobs_ = 1;
    bool stopping_ = false;
    std::map<std::string, Slot, std::less<>> slots_;
    std::set<std::string, std::less<>> paused_;
    std::vector<std::string> orderToName_;                  // current YAML order
    std::set<std::pair<SysSeconds, std::size_t>> due_;      // (next fire, YAML order)
    std::deque<std::string> waitQueue_;                     // jobs with a waiting trigger, oldest first
    std::unordered_map<RunId, std::string> activeRuns_;     // run id -> job name
    int busyJobs_ = 0;                                      // jobs with at least one active run
};

}  // namespace chief::daemon
