#pragma once
// Helpers for tests that run real child processes: a temp dir for scripts, a recording
// OutputSink, and running an io_context until a condition holds or a safety deadline passes.

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "process/output_sink.h"

namespace chief::testing {

// A fresh directory under the system temp dir, removed with everything in it at scope exit.
class ScriptTempDir {
public:
    ScriptTempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "chief-test-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = std::filesystem::canonical(pattern).string();
    }
    ScriptTempDir(const ScriptTempDir&) = delete;
    ScriptTempDir& operator=(const ScriptTempDir&) = delete;
    ~ScriptTempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    const std::string& path() const { return path_; }

    // Writes `content` to `name` inside the directory with `mode`; returns the full path.
    std::string write(const std::string& name, const std::string& content, mode_t mode = 0755) const {
        const std::string file = path_ + "/" + name;
        std::ofstream(file, std::ios::binary | std::ios::trunc) << content;
        ::chmod(file.c_str(), mode);
        return file;
    }

private:
    std::string path_;
};

// One onLine call as the sink saw it.
struct CapturedLine {
    daemon::OutputStream stream;
    std::string text;
    bool continued;
};

// Keeps every line; `onLineHook`, if set, sees each one as it arrives.
class RecordingSink : public daemon::OutputSink {
public:
    void onLine(daemon::OutputStream stream, std::string_view line, bool continued) override {
        lines.push_back({stream, std::string(line), continued});
        if (onLineHook) onLineHook(lines.back());
    }

    std::vector<std::string> textOf(daemon::OutputStream stream) const {
        std::vector<std::string> out;
        for (const auto& l : lines) {
            if (l.stream == stream) out.push_back(l.text);
        }
        return out;
    }
    std::vector<std::string> out() const { return textOf(daemon::OutputStream::Stdout); }
    std::vector<std::string> err() const { return textOf(daemon::OutputStream::Stderr); }

    std::vector<CapturedLine> lines;
    std::function<void(const CapturedLine&)> onLineHook;
};

// Runs `io` until `done()` holds; false if `limit` passes first. A 5 ms tick keeps the loop
// turning so that conditions no handler reports (a process having vanished) are seen too.
inline bool runUntil(boost::asio::io_context& io, const std::function<bool()>& done,
                     std::chrono::steady_clock::duration limit = std::chrono::seconds(20)) {
    io.restart();  // an io_context that ran out of work before is stopped: run_one() would return at once
    bool expired = false;
    boost::asio::steady_timer deadline(io, limit);
    deadline.async_wait([&expired](const boost::system::error_code& ec) {
        if (!ec) expired = true;
    });
    boost::asio::steady_timer tick(io);
    std::function<void()> arm = [&tick, &arm] {
        tick.expires_after(std::chrono::milliseconds(5));
        tick.async_wait([&arm](const boost::system::error_code& ec) {
            if (!ec) arm();
        });
    };
    arm();
    while (!done() && !expired) io.run_one();
    deadline.cancel();
    tick.cancel();
    io.poll();  // the cancelled waits refer to this frame: let them finish here
    return !expired || done();
}

// Blocks until child `pid` has exited and returns its siginfo, leaving it unreaped (a zombie), so
// that whatever watches it finds its exit already there.
inline siginfo_t awaitExitWithoutReaping(pid_t pid) {
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR) {
    }
    return info;
}

// True once no process at all, zombies included, is left in process group `pgid`.
inline bool groupIsGone(pid_t pgid) { return ::kill(-pgid, 0) == -1 && errno == ESRCH; }

}  // namespace chief::testing
