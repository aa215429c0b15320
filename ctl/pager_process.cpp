#include "pager_process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace chief::ctl {

namespace {

// The child's last resort when no pager can be executed (systemd's pager_fallback): the text
// still reaches the terminal, unpaged.
[[noreturn]] void copyInputToOutput() {
    char buffer[8192];
    for (;;) {
        const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        for (ssize_t done = 0; done < got;) {
            const ssize_t put = ::write(STDOUT_FILENO, buffer + done, static_cast<std::size_t>(got - done));
            if (put < 0 && errno == EINTR) continue;
            if (put <= 0) ::_exit(EXIT_FAILURE);
            done += put;
        }
    }
    ::_exit(EXIT_SUCCESS);
}

}  // namespace

std::unique_ptr<PagerProcess> PagerProcess::start(const std::vector<std::vector<std::string>>& candidates,
                                                  const std::vector<std::pair<std::string, std::string>>& environment) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return nullptr;
    // Made before forking: a child whose argv cannot be built must not allocate.
    std::vector<std::vector<char*>> argvs;
    for (const auto& candidate : candidates) {
        std::vector<char*> argv;
        for (const std::string& word : candidate) argv.push_back(const_cast<char*>(word.c_str()));
        argv.push_back(nullptr);
        argvs.push_back(std::move(argv));
    }
    std::cout.flush();
    std::fflush(stdout);
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return nullptr;
    }
    if (pid == 0) {
        // chiefctl is single-threaded when it starts the pager, so setenv is safe here.
        if (::dup2(fds[0], STDIN_FILENO) < 0) ::_exit(EXIT_FAILURE);
        // Close-on-exec closes these only if an exec succeeds; the fallback copy must not hold
        // the write end, or it would wait for its own end of input forever.
        ::close(fds[0]);
        ::close(fds[1]);
        for (const auto& [name, value] : environment) ::setenv(name.c_str(), value.c_str(), /*overwrite=*/0);
        for (std::vector<char*>& argv : argvs) ::execvp(argv[0], argv.data());
        copyInputToOutput();
    }
    const int saved = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (saved < 0 || ::dup2(fds[1], STDOUT_FILENO) < 0) {
        // The pager gets no input and ends at once; chiefctl writes where it would have.
        ::close(fds[0]);
        ::close(fds[1]);
        if (saved >= 0) ::close(saved);
        ::waitpid(pid, nullptr, 0);
        return nullptr;
    }
    ::close(fds[0]);
    ::close(fds[1]);
    return std::unique_ptr<PagerProcess>(new PagerProcess(pid, saved));
}

PagerProcess::~PagerProcess() { close(); }

void PagerProcess::close() {
    if (pid_ <= 0) return;
    std::cout.flush();
    std::fflush(stdout);
    // Replacing standard output closes the pipe's last write end: the pager sees the end.
    ::dup2(savedStdout_, STDOUT_FILENO);
    ::close(savedStdout_);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
}

}  // namespace chief::ctl
