// run_stats: turns what the dispatch benchmarks leave behind into figures.
//   run_stats latency STAMPS    due-instant-to-exec latency from exec_stamp's lines
//   run_stats throughput STATE  runs per second from chiefd's run history (<STATE>/runs/*.json)
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

namespace {

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(index, v.size() - 1)];
}

int latency(const char* path) {
    std::ifstream in(path);
    std::vector<double> ms;
    long long due = 0, ns = 0;
    std::string job;
    while (in >> due >> ns >> job) ms.push_back(static_cast<double>(ns - due) / 1e6);
    if (ms.empty()) return 1;
    std::printf("runs=%zu p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f min_ms=%.3f\n", ms.size(), percentile(ms, 50),
                percentile(ms, 90), percentile(ms, 99), *std::max_element(ms.begin(), ms.end()),
                *std::min_element(ms.begin(), ms.end()));
    return 0;
}

int throughput(const char* stateDir) {
    long long firstStart = -1, lastEnd = -1, scheduledMin = -1;
    std::size_t runs = 0, succeeded = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(stateDir) / "runs")) {
        if (entry.path().extension() != ".json") continue;
        std::ifstream in(entry.path());
        const auto doc = nlohmann::json::parse(in);
        for (const auto& run : doc["runs"]) {
            ++runs;
            if (run["result"] == "succeeded") ++succeeded;
            const long long s = run["started_ms"], e = run["ended_ms"], due = run["scheduled_for_s"];
            firstStart = firstStart < 0 ? s : std::min(firstStart, s);
            lastEnd = std::max(lastEnd, e);
            scheduledMin = scheduledMin < 0 ? due * 1000 : std::min(scheduledMin, due * 1000);
        }
    }
    if (runs == 0) return 1;
    const double fromDue = static_cast<double>(lastEnd - scheduledMin) / 1000.0;
    std::printf("runs=%zu succeeded=%zu due_to_last_end_s=%.3f runs_per_s=%.0f\n", runs, succeeded, fromDue,
                static_cast<double>(runs) / fromDue);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "latency") == 0) return latency(argv[2]);
    if (argc == 3 && std::strcmp(argv[1], "throughput") == 0) return throughput(argv[2]);
    std::fprintf(stderr, "usage: run_stats latency STAMPS | run_stats throughput STATE_DIR\n");
    return 2;
}
