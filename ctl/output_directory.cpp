#include "output_directory.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace chief::ctl {

namespace {

std::string errnoText(int error) { return std::strerror(error); }

std::string joinPath(const std::string& directory, const std::string& name) {
    return directory.ends_with('/') ? directory + name : directory + "/" + name;
}

// Closes the descriptor and removes the temporary file unless it was renamed into place.
class TemporaryFile {
public:
    explicit TemporaryFile(std::string pattern) : path_(std::move(pattern)) {
        fd_ = ::mkostemp(path_.data(), O_CLOEXEC);
    }
    ~TemporaryFile() {
        if (fd_ >= 0) ::close(fd_);
        if (fd_ != kNone && !renamed_) ::unlink(path_.c_str());
    }
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;

    bool opened() const { return fd_ >= 0; }
    int fd() const { return fd_; }
    const std::string& path() const { return path_; }
    // Closes the descriptor; the close's own error (NFS reports write errors there) is returned.
    int close() {
        const int r = ::close(fd_);
        fd_ = kClosed;
        return r;
    }
    void markRenamed() { renamed_ = true; }

private:
    static constexpr int kNone = -1;
    static constexpr int kClosed = -2;
    std::string path_;
    int fd_ = kNone;
    bool renamed_ = false;
};

}  // namespace

Result<bool> checkOutputDirectory(const std::string& directory) {
    struct stat st {};
    if (::stat(directory.c_str(), &st) != 0)
        return makeError("the output directory " + directory + " cannot be used: " + errnoText(errno) +
                         " (create it first)");
    if (!S_ISDIR(st.st_mode)) return makeError("the output " + directory + " is not a directory");
    return true;
}

std::vector<std::string> existingFiles(const std::string& directory, const std::vector<OutputFile>& files) {
    std::vector<std::string> found;
    for (const OutputFile& file : files) {
        struct stat st {};
        if (::lstat(joinPath(directory, file.name).c_str(), &st) == 0) found.push_back(file.name);
    }
    return found;
}

Result<std::string> writeOutputFile(const std::string& directory, const OutputFile& file, bool replace) {
    if (file.name.empty() || file.name.find('/') != std::string::npos || file.name == "." || file.name == "..")
        return makeError("refusing to write a file named '" + file.name + "'");
    const std::string target = joinPath(directory, file.name);
    TemporaryFile temporary(joinPath(directory, "." + file.name + ".XXXXXX"));
    if (!temporary.opened()) return makeError("cannot create a file in " + directory + ": " + errnoText(errno));
    // mkostemp creates 0600; unit files and manifests are read by others (systemd, kubectl users).
    if (::fchmod(temporary.fd(), 0644) != 0) return makeError("cannot set the mode of " + temporary.path() + ": " + errnoText(errno));
    const char* data = file.content.data();
    std::size_t left = file.content.size();
    while (left > 0) {
        const ssize_t n = ::write(temporary.fd(), data, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return makeError("cannot write " + temporary.path() + ": " + errnoText(errno));
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(temporary.fd()) != 0) return makeError("cannot write " + temporary.path() + ": " + errnoText(errno));
    if (temporary.close() != 0) return makeError("cannot write " + temporary.path() + ": " + errnoText(errno));
    const int r = replace ? ::rename(temporary.path().c_str(), target.c_str())
                          : ::renameat2(AT_FDCWD, temporary.path().c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE);
    if (r != 0) {
        if (errno == EEXIST) return makeError(target + " already exists (--force replaces it)");
        return makeError("cannot write " + target + ": " + errnoText(errno));
    }
    temporary.markRenamed();
    return target;
}

}  // namespace chief::ctl
