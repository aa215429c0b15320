#pragma once
// PosixHostProbe: HostProbe over the real file system (stat, access, PATH search).

#include <string>

#include "chief/host_probe.h"

namespace chief::system {

// Answers HostProbe questions with stat(2), access(2), getpwnam/getgrnam and the bounded file
// reader; PATH is captured at construction.
class PosixHostProbe final : public HostProbe {
public:
    explicit PosixHostProbe(std::string searchPath);
    bool isDirectory(const std::string& path) const override;
    bool isRegularFile(const std::string& path) const override;
    bool isExecutable(const std::string& path) const override;
    std::optional<std::string> findProgram(const std::string& name) const override;
    bool userExists(const std::string& name) const override;
    bool groupExists(const std::string& name) const override;
    std::optional<std::string> readFileStart(const std::string& path, std::size_t maxBytes) const override;

private:
    std::string searchPath_;
};

}  // namespace chief::system
