#include "state/state_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <system_error>

namespace chief::daemon {

namespace {

std::string errnoText(int error) { return std::system_category().message(error); }

std::string octal(unsigned mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", mode & 07777);
    return text;
}

// Creates the missing directories of `path`, each with `mode` exactly (umask notwithstanding).
std::optional<std::string> createDirectories(const std::filesystem::path& path, unsigned mode) {
    std::filesystem::path partial;
    for (const auto& part : path) {
        partial /= part;
        if (::mkdir(partial.c_str(), mode) == 0) {
            ::chmod(partial.c_str(), mode);  // mkdir applied the umask
        } else if (errno != EEXIST) {
            return "cannot create " + partial.string() + ": " + errnoText(errno);
        }
    }
    return std::nullopt;
}

}  // namespace

Result<std::string> prepareStateDirectory(const std::string& path) {
    if (path.empty()) return makeError("no state directory given");
    const std::filesystem::path dir = std::filesystem::path(path).lexically_normal();
    if (auto error = createDirectories(dir, kStateDirectoryMode)) return makeError(*error);
    struct stat st{};
    if (::lstat(dir.c_str(), &st) != 0) return makeError("cannot inspect " + dir.string() + ": " + errnoText(errno));
    if (S_ISLNK(st.st_mode))
        return makeError("state directory " + dir.string() + " is a symbolic link; give chiefd the real directory");
    if (!S_ISDIR(st.st_mode)) return makeError("state directory " + dir.string() + " is not a directory");
    if (st.st_uid != ::geteuid() && st.st_uid != 0)
        return makeError("state directory " + dir.string() + " belongs to uid " + std::to_string(st.st_uid) +
                         ", not to chiefd's user (uid " + std::to_string(::geteuid()) +
                         "), who could replace chiefd's files there; chown it or use another --state-dir");
    if (st.st_mode & S_IWOTH)
        return makeError("state directory " + dir.string() + " is writable by every user (mode " + octal(st.st_mode) +
                         "), who could plant links or forge run history there; run: chmod o-w " + dir.string());
    return dir.string();
}

std::optional<SysMillis> takeCleanStopTime(const std::string& stateDirectory) {
    const std::string path = (std::filesystem::path(stateDirectory) / "stopped-at").string();
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return std::nullopt;
    char text[32] = {};
    const ssize_t n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    ::unlink(path.c_str());
    long long ms = 0;
    if (n <= 0 || std::sscanf(text, "%lld", &ms) != 1 || ms <= 0) return std::nullopt;
    return SysMillis{std::chrono::milliseconds{ms}};
}

void recordCleanStop(const std::string& stateDirectory, SysMillis when) {
    const std::string path = (std::filesystem::path(stateDirectory) / "stopped-at").string();
    ::unlink(path.c_str());  // a fresh file: never write through a planted link
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (fd < 0) return;
    const std::string text = std::to_string(when.time_since_epoch().count()) + "\n";
    [[maybe_unused]] const ssize_t n = ::write(fd, text.data(), text.size());
    ::fsync(fd);
    ::close(fd);
}

Result<InstanceLock> InstanceLock::acquire(const std::string& stateDirectory) {
    const std::string path = (std::filesystem::path(stateDirectory) / "chiefd.lock").string();
    auto lock = FileLock::acquire(path, FileLock::Wait::DontBlock);
    if (!lock) {
        if (lock.error().starts_with(kLockHeldElsewhere)) {
            std::string owner;
            if (const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC); fd >= 0) {
                char text[32] = {};
                const ssize_t n = ::read(fd, text, sizeof text - 1);
                ::close(fd);
                for (ssize_t i = 0; i < n && text[i] >= '0' && text[i] <= '9'; ++i) owner += text[i];
            }
            return makeError("another chiefd" + (owner.empty() ? std::string() : " (pid " + owner + ")") +
                             " is using the state directory " + stateDirectory +
                             "; two daemons on one state directory would run every job twice");
        }
        return makeError(lock.error());
    }
    // The pid is for humans (the message above); the flock is what excludes.
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(lock.value().fd(), 0) == 0) {
        [[maybe_unused]] const ssize_t n = ::pwrite(lock.value().fd(), pid.data(), pid.size(), 0);
    }
    return InstanceLock(std::move(lock).value());
}

}  // namespace chief::daemon
