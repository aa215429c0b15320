#pragma once
// Helpers for integration tests that start the real chiefd / chiefctl binaries: temp dirs,
// a private sd_notify socket (readiness is READY=1, never a sleep), child processes whose
// output goes to files, and bounded waits on conditions.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace chief::testing {

// A fresh directory under /tmp, removed with everything in it.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "chief-test-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
        ::chmod(path_.c_str(), 0755);  // scripts may run as another user
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

    // Writes a file; `executable` sets mode 0755.
    std::string write(const std::string& name, const std::string& content, bool executable = false) const {
        const auto file = path_ / name;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file) << content;
        ::chmod(file.c_str(), executable ? 0755 : 0644);
        return file.string();
    }

private:
    std::filesystem::path path_;
};

inline std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// How many times `needle` occurs in `text` (overlapping ones too): "said once" checks on logs.
inline std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
    return count;
}

// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
inline bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    return condition();
}

// A datagram socket playing systemd's NOTIFY_SOCKET: collects what the daemon sends.
class NotifySocket {
public:
    explicit NotifySocket(std::string path) : path_(std::move(path)) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            throw std::runtime_error("cannot bind notify socket " + path_);
    }
    ~NotifySocket() {
        ::close(fd_);
        ::unlink(path_.c_str());
    }
    const std::string& path() const { return path_; }
    const std::vector<std::string>& messages() const { return messages_; }

    // Waits until a message containing `needle` arrives; every message is kept.
    bool waitFor(const std::string& needle, std::chrono::milliseconds timeout) {
        for (std::size_t i = seen_; i < messages_.size(); ++i)
            if (messages_[i].find(needle) != std::string::npos) {
                seen_ = i + 1;
                return true;
            }
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (true) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char buf[4096];
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) continue;
            messages_.emplace_back(buf, static_cast<std::size_t>(n));
            if (messages_.back().find(needle) != std::string::npos) {
                seen_ = messages_.size();
                return true;
            }
        }
    }

private:
    std::string path_;
    int fd_ = -1;
    std::vector<std::string> messages_;
    std::size_t seen_ = 0;
};

// A child process started with posix_spawn, stdout and stderr into files. The destructor
// kills it (SIGKILL) if the test did not wait for it: only what the test started is ended.
class Child {
public:
    Child(const std::vector<std::string>& argv, const std::vector<std::string>& extraEnv, const std::string& outPath,
          const std::string& errPath)
        : outPath_(outPath), errPath_(errPath) {
        std::vector<std::string> env;
        for (char** e = environ; *e; ++e) {
            const std::string entry = *e;
            // The test's own systemd/journal context must not leak into the daemon under test.
            if (entry.starts_with("NOTIFY_SOCKET=") || entry.starts_with("JOURNAL_STREAM=") ||
                entry.starts_with("WATCHDOG_") || entry.starts_with("STATE_DIRECTORY="))
                continue;
            env.push_back(entry);
        }
        // extraEnv wins over the inherited value of the same name (getenv finds the first one).
        for (const std::string& extra : extraEnv) {
            const std::string name = extra.substr(0, extra.find('=') + 1);
            std::erase_if(env, [&name](const std::string& e) { return e.starts_with(name); });
            env.push_back(extra);
        }
        std::vector<char*> cargv, cenv;
        for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
        cargv.push_back(nullptr);
        for (const auto& e : env) cenv.push_back(const_cast<char*>(e.c_str()));
        cenv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, outPath_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&actions, 2, errPath_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int rc = posix_spawn(&pid_, cargv[0], &actions, nullptr, cargv.data(), cenv.data());
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error(std::string("posix_spawn failed: ") + std::strerror(rc));
    }
    ~Child() {
        if (!exited_) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return pid_; }
    void signal(int sig) const { ::kill(pid_, sig); }
    std::string out() const { return readFile(outPath_); }
    std::string err() const { return readFile(errPath_); }

    // The exit status (128+signal when killed), or nullopt if it is still running at the deadline.
    std::optional<int> wait(std::chrono::milliseconds timeout) {
        if (exited_) return status_;
        const bool done = waitUntil(
            [&] {
                int status = 0;
                if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
                exited_ = true;
                status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                return true;
            },
            timeout);
        if (!done) return std::nullopt;
        return status_;
    }

private:
    std::string outPath_, errPath_;
    pid_t pid_ = 0;
    bool exited_ = false;
    int status_ = -1;
};

inline bool processAlive(pid_t pid) {
    if (::kill(pid, 0) != 0) return false;
    // A zombie (waiting for a parent that is not us to reap it) is not running anymore.
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string content;
    std::getline(stat, content);
    const auto close = content.rfind(')');
    return close == std::string::npos || close + 2 >= content.size() || content[close + 2] != 'Z';
}

}  // namespace chief::testing
