#include "child_spawner.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process/async_pipe.hpp>
#include <boost/process/child.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

// How Boost.Process 1.74 is used here, and why some of the launch is done in our own handler
// (ChildSetup) rather than with the stock initializers. Each point is a defect of 1.74's POSIX
// implementation (boost/process/detail/posix/*.hpp):
//  - start_dir's on_exec_setup ignores chdir()'s result, so a bad working directory silently
//    runs the script in chiefd's directory. We chdir ourselves and fail the spawn.
//  - executor::set_error() called in the forked child only writes to the error pipe; it does not
//    end the child, which goes on to the remaining handlers and execve(). A handler that fails
//    must _exit() itself, and the stock dup2 handlers cannot be trusted to stop the child, so a
//    reported error makes us SIGKILL whatever was forked.
//  - When execve() fails, or any handler reports an error, the executor returns an empty child
//    without waiting for the forked pid: one zombie per failed spawn. We keep the pid (the
//    on_error/on_success handlers see exec.pid) and reap it.
//  - The error pipe carries an errno and a message, but only the exception path exposes the
//    message, and that path loses the pid (above). Our own O_CLOEXEC report pipe carries
//    (step, errno) so the parent can say which step failed.
//  - exe_cmd_init builds argv with &arg.front(), undefined for an empty argument (and a hard
//    failure under _GLIBCXX_ASSERTIONS), and an empty exe switches to a PATH search using
//    chiefd's own PATH. We set exec.exe/cmd_line from our own argv array instead of bp::exe/args.
//  - async_pipe and the bp::null initializer open descriptors without O_CLOEXEC, so they, like
//    any other descriptor of chiefd, would leak into scripts. The child marks every descriptor
//    above 2 close-on-exec just before execve.
// Spawning itself (fork, the error-pipe handshake, the stdio dup2s) stays Boost.Process's.

namespace bp = boost::process;

namespace chief::daemon {

namespace {

// The step at which the child gave up before running the program.
enum class ChildStep : int { ProcessGroup = 1, Groups, Gid, Uid, WorkingDir, Exec };

// The child's exit status for a failed step: systemd's numbers for the same steps (EXIT_CHDIR,
// EXIT_EXEC, EXIT_GROUP, EXIT_USER, EXIT_SETSID), familiar to anyone reading `ps` or a core log.
int exitStatusFor(ChildStep step) {
    switch (step) {
        case ChildStep::ProcessGroup: return 220;
        case ChildStep::Groups:
        case ChildStep::Gid: return 216;
        case ChildStep::Uid: return 217;
        case ChildStep::WorkingDir: return 200;
        case ChildStep::Exec: return 203;
    }
    return 127;
}

// What the child writes to the report pipe before _exit(); 8 bytes, so one atomic write.
struct ChildReport {
    int step = 0;
    int error = 0;
};

// Everything the child uses, built in the parent: between fork() and execve() the child may only
// make async-signal-safe calls (chiefd may have threads), so no allocation and no NSS lookups.
struct ChildPlan {
    std::vector<std::string> argvStorage;
    std::vector<char*> argv;
    std::vector<std::string> envStorage;
    std::vector<char*> envp;
    std::string workingDir;
    std::optional<uid_t> uid;
    std::optional<gid_t> gid;
    std::vector<gid_t> groups;
    int reportFd = -1;
    pid_t forkedPid = -1;
};

std::vector<char*> pointersTo(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (auto& s : strings) pointers.push_back(s.data());
    pointers.push_back(nullptr);
    return pointers;
}

std::string describeErrno(int error) {
    std::string text = std::system_category().message(error);
    if (const char* name = ::strerrorname_np(error)) text += std::string(" (") + name + ")";
    return text;
}

// The supplementary groups initgroups() would set, resolved here because NSS is not
// async-signal-safe. Without a user name the only group is the primary one.
std::vector<gid_t> supplementaryGroups(const std::string& userName, gid_t gid) {
    if (userName.empty()) return {gid};
    std::vector<gid_t> groups(32);
    for (;;) {
        int count = static_cast<int>(groups.size());
        if (::getgrouplist(userName.c_str(), gid, groups.data(), &count) >= 0) {
            groups.resize(static_cast<std::size_t>(count));
            return groups;
        }
        // -1 with count set to the number needed.
        groups.resize(std::max(static_cast<std::size_t>(count), groups.size() * 2));
    }
}

[[noreturn]] void failInChild(int reportFd, ChildStep step, int error) {
    const ChildReport report{static_cast<int>(step), error};
    // If this write fails there is nothing more to do; the exit status still names the step.
    [[maybe_unused]] const ssize_t written = ::write(reportFd, &report, sizeof report);
    ::_exit(exitStatusFor(step));
}

// Ignored dispositions and the signal mask survive execve, and a daemon commonly ignores SIGPIPE
// or blocks signals; a script must start with the defaults, as it would from a shell.
void resetSignals() {
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction defaults {};
    defaults.sa_handler = SIG_DFL;
    ::sigemptyset(&defaults.sa_mask);
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &defaults, nullptr);  // EINVAL for glibc's own: fine
    }
}

void closeInheritedDescriptorsOnExec() {
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
        // Kernels before 5.11 lack the flag.
        rlimit limit{};
        const rlim_t max = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY
                               ? std::min<rlim_t>(limit.rlim_cur, 1 << 20)
                               : 1 << 16;
        for (int fd = 3; static_cast<rlim_t>(fd) < max; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    // dup2() onto 0-2 clears close-on-exec, except when source and target are the same descriptor.
    for (int fd = 0; fd <= 2; ++fd) ::fcntl(fd, F_SETFD, 0);
}

// Runs in the child after Boost.Process has set up stdin/stdout/stderr. The user is switched
// before chdir so the directory is entered with the script's own permissions.
void setUpChild(const ChildPlan& plan) {
    if (::setpgid(0, 0) != 0) failInChild(plan.reportFd, ChildStep::ProcessGroup, errno);
    resetSignals();
    if (plan.gid) {
        if (::setgroups(plan.groups.size(), plan.groups.data()) != 0)
            failInChild(plan.reportFd, ChildStep::Groups, errno);
        if (::setgid(*plan.gid) != 0) failInChild(plan.reportFd, ChildStep::Gid, errno);
    }
    if (plan.uid && ::setuid(*plan.uid) != 0) failInChild(plan.reportFd, ChildStep::Uid, errno);
    if (::chdir(plan.workingDir.c_str()) != 0) failInChild(plan.reportFd, ChildStep::WorkingDir, errno);
    closeInheritedDescriptorsOnExec();
}

// Boost.Process extension carrying the parts of the launch listed at the top of this file.
class ChildSetup : public bp::extend::handler {
public:
    explicit ChildSetup(ChildPlan& plan) : plan_(&plan) {}

    template <typename Executor>
    void on_setup(Executor& exec) const {
        exec.exe = plan_->argv.front();
        exec.cmd_line = plan_->argv.data();
        exec.env = plan_->envp.data();
    }
    template <typename Executor>
    void on_exec_setup(Executor&) const {
        setUpChild(*plan_);
    }
    template <typename Executor>
    void on_exec_error(Executor&, const std::error_code& error) const {
        failInChild(plan_->reportFd, ChildStep::Exec, error.value());
    }
    template <typename Executor>
    void on_success(Executor& exec) const {
        plan_->forkedPid = exec.pid;
    }
    template <typename Executor>
    void on_error(Executor& exec, const std::error_code&) const {
        plan_->forkedPid = exec.pid;
    }

private:
    ChildPlan* plan_;
};

// Owns one raw descriptor.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

void reapNow(pid_t pid) {
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
}

std::string describeFailure(const ChildReport& report, const ScriptLaunch& launch) {
    const std::string reason = describeErrno(report.error);
    switch (static_cast<ChildStep>(report.step)) {
        case ChildStep::ProcessGroup: return "cannot create a process group: " + reason;
        case ChildStep::Groups:
            return launch.userName.empty() ? "cannot set the supplementary groups: " + reason
                                           : "cannot set the supplementary groups of user \"" +
                                                 launch.userName + "\": " + reason;
        case ChildStep::Gid: return "cannot switch to group " + std::to_string(*launch.gid) + ": " + reason;
        case ChildStep::Uid: {
            std::string user = "cannot switch to user " + std::to_string(*launch.uid);
            if (!launch.userName.empty()) user += " (\"" + launch.userName + "\")";
            return user + ": " + reason;
        }
        case ChildStep::WorkingDir:
            return "cannot change to working directory \"" + launch.workingDir + "\": " + reason;
        case ChildStep::Exec: return "cannot execute \"" + launch.argv.front() + "\": " + reason;
    }
    return "the child failed before running the program (step " + std::to_string(report.step) + "): " + reason;
}

}  // namespace

Result<SpawnedChild> spawnChild(boost::asio::io_context& io, const ScriptLaunch& launch) {
    if (launch.argv.empty() || launch.argv.front().empty()) return makeError("no program to run: argv is empty");
    // Switching uid but keeping chiefd's group (root) would be a silent privilege leak.
    if (launch.uid && !launch.gid) return makeError("a user to run as (uid) needs a group (gid) too");

    ChildPlan plan;
    plan.argvStorage = launch.argv;
    plan.argv = pointersTo(plan.argvStorage);
    plan.envStorage = launch.environment;
    plan.envp = pointersTo(plan.envStorage);
    plan.workingDir = launch.workingDir;
    plan.uid = launch.uid;
    plan.gid = launch.gid;
    if (launch.gid) plan.groups = supplementaryGroups(launch.userName, *launch.gid);

    int reportFds[2];
    if (::pipe2(reportFds, O_CLOEXEC) != 0) return makeError("cannot create a pipe: " + describeErrno(errno));
    Fd reportRead(reportFds[0]);
    Fd reportWrite(reportFds[1]);
    plan.reportFd = reportWrite.get();

    std::optional<bp::async_pipe> out;
    std::optional<bp::async_pipe> err;
    try {
        out.emplace(io);
        err.emplace(io);
    } catch (const std::system_error& e) {  // async_pipe reports pipe(2) failures by throwing
        return makeError("cannot create the output pipes: " + describeErrno(e.code().value()));
    }

    std::error_code spawnError;
    bp::child child(bp::std_in < bp::null, bp::std_out > *out, bp::std_err > *err, spawnError, ChildSetup(plan));
    // We reap the pid ourselves; an attached bp::child would waitpid() or kill it when destroyed.
    child.detach();

    reportWrite.reset();  // so that the read sees EOF once the child has exec'ed
    ChildReport report;
    ssize_t got = 0;
    do {
        got = ::read(reportRead.get(), &report, sizeof report);
    } while (got < 0 && errno == EINTR);

    if (got == static_cast<ssize_t>(sizeof report) || spawnError) {
        if (plan.forkedPid > 0) {
            // The child has exited after its report, or, after an error Boost.Process's own
            // handlers reported, may be running on: make sure it is gone, then reap it.
            ::kill(plan.forkedPid, SIGKILL);
            reapNow(plan.forkedPid);
        }
        if (got == static_cast<ssize_t>(sizeof report)) return makeError(describeFailure(report, launch));
        return makeError("cannot start \"" + launch.argv.front() + "\": " + describeErrno(spawnError.value()));
    }

    SpawnedChild spawned{plan.forkedPid, std::move(*out).source(), std::move(*err).source()};
    // Our ends too must not leak into scripts spawned later from other threads.
    ::fcntl(spawned.stdoutPipe.native_handle(), F_SETFD, FD_CLOEXEC);
    ::fcntl(spawned.stderrPipe.native_handle(), F_SETFD, FD_CLOEXEC);
    return spawned;
}

}  // namespace chief::daemon
