#pragma once
// MonitorProcess: the real chief-monitord binary for a test, on an ephemeral port, with its
// store in a temp dir. Readiness is READY=1 on a private NOTIFY_SOCKET (its STATUS names the
// port), never a sleep; only this process is ended, by its PID.

#include <csignal>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "daemon_harness.h"
#include "http_client.h"

#ifndef CHIEF_MONITORD_PATH
#error "CHIEF_MONITORD_PATH must name the chief-monitord binary"
#endif

namespace chief::monitor::testing {

class MonitorProcess {
public:
    // `env` adds MONITOR_* variables (they win over the defaults set here); `yaml` is written
    // to a settings file passed with --config.
    explicit MonitorProcess(std::vector<std::string> env = {}, std::optional<std::string> yaml = {})
        : notify_(dir_ / "notify") {
        std::vector<std::string> argv{CHIEF_MONITORD_PATH, "--log-target", "console"};
        if (yaml) argv.insert(argv.end(), {"--config", dir_.write("monitor.yaml", *yaml)});
        // Child lets a later definition of a variable replace an earlier one: the test's come last.
        std::vector<std::string> environment{"NOTIFY_SOCKET=" + notify_.path(), "MONITOR_HOST=127.0.0.1",
                                             "MONITOR_PORT=0", "MONITOR_DB_PATH=" + (dir_ / "monitor.sqlite")};
        environment.insert(environment.end(), env.begin(), env.end());
        child_.emplace(argv, environment, dir_ / "stdout", dir_ / "stderr");
        if (!notify_.waitFor("READY=1", std::chrono::seconds{20}))
            throw std::runtime_error("chief-monitord did not become ready:\n" + child_->err());
        std::smatch match;
        const std::string status = notify_.messages().back();
        static const std::regex kListening(R"(Listening on (https?)://127\.0\.0\.1:(\d+))");
        if (!std::regex_search(status, match, kListening))
            throw std::runtime_error("no port in the READY status: " + status);
        tls_ = match[1] == "https";
        port_ = static_cast<unsigned short>(std::stoi(match[2]));
    }

    ~MonitorProcess() {
        if (child_) stop();  // if it does not stop, Child's destructor kills it
    }
    MonitorProcess(const MonitorProcess&) = delete;
    MonitorProcess& operator=(const MonitorProcess&) = delete;

    unsigned short port() const { return port_; }
    HttpEndpoint endpoint() const {
        HttpEndpoint endpoint;
        endpoint.port = port_;
        return endpoint;
    }
    pid_t pid() const { return child_->pid(); }
    bool tls() const { return tls_; }
    std::string log() const { return child_->err(); }
    const chief::testing::TempDir& dir() const { return dir_; }
    chief::testing::NotifySocket& notify() { return notify_; }

    // SIGTERM, then the exit status (nullopt: still running after 10 s). Once it has been
    // reaped its PID is never signalled again (it may belong to someone else by then).
    std::optional<int> stop() {
        if (exitStatus_) return exitStatus_;
        child_->signal(SIGTERM);
        exitStatus_ = child_->wait(std::chrono::seconds{10});
        return exitStatus_;
    }

    // The store's file (a later MonitorProcess can be pointed at it with MONITOR_DB_PATH).
    std::string dbPath() const { return dir_ / "monitor.sqlite"; }

private:
    chief::testing::TempDir dir_;
    chief::testing::NotifySocket notify_;
    std::optional<chief::testing::Child> child_;
    unsigned short port_ = 0;
    bool tls_ = false;
    std::optional<int> exitStatus_;
};

}  // namespace chief::monitor::testing
