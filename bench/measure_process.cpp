// measure_process: runs a command N times; prints median/min/max wall time and peak RSS.
// Usage: measure_process RUNS -- COMMAND [ARGS...]   (the command's output goes to /dev/null)
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 4 || std::strcmp(argv[2], "--") != 0) {
        std::fprintf(stderr, "usage: measure_process RUNS -- COMMAND [ARGS...]\n");
        return 2;
    }
    const int runs = std::atoi(argv[1]);
    std::vector<double> seconds;
    long peakKb = 0;
    int lastStatus = 0;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        const pid_t pid = fork();
        if (pid == 0) {
            const int devnull = open("/dev/null", O_WRONLY);
            dup2(devnull, 1);
            execvp(argv[3], argv + 3);
            _exit(127);
        }
        int status = 0;
        rusage usage{};
        wait4(pid, &status, 0, &usage);
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        peakKb = std::max(peakKb, usage.ru_maxrss);
        lastStatus = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::sort(seconds.begin(), seconds.end());
    std::printf("runs=%d median_s=%.4f min_s=%.4f max_s=%.4f peak_rss_mb=%.1f exit=%d\n", runs,
                seconds[seconds.size() / 2], seconds.front(), seconds.back(), static_cast<double>(peakKb) / 1024.0,
                lastStatus);
    return 0;
}
