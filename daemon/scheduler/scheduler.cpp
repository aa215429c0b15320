#include "scheduler/scheduler.h"

#include <algorithm>

namespace chief::daemon {

namespace {

SysSeconds toSeconds(SysMillis t) { return date::floor<Seconds>(t); }

const char* overlapWord(OverlapPolicy policy) { return overlapName(policy); }

// 64-bit FNV-1a of the job's definition text: equal definitions hash equal, and a collision
// between a job's old and new definition (1 in 2^64) would only keep its old next fire time.
std::uint64_t definitionHash(const Job& job) {
    std::uint64_t hash = 14695981039346656037ULL;
    for (unsigned char c : jobDefinitionKey(job)) {
        hash ^= c;
        hash *= 1099511628211ULL;
    }
    return hash;
}

}  // namespace

Scheduler::Scheduler(RunStarter& starter, const RunEventBus& events, RunIdSource& ids, std::chrono::seconds misfireGrace)
    : starter_(starter), events_(events), ids_(ids), misfireGrace_(misfireGrace) {}

Scheduler::Slot* Scheduler::find(std::string_view name) {
    auto it = slots_.find(name);
    return it == slots_.end() ? nullptr : &it->second;
}

const Scheduler::Slot* Scheduler::find(std::string_view name) const {
    auto it = slots_.find(name);
    return it == slots_.end() ? nullptr : &it->second;
}

void Scheduler::schedule(Slot& slot, std::optional<SysSeconds> next) {
    if (slot.next) due_.erase({*slot.next, slot.order});
    slot.next = next;
    if (next) due_.insert({*next, slot.order});
}

void Scheduler::load(std::shared_ptr<const Config> config, SysMillis now) {
    maxParallelJobs_ = std::max(1, config->defaults.maxParallelJobs);
    due_.clear();
    orderToName_.clear();
    std::set<std::string, std::less<>> present;
    const SysSeconds from = toSeconds(now);
    for (std::size_t i = 0; i < config->jobs.size(); ++i) {
        const Job& job = config->jobs[i];
        present.insert(job.name);
        orderToName_.push_back(job.name);
        auto [it, inserted] = slots_.try_emplace(job.name);
        Slot& slot = it->second;
        bool unchanged = false;
        std::optional<std::uint64_t> hash;
        if (!inserted && slot.job) {
            if (!slot.definitionHash) slot.definitionHash = definitionHash(*slot.job);
            hash = definitionHash(job);
            unchanged = *slot.definitionHash == *hash;
        }
        slot.name = job.name;
        slot.config = config;
        slot.job = &job;
        slot.definitionHash = hash;
        slot.order = i;
        std::optional<SysSeconds> next;
        if (job.enabled && !paused(job.name)) {
            if (unchanged && slot.next) {
                next = slot.next;
            } else if (auto fire = nextFireAfter(job.schedule.schedule, from)) {
                next = fire->instant;
            }
        }
        slot.next = next;
        if (next) due_.insert({*next, i});
        if (!unchanged && job.enabled && !paused(job.name)) events_.publish(NextScheduled{job.name, next});
        if (!job.enabled && slot.waiting) dropWaiting(slot, "the job was disabled by a reload", now);
    }
    for (auto it = slots_.begin(); it != slots_.end();) {
        Slot& slot = it->second;
        if (present.count(slot.name)) {
            ++it;
            continue;
        }
        if (slot.waiting) dropWaiting(slot, "the job was removed by a reload", now);
        slot.config.reset();
        slot.job = nullptr;
        slot.next.reset();
        slot.order = static_cast<std::size_t>(-1);
        if (slot.activeRuns == 0)
            it = slots_.erase(it);
        else
            ++it;
    }
    drainWaitQueue(now);
}

std::optional<SysSeconds> Scheduler::nextWakeup() const {
    if (due_.empty()) return std::nullopt;
    return due_.begin()->first;
}

void Scheduler::wake(SysMillis now) {
    const SysSeconds nowSeconds = toSeconds(now);
    while (!due_.empty() && due_.begin()->first <= nowSeconds) {
        const auto [instant, order] = *due_.begin();
        due_.erase(due_.begin());
        Slot& slot = slots_.at(orderToName_.at(order));
        slot.next.reset();
        if (now - instant > misfireGrace_) {
            events_.publish(TriggerMissed{slot.name, instant, now});
        } else {
            slot.lastFired = instant;
            trigger(slot, instant, TriggerKind::Schedule, now);
        }
        std::optional<SysSeconds> next;
        if (auto fire = nextFireAfter(slot.job->schedule.schedule, std::max(instant, nowSeconds))) next = fire->instant;
        schedule(slot, next);
        events_.publish(NextScheduled{slot.name, next});
    }
}

void Scheduler::clockChanged(SysMillis now) {
    const SysSeconds nowSeconds = toSeconds(now);
    for (auto& [name, slot] : slots_) {
        if (!slot.job || !slot.job->enabled || paused(name)) continue;
        // Only a step back by more than the misfire grace means the old fire times came from a
        // wrong clock; a small step back keeps them, so no wall-clock time runs twice.
        if (!slot.lastFired || *slot.lastFired - nowSeconds <= misfireGrace_) continue;
        std::optional<SysSeconds> next;
        if (auto fire = nextFireAfter(slot.job->schedule.schedule, nowSeconds)) next = fire->instant;
        schedule(slot, next);
        slot.lastFired.reset();
        events_.publish(NextScheduled{slot.name, next});
    }
}

TriggerOutcome Scheduler::requestRun(std::string_view job, SysMillis now, bool force) {
    Slot* slot = find(job);
    if (!slot || !slot->job) return {TriggerOutcome::Kind::Refused, {}, "no job named \"" + std::string(job) + "\""};
    if (!force && !slot->job->enabled) return {TriggerOutcome::Kind::Refused, {}, "job \"" + slot->name + "\" is disabled"};
    if (!force && paused(slot->name)) return {TriggerOutcome::Kind::Refused, {}, "job \"" + slot->name + "\" is paused"};
    return trigger(*slot, std::nullopt, TriggerKind::Manual, now);  // nobody scheduled it: no due instant
}

void Scheduler::pause(std::string_view job) {
    if (!paused_.emplace(job).second) return;
    Slot* slot = find(job);
    if (!slot || !slot->job || !slot->job->enabled) return;
    schedule(*slot, std::nullopt);
    events_.publish(NextScheduled{slot->name, std::nullopt});
}

void Scheduler::resume(std::string_view job, SysMillis now) {
    const auto it = paused_.find(job);
    if (it == paused_.end()) return;
    paused_.erase(it);
    Slot* slot = find(job);
    if (!slot || !slot->job || !slot->job->enabled || stopping_) return;
    std::optional<SysSeconds> next;
    if (auto fire = nextFireAfter(slot->job->schedule.schedule, toSeconds(now))) next = fire->instant;
    schedule(*slot, next);
    events_.publish(NextScheduled{slot->name, next});
}

TriggerOutcome Scheduler::trigger(Slot& slot, DueInstant scheduledFor, TriggerKind kind, SysMillis now) {
    auto skip = [&](std::string reason) {
        events_.publish(TriggerSkipped{slot.name, scheduledFor, kind, reason});
        return TriggerOutcome{TriggerOutcome::Kind::Skipped, {}, std::move(reason)};
    };
    if (stopping_) return {TriggerOutcome::Kind::Refused, {}, "chiefd is stopping"};
    if (slot.waiting) return skip("a run of this job is already waiting to start");
    const Job& job = *slot.job;
    if (slot.activeRuns > 0) {
        switch (job.overlap) {
            case OverlapPolicy::Skip: return skip("still running (overlap: skip)");
            case OverlapPolicy::Parallel: {
                const RunId id = ids_.next(now);
                start(slot, id, scheduledFor, kind, now);
                return {TriggerOutcome::Kind::Started, id, {}};
            }
            case OverlapPolicy::Queue: break;
        }
    }
    const RunId id = ids_.next(now);
    if (canStart(slot)) {
        start(slot, id, scheduledFor, kind, now);
        return {TriggerOutcome::Kind::Started, id, {}};
    }
    std::string reason = slot.activeRuns > 0
                             ? std::string("waiting for the running run to finish (overlap: ") + overlapWord(job.overlap) + ")"
                             : "waiting for a free slot (max_parallel_jobs: " + std::to_string(maxParallelJobs_) + ")";
    slot.waiting = Waiting{id, scheduledFor, kind};
    waitQueue_.push_back(slot.name);
    events_.publish(TriggerQueued{id, slot.name, scheduledFor, kind, reason});
    return {TriggerOutcome::Kind::Queued, id, std::move(reason)};
}

bool Scheduler::canStart(const Slot& slot) const {
    if (stopping_ || !slot.job) return false;
    if (slot.activeRuns > 0) return false;  // "queue": the pending run waits for the current one
    return busyJobs_ < maxParallelJobs_;
}

void Scheduler::start(Slot& slot, const RunId& id, DueInstant scheduledFor, TriggerKind kind, SysMillis now) {
    if (slot.activeRuns++ == 0) ++busyJobs_;
    activeRuns_.emplace(id, slot.name);
    events_.publish(RunStarted{id, slot.name, scheduledFor, kind, now});
    starter_.startRun(RunTicket{id, slot.config, slot.job, scheduledFor, kind});
}

void Scheduler::runFinished(const RunId& id, SysMillis now) {
    auto run = activeRuns_.find(id);
    if (run == activeRuns_.end()) return;
    const std::string name = run->second;
    activeRuns_.erase(run);
    if (Slot* slot = find(name)) {
        if (--slot->activeRuns == 0) --busyJobs_;
        if (!slot->job && slot->activeRuns == 0) slots_.erase(name);
    }
    drainWaitQueue(now);
}

void Scheduler::drainWaitQueue(SysMillis now) {
    for (auto it = waitQueue_.begin(); it != waitQueue_.end();) {
        Slot* slot = find(*it);
        if (!slot || !slot->waiting) {
            it = waitQueue_.erase(it);
            continue;
        }
        if (!canStart(*slot)) {
            ++it;
            continue;
        }
        const Waiting waiting = *slot->waiting;
        slot->waiting.reset();
        it = waitQueue_.erase(it);
        start(*slot, waiting.runId, waiting.scheduledFor, waiting.trigger, now);
    }
}

bool Scheduler::cancelWaiting(const RunId& id, SysMillis now) {
    for (auto& [name, slot] : slots_) {
        if (slot.waiting && slot.waiting->runId == id) {
            dropWaiting(slot, "cancelled while waiting to start", now);
            return true;
        }
    }
    return false;
}

void Scheduler::dropWaiting(Slot& slot, const std::string& reason, SysMillis now) {
    if (!slot.waiting) return;
    events_.publish(TriggerSkipped{slot.name, slot.waiting->scheduledFor, slot.waiting->trigger, reason});
    // The waiting run already has an id that someone may be waiting on (chiefctl run, a bus
    // client): every id handed out ends with exactly one RunFinished, here a cancelled run
    // without scripts, marked dropped so that it is neither logged twice nor kept as history.
    RunRecord record;
    record.id = slot.waiting->runId;
    record.job = slot.name;
    record.trigger = slot.waiting->trigger;
    record.scheduledFor = slot.waiting->scheduledFor;
    record.startedAt = now;
    record.endedAt = now;
    record.result = RunResult::Cancelled;
    events_.publish(RunFinished{std::move(record), /*dropped=*/true});
    slot.waiting.reset();
    waitQueue_.erase(std::remove(waitQueue_.begin(), waitQueue_.end(), slot.name), waitQueue_.end());
}

void Scheduler::stopDispatching(SysMillis now) {
    stopping_ = true;
    for (auto& [name, slot] : slots_) dropWaiting(slot, "chiefd is stopping", now);
    due_.clear();
    for (auto& [name, slot] : slots_) slot.next.reset();
}

std::vector<JobStatus> Scheduler::status() const {
    std::vector<JobStatus> out;
    for (const std::string& name : orderToName_)
        if (auto s = status(name)) out.push_back(*s);
    return out;
}

std::optional<JobStatus> Scheduler::status(std::string_view job) const {
    const Slot* slot = find(job);
    if (!slot || !slot->job) return std::nullopt;
    return JobStatus{slot->name, slot->job->enabled, slot->next, slot->activeRuns, slot->waiting.has_value(),
                     paused(slot->name)};
}

std::vector<RunId> Scheduler::activeRunIds(std::string_view job) const {
    // At most max_parallel_jobs entries (or a few more under "parallel"): a scan is enough.
    std::vector<RunId> ids;
    for (const auto& [id, name] : activeRuns_)
        if (name == job) ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::optional<RunId> Scheduler::waitingRunId(std::string_view job) const {
    const Slot* slot = find(job);
    if (!slot || !slot->waiting) return std::nullopt;
    return slot->waiting->runId;
}

}  // namespace chief::daemon
