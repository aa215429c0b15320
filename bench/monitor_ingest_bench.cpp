// In-process costs of chief-monitord's hot paths (Google Benchmark), without HTTP or a second
// process competing for the CPU: parsing and validating a 250-event batch, storing it (SQLite on
// a temp file, WAL, synchronous=FULL) and applying it to the checks, and building the
// /v1/status/jobs body for 1,000 jobs.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>

#include "monitor/core/ingest_body.h"
#include "monitor/service/api_json.h"
#include "monitor/service/monitor_service.h"
#include "monitor/store/sqlite_store.h"

namespace {

using namespace chief::monitor;
using nlohmann::json;

class NowClock final : public Clock {
public:
    EventTime now() const override {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    }
};

class NoObserver final : public ServiceObserver {
public:
    void committed(const StateChanges&, std::size_t) override {}
};

// The same traffic as bench/monitor_load.cpp: runs of five events over `jobs` jobs.
std::string batchText(long long& sequence, int count, int jobs) {
    static const char* kTypes[] = {"job.started", "script.started", "script.completed", "worker.message", "job.completed"};
    json out = json::array();
    for (int i = 0; i < count; ++i, ++sequence) {
        const long long run = sequence / 5;
        const int step = static_cast<int>(sequence % 5);
        const int job = static_cast<int>(run % jobs);
        json event = {{"sourceType", step == 3 ? "worker" : "chief"},
                      {"eventType", kTypes[step]},
                      {"level", "INFO"},
                      {"message", std::string(kTypes[step]) + " for job-" + std::to_string(job)},
                      {"jobName", "job-" + std::to_string(job)},
                      {"runId", "r" + std::to_string(run)},
                      {"eventId", "bench-" + std::to_string(sequence)},
                      {"host", "bench-host"}};
        if (step == 1 || step == 2) event["scriptPath"] = "/etc/chief/scripts/job-" + std::to_string(job) + ".sh";
        if (step >= 2 && step != 3) {
            event["success"] = true;
            event["returnCode"] = 0;
            event["durationMs"] = 1000 + (sequence % 997);
        }
        if (step == 3) event["metadata"] = {{"rows", sequence % 10000}, {"phase", "load"}};
        out.push_back(std::move(event));
    }
    return out.dump();
}

std::string tempDbPath() {
    return (std::filesystem::temp_directory_path() / ("monitor-bench-" + std::to_string(::getpid()) + ".sqlite")).string();
}

void removeDb(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

void BM_ParseBatch250(benchmark::State& state) {
    long long sequence = 0;
    const std::string text = batchText(sequence, 250, 1000);
    for (auto _ : state) {
        IngestBody body = readBatchBody(text);
        benchmark::DoNotOptimize(body.events.data());
    }
    state.SetItemsProcessed(state.iterations() * 250);
}
BENCHMARK(BM_ParseBatch250);

void BM_StoreAndApplyBatch250(benchmark::State& state) {
    const std::string path = tempDbPath();
    removeDb(path);
    {
        SqliteStore store(path);
        NowClock clock;
        NoObserver observer;
        MonitorService service(store, clock, observer);
        service.load();
        long long sequence = 0;
        for (auto _ : state) {
            state.PauseTiming();
            IngestBody body = readBatchBody(batchText(sequence, 250, 1000));
            state.ResumeTiming();
            benchmark::DoNotOptimize(service.ingest(std::move(body.events)));
        }
    }
    removeDb(path);
    state.SetItemsProcessed(state.iterations() * 250);
}
BENCHMARK(BM_StoreAndApplyBatch250)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_JobsJson1000(benchmark::State& state) {
    const std::string path = tempDbPath();
    removeDb(path);
    {
        SqliteStore store(path);
        NowClock clock;
        NoObserver observer;
        MonitorService service(store, clock, observer);
        service.load();
        long long sequence = 0;
        for (int i = 0; i < 40; ++i) service.ingest(readBatchBody(batchText(sequence, 250, 1000)).events);
        for (auto _ : state) {
            json jobs = json::array();
            for (const auto& [key, check] : service.checks()) jobs.push_back(jobListEntryJson(check));
            benchmark::DoNotOptimize(json{{"jobs", std::move(jobs)}}.dump());
        }
    }
    removeDb(path);
}
BENCHMARK(BM_JobsJson1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
