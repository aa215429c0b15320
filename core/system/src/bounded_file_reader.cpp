#include "chief/system/bounded_file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace chief::system {

namespace {
std::string errnoText(int error) { return std::system_category().message(error); }

const char* kindOf(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}
}  // namespace

Result<std::string> readRegularFile(const std::string& path, std::size_t maxBytes) {
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return makeError("cannot open: " + errnoText(errno));
    struct stat st{};
    if (::fstat(fd, &st) != 0) {
        const int error = errno;
        ::close(fd);
        return makeError("cannot inspect: " + errnoText(error));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return makeError(std::string("is ") + kindOf(st.st_mode) + ", not a regular file");
    }
    std::string text;
    if (st.st_size > 0) text.reserve(std::min<std::size_t>(static_cast<std::size_t>(st.st_size), maxBytes + 1));
    char buffer[65536];
    while (true) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int error = errno;
            ::close(fd);
            return makeError("cannot read: " + errnoText(error));
        }
        if (n == 0) break;
        // The bound counts bytes read, not st_size: /proc files report 0.
        if (text.size() + static_cast<std::size_t>(n) > maxBytes) {
            ::close(fd);
            return makeError("is larger than " + std::to_string(maxBytes >> 20) + " MiB");
        }
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return text;
}

}  // namespace chief::system
