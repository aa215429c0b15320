#pragma once
// Process-group inspection through /proc: which processes are still alive in a script's group.

#include <sys/types.h>

#include <optional>
#include <string_view>
#include <vector>

namespace chief::daemon {

// The fields of /proc/<pid>/stat that group supervision needs.
struct ProcStat {
    char state = '?';  // 'R', 'S', 'D', 'Z' (zombie), 'X' (dead), ...
    pid_t ppid = 0;
    pid_t pgrp = 0;
};

// Parses one /proc/<pid>/stat text. The command name may contain spaces and parentheses, so the
// fields are read after the last ')'. nullopt if the text is not in that shape.
std::optional<ProcStat> parseProcStat(std::string_view text);

// Processes in process group `pgid` that have not exited, read from /proc. Zombies are left
// out: they are dead, hold no pipes, and only wait for their parent (or init) to reap them.
// nullopt if /proc cannot be read at all.
std::optional<std::vector<pid_t>> liveProcessesInGroup(pid_t pgid);

}  // namespace chief::daemon
