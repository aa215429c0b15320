#include "state/paused_jobs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "chief/system/bounded_file_reader.h"

namespace chief::daemon {

namespace {

// 10,000 names of 1,000 bytes: more than any config can name (the loader bounds job names).
constexpr std::size_t kMaxFileBytes = 10 * 1024 * 1024;

std::string errnoText(int error) {
    char buffer[128];
    return ::strerror_r(error, buffer, sizeof buffer);
}

}  // namespace

std::string PausedJobs::pathIn(const std::string& stateDirectory) {
    return (std::filesystem::path(stateDirectory) / "paused-jobs").string();
}

Result<PausedJobs> PausedJobs::load(const std::string& path) {
    PausedJobs paused;
    if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) return paused;
    auto text = system::readRegularFile(path, kMaxFileBytes);
    if (!text) return makeError(path + ": " + text.error());
    std::istringstream lines(text.value());
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) paused.names_.insert(line);
    return paused;
}

Result<bool> PausedJobs::pause(const std::string& path, const std::string& name) {
    if (contains(name)) return false;
    auto names = names_;
    names.insert(name);
    return write(path, std::move(names));
}

Result<bool> PausedJobs::resume(const std::string& path, const std::string& name) {
    if (!contains(name)) return false;
    auto names = names_;
    names.erase(name);
    return write(path, std::move(names));
}

Result<bool> PausedJobs::write(const std::string& path, std::set<std::string, std::less<>> names) {
    std::string text;
    for (const std::string& name : names) text += name + "\n";
    const std::string temporary = path + ".new";
    ::unlink(temporary.c_str());  // a leftover of a crash; O_EXCL below refuses anything planted
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (fd < 0) return makeError("cannot create " + temporary + ": " + errnoText(errno));
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int error = errno;
            ::close(fd);
            ::unlink(temporary.c_str());
            return makeError("cannot write " + temporary + ": " + errnoText(error));
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(temporary.c_str());
        return makeError("cannot write " + temporary + ": " + errnoText(errno));
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temporary.c_str());
        return makeError("cannot rename " + temporary + ": " + errnoText(error));
    }
    names_ = std::move(names);
    return true;
}

}  // namespace chief::daemon
