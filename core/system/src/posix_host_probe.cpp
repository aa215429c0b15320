#include "chief/system/posix_host_probe.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "chief/system/bounded_file_reader.h"

namespace chief::system {

PosixHostProbe::PosixHostProbe(std::string searchPath) : searchPath_(std::move(searchPath)) {}

bool PosixHostProbe::isDirectory(const std::string& path) const {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool PosixHostProbe::isRegularFile(const std::string& path) const {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool PosixHostProbe::isExecutable(const std::string& path) const {
    return isRegularFile(path) && ::access(path.c_str(), X_OK) == 0;
}

std::optional<std::string> PosixHostProbe::findProgram(const std::string& name) const {
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

namespace {
bool isNumber(const std::string& text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}
}  // namespace

bool PosixHostProbe::userExists(const std::string& name) const {
    if (isNumber(name)) return true;  // a numeric uid needs no entry to be usable
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* found = nullptr;
    return ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr;
}

bool PosixHostProbe::groupExists(const std::string& name) const {
    if (isNumber(name)) return true;
    std::vector<char> buffer(16384);
    group entry{};
    group* found = nullptr;
    return ::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr;
}

std::optional<std::string> PosixHostProbe::readFileStart(const std::string& path, std::size_t maxBytes) const {
    auto start = readRegularFilePrefix(path, maxBytes);
    if (!start) return std::nullopt;
    return std::move(start.value());
}

}  // namespace chief::system
