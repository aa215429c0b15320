// exec_stamp: the "script" of the dispatch benchmarks. It is linked statically and does almost
// nothing, so the instant it records is as close as possible to chiefd's exec of it. Appends
// "<due instant, ns since the epoch> <now, ns since the epoch> <job>\n" to the file named by
// argv[1]. The due instant is CHIEF_SCHEDULED_FOR, turned back into real time when chiefd runs a
// faster clock (--time-speed; CHIEFD_BENCH_TIME_BASE=<origin ns>:<speed>).
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    if (argc < 2) return 2;
    const char* scheduled = std::getenv("CHIEF_SCHEDULED_FOR");  // 2026-11-27T21:00:00+00:00
    const char* job = std::getenv("CHIEF_JOB_NAME");
    tm fields{};
    long long scheduledEpoch = -1;
    // chiefd writes it in UTC as "...+00:00" (once "...Z"): the offset is always zero, so the
    // date and time are all that is read.
    if (scheduled && strptime(scheduled, "%Y-%m-%dT%H:%M:%S", &fields)) scheduledEpoch = timegm(&fields);
    long long dueNs = scheduledEpoch * 1000000000LL;
    long long origin = 0, speed = 1;
    if (const char* base = std::getenv("CHIEFD_BENCH_TIME_BASE"); base && std::sscanf(base, "%lld:%lld", &origin, &speed) == 2 && speed > 0)
        dueNs = origin + (dueNs - origin) / speed;
    char line[256];
    const int n = std::snprintf(line, sizeof line, "%lld %lld %s\n", dueNs,
                                static_cast<long long>(now.tv_sec) * 1000000000LL + now.tv_nsec, job ? job : "?");
    const int fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0 || write(fd, line, static_cast<size_t>(n)) != n) return 1;
    close(fd);
    return 0;
}
