#include "child_spawner.h"

#include "chief/display_text.h"
#include "chief/shebang.h"
#include "chief/system/bounded_file_reader.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

// Spawning is our own code: a clone(CLONE_VM) child and the steps up to execve() below, the exec
// learned from a report pipe. Boost.Process 1.74 was used here until its executor's one remaining
// defect could not be worked around: it waits inside the parent until the child has exec'ed (a
// blocking read of its error pipe), so every spawn held chiefd's one event-loop thread for the
// whole fork-to-exec, ~0.7 ms, and 200 scripts due at once started up to 170 ms late.
// (bp::posix::use_vfork, which would at least have shortened that wait, does not link in 1.74
// with an error_code argument.) The defects of 1.74's POSIX implementation
// (boost/process/detail/posix/*.hpp) that had been worked around, kept as the record of why each
// step below is done the way it is:
//  - start_dir's on_exec_setup ignores chdir()'s result, so a bad working directory silently
//    runs the script in chiefd's directory. We chdir ourselves and fail the spawn.
//  - executor::set_error() called in the forked child only writes to the error pipe; it does not
//    end the child, which goes on to the remaining handlers and execve(). A step that fails here
//    exits at once.
//  - When execve() fails, or any handler reports an error, the executor returns an empty child
//    without waiting for the forked pid: one zombie per failed spawn. We keep the pid and the
//    caller reaps it, failed or not.
//  - The error pipe carries an errno and a message, but only the exception path exposes the
//    message, and that path loses the pid (above). Our O_CLOEXEC report pipe carries
//    (step, errno) so the parent can say which step failed.
//  - exe_cmd_init builds argv with &arg.front(), undefined for an empty argument (and a hard
//    failure under _GLIBCXX_ASSERTIONS), and an empty exe switches to a PATH search using
//    chiefd's own PATH. We exec our own argv array, argv[0] as the path.
//  - async_pipe and the bp::null initializer open descriptors without O_CLOEXEC, so they, like
//    any other descriptor of chiefd, would leak into scripts. Our pipes are O_CLOEXEC, and the
//    child marks every descriptor above 2 close-on-exec just before execve.
//  - (the one that ended its use) the executor reads its error pipe until the child has exec'ed,
//    inside the parent. spawnChild returns as soon as the child exists; the caller learns of the
//    exec from ExecReport, on the io_context.
// Why clone(CLONE_VM) without CLONE_VFORK, and not fork(), vfork() or posix_spawn():
//  - fork() copies chiefd's page tables and write-protects its memory, and chiefd then takes a
//    copy-on-write fault for every page it writes while children are on their way to exec.
//    Measured on 2 cores: ~0.5 ms of chiefd's time per spawn (three quarters of it the fork and
//    its faults), enough to start the 10th of 10 simultaneous scripts ~8-10 ms late, even without
//    waiting for the exec. A CLONE_VM child shares chiefd's memory: ~0.07 ms per spawn.
//  - vfork() (CLONE_VM|CLONE_VFORK, as posix_spawn uses) suspends chiefd until the exec, the wait
//    being removed; posix_spawn also has no setgroups/setuid/chdir-after-setuid.
//  - What makes vfork-style children unsafe is glibc, not the kernel: its wrappers write errno in
//    the thread-local storage the child shares with chiefd's thread, its set*id() functions
//    signal every thread of the process, its lazy PLT binding writes the GOT. So the child calls
//    no library function at all: raw system calls only (rawSyscall), on its own stack, reading
//    only a plan built by the parent, with every signal blocked until it has reset the
//    dispositions; it is not instrumented by the sanitizers. Without CLONE_FILES, CLONE_SIGHAND
//    or CLONE_THREAD its descriptors, signal dispositions and credentials are its own, as after
//    fork(); the kernel gives it no rseq area and no clear-tid address in our memory. The memory
//    it runs on is freed only once it has exec'ed (EOF on the report pipe: execve closes
//    close-on-exec descriptors after it has switched to the new program's memory) or exited.
//  - On architectures where rawSyscall is not written out, and for every child that switches
//    user or group (see spawnChild), the child is forked instead.

namespace chief::daemon {

namespace {

// Child-side code must not be instrumented: sanitizer instrumentation keeps per-thread state in
// thread-local storage, which a CLONE_VM child would share with chiefd's thread (see spawnChild).
#define CHIEF_CHILD_CODE __attribute__((no_sanitize("address", "undefined"), noinline))

// The step at which the child gave up before running the program.
enum class ChildStep : int { ProcessGroup = 1, Groups, Gid, Uid, WorkingDir, Exec, Stdin, Stdout, Stderr };

// The child's exit status for a failed step: systemd's numbers for the same steps (EXIT_CHDIR,
// EXIT_EXEC, EXIT_STDIN, EXIT_STDOUT, EXIT_GROUP, EXIT_USER, EXIT_SETSID, EXIT_STDERR), familiar
// to anyone reading `ps` or a core log.
CHIEF_CHILD_CODE int exitStatusFor(ChildStep step) {
    switch (step) {
        case ChildStep::ProcessGroup: return 220;
        case ChildStep::Groups:
        case ChildStep::Gid: return 216;
        case ChildStep::Uid: return 217;
        case ChildStep::WorkingDir: return 200;
        case ChildStep::Exec: return 203;
        case ChildStep::Stdin: return 208;
        case ChildStep::Stdout: return 209;
        case ChildStep::Stderr: return 222;
    }
    return 127;
}

// What the child writes to the report pipe before _exit(); 8 bytes, so one atomic write.
struct ChildReport {
    int step = 0;
    int error = 0;
};
static_assert(sizeof(ChildReport) == 8);

// How the child makes system calls. With clone(CLONE_VM) (see spawnChild) it runs in chiefd's
// memory, on the thread-local storage of chiefd's thread, while that thread runs on: it must not
// go through glibc, whose wrappers write errno (chiefd's errno, at any moment) and whose
// set*id()s signal every thread glibc knows of. So: the system call instruction itself, the
// result as the kernel gives it (-errno on failure). Where that is not written out here, the child
// is forked instead, has memory of its own, and glibc's syscall() is safe.
#if defined(__x86_64__) || defined(__aarch64__)
constexpr bool kSharedMemoryChild = true;
#else
constexpr bool kSharedMemoryChild = false;
#endif

CHIEF_CHILD_CODE long rawSyscall(long number, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0) {
#if defined(__x86_64__)
    long result;
    register long r10 asm("r10") = a4;
    asm volatile("syscall"
                 : "=a"(result)
                 : "0"(number), "D"(a1), "S"(a2), "d"(a3), "r"(r10)
                 : "rcx", "r11", "memory");
    return result;
#elif defined(__aarch64__)
    register long x8 asm("x8") = number;
    register long x0 asm("x0") = a1;
    register long x1 asm("x1") = a2;
    register long x2 asm("x2") = a3;
    register long x3 asm("x3") = a4;
    asm volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
    return x0;
#else
    const long result = ::syscall(number, a1, a2, a3, a4);
    return result == -1 ? -errno : result;
#endif
}

// The kernel's struct sigaction (not glibc's), as rt_sigaction takes it.
struct KernelSigaction {
    void (*handler)(int) = SIG_DFL;
    unsigned long flags = 0;
    void (*restorer)() = nullptr;
    std::uint64_t mask = 0;
};

// Everything the child uses, built in the parent: between the clone and execve() the child reads
// only this, makes only raw system calls, and allocates nothing.
struct ChildPlan {
    char* const* argv = nullptr;
    char* const* envp = nullptr;
    const char* workingDir = nullptr;
    bool switchIdentity = false;
    uid_t uid = 0;  // when uid is not set, the current one: setuid() to it is a no-op, but skipped
    bool switchUser = false;
    gid_t gid = 0;
    const gid_t* groups = nullptr;
    std::size_t groupCount = 0;
    int stdoutFd = -1;  // write ends, all above 2 so that no dup3() onto 0-2 can overwrite them
    int stderrFd = -1;
    int reportFd = -1;
    long fdLimit = 0;  // for marking descriptors close-on-exec one by one, before Linux 5.11
    KernelSigaction defaultAction;
    std::uint64_t emptyMask = 0;
};

// What a child started with clone(CLONE_VM) runs on until it has exec'ed or exited: its stack and
// all it reads. Freed only then (the caller keeps it: SpawnedChild::childMemory).
class ChildMemory {
public:
    ChildMemory(const ScriptLaunch& launch, std::vector<gid_t> groups)
        : argvStorage_(launch.argv),
          envStorage_(launch.environment),
          workingDir_(launch.workingDir),
          groups_(std::move(groups)),
          argv_(pointersTo(argvStorage_)),
          envp_(pointersTo(envStorage_)) {}
    ChildMemory(const ChildMemory&) = delete;
    ChildMemory& operator=(const ChildMemory&) = delete;
    ~ChildMemory() {
        if (stack_ != nullptr) ::munmap(stack_, kStackSize);
    }

    // A stack with a guard page below it; false with errno set on failure.
    bool allocateStack() {
        void* stack = ::mmap(nullptr, kStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
        if (stack == MAP_FAILED) return false;
        stack_ = stack;
        return ::mprotect(stack_, static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)), PROT_NONE) == 0;
    }
    void* stackTop() const { return static_cast<char*>(stack_) + kStackSize; }

    ChildPlan plan;
    const std::vector<gid_t>& groups() const { return groups_; }
    const char* workingDir() const { return workingDir_.c_str(); }
    char* const* argv() const { return argv_.data(); }
    char* const* envp() const { return envp_.data(); }

private:
    static constexpr std::size_t kStackSize = 64 * 1024;  // the child needs a few hundred bytes

    static std::vector<char*> pointersTo(std::vector<std::string>& strings) {
        std::vector<char*> pointers;
        pointers.reserve(strings.size() + 1);
        for (auto& s : strings) pointers.push_back(s.data());
        pointers.push_back(nullptr);
        return pointers;
    }

    std::vector<std::string> argvStorage_;
    std::vector<std::string> envStorage_;
    std::string workingDir_;
    std::vector<gid_t> groups_;
    std::vector<char*> argv_;
    std::vector<char*> envp_;
    void* stack_ = nullptr;
};

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

[[noreturn]] CHIEF_CHILD_CODE void failInChild(const ChildPlan& plan, ChildStep step, long result) {
    const ChildReport report{static_cast<int>(step), static_cast<int>(-result)};
    // If this write fails there is nothing more to do; the exit status still names the step.
    rawSyscall(SYS_write, plan.reportFd, reinterpret_cast<long>(&report), sizeof report);
    for (;;) rawSyscall(SYS_exit_group, exitStatusFor(step));
}

// The child, from the clone to execve(), in this order:
//  - its own process group (the parent sets it too, so that it is there when spawnChild returns);
//  - default signal dispositions, then an empty mask. Ignored dispositions and the mask survive
//    execve, and a daemon commonly ignores SIGPIPE or blocks signals; a script must start with the
//    defaults, as from a shell. The child starts with every signal blocked (see spawnChild), so
//    chiefd's handlers never run in it: whatever arrived meanwhile (a stop() right after start())
//    is delivered only now, with the default action;
//  - supplementary groups (listed by the parent), gid, uid; then chdir, so that the directory is
//    entered with the script's own permissions;
//  - stdin on /dev/null, stdout/stderr on the pipes, every other descriptor close-on-exec;
//  - execve with the argv/envp arrays built by the parent.
// A failed step writes (step, errno) to the report pipe and exits with systemd's status for it.
CHIEF_CHILD_CODE int runChild(void* argument) {
    const ChildPlan& plan = *static_cast<const ChildPlan*>(argument);
    long result = rawSyscall(SYS_setpgid, 0, 0);
    if (result < 0) failInChild(plan, ChildStep::ProcessGroup, result);
    for (int sig = 1; sig <= 64; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP)
            rawSyscall(SYS_rt_sigaction, sig, reinterpret_cast<long>(&plan.defaultAction), 0, sizeof plan.emptyMask);
    }
    rawSyscall(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&plan.emptyMask), 0, sizeof plan.emptyMask);
    if (plan.switchIdentity) {
        result = rawSyscall(SYS_setgroups, static_cast<long>(plan.groupCount), reinterpret_cast<long>(plan.groups));
        if (result < 0) failInChild(plan, ChildStep::Groups, result);
        result = rawSyscall(SYS_setgid, plan.gid);
        if (result < 0) failInChild(plan, ChildStep::Gid, result);
    }
    if (plan.switchUser) {
        result = rawSyscall(SYS_setuid, plan.uid);
        if (result < 0) failInChild(plan, ChildStep::Uid, result);
    }
    result = rawSyscall(SYS_chdir, reinterpret_cast<long>(plan.workingDir));
    if (result < 0) failInChild(plan, ChildStep::WorkingDir, result);
    const long devNull = rawSyscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/dev/null"), O_RDONLY);
    if (devNull < 0) failInChild(plan, ChildStep::Stdin, devNull);
    if (devNull != 0) {
        result = rawSyscall(SYS_dup3, devNull, 0, 0);
        if (result < 0) failInChild(plan, ChildStep::Stdin, result);
        rawSyscall(SYS_close, devNull);
    }
    result = rawSyscall(SYS_dup3, plan.stdoutFd, 1, 0);
    if (result < 0) failInChild(plan, ChildStep::Stdout, result);
    result = rawSyscall(SYS_dup3, plan.stderrFd, 2, 0);
    if (result < 0) failInChild(plan, ChildStep::Stderr, result);
    // 0-2 were set by dup3() from descriptors above 2, which leaves them open across execve.
    if (rawSyscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {  // Linux before 5.11 lacks the flag
        for (long fd = 3; fd < plan.fdLimit; ++fd) rawSyscall(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC);
    }
    result = rawSyscall(SYS_execve, reinterpret_cast<long>(plan.argv[0]), reinterpret_cast<long>(plan.argv),
                        reinterpret_cast<long>(plan.envp));
    failInChild(plan, ChildStep::Exec, result);
}

#undef CHIEF_CHILD_CODE

// Owns one raw descriptor.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_;
};

// Creates a pipe, both ends close-on-exec (plus `flags`), the write end above 2 (a chiefd started
// with 0-2 closed gets them back from pipe2()). False with errno set on failure.
bool makePipe(Fd& readEnd, Fd& writeEnd, int flags = 0) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | flags) != 0) return false;
    readEnd.reset(fds[0]);
    writeEnd.reset(fds[1]);
    if (writeEnd.get() <= 2) {
        const int moved = ::fcntl(writeEnd.get(), F_DUPFD_CLOEXEC, 3);
        if (moved < 0) return false;
        writeEnd.reset(moved);
    }
    return true;
}

// Registers `fd` with the io_context; closes it and returns false on failure.
bool adopt(boost::asio::posix::stream_descriptor& descriptor, Fd& fd, boost::system::error_code& error) {
    descriptor.assign(fd.get(), error);
    if (error) return false;
    fd.release();
    return true;
}

// execve() says ENOENT both when the program is missing and when its "#!" interpreter is: name
// the interpreter in the second case, or the operator looks for a script that is right there.
// Only on the failure path, so the small read of the script does not cost a successful spawn.
std::string describeExecFailure(const std::string& program, int error, const std::string& reason) {
    const std::string base = "cannot execute \"" + program + "\": ";
    if ((error != ENOENT && error != EACCES) || ::access(program.c_str(), F_OK) != 0) return base + reason;
    const auto start = system::readRegularFilePrefix(program, kShebangBytes);
    if (!start) return base + reason;
    const auto shebang = parseShebang(start.value());
    if (!shebang || shebang->interpreter.empty()) return base + reason;
    const std::string& interpreter = shebang->interpreter;
    if (::access(interpreter.c_str(), F_OK) != 0)
        return base + "its interpreter \"" + escapeForDisplay(interpreter) + "\" (from \"" +
               escapeForDisplay(shebang->line) + "\") does not exist";
    if (::access(interpreter.c_str(), X_OK) != 0)
        return base + "its interpreter \"" + escapeForDisplay(interpreter) + "\" (from \"" +
               escapeForDisplay(shebang->line) + "\") is not executable";
    return base + reason;
}

std::string describeFailure(const ChildReport& report, const ExecReport::Names& launch) {
    const std::string reason = describeErrno(report.error);
    switch (static_cast<ChildStep>(report.step)) {
        case ChildStep::ProcessGroup: return "cannot create a process group: " + reason;
        case ChildStep::Groups:
            return launch.userName.empty() ? "cannot set the supplementary groups: " + reason
                                           : "cannot set the supplementary groups of user \"" +
                                                 launch.userName + "\": " + reason;
        case ChildStep::Gid: return "cannot switch to group " + std::to_string(launch.gid.value_or(0)) + ": " + reason;
        case ChildStep::Uid: {
            std::string user = "cannot switch to user " + std::to_string(launch.uid.value_or(0));
            if (!launch.userName.empty()) user += " (\"" + launch.userName + "\")";
            return user + ": " + reason;
        }
        case ChildStep::WorkingDir:
            return "cannot change to working directory \"" + launch.workingDir + "\": " + reason;
        case ChildStep::Exec: return describeExecFailure(launch.program, report.error, reason);
        case ChildStep::Stdin: return "cannot connect stdin to /dev/null: " + reason;
        case ChildStep::Stdout: return "cannot connect stdout to its pipe: " + reason;
        case ChildStep::Stderr: return "cannot connect stderr to its pipe: " + reason;
    }
    return "the child failed before running the program (step " + std::to_string(report.step) + "): " + reason;
}

}  // namespace

ExecReport::State ExecReport::poll() {
    while (state_ == State::Pending) {
        const ssize_t n = ::read(pipe_.native_handle(), record_ + got_, sizeof record_ - got_);
        if (n > 0) {
            got_ += static_cast<std::size_t>(n);
            if (got_ < sizeof record_) continue;
            ChildReport report;
            std::memcpy(&report, record_, sizeof report);
            failure_ = describeFailure(report, names_);
            state_ = State::Failed;
        } else if (n == 0) {
            // Exec'ed; or killed before it could tell (a record, one 8-byte write, is never split).
            if (got_ == 0) {
                state_ = State::Execed;
            } else {
                failure_ = "the child of \"" + names_.program + "\" sent an incomplete report";
                state_ = State::Failed;
            }
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            break;
        } else if (errno != EINTR) {
            failure_ = "cannot learn whether \"" + names_.program + "\" started: " + describeErrno(errno);
            state_ = State::Failed;
        }
    }
    return state_;
}

Result<SpawnedChild> spawnChild(boost::asio::io_context& io, const ScriptLaunch& launch) {
    if (launch.argv.empty() || launch.argv.front().empty()) return makeError("no program to run: argv is empty");
    // Switching uid but keeping chiefd's group (root) would be a silent privilege leak.
    if (launch.uid && !launch.gid) return makeError("a user to run as (uid) needs a group (gid) too");

    // A child that changes its uid or gid is forked, never run in chiefd's memory: the kernel
    // clears the "dumpable" flag of the memory of a process whose credentials change, which for
    // a CLONE_VM child is chiefd's own (chiefd would stop producing core dumps), and with
    // fs.suid_dumpable=1 the job's user could ptrace that child between its setuid() and its
    // execve() and so reach root chiefd's memory.
    const bool shareMemory = kSharedMemoryChild && !launch.uid && !launch.gid;
    auto memory = std::make_shared<ChildMemory>(
        launch, launch.gid ? supplementaryGroups(launch.userName, *launch.gid) : std::vector<gid_t>{});
    if (shareMemory && !memory->allocateStack())
        return makeError("cannot start \"" + launch.argv.front() + "\": no memory for its stack: " + describeErrno(errno));

    Fd outRead, outWrite, errRead, errWrite, reportRead, reportWrite;
    if (!makePipe(outRead, outWrite) || !makePipe(errRead, errWrite))
        return makeError("cannot create the output pipes: " + describeErrno(errno));
    if (!makePipe(reportRead, reportWrite, O_NONBLOCK)) return makeError("cannot create a pipe: " + describeErrno(errno));

    // Registered before the clone, so that nothing can fail once a child exists.
    SpawnedChild spawned{0, boost::asio::posix::stream_descriptor(io), boost::asio::posix::stream_descriptor(io),
                         ExecReport(io, {launch.argv.front(), launch.workingDir, launch.userName, launch.uid,
                                         launch.gid}),
                         nullptr};
    boost::system::error_code registerError;
    if (!adopt(spawned.stdoutPipe, outRead, registerError) || !adopt(spawned.stderrPipe, errRead, registerError) ||
        !adopt(spawned.execReport.pipe(), reportRead, registerError))
        return makeError("cannot watch the output pipes: " + registerError.message());

    rlimit files{};
    ChildPlan& plan = memory->plan;
    plan.argv = memory->argv();
    plan.envp = memory->envp();
    plan.workingDir = memory->workingDir();
    plan.switchIdentity = launch.gid.has_value();
    plan.gid = launch.gid.value_or(0);
    plan.switchUser = launch.uid.has_value();
    plan.uid = launch.uid.value_or(0);
    plan.groups = memory->groups().data();
    plan.groupCount = memory->groups().size();
    plan.stdoutFd = outWrite.get();
    plan.stderrFd = errWrite.get();
    plan.reportFd = reportWrite.get();
    plan.fdLimit = ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY
                       ? static_cast<long>(std::min<rlim_t>(files.rlim_cur, 1 << 20))
                       : 1 << 16;

    // Every signal blocked across the clone: until the child has reset the dispositions, a signal
    // sent to it (stop() right after start()) would otherwise run one of chiefd's handlers in it.
    sigset_t all;
    sigset_t previous;
    ::sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t pid = -1;
    if (shareMemory) {
        // No CLONE_VFORK: we go on at once, the child runs on its own stack in our memory until
        // its execve (or exit) lets go of it. Not CLONE_FILES/CLONE_SIGHAND/CLONE_THREAD: its
        // descriptors, dispositions and credentials are its own, as after fork().
        pid = ::clone(runChild, memory->stackTop(), CLONE_VM | SIGCHLD, &plan);
    } else {
        pid = ::fork();
        if (pid == 0) runChild(&plan);
    }
    const int cloneError = errno;
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (pid < 0) return makeError("cannot start \"" + launch.argv.front() + "\": " + describeErrno(cloneError));

    // The child does the same first thing; doing it here as well (the shells' job-control idiom)
    // means the group exists when we return, so that signalling it cannot miss a child that has
    // not been scheduled yet. EACCES once the child has exec'ed: it did it itself by then.
    ::setpgid(pid, pid);
    spawned.pid = pid;
    spawned.childMemory = std::move(memory);
    return spawned;  // the write ends close here: the report pipe sees EOF once the child exec'ed
}

}  // namespace chief::daemon
