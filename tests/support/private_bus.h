#pragma once
// PrivateBus: a private dbus-daemon for integration tests, so the real chiefd (and chiefctl)
// can be tested on a bus of their own: chiefd finds it through DBUS_SYSTEM_BUS_ADDRESS.
//
//   PrivateBus bus;
//   const std::string address = bus.start(dir.path());  // "unix:path=<dir>/bus.sock,guid=..."
//   Child chiefd({...}, {"DBUS_SYSTEM_BUS_ADDRESS=" + address, ...}, ...);
//   ...
//   bus.stop();  // or let the destructor do it
//
// The bus is a system-type bus with a permissive policy (any user may connect, own any name,
// send and receive anything) and EXTERNAL authentication, listening on <dir>/bus.sock; its
// stderr goes to <dir>/dbus-daemon.err. start() returns once dbus-daemon printed its address,
// i.e. once it accepts connections (readiness by signal, never a sleep). Only the dbus-daemon
// this object started is ever signalled, by its PID.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

extern char** environ;

namespace chief::testing {

class PrivateBus {
public:
    PrivateBus() = default;
    ~PrivateBus() { stop(); }
    PrivateBus(const PrivateBus&) = delete;
    PrivateBus& operator=(const PrivateBus&) = delete;

    // Whether dbus-daemon can be found on $PATH (tests WARN and skip without it).
    static bool available() {
        const char* path = std::getenv("PATH");
        std::string dirs = path ? path : "/usr/bin:/bin";
        for (std::size_t start = 0; start <= dirs.size();) {
            const std::size_t end = std::min(dirs.find(':', start), dirs.size());
            const std::string candidate = dirs.substr(start, end - start) + "/dbus-daemon";
            if (::access(candidate.c_str(), X_OK) == 0) return true;
            start = end + 1;
        }
        return false;
    }

    // Writes the bus config into `dir`, starts dbus-daemon and waits (at most 20 s) until it
    // prints its address, which it returns. Throws std::runtime_error when it cannot start.
    std::string start(const std::filesystem::path& dir) {
        if (pid_ > 0) throw std::runtime_error("PrivateBus already started");
        const std::string socket = (dir / "bus.sock").string();
        const std::string config = (dir / "bus.conf").string();
        std::ofstream(config) << "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                                 " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                                 "<busconfig>\n"
                                 "  <type>system</type>\n"
                                 "  <listen>unix:path="
                              << socket
                              << "</listen>\n"
                                 "  <auth>EXTERNAL</auth>\n"
                                 "  <policy context=\"default\">\n"
                                 "    <allow user=\"*\"/>\n"
                                 "    <allow own=\"*\"/>\n"
                                 "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                                 "    <allow receive_sender=\"*\"/>\n"
                                 "  </policy>\n"
                                 "</busconfig>\n";
        int out[2];
        if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        const std::string errPath = (dir / "dbus-daemon.err").string();
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_addopen(&actions, 2, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const std::string configArg = "--config-file=" + config;
        char* argv[] = {const_cast<char*>("dbus-daemon"), const_cast<char*>(configArg.c_str()),
                        const_cast<char*>("--nofork"), const_cast<char*>("--print-address=1"), nullptr};
        const int rc = ::posix_spawnp(&pid_, "dbus-daemon", &actions, nullptr, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(out[1]);
        if (rc != 0) {
            ::close(out[0]);
            pid_ = -1;
            throw std::runtime_error(std::string("cannot start dbus-daemon: ") + std::strerror(rc));
        }
        std::string printed;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
        while (printed.find('\n') == std::string::npos) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            pollfd p{out[0], POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
            char buf[512];
            const ssize_t n = ::read(out[0], buf, sizeof buf);
            if (n <= 0) break;  // it exited before printing
            printed.append(buf, static_cast<std::size_t>(n));
        }
        ::close(out[0]);
        if (printed.find('\n') == std::string::npos) {
            stop();
            throw std::runtime_error("dbus-daemon did not print its address; see " + errPath);
        }
        address_ = printed.substr(0, printed.find('\n'));
        return address_;
    }

    // Stops the dbus-daemon (SIGTERM, SIGKILL after 10 s) and reaps it. Idempotent.
    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        int status = 0;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        }
        pid_ = -1;
        address_.clear();
    }

    // The address start() returned; empty when not running.
    const std::string& address() const { return address_; }
    pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
    std::string address_;
};

}  // namespace chief::testing
