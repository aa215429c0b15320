#include "state/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace chief::daemon {

namespace {
// Thread-safe, unlike strerror(): history is written on chiefd's writer thread.
std::string errnoText(int error) { return std::system_category().message(error); }
}  // namespace

Result<FileLock> FileLock::acquire(const std::string& path, Wait wait) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0640);
    if (fd < 0) return makeError("cannot open lock file " + path + ": " + errnoText(errno));
    const int operation = LOCK_EX | (wait == Wait::DontBlock ? LOCK_NB : 0);
    while (::flock(fd, operation) != 0) {
        if (errno == EINTR) continue;
        const int error = errno;
        ::close(fd);
        if (error == EWOULDBLOCK) return makeError(std::string(kLockHeldElsewhere) + ": " + path);
        return makeError("cannot lock " + path + ": " + errnoText(error));
    }
    return FileLock(fd, path);
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        path_ = std::move(other.path_);
        other.fd_ = -1;
    }
    return *this;
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace chief::daemon
