#pragma once
// FileLock: an exclusive flock(2) on a lock file, held while the object lives. Every process
// that writes a shared state file (run history, the telemetry spool) takes the file's lock
// around its read-modify-write, so chiefd and `chiefd --once` runs can share a state directory.

#include <string>

#include "chief/result.h"

namespace chief::daemon {

class FileLock {
public:
    enum class Wait { Block, DontBlock };

    // Opens (creating, mode 0640, never following a symlink) and locks `path`. With DontBlock, a
    // lock held elsewhere is an error that says so.
    static Result<FileLock> acquire(const std::string& path, Wait wait = Wait::Block);

    FileLock(FileLock&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) { other.fd_ = -1; }
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

    int fd() const { return fd_; }
    const std::string& path() const { return path_; }

private:
    FileLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
    int fd_ = -1;
    std::string path_;
};

// Whether acquire(DontBlock) failed because another process holds the lock (its message starts
// with this text).
inline constexpr const char* kLockHeldElsewhere = "held by another process";

}  // namespace chief::daemon
