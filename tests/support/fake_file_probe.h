#pragma once
// FakeFileProbe: an in-memory FileProbe for loader tests.

#include <map>
#include <set>
#include <string>

#include "chief/file_probe.h"

namespace chief::testing {

// Paths default to "exists, regular, executable" unless a test says otherwise, so configs in
// tests need no real files; directories are listed explicitly or any path under "/" counts.
class FakeFileProbe final : public FileProbe {
public:
    enum class Kind { Missing, Directory, File, ExecutableFile };

    FakeFileProbe() = default;

    void set(const std::string& path, Kind kind) { kinds_[path] = kind; }
    void addProgram(const std::string& name, const std::string& path) { programs_[name] = path; }
    // Takes a program (python3 and sh are there by default) off the fake PATH.
    void removeProgram(const std::string& name) { programs_.erase(name); }
    // When true (the default), unknown paths ending in '/' or without an extension are
    // directories and everything else an executable file.
    void setDefaultExists(bool exists) { defaultExists_ = exists; }

    bool isDirectory(const std::string& path) const override { return kindOf(path) == Kind::Directory; }
    bool isRegularFile(const std::string& path) const override {
        const Kind k = kindOf(path);
        return k == Kind::File || k == Kind::ExecutableFile;
    }
    bool isExecutable(const std::string& path) const override { return kindOf(path) == Kind::ExecutableFile; }
    std::optional<std::string> findProgram(const std::string& name) const override {
        if (auto it = programs_.find(name); it != programs_.end()) return it->second;
        return std::nullopt;
    }

private:
    Kind kindOf(const std::string& path) const {
        if (auto it = kinds_.find(path); it != kinds_.end()) return it->second;
        if (!defaultExists_) return Kind::Missing;
        const auto slash = path.rfind('/');
        const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
        return base.find('.') == std::string::npos ? Kind::Directory : Kind::ExecutableFile;
    }

    std::map<std::string, Kind> kinds_;
    std::map<std::string, std::string> programs_ = {{"python3", "/usr/bin/python3"}, {"sh", "/bin/sh"}};
    bool defaultExists_ = true;
};

}  // namespace chief::testing
