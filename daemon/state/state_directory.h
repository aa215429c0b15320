#pragma once
// The state directory (run history, later the telemetry spool) and chiefd's claim on it.
// chiefd runs as root and writes there, so a directory another user can write to would let
// that user plant symlinks or forge history: such a directory is refused, not used.

#include <optional>
#include <string>

#include "chief/result.h"
#include "chief/run_event.h"
#include "state/file_lock.h"

namespace chief::daemon {

// Mode of the directories chiefd creates: the chief group may read history, nobody else.
inline constexpr unsigned kStateDirectoryMode = 0750;

// Creates `path` (and missing parents) with kStateDirectoryMode whatever the umask, then checks
// that it is a directory, not a symlink, owned by this process's user or root, and not writable
// by others. The error says what is wrong and how to fix it.
Result<std::string> prepareStateDirectory(const std::string& path);

// The exclusive claim a running chiefd holds on its state directory ("<dir>/chiefd.lock", with
// its pid written in it), so that two daemons never schedule the same jobs into one history.
// `chiefd --once` does not take it; it locks only the files it writes.
// chiefd's last clean stop ("<dir>/stopped-at"): written when it stops, read and removed when it
// starts, so a missing file means a first start or a crash. Used to count only the fire times
// that passed while chiefd was really not running.
std::optional<SysMillis> takeCleanStopTime(const std::string& stateDirectory);
void recordCleanStop(const std::string& stateDirectory, SysMillis when);

class InstanceLock {
public:
    // Fails, naming the other daemon's pid when it can, if another chiefd holds the lock.
    static Result<InstanceLock> acquire(const std::string& stateDirectory);

    const std::string& path() const { return lock_.path(); }

private:
    explicit InstanceLock(FileLock lock) : lock_(std::move(lock)) {}
    FileLock lock_;
};

}  // namespace chief::daemon
