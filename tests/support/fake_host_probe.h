#pragma once
// FakeHostProbe: an in-memory HostProbe for loader tests.

#include <map>
#include <set>
#include <string>

#include "chief/host_probe.h"

namespace chief::testing {

// Paths default to "exists, regular, executable" unless a test says otherwise, so configs in
// tests need no real files; directories are listed explicitly or any path under "/" counts.
class FakeHostProbe final : public HostProbe {
public:
    enum class Kind { Missing, Directory, File, ExecutableFile };

    FakeHostProbe() = default;

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
    bool userExists(const std::string& name) const override { return users_.count(name) > 0; }
    bool groupExists(const std::string& name) const override { return groups_.count(name) > 0; }
    void addUser(const std::string& name) { users_.insert(name); }
    void addGroup(const std::string& name) { groups_.insert(name); }

    std::optional<std::string> findProgram(const std::string& name) const override {
        if (auto it = programs_.find(name); it != programs_.end()) return it->second;
        return std::nullopt;
    }

    // What readFileStart gives for `path` (a "#!" line); files without one read as unreadable.
    void setFileStart(const std::string& path, std::string start) { starts_[path] = std::move(start); }
    std::optional<std::string> readFileStart(const std::string& path, std::size_t maxBytes) const override {
        if (auto it = starts_.find(path); it != starts_.end()) return it->second.substr(0, maxBytes);
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
    std::map<std::string, std::string> starts_;
    std::map<std::string, std::string> programs_ = {{"python3", "/usr/bin/python3"}, {"sh", "/bin/sh"}};
    bool defaultExists_ = true;
    std::set<std::string> users_ = {"root", "nobody", "chief"};
    std::set<std::string> groups_ = {"root", "nogroup", "chief"};
};

}  // namespace chief::testing
