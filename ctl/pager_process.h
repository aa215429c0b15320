#pragma once
// PagerProcess: the pager chiefctl's standard output goes through while it lives, as
// systemd's pager_open()/pager_close(). What to run, and whether, is pager.h's.

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace chief::ctl {

class PagerProcess {
public:
    // Forks the pager with its standard input on a pipe that becomes chiefctl's standard output.
    // The child runs the first of `candidates` that can be executed, with `environment` added;
    // when none can, it copies its input to the terminal itself, so the output is never lost.
    // nullptr when no pipe or process can be made: chiefctl then writes to its standard output
    // directly.
    static std::unique_ptr<PagerProcess> start(const std::vector<std::vector<std::string>>& candidates,
                                               const std::vector<std::pair<std::string, std::string>>& environment);

    // close(): the pager must see the end of its input before chiefctl exits, or the shell's
    // prompt would come back while the pager still holds the terminal.
    ~PagerProcess();
    PagerProcess(const PagerProcess&) = delete;
    PagerProcess& operator=(const PagerProcess&) = delete;

    // Flushes what chiefctl wrote, puts its own standard output back and waits for the pager
    // (the user reading, then quitting it).
    void close();

private:
    PagerProcess(pid_t pid, int savedStdout) : pid_(pid), savedStdout_(savedStdout) {}

    pid_t pid_;
    int savedStdout_;
};

}  // namespace chief::ctl
