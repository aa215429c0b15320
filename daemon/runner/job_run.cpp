#include "runner/job_run.h"

#include <unistd.h>

#include "chief/display_text.h"
#include "runner/run_environment.h"

namespace chief::daemon {

ScriptOutcome outcomeOf(const ScriptExit& exit) {
    ScriptOutcome outcome;
    switch (exit.kind) {
        case ScriptExit::Kind::Exited: outcome.status = ScriptOutcome::Status::Exited; break;
        case ScriptExit::Kind::Signaled: outcome.status = ScriptOutcome::Status::Signaled; break;
        case ScriptExit::Kind::TimedOut: outcome.status = ScriptOutcome::Status::TimedOut; break;
        case ScriptExit::Kind::Stopped: outcome.status = ScriptOutcome::Status::Stopped; break;
        case ScriptExit::Kind::SpawnFailed: outcome.status = ScriptOutcome::Status::SpawnFailed; break;
    }
    outcome.exitCode = exit.exitCode;
    outcome.signal = exit.signal;
    outcome.error = exit.error;
    outcome.killedAfterGrace = exit.killedAfterGrace;
    return outcome;
}

JobRun::JobRun(RunTicket ticket, RunServices& services, DoneHandler onDone)
    : ticket_(std::move(ticket)), services_(services), onDone_(std::move(onDone)) {
    record_.id = ticket_.id;
    record_.job = ticket_.job->name;
    record_.trigger = ticket_.trigger;
    record_.scheduledFor = ticket_.scheduledFor;
    for (const Script& script : ticket_.job->scripts) record_.scripts.push_back(ScriptRecord{script.resolvedPath, {}, {}, {}, 0, {}});
}

JobRun::~JobRun() = default;

void JobRun::start() {
    record_.startedAt = services_.clock.now();
    if (cancelled_) {  // cancelled before its first script: nothing runs
        finish();
        return;
    }
    const Job& job = *ticket_.job;
    if (!job.user.empty() || !job.group.empty()) {
        auto identity = services_.accounts.resolve(job.user, job.group);
        if (!identity) {
            // Nothing can run as an identity that does not resolve: fail the first script.
            ScriptOutcome failed;
            failed.status = ScriptOutcome::Status::SpawnFailed;
            failed.error = identity.error();
            record_.scripts[0].startedAt = record_.startedAt;
            scriptEnded(0, failed, services_.clock.now());
            return;
        }
        identity_ = identity.value();
    }
    launchScript(0);
}

void JobRun::launchScript(std::size_t index) {
    const Job& job = *ticket_.job;
    const Script& script = job.scripts[index];
    ScriptLaunch launch;
    launch.argv = buildScriptArgv(script);
    if (launch.argv.front().find('/') == std::string::npos) {
        auto program = services_.programs.findProgram(launch.argv.front());
        if (!program) {
            ScriptOutcome failed;
            failed.status = ScriptOutcome::Status::SpawnFailed;
            failed.error = "interpreter \"" + launch.argv.front() + "\" was not found in PATH";
            record_.scripts[index].startedAt = services_.clock.now();
            scriptEnded(index, failed, services_.clock.now());
            return;
        }
        launch.argv.front() = *program;
    }
    launch.workingDir = job.workingDir;
    launch.environment =
        buildScriptEnvironment(services_.baseEnvironment, job, script, ticket_.id, ticket_.scheduledFor,
                               identity_ ? identity_->login : services_.accounts.ownAccount());
    if (identity_) {
        launch.uid = identity_->uid;
        launch.gid = identity_->gid;
        launch.userName = identity_->userName;
    }
    launch.timeout = std::chrono::seconds{script.timeoutSeconds};
    launch.killGrace = std::chrono::seconds{job.killGraceSeconds};

    ScriptRecord& scriptRecord = record_.scripts[index];
    scriptRecord.startedAt = services_.clock.now();
    output_ = std::make_unique<TailingOutputSink>(services_.outputs.open(ticket_, script));
    current_ = services_.launcher.launch(launch, *output_, [this, index](const ScriptExit& exit) {
        ScriptOutcome outcome = outcomeOf(exit);
        if (outcome.status == ScriptOutcome::Status::TimedOut || outcome.status == ScriptOutcome::Status::Stopped) {
            outcome.timeoutSeconds = ticket_.job->scripts[index].timeoutSeconds;
            outcome.killGraceSeconds = ticket_.job->killGraceSeconds;
        }
        scriptEnded(index, std::move(outcome), services_.clock.now());
    });
    scriptRecord.pid = current_ ? current_->pid() : 0;
    services_.events.publish(
        ScriptStarted{ticket_.id, job.name, index, script.resolvedPath, scriptRecord.pid, *scriptRecord.startedAt});
}

void JobRun::scriptEnded(std::size_t index, ScriptOutcome outcome, SysMillis endedAt) {
    ended_ = std::move(current_);
    endedOutput_ = std::move(output_);
    ScriptRecord& scriptRecord = record_.scripts[index];
    const bool ok = outcome.succeeded();
    // What it wrote up to its end (a background child may write on; the journal gets that).
    // Valid UTF-8 always: the record goes into JSON (history) and onto the bus.
    if (endedOutput_) scriptRecord.outputTail = escapeInvalidUtf8(endedOutput_->tail().text());
    scriptRecord.outcome = std::move(outcome);
    scriptRecord.endedAt = endedAt;
    services_.events.publish(ScriptFinished{ticket_.id, ticket_.job->name, index, scriptRecord});
    const bool last = index + 1 == record_.scripts.size();
    if (last || cancelled_ || (!ok && ticket_.job->stopOnFailure)) {
        finish();  // the remaining scripts keep their default outcome: Skipped
        return;
    }
    launchScript(index + 1);
}

void JobRun::cancel() {
    if (finished() || cancelled_) return;
    cancelled_ = true;
    if (current_) current_->stop();
}

void JobRun::interrupt() {
    if (finished() || cancelled_) return;
    interrupted_ = true;
    cancel();
}

void JobRun::finish() {
    record_.endedAt = services_.clock.now();
    bool allSucceeded = true;
    for (const ScriptRecord& s : record_.scripts)
        if (!s.outcome.succeeded()) allSucceeded = false;
    if (interrupted_)
        record_.result = RunResult::Interrupted;
    else if (cancelled_)
        record_.result = RunResult::Cancelled;
    else
        record_.result = allSucceeded ? RunResult::Succeeded : RunResult::Failed;
    services_.events.publish(RunFinished{record_});
    if (onDone_) onDone_(record_);
}

}  // namespace chief::daemon
