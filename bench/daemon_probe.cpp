// daemon_probe: starts chiefd with a private NOTIFY_SOCKET, waits for READY=1 (never a sleep),
// then watches it for SECONDS and prints what /proc says it cost:
//   ready_ms       start to READY=1 (config load for every job included)
//   cpu_ms         user+system CPU time spent during the window
//   wakeups        voluntary context switches during the window (each is a return from epoll_wait)
//   involuntary    involuntary context switches during the window
//   peak_rss_mb    VmHWM at the end (the whole life, start-up included)
// Usage: daemon_probe SECONDS -- CHIEFD ARGS...   (chiefd's stderr goes to ./chiefd-probe.log)
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace {

long long statusField(pid_t pid, const std::string& name) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(name + ":", 0) == 0) return std::atoll(line.c_str() + name.size() + 1);
    return -1;
}

long long cpuTicks(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string content;
    std::getline(in, content);
    std::istringstream fields(content.substr(content.rfind(')') + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int i = 3; fields >> field; ++i) {
        if (i == 14) utime = std::atoll(field.c_str());
        if (i == 15) {
            stime = std::atoll(field.c_str());
            break;
        }
    }
    return utime + stime;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4 || std::strcmp(argv[2], "--") != 0) {
        std::fprintf(stderr, "usage: daemon_probe SECONDS -- CHIEFD ARGS...\n");
        return 2;
    }
    const int seconds = std::atoi(argv[1]);
    const std::string socketPath = "/tmp/chief-probe-" + std::to_string(::getpid()) + ".sock";
    const int sock = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socketPath.c_str(), sizeof addr.sun_path - 1);
    ::unlink(socketPath.c_str());
    if (::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return 1;
    const auto started = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setenv("NOTIFY_SOCKET", socketPath.c_str(), 1);
        const int log = ::open("chiefd-probe.log", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(log, 2);
        ::execv(argv[3], argv + 3);
        _exit(127);
    }
    bool ready = false;
    while (!ready) {
        pollfd p{sock, POLLIN, 0};
        if (::poll(&p, 1, 60000) <= 0) break;
        char buf[4096];
        const ssize_t n = ::recv(sock, buf, sizeof buf - 1, 0);
        if (n > 0) ready = std::string(buf, static_cast<std::size_t>(n)).find("READY=1") != std::string::npos;
    }
    if (!ready) {
        std::fprintf(stderr, "chiefd did not report READY=1 (see chiefd-probe.log)\n");
        ::kill(pid, SIGKILL);
        return 1;
    }
    const double readyMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    const long long cpu0 = cpuTicks(pid);
    const long long vol0 = statusField(pid, "voluntary_ctxt_switches");
    const long long inv0 = statusField(pid, "nonvoluntary_ctxt_switches");
    // The measurement window itself, draining the notify socket as systemd would (a full queue
    // would block chiefd's sd_notify).
    const auto windowEnd = std::chrono::steady_clock::now() + std::chrono::seconds{seconds};
    while (std::chrono::steady_clock::now() < windowEnd) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(windowEnd - std::chrono::steady_clock::now());
        pollfd p{sock, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(std::max<long long>(1, left.count()))) > 0) {
            char buf[4096];
            (void)::recv(sock, buf, sizeof buf, 0);
        }
    }
    const long long cpu1 = cpuTicks(pid);
    const long long vol1 = statusField(pid, "voluntary_ctxt_switches");
    const long long inv1 = statusField(pid, "nonvoluntary_ctxt_switches");
    const long long hwm = statusField(pid, "VmHWM");
    const long long rss = statusField(pid, "VmRSS");
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::unlink(socketPath.c_str());
    const double tick = 1000.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
    std::printf("window_s=%d ready_ms=%.0f cpu_ms=%.0f wakeups=%lld involuntary=%lld rss_mb=%.1f peak_rss_mb=%.1f exit=%d\n",
                seconds, readyMs, static_cast<double>(cpu1 - cpu0) * tick, vol1 - vol0, inv1 - inv0,
                static_cast<double>(rss) / 1024.0, static_cast<double>(hwm) / 1024.0,
                WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}
