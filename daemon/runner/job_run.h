#pragma once
// JobRun: one run of one job: its scripts in order, stop_on_failure, cancel, and the record.

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chief/host_probe.h"
#include "chief/result.h"
#include "process/script_process.h"
#include "runner/tailing_output_sink.h"
#include "runner/clock.h"
#include "runner/run_environment.h"
#include "scheduler/run_starter.h"

namespace chief::daemon {

// Starts script processes; the real one wraps ScriptProcess::start, tests use a fake.
class ScriptLauncher {
public:
    virtual ~ScriptLauncher() = default;
    virtual std::unique_ptr<ScriptProcess> launch(const ScriptLaunch& launch, OutputSink& output,
                                                  ScriptProcess::ExitHandler onExit) = 0;
};

// Opens the sink a script's output goes to (the journal, or the console).
class OutputSinkFactory {
public:
    virtual ~OutputSinkFactory() = default;
    virtual std::unique_ptr<OutputSink> open(const RunTicket& ticket, const Script& script) = 0;
};

// The uid/gid a job's `user`/`group` name on this host, and the account's login variables.
struct RunIdentity {
    uid_t uid = 0;
    gid_t gid = 0;
    std::string userName;
    LoginAccount login;  // HOME, USER/LOGNAME, SHELL from the passwd entry (empty when it has none)
};

// Resolves `user`/`group` names when a run starts (they may change after the config loaded).
class AccountResolver {
public:
    virtual ~AccountResolver() = default;
    virtual Result<RunIdentity> resolve(const std::string& user, const std::string& group) const = 0;
    // chiefd's own account, for jobs without `user:` (root under the system chiefd).
    virtual LoginAccount ownAccount() const = 0;
};

// What every JobRun needs from the daemon.
struct RunServices {
    const Clock& clock;
    const RunEventBus& events;
    ScriptLauncher& launcher;
    OutputSinkFactory& outputs;
    const AccountResolver& accounts;
    const HostProbe& programs;             // resolves interpreters such as python3 on PATH
    std::vector<std::string> baseEnvironment;  // chiefd's environ
};

// Runs a ticket's scripts one after another. The done handler runs once, after RunFinished
// was published; the caller may destroy the JobRun only after that (not from inside it).
class JobRun {
public:
    using DoneHandler = std::function<void(const RunRecord&)>;

    JobRun(RunTicket ticket, RunServices& services, DoneHandler onDone);
    ~JobRun();
    JobRun(const JobRun&) = delete;
    JobRun& operator=(const JobRun&) = delete;

    void start();
    // Stops the current script (SIGTERM to its group, SIGKILL after the job's grace period);
    // the scripts after it are skipped and the run ends as cancelled.
    void cancel();
    // The same, because chiefd is stopping: the run ends as interrupted.
    void interrupt();

    const RunRecord& record() const { return record_; }
    const RunTicket& ticket() const { return ticket_; }
    bool finished() const { return record_.result.has_value(); }

private:
    void launchScript(std::size_t index);
    void scriptEnded(std::size_t index, ScriptOutcome outcome, SysMillis endedAt);
    void finish();

    RunTicket ticket_;
    RunServices& services_;
    DoneHandler onDone_;
    RunRecord record_;
    std::optional<RunIdentity> identity_;
    std::unique_ptr<TailingOutputSink> output_;
    std::unique_ptr<ScriptProcess> current_;
    std::unique_ptr<ScriptProcess> ended_;  // kept until the next script: never destroyed inside its own callback
    std::unique_ptr<TailingOutputSink> endedOutput_;
    bool cancelled_ = false;
    bool interrupted_ = false;
};

// Turns what ScriptProcess reports into the recorded outcome.
ScriptOutcome outcomeOf(const ScriptExit& exit);

}  // namespace chief::daemon
