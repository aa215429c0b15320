#pragma once
// HostProbe: the loader's read-only view of the host (files, programs, accounts), faked in tests.

#include <cstddef>
#include <optional>
#include <string>

namespace chief {

// Answers the questions config validation asks about the host.
class HostProbe {
public:
    virtual ~HostProbe() = default;
    virtual bool isDirectory(const std::string& path) const = 0;
    virtual bool isRegularFile(const std::string& path) const = 0;
    virtual bool isExecutable(const std::string& path) const = 0;
    // Resolves a program name the way execvp would (PATH search); nullopt if not found.
    virtual std::optional<std::string> findProgram(const std::string& name) const = 0;
    // Whether a user / group name (or numeric id) exists in the host's account database.
    virtual bool userExists(const std::string& name) const = 0;
    virtual bool groupExists(const std::string& name) const = 0;
    // The first `maxBytes` bytes of the regular file at `path` (less if it is shorter), to read
    // a script's "#!" line; nullopt when it cannot be read. The checks that need it are skipped
    // then, which is also what this default does for probes that cannot look inside files.
    virtual std::optional<std::string> readFileStart(const std::string& path, std::size_t maxBytes) const {
        (void)path;
        (void)maxBytes;
        return std::nullopt;
    }
};

}  // namespace chief
