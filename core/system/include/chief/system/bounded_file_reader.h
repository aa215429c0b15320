#pragma once
// BoundedFileReader: reading a file named by a user (a config, a history file, a spool) without
// trusting what the path turns out to be.
//
// The file is opened with O_NONBLOCK | O_CLOEXEC | O_NOCTTY, so a FIFO cannot block open() and a
// terminal cannot become the controlling one; anything but a regular file is refused after
// fstat(); at most `maxBytes` bytes are read whatever size the file reports (/proc files report
// 0, /dev/zero never ends); read errors (EIO from /proc/self/mem) are values, never exceptions.
//
// Error messages are predicates to put after the path, as in "PATH: is a FIFO, not a regular file":
//   "cannot open: <errno text>", "cannot read: <errno text>",
//   "is a directory, not a regular file", "is a FIFO, not a regular file",
//   "is a character device, not a regular file", "is a block device, not a regular file",
//   "is a socket, not a regular file", "is larger than 64 MiB" (maxBytes, in MiB, KiB or bytes).
// Safe to call from any thread (no strerror).

#include <cstddef>
#include <cstdint>
#include <string>

#include "chief/result.h"

namespace chief::system {

// A regular file's bytes and its permission bits as fstat() saw them on the descriptor read.
struct RegularFile {
    std::string contents;
    std::uint32_t mode = 0;  // st_mode & 07777
};

// The whole file, or an error when it is not a regular file, cannot be read, or holds more
// than `maxBytes` bytes.
Result<std::string> readRegularFile(const std::string& path, std::size_t maxBytes);

// The same, with the file's permission bits (for checks such as "readable by others").
Result<RegularFile> readRegularFileWithMode(const std::string& path, std::size_t maxBytes);

// At most the first `maxBytes` bytes (a "#!" line, a magic number); a longer file is not an
// error. The same refusals as readRegularFile otherwise.
Result<std::string> readRegularFilePrefix(const std::string& path, std::size_t maxBytes);

}  // namespace chief::system
