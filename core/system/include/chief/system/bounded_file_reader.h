#pragma once
// Reading a whole file safely: regular files only, a byte bound, errors naming the file.

#include <cstddef>
#include <string>

#include "chief/result.h"

namespace chief::system {

// Reads `path` if it is a regular file of at most `maxBytes` bytes. A FIFO, device, directory
// or /proc file that never ends is refused without blocking or reading it all.
Result<std::string> readRegularFile(const std::string& path, std::size_t maxBytes);

}  // namespace chief::system
