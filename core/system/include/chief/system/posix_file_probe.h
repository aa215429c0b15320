#pragma once
// PosixFileProbe: FileProbe over the real file system (stat, access, PATH search).

#include <string>

#include "chief/file_probe.h"

namespace chief::system {

// Answers FileProbe questions with stat(2)/access(2); PATH is captured at construction.
class PosixFileProbe final : public FileProbe {
public:
    explicit PosixFileProbe(std::string searchPath);
    bool isDirectory(const std::string& path) const override;
    bool isRegularFile(const std::string& path) const override;
    bool isExecutable(const std::string& path) const override;
    std::optional<std::string> findProgram(const std::string& name) const override;

private:
    std::string searchPath_;
};

}  // namespace chief::system
