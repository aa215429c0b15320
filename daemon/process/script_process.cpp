#include "script_process.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "child_spawner.h"
#include "output_line_splitter.h"
#include "process_group.h"

// Supervision in outline:
//  - Spawning is our own code (child_spawner.cpp says why Boost.Process no longer does it, and
//    why clone(CLONE_VM) rather than fork()): start() returns as soon as the child exists, so
//    scripts due together overlap their way to exec instead of queueing on the event loop.
//    Whether the exec happened arrives later on the report pipe; the main process's exit is not
//    taken for the script's until it has (a child that failed a step exits too, and then the
//    report is the outcome: SpawnFailed).
//  - Exit of the main process is seen through a pidfd watched by the io_context, then waitid()
//    on that one pid: no SIGCHLD handler and no waitpid(-1), so other children of chiefd (other
//    scripts, other components) are never reaped or signalled by mistake.
//  - When the main process exits it is reaped at once; kill(-pgid, 0) == ESRCH then shows, in
//    O(1), that nothing else is in the group (the common case). Members still in the group keep
//    the group id reserved, so it cannot be reused by an unrelated group while we signal it.
//  - Only when members remain is the group read from /proc (there is no event for it), polled
//    (5 ms backing off to 100 ms) until none is left.
//  - Output is read with async_read_some, one buffer per completion, so a flood is paced by the
//    io_context and never held: the kernel pipe buffer fills and the writer blocks. Once the
//    group is gone the pipes are drained without waiting for EOF, which a process that escaped
//    the group (setsid) could hold off for ever.

namespace chief::daemon {

namespace {

using SteadyClock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// 16 KiB per stream keeps 1,000 concurrent scripts at ~64 MB of buffers (a 64 KiB read, the
// default pipe capacity, would need four times that); a flood just takes more reads.
constexpr std::size_t kReadChunk = 16 * 1024;
// What is read from a pipe after the group is gone: what was left in it, unless something
// outside the group is still writing, in which case we stop there.
constexpr std::size_t kDrainLimit = 1024 * 1024;
constexpr auto kFirstGroupPoll = 5ms;
constexpr auto kMaxGroupPoll = 100ms;

// glibc 2.36's <sys/pidfd.h> declares pidfd_open without C linkage, so C++ cannot link against
// it; the raw system call is the same thing. The descriptor is close-on-exec by definition.
int openPidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0U)); }

// One output pipe of the script and the splitter it feeds.
struct OutputReader {
    OutputReader(boost::asio::io_context& io, OutputStream stream, OutputSink& sink)
        : pipe(io), splitter(stream, sink), buffer(kReadChunk) {}

    boost::asio::posix::stream_descriptor pipe;
    OutputLineSplitter splitter;
    std::vector<char> buffer;
    bool reading = false;
};

// The shared state behind a ScriptProcess. Handlers hold it by shared_ptr, so it outlives the
// ScriptProcess handle until the last of them has run; after abandon() they do nothing.
class ScriptRun : public std::enable_shared_from_this<ScriptRun> {
public:
    ScriptRun(boost::asio::io_context& io, const ScriptLaunch& launch, OutputSink& sink,
              ScriptProcess::ExitHandler onExit)
        : io_(io),
          timeout_(launch.timeout),
          killGrace_(launch.killGrace),
          onExit_(std::move(onExit)),
          pidfd_(io),
          timeoutTimer_(io),
          graceTimer_(io),
          pollTimer_(io),
          stdout_(io, OutputStream::Stdout, sink),
          stderr_(io, OutputStream::Stderr, sink) {}

    ScriptRun(const ScriptRun&) = delete;
    ScriptRun& operator=(const ScriptRun&) = delete;

    // Only reached without a reap if the io_context was destroyed with our handlers pending;
    // abandon() has sent SIGKILL by then, so this wait is short.
    ~ScriptRun() {
        if (pid_ > 0 && !mainReaped_) {
            signalGroup(SIGKILL);
            ::kill(pid_, SIGKILL);  // in case it died before joining its group
            while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
            }
        }
    }

    void begin(const ScriptLaunch& launch) {
        startTime_ = SteadyClock::now();
        auto spawned = spawnChild(io_, launch);
        if (!spawned) {
            failSpawn(spawned.error());
            return;
        }
        pid_ = spawned.value().pid;
        boost::system::error_code watchError;
        const int pidfd = openPidfd(pid_);
        if (pidfd < 0) {
            watchError.assign(errno, boost::system::system_category());
        } else {
            pidfd_.assign(pidfd, watchError);
            if (watchError) ::close(pidfd);
        }
        if (watchError) {
            // Without a watch there is no way to learn of its exit: undo the start.
            signalGroup(SIGKILL);
            ::kill(pid_, SIGKILL);
            while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
            }
            mainReaped_ = true;
            pid_ = 0;
            failSpawn("cannot watch the process (pidfd): " + watchError.message());  // childMemory freed with `spawned`
            return;
        }
        stdout_.pipe = std::move(spawned.value().stdoutPipe);
        stderr_.pipe = std::move(spawned.value().stderrPipe);
        execReport_.emplace(std::move(spawned.value().execReport));
        childMemory_ = std::move(spawned.value().childMemory);
        phase_ = Phase::Running;

        waitForExecReport();
        watchMainExit();
        readMore(stdout_);
        readMore(stderr_);
        timeoutTimer_.expires_after(timeout_);
        timeoutTimer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) self->onTimeout();
        });
    }

    pid_t pid() const { return pid_; }

    void stop() {
        if (abandoned_ || phase_ != Phase::Running || ending_ != Ending::None || mainHasExited()) return;
        ending_ = Ending::Stopped;
        terminateGroup();
    }

    // The ScriptProcess handle is gone: kill everything, reap, and never call back.
    void abandon() {
        abandoned_ = true;
        onExit_ = nullptr;
        if (phase_ == Phase::Starting || phase_ == Phase::Done) return;
        stopWatching();
        if (execReport_) {
            boost::system::error_code ignored;
            execReport_->pipe().close(ignored);
        }
        if (!mainReaped_) {
            signalGroup(SIGKILL);
            ::kill(pid_, SIGKILL);  // in case it has not joined its group (a failed setpgid)
            // SIGKILL takes effect asynchronously. If the process is not a zombie yet, the pidfd
            // wait still pending (or re-armed below) reaps it without blocking the loop.
            if (!tryReap() && !waitingForMain_) watchMainExit();
        }
    }

private:
    enum class Phase {
        Starting,  // not spawned, or the spawn failed
        Running,   // the main process runs (forked; exec'ed unless the report says otherwise)
        Failing,   // the report says a step before the exec failed; waiting to reap the child
        Cleaning,  // it has exited; the rest of its group is being ended
        Draining,  // the group is gone; reading what is left in the pipes
        Done,      // onExit delivered (or due, for a failed spawn)
    };
    enum class Ending { None, TimedOut, Stopped };
    enum class Exec { Pending, Confirmed, Failed };

    void failSpawn(std::string error) {
        phase_ = Phase::Done;
        exit_.kind = ScriptExit::Kind::SpawnFailed;
        exit_.error = std::move(error);
        exit_.duration = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - startTime_);
        // onExit runs from the io_context, never from inside start().
        boost::asio::post(io_, [self = shared_from_this()] { self->deliverExit(); });
    }

    // Never with pid_ 0: kill(0, sig) would signal chiefd's own process group.
    void signalGroup(int sig) const {
        if (pid_ > 0) ::kill(-pid_, sig);
    }

    bool mainHasExited() const {
        siginfo_t info{};
        return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
               info.si_pid == pid_;
    }

    bool tryReap() {
        int status = 0;
        pid_t reaped = 0;
        do {
            reaped = ::waitpid(pid_, &status, WNOHANG);
        } while (reaped < 0 && errno == EINTR);
        if (reaped == 0) return false;
        mainReaped_ = true;  // reaped, or not our child any more (ECHILD): either way not ours to wait for
        childMemory_.reset();  // it has exited: it runs on it no more
        boost::system::error_code ignored;
        pidfd_.close(ignored);
        return true;
    }

    void watchMainExit() {
        waitingForMain_ = true;
        pidfd_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                          [self = shared_from_this()](const boost::system::error_code& ec) {
                              self->waitingForMain_ = false;
                              if (ec) return;
                              if (self->abandoned_) {
                                  if (!self->mainReaped_ && !self->tryReap()) self->watchMainExit();
                                  return;
                              }
                              self->onPidfdReadable();
                          });
    }

    void onPidfdReadable() {
        // A wait that had already completed when the child was reaped elsewhere (a failed spawn,
        // reaped as soon as its report came in) still runs its handler: nothing is left to do.
        if (mainReaped_) return;
        if (exec_ == Exec::Pending) {
            // Exited before we learned of the exec (the report is the outcome if a step failed),
            // or exec'ed and exited at once. The child's exit closed its end of the report pipe,
            // so the answer is normally there already; if not, the report resumes us.
            mainExitSeen_ = true;
            checkExecReport();
            return;
        }
        if (exec_ == Exec::Failed) {
            reapFailedSpawn();
            return;
        }
        siginfo_t info{};
        int rc = 0;
        do {
            rc = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
        } while (rc < 0 && errno == EINTR);
        if (rc == 0 && info.si_pid == 0) {  // not exited after all; a pidfd only turns readable on exit
            watchMainExit();
            return;
        }
        mainEnd_ = SteadyClock::now();
        if (rc < 0) {
            // ECHILD: something else in chiefd reaped our child (a waitpid(-1) somewhere).
            mainReaped_ = true;
            exit_.error = "the exit status was collected elsewhere in chiefd";
        } else if (info.si_code == CLD_EXITED) {
            exit_.exitCode = info.si_status;
        } else {
            exit_.signal = info.si_status;  // CLD_KILLED or CLD_DUMPED
        }
        boost::system::error_code ignored;
        pidfd_.close(ignored);
        timeoutTimer_.cancel();
        phase_ = Phase::Cleaning;
        // Fast path, the common case: nothing else was ever in the group. Reaping the main
        // process first lets kill() tell: with no member left the group id is free (ESRCH).
        // Were members left, they would keep the id reserved, so reaping cannot let it be reused
        // while we still signal it. Scanning /proc here instead would cost O(processes on the
        // host) per script, O(n^2) when 1,000 scripts end together.
        if (!mainReaped_ && !tryReap()) {
            checkGroup();
            return;
        }
        if (::kill(-pid_, 0) == -1 && errno == ESRCH) {
            groupGone();
            return;
        }
        checkGroup();
    }

    void waitForExecReport() {
        waitingForReport_ = true;
        execReport_->pipe().async_wait(boost::asio::posix::stream_descriptor::wait_read,
                                       [self = shared_from_this()](const boost::system::error_code& ec) {
                                           self->waitingForReport_ = false;
                                           if (ec || self->abandoned_ || self->exec_ != Exec::Pending) return;
                                           self->checkExecReport();
                                       });
    }

    void checkExecReport() {
        const ExecReport::State state = execReport_->poll();
        if (state == ExecReport::State::Pending) {
            if (!waitingForReport_) waitForExecReport();
            return;
        }
        boost::system::error_code ignored;
        execReport_->pipe().close(ignored);  // a pending wait ends with operation_aborted
        if (state == ExecReport::State::Failed) {
            spawnFailed(execReport_->failure());
            return;
        }
        exec_ = Exec::Confirmed;
        childMemory_.reset();  // EOF: its execve has replaced our memory with its own (or it died)
        if (mainExitSeen_) {
            mainExitSeen_ = false;
            onPidfdReadable();
        }
    }

    // No more timers and no more output: what abandoning a run and a failed spawn both start with.
    void stopWatching() {
        boost::system::error_code ignored;
        timeoutTimer_.cancel();
        graceTimer_.cancel();
        pollTimer_.cancel();
        stdout_.pipe.close(ignored);
        stderr_.pipe.close(ignored);
    }

    // A step before the exec failed: the child has _exit()ed with its status for that step, or is
    // about to. It never ran the program, so its exit is not the script's and it wrote no output.
    void spawnFailed(std::string error) {
        exec_ = Exec::Failed;
        phase_ = Phase::Failing;
        spawnError_ = std::move(error);
        stopWatching();
        ::kill(pid_, SIGKILL);  // on its way out already; this only makes sure
        reapFailedSpawn();
    }

    void reapFailedSpawn() {
        if (phase_ != Phase::Failing) return;
        if (!mainReaped_ && !tryReap()) {
            if (!waitingForMain_) watchMainExit();  // the pidfd turns readable once it has exited
            return;
        }
        failSpawn(std::move(spawnError_));
    }

    void onTimeout() {
        if (abandoned_ || phase_ != Phase::Running || ending_ != Ending::None || mainHasExited()) return;
        ending_ = Ending::TimedOut;
        terminateGroup();
    }

    // SIGTERM now (with SIGCONT, so stopped members can act on it), SIGKILL after the grace.
    void terminateGroup() {
        signalGroup(SIGTERM);
        signalGroup(SIGCONT);
        termSent_ = true;
        graceTimer_.expires_after(killGrace_);
        graceTimer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (ec || self->abandoned_) return;
            if (self->phase_ != Phase::Running && self->phase_ != Phase::Cleaning) return;
            self->signalGroup(SIGKILL);
            self->killSentAt_ = SteadyClock::now();
            self->exit_.killedAfterGrace = true;
        });
    }

    void checkGroup() {
        const auto members = liveProcessesInGroup(pid_);
        if (!members) {
            // Without /proc the group cannot be seen; end it unseen rather than leave it.
            signalGroup(SIGKILL);
            groupGone();
            return;
        }
        for (const pid_t member : *members) {
            if (member != pid_) leftovers_.insert(member);
        }
        if (std::none_of(members->begin(), members->end(), [this](pid_t p) { return p != pid_; })) {
            groupGone();
            return;
        }
        if (!termSent_) {
            terminateGroup();
        } else if (killSentAt_) {
            // Again, for anything forked since the last SIGKILL went out.
            signalGroup(SIGKILL);
            // A process that survives SIGKILL this long is stuck in the kernel (uninterruptible
            // I/O); waiting longer would hold the job for ever, so it is counted and left.
            if (SteadyClock::now() - *killSentAt_ >= killGrace_) {
                groupGone();
                return;
            }
        }
        pollTimer_.expires_after(pollDelay_);
        pollDelay_ = std::min<SteadyClock::duration>(pollDelay_ * 2, kMaxGroupPoll);
        pollTimer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec && !self->abandoned_ && self->phase_ == Phase::Cleaning) self->checkGroup();
        });
    }

    void groupGone() {
        if (!mainReaped_) {
            while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {  // a zombie: returns at once
            }
            mainReaped_ = true;
        }
        graceTimer_.cancel();
        pollTimer_.cancel();
        exit_.leftoverProcesses = static_cast<int>(leftovers_.size());
        phase_ = Phase::Draining;
        for (OutputReader* reader : {&stdout_, &stderr_}) {
            if (!reader->pipe.is_open()) continue;
            if (reader->reading) {
                // Its handler delivers what was read, then drains (see onRead).
                reader->pipe.cancel();
            } else {
                drain(*reader);
            }
        }
        finishIfDrained();
    }

    void readMore(OutputReader& reader) {
        reader.reading = true;
        reader.pipe.async_read_some(boost::asio::buffer(reader.buffer),
                                    [self = shared_from_this(), &reader](const boost::system::error_code& ec,
                                                                         std::size_t n) { self->onRead(reader, ec, n); });
    }

    void onRead(OutputReader& reader, const boost::system::error_code& ec, std::size_t n) {
        reader.reading = false;
        if (abandoned_ || exec_ == Exec::Failed) return;
        if (n > 0) reader.splitter.feed(std::string_view(reader.buffer.data(), n));
        if (ec && ec != boost::asio::error::operation_aborted) {
            closeReader(reader);  // EOF, or an error that ends this stream either way
        } else if (phase_ == Phase::Draining) {
            drain(reader);
        } else {
            readMore(reader);
        }
        finishIfDrained();
    }

    // Reads what the pipe holds now, without waiting for an EOF that may never come.
    void drain(OutputReader& reader) {
        boost::system::error_code ec;
        reader.pipe.non_blocking(true, ec);
        std::size_t total = 0;
        while (!ec && total < kDrainLimit) {
            const std::size_t n = reader.pipe.read_some(boost::asio::buffer(reader.buffer), ec);
            reader.splitter.feed(std::string_view(reader.buffer.data(), n));
            total += n;
        }
        closeReader(reader);
    }

    void closeReader(OutputReader& reader) {
        reader.splitter.finish();
        boost::system::error_code ignored;
        reader.pipe.close(ignored);
    }

    void finishIfDrained() {
        if (phase_ != Phase::Draining || stdout_.pipe.is_open() || stderr_.pipe.is_open()) return;
        phase_ = Phase::Done;
        if (ending_ == Ending::TimedOut) {
            exit_.kind = ScriptExit::Kind::TimedOut;
        } else if (ending_ == Ending::Stopped) {
            exit_.kind = ScriptExit::Kind::Stopped;
        } else {
            exit_.kind = exit_.signal != 0 ? ScriptExit::Kind::Signaled : ScriptExit::Kind::Exited;
        }
        exit_.pid = pid_;
        exit_.duration = std::chrono::duration_cast<std::chrono::milliseconds>(mainEnd_ - startTime_);
        deliverExit();
    }

    void deliverExit() {
        if (abandoned_ || !onExit_) return;
        // Moved out first: the handler may destroy the ScriptProcess, which must then find no
        // callback to clear; `this` stays alive through the handler's shared_ptr.
        auto onExit = std::move(onExit_);
        onExit_ = nullptr;
        onExit(exit_);
    }

    boost::asio::io_context& io_;
    std::chrono::milliseconds timeout_;
    std::chrono::milliseconds killGrace_;
    ScriptProcess::ExitHandler onExit_;

    pid_t pid_ = 0;  // also the process group id
    boost::asio::posix::stream_descriptor pidfd_;
    boost::asio::steady_timer timeoutTimer_;
    boost::asio::steady_timer graceTimer_;
    boost::asio::steady_timer pollTimer_;
    OutputReader stdout_;
    OutputReader stderr_;

    Phase phase_ = Phase::Starting;
    Ending ending_ = Ending::None;
    bool abandoned_ = false;
    bool mainReaped_ = false;
    bool waitingForMain_ = false;
    bool termSent_ = false;
    std::optional<SteadyClock::time_point> killSentAt_;
    SteadyClock::duration pollDelay_ = kFirstGroupPoll;
    std::set<pid_t> leftovers_;
    SteadyClock::time_point startTime_;
    SteadyClock::time_point mainEnd_;
    ScriptExit exit_;
    std::optional<ExecReport> execReport_;  // until the exec is confirmed or has failed
    // What the child runs on until its execve (spawnChild): kept until then or until it is
    // reaped; ~ScriptRun's body waits for the child before any member is destroyed.
    Exec exec_ = Exec::Pending;
    bool waitingForReport_ = false;
    bool mainExitSeen_ = false;  // the pidfd turned readable while the exec was still unconfirmed
    std::string spawnError_;
    std::shared_ptr<const void> childMemory_;
};

// The ScriptProcess handed to callers: ending it abandons the run.
class ScriptProcessHandle final : public ScriptProcess {
public:
    explicit ScriptProcessHandle(std::shared_ptr<ScriptRun> run) : run_(std::move(run)) {}
    ScriptProcessHandle(const ScriptProcessHandle&) = delete;
    ScriptProcessHandle& operator=(const ScriptProcessHandle&) = delete;
    ~ScriptProcessHandle() override { run_->abandon(); }

    pid_t pid() const override { return run_->pid(); }
    void stop() override { run_->stop(); }

private:
    std::shared_ptr<ScriptRun> run_;
};

}  // namespace

std::unique_ptr<ScriptProcess> ScriptProcess::start(boost::asio::io_context& io, const ScriptLaunch& launch,
                                                    OutputSink& output, ExitHandler onExit) {
    auto run = std::make_shared<ScriptRun>(io, launch, output, std::move(onExit));
    run->begin(launch);
    return std::make_unique<ScriptProcessHandle>(std::move(run));
}

}  // namespace chief::daemon
