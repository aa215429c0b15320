#include "chief/system/bounded_file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace chief::system {

namespace {

// strerror() may share a buffer between threads; the GNU strerror_r returns a pointer that is
// either a static string or `buffer`.
std::string errnoText(int error) {
    char buffer[256];
    return ::strerror_r(error, buffer, sizeof buffer);
}

std::string sizeText(std::size_t bytes) {
    constexpr std::size_t kKiB = 1024, kMiB = 1024 * 1024;
    if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
    if (bytes >= kKiB && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " KiB";
    return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

const char* kindOf(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

class Descriptor {
public:
    explicit Descriptor(int fd) : fd_(fd) {}
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

// Reads up to `limit` bytes (stopping early at end of file) into `out`.
Result<RegularFile> readOpen(const std::string& path, std::size_t limit, bool wholeFile, std::size_t maxBytes) {
    const Descriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
    if (fd.get() < 0) return makeError("cannot open: " + errnoText(errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return makeError("cannot read: " + errnoText(errno));
    if (!S_ISREG(st.st_mode)) {
        const std::string kind = kindOf(st.st_mode);
        return makeError(kind == "not a regular file" ? "is not a regular file" : "is " + kind + ", not a regular file");
    }
    // O_NONBLOCK was only for open(); reads of a regular file should wait like any other.
    if (const int flags = ::fcntl(fd.get(), F_GETFL); flags >= 0) ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
    const auto reported = static_cast<std::uintmax_t>(std::max<off_t>(st.st_size, 0));
    if (wholeFile && reported > maxBytes) return makeError("is larger than " + sizeText(maxBytes));
    RegularFile file;
    file.mode = static_cast<std::uint32_t>(st.st_mode & 07777);
    // One allocation of the reported size (plus the byte that detects growth): a stream buffer
    // and a copy would double a 10,000-job config's peak memory for nothing.
    std::string& text = file.contents;
    text.reserve(static_cast<std::size_t>(std::min<std::uintmax_t>(reported, limit)) + 1);
    constexpr std::size_t kChunk = 64 * 1024;
    std::size_t used = 0;
    while (used < limit) {
        const std::size_t want = std::min(kChunk, limit - used);
        text.resize(used + want);
        const ssize_t got = ::read(fd.get(), text.data() + used, want);
        if (got < 0) {
            if (errno == EINTR) continue;
            return makeError("cannot read: " + errnoText(errno));
        }
        if (got == 0) break;
        used += static_cast<std::size_t>(got);
    }
    text.resize(used);
    return file;
}

}  // namespace

Result<RegularFile> readRegularFileWithMode(const std::string& path, std::size_t maxBytes) {
    // One byte past the limit tells "exactly maxBytes" from "more", whatever st_size said.
    const std::size_t limit = maxBytes == static_cast<std::size_t>(-1) ? maxBytes : maxBytes + 1;
    auto file = readOpen(path, limit, /*wholeFile=*/true, maxBytes);
    if (file && file.value().contents.size() > maxBytes) return makeError("is larger than " + sizeText(maxBytes));
    return file;
}

Result<std::string> readRegularFile(const std::string& path, std::size_t maxBytes) {
    auto file = readRegularFileWithMode(path, maxBytes);
    if (!file) return makeError(file.error());
    return std::move(file.value().contents);
}

Result<std::string> readRegularFilePrefix(const std::string& path, std::size_t maxBytes) {
    auto file = readOpen(path, maxBytes, /*wholeFile=*/false, maxBytes);
    if (!file) return makeError(file.error());
    return std::move(file.value().contents);
}

}  // namespace chief::system
