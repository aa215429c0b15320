#pragma once
// FileProbe: the loader's read-only view of the file system, replaceable by a fake in tests.

#include <optional>
#include <string>

namespace chief {

// Answers the questions config validation asks about paths.
class FileProbe {
public:
    virtual ~FileProbe() = default;
    virtual bool isDirectory(const std::string& path) const = 0;
    virtual bool isRegularFile(const std::string& path) const = 0;
    virtual bool isExecutable(const std::string& path) const = 0;
    // Resolves a program name the way execvp would (PATH search); nullopt if not found.
    virtual std::optional<std::string> findProgram(const std::string& name) const = 0;
};

}  // namespace chief
