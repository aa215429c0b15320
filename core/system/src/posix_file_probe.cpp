#include "chief/system/posix_file_probe.h"

#include <sys/stat.h>
#include <unistd.h>

namespace chief::system {

PosixFileProbe::PosixFileProbe(std::string searchPath) : searchPath_(std::move(searchPath)) {}

bool PosixFileProbe::isDirectory(const std::string& path) const {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool PosixFileProbe::isRegularFile(const std::string& path) const {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool PosixFileProbe::isExecutable(const std::string& path) const {
    return isRegularFile(path) && ::access(path.c_str(), X_OK) == 0;
}

std::optional<std::string> PosixFileProbe::findProgram(const std::string& name) const {
    if (name.find('/') != std::string::npos) return isExecutable(name) ? std::optional<std::string>(name) : std::nullopt;
    std::size_t start = 0;
    while (start <= searchPath_.size()) {
        const std::size_t colon = searchPath_.find(':', start);
        const std::string dir = searchPath_.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        // An empty PATH entry means the current directory, as execvp reads it.
        const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
        if (isExecutable(candidate)) return candidate;
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    return std::nullopt;
}

}  // namespace chief::system
