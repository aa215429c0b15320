#pragma once
// spawnChild: starts a script's main process (Boost.Process) in a new process group, as its
// user, in its working directory, stdin on /dev/null and stdout/stderr on two pipes.

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "chief/result.h"
#include "script_process.h"

namespace chief::daemon {

// A child that has exec'ed its program. It is not reaped: the caller owns `pid` and must wait for it.
struct SpawnedChild {
    pid_t pid = 0;
    boost::asio::posix::stream_descriptor stdoutPipe;  // read ends, registered with the io_context
    boost::asio::posix::stream_descriptor stderrPipe;
};

// Returns only once the child has exec'ed or failed to. Every failure before the program runs
// (fork, process group, groups, gid, uid, working directory, execve) is an Error naming the step
// and the errno, e.g. `cannot execute "/x": No such file or directory (ENOENT)`; a child that
// failed is already reaped.
Result<SpawnedChild> spawnChild(boost::asio::io_context& io, const ScriptLaunch& launch);

}  // namespace chief::daemon
