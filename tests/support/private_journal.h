#pragma once
// PrivateJournal: a systemd-journald of the test's own, for tests of what reads the journal
// (chiefctl logs). The test process moves into a mount namespace of its own and mounts a tmpfs
// over /run (and /var/log/journal when it exists), so journald's sockets and files there are the
// test's alone; every child the test starts afterwards (dbus-daemon, chiefd, chiefctl) logs to
// and reads that journal. Readiness is journald's READY=1, never a sleep; only the journald this
// object started is signalled, by its PID. Needs root (unshare, mount).

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "daemon_harness.h"

namespace chief::testing {

class PrivateJournal {
public:
    static constexpr const char* kJournald = "/lib/systemd/systemd-journald";

    // Why this machine cannot give a test its own journald ("" when it can).
    static std::string unavailableReason() {
        if (::geteuid() != 0) return "needs root for a mount namespace of its own";
        if (::access(kJournald, X_OK) != 0) return std::string(kJournald) + " is not installed";
        struct stat st {};
        if (::stat("/etc/machine-id", &st) != 0 || st.st_size == 0) return "/etc/machine-id is missing or empty";
        return {};
    }

    // Enters the namespace, mounts the tmpfs and starts journald; throws when any step fails.
    void start() {
        const TempDir& dir = dir_;
        if (::unshare(CLONE_NEWNS) != 0) throw std::runtime_error("unshare(CLONE_NEWNS) failed");
        // Nothing mounted here may reach the host's namespace.
        if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
            throw std::runtime_error("cannot make / private");
        if (::mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
            throw std::runtime_error("cannot mount a tmpfs on /run");
        mountedRun_ = true;
        struct stat st {};
        if (::stat("/var/log/journal", &st) == 0) {
            if (::mount("tmpfs", "/var/log/journal", "tmpfs", MS_NOSUID | MS_NODEV, "mode=2755") != 0)
                throw std::runtime_error("cannot mount a tmpfs on /var/log/journal");
            mountedPersistent_ = true;
        }
        notify_ = std::make_unique<NotifySocket>(dir / "journald-notify.sock");
        journald_ = std::make_unique<Child>(std::vector<std::string>{kJournald},
                                            std::vector<std::string>{"NOTIFY_SOCKET=" + notify_->path()},
                                            dir / "journald.out", dir / "journald.err");
        if (!notify_->waitFor("READY=1", std::chrono::seconds{20}))
            throw std::runtime_error("systemd-journald did not become ready: " + journald_->err());
    }

    ~PrivateJournal() {
        if (journald_) {
            journald_->signal(SIGTERM);
            journald_->wait(std::chrono::seconds{20});
            journald_.reset();
        }
        if (mountedPersistent_) ::umount2("/var/log/journal", MNT_DETACH);
        if (mountedRun_) ::umount2("/run", MNT_DETACH);
    }

    PrivateJournal() = default;
    PrivateJournal(const PrivateJournal&) = delete;
    PrivateJournal& operator=(const PrivateJournal&) = delete;

private:
    TempDir dir_;  // journald's notify socket and output
    std::unique_ptr<NotifySocket> notify_;
    std::unique_ptr<Child> journald_;
    bool mountedRun_ = false;
    bool mountedPersistent_ = false;
};

}  // namespace chief::testing
