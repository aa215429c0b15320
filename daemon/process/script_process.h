#pragma once
// ScriptProcess: one running script in its own process group, with its output captured line
// by line, a timeout that ends the whole group (SIGTERM, then SIGKILL after a grace period),
// and nothing left behind when it ends.

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "output_sink.h"

namespace chief::daemon {

// Everything needed to start one script. Nothing here is looked up at start time.
struct ScriptLaunch {
    std::vector<std::string> argv;         // argv[0] is the program to exec (interpreter or script path)
    std::string workingDir;                // absolute
    std::vector<std::string> environment;  // the complete environment, "NAME=value" each
    std::optional<uid_t> uid;              // switch to this user (chiefd must be root)
    std::optional<gid_t> gid;              // and this group
    std::string userName;                  // for initgroups() when uid is set
    std::chrono::milliseconds timeout{std::chrono::hours{1}};
    std::chrono::milliseconds killGrace{std::chrono::seconds{10}};
};

// How the script ended.
struct ScriptExit {
    enum class Kind {
        Exited,       // exited on its own: exitCode
        Signaled,     // a signal ended it that chiefd did not send: signal
        TimedOut,     // the timeout expired and chiefd ended the group: signal is what finally ended it
                      // (0, with exitCode set, if the script caught SIGTERM and exited)
        Stopped,      // stop() was called: signal is what finally ended it (likewise)
        SpawnFailed,  // never ran: error
    };
    Kind kind = Kind::Exited;
    int exitCode = -1;
    int signal = 0;
    std::string error;
    pid_t pid = 0;                          // also the process group id; 0 for SpawnFailed
    std::chrono::milliseconds duration{0};  // from start() to the main process's exit (steady clock)
    int leftoverProcesses = 0;  // processes still in the group after the script ended, which were killed
    // TimedOut / Stopped: the group outlived SIGTERM's grace and SIGKILL ended it (otherwise
    // SIGTERM was enough, whatever signal the main process itself died of).
    bool killedAfterGrace = false;
};

// A running script. Start with ScriptProcess::start; `onExit` runs exactly once on the
// io_context's thread, after the script and every process left in its group are gone and its
// output has been delivered. Destroying the object before then kills the group (SIGKILL).
// Everything happens on the io_context's one thread: call start() and stop() from it (or before
// it runs), and destroy every ScriptProcess before the io_context. A failed spawn is reported
// through onExit (SpawnFailed) too, never from inside start(). Processes that leave the group
// (setsid) are not followed; their copies of stdout/stderr do not delay onExit.
class ScriptProcess {
public:
    using ExitHandler = std::function<void(const ScriptExit&)>;

    static std::unique_ptr<ScriptProcess> start(boost::asio::io_context& io, const ScriptLaunch& launch,
                                                OutputSink& output, ExitHandler onExit);

    virtual ~ScriptProcess() = default;
    virtual pid_t pid() const = 0;
    // Ends the script's process group: SIGTERM now, SIGKILL after launch.killGrace.
    virtual void stop() = 0;
};

}  // namespace chief::daemon
