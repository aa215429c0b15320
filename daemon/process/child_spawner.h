#pragma once
// spawnChild: starts a script's main process in a new process group, as its user, in its working
// directory, stdin on /dev/null and stdout/stderr on two pipes, and returns at once, without
// waiting for the exec. Whether the exec happened is learned later, from an ExecReport.

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "chief/result.h"
#include "script_process.h"

namespace chief::daemon {

// The parent's end of a spawned child's report pipe (close-on-exec in the child): EOF with nothing
// read means the child exec'ed (or died before it could tell, e.g. of a signal); an 8-byte
// (step, errno) record means that step failed and the child has _exit()ed, or is about to.
class ExecReport {
public:
    enum class State {
        Pending,  // nothing to tell yet: wait for the pipe to turn readable (pipe()) and poll again
        Execed,
        Failed,   // failure() says which step, and why
    };

    // The parts of the launch the failure texts name; the launch itself is not kept.
    struct Names {
        std::string program;
        std::string workingDir;
        std::string userName;
        std::optional<uid_t> uid;
        std::optional<gid_t> gid;
    };

    ExecReport(boost::asio::io_context& io, Names names) : pipe_(io), names_(std::move(names)) {}

    // Reads what the pipe holds now, without blocking. Once not Pending, the answer never changes.
    State poll();
    // The precise error of a Failed spawn, e.g. `cannot execute "/x": No such file or directory (ENOENT)`.
    const std::string& failure() const { return failure_; }
    // For async_wait(wait_read); close it (or let it go) once the answer is known.
    boost::asio::posix::stream_descriptor& pipe() { return pipe_; }

private:
    boost::asio::posix::stream_descriptor pipe_;
    Names names_;
    State state_ = State::Pending;
    unsigned char record_[8] = {};
    std::size_t got_ = 0;
    std::string failure_;
};

// A started child. It is not reaped: the caller owns `pid` (also its process group id, already in
// place when spawnChild returns) and must wait for it, and must not take its exit for the script's
// before `execReport` has said Execed: a child that failed a step exits too (with systemd's status
// for that step), and then the report is the outcome.
struct SpawnedChild {
    pid_t pid = 0;
    boost::asio::posix::stream_descriptor stdoutPipe;  // read ends, registered with the io_context
    boost::asio::posix::stream_descriptor stderrPipe;
    ExecReport execReport;
    // The stack and data the child runs on until its execve: keep it until execReport has said
    // Execed or the child has been reaped, whichever comes first; then let it go.
    std::shared_ptr<const void> childMemory;
};

// Starts the child and returns without waiting for it. An Error only for what fails in chiefd
// itself (no program, uid without gid, pipes, the clone); a step that fails in the child (process
// group, groups, gid, uid, working directory, stdio, execve) is reported through execReport.
Result<SpawnedChild> spawnChild(boost::asio::io_context& io, const ScriptLaunch& launch);

}  // namespace chief::daemon
