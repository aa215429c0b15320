#pragma once
// RunStarter: the seam between the scheduler's decisions and whatever executes runs.

#include <memory>

#include "chief/config_model.h"
#include "chief/run_event.h"

namespace chief::daemon {

// One accepted run, ready to execute. `config` keeps the job's definition alive for the run's
// whole life, so a reload never changes a run in progress.
struct RunTicket {
    RunId id;
    std::shared_ptr<const Config> config;
    const Job* job = nullptr;
    DueInstant scheduledFor;
    TriggerKind trigger = TriggerKind::Schedule;
};

// Executes runs. startRun must not call back into the scheduler synchronously: completion is
// reported later, from the event loop, through Scheduler::runFinished.
class RunStarter {
public:
    virtual ~RunStarter() = default;
    virtual void startRun(const RunTicket& ticket) = 0;
};

}  // namespace chief::daemon
