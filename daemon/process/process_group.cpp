#include "process_group.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <memory>
#include <string>

namespace chief::daemon {

namespace {

// Reads the leading number of `text` after skipping one separating space.
bool readField(std::string_view& text, pid_t& out) {
    if (text.empty() || text.front() != ' ') return false;
    text.remove_prefix(1);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc{}) return false;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    return true;
}

std::optional<pid_t> parsePid(const char* name) {
    const std::string_view text(name);
    pid_t pid = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
    if (ec != std::errc{} || end != text.data() + text.size() || pid <= 0) return std::nullopt;
    return pid;
}

struct DirCloser {
    void operator()(DIR* dir) const { ::closedir(dir); }
};

}  // namespace

std::optional<ProcStat> parseProcStat(std::string_view text) {
    const std::size_t close = text.rfind(')');
    if (close == std::string_view::npos) return std::nullopt;
    text.remove_prefix(close + 1);
    // " S ppid pgrp ..."
    if (text.size() < 2 || text[0] != ' ') return std::nullopt;
    ProcStat stat;
    stat.state = text[1];
    text.remove_prefix(2);
    if (!readField(text, stat.ppid) || !readField(text, stat.pgrp)) return std::nullopt;
    return stat;
}

std::optional<std::vector<pid_t>> liveProcessesInGroup(pid_t pgid) {
    const std::unique_ptr<DIR, DirCloser> proc(::opendir("/proc"));
    if (!proc) return std::nullopt;
    std::vector<pid_t> members;
    while (const dirent* entry = ::readdir(proc.get())) {
        const auto pid = parsePid(entry->d_name);
        if (!pid) continue;
        const std::string path = std::string("/proc/") + entry->d_name + "/stat";
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;  // exited since readdir
        // pid, a command name of at most 64 bytes, state, ppid and pgrp fit easily.
        std::array<char, 512> buffer{};
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        ::close(fd);
        if (n <= 0) continue;
        const auto stat = parseProcStat(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
        if (!stat || stat->pgrp != pgid || stat->state == 'Z' || stat->state == 'X') continue;
        members.push_back(*pid);
    }
    return members;
}

}  // namespace chief::daemon
