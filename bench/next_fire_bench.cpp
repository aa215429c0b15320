// Nanoseconds per next-fire computation for the schedule shapes operators use most.
// Each case compiles its schedule from YAML (as chiefd would) and asks for the next fire
// time after instants spread over two years, so every lookup does real DST work.
// Also: loading hostile configs (issue 8), which chiefd does on its event loop at reload, so
// their time must stay far below the watchdog's (a 100,000-character zone name once took 30 s).
#include <benchmark/benchmark.h>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "chief/config_loader.h"
#include "fake_host_probe.h"

namespace {

chief::Schedule compile(const std::string& scheduleYaml) {
    const chief::testing::FakeHostProbe files;
    chief::LoadContext context;
    context.sourcePath = "/etc/chief/chief.yaml";
    context.files = &files;
    const std::string yaml = "jobs:\n  - name: bench\n    schedule: " + scheduleYaml + "\n    scripts: [{path: run.sh}]\n";
    const chief::LoadResult result = chief::loadConfig(yaml, context);
    if (!result.config) throw std::runtime_error("benchmark schedule did not load: " + scheduleYaml);
    return result.config->jobs.front().schedule.schedule;
}

// 4096 instants, uniformly spread over 2026-2027, fixed seed.
const std::vector<chief::SysSeconds>& instants() {
    static const std::vector<chief::SysSeconds> values = [] {
        std::mt19937_64 rng(20261127);
        std::uniform_int_distribution<long> dist(1767225600L, 1830297600L);  // 2026-01-01 .. 2028-01-01
        std::vector<chief::SysSeconds> out;
        for (int i = 0; i < 4096; ++i) out.emplace_back(chief::Seconds{dist(rng)});
        return out;
    }();
    return values;
}

void nextFire(benchmark::State& state, const std::string& scheduleYaml) {
    const chief::Schedule schedule = compile(scheduleYaml);
    const auto& ts = instants();
    std::size_t i = 0;
    for (auto _ : state) {
        auto fire = chief::nextFireAfter(schedule, ts[i++ & 4095]);
        benchmark::DoNotOptimize(fire);
    }
}

const std::string kValidJobs =
    "jobs:\n  - name: job\n    schedule: {frequency: daily, time: \"06:00\"}\n    scripts: [{path: run.sh}]\n";

void loadText(benchmark::State& state, const std::string& yaml) {
    const chief::testing::FakeHostProbe files;
    chief::LoadContext context;
    context.sourcePath = "/etc/chief/chief.yaml";
    context.files = &files;
    for (auto _ : state) {
        auto result = chief::loadConfig(yaml, context);
        benchmark::DoNotOptimize(result);
    }
}

std::string longList(std::size_t items) {
    std::string text = "x: [";
    for (std::size_t i = 0; i < items; ++i) text += "0,";
    return text + "0]\n" + kValidJobs;
}

}  // namespace

BENCHMARK_CAPTURE(loadText, timezone_100000_chars,
                  "defaults:\n  timezone: " + std::string(100000, 'A') + "\n" + kValidJobs)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(loadText, unknown_key_100000_chars, "? " + std::string(100000, 'k') + "\n: 1\n" + kValidJobs)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(loadText, list_of_31_million_stops_at_1_million, longList(31'000'000))->Unit(benchmark::kMillisecond);

BENCHMARK_CAPTURE(nextFire, daily_0600_new_york,
                  std::string(R"({frequency: daily, time: "06:00", timezone: America/New_York})"));
BENCHMARK_CAPTURE(nextFire, weekdays_1430_new_york,
                  std::string(R"({frequency: daily, time: "14:30", weekdays_only: true, timezone: America/New_York})"));
BENCHMARK_CAPTURE(nextFire, last_friday_1800_new_york,
                  std::string(R"({frequency: monthly, ordinal: last, day: friday, time: "18:00", timezone: America/New_York})"));
BENCHMARK_CAPTURE(nextFire, every_10_minutes_new_york,
                  std::string(R"({frequency: interval, every: 10m, timezone: America/New_York})"));
BENCHMARK_CAPTURE(nextFire, monthly_1st_0900_new_york,
                  std::string(R"({frequency: monthly, day_of_month: 1, time: "09:00", timezone: America/New_York})"));
BENCHMARK_CAPTURE(nextFire, yearly_jan_1_new_york,
                  std::string(R"({frequency: yearly, month: january, day_of_month: 1, time: "00:00", timezone: America/New_York})"));
BENCHMARK_CAPTURE(nextFire, daily_0230_berlin,
                  std::string(R"({frequency: daily, time: "02:30", timezone: Europe/Berlin})"));
BENCHMARK_CAPTURE(nextFire, weekdays_0900_kolkata,
                  std::string(R"({frequency: weekly, day: monday-friday, time: "09:00", timezone: Asia/Kolkata})"));
BENCHMARK_CAPTURE(nextFire, every_90_minutes_new_york,
                  std::string(R"({frequency: interval, every: 90m, timezone: America/New_York})"));

BENCHMARK_CAPTURE(nextFire, last_day_of_month_2300_berlin,
                  std::string(R"({frequency: monthly, day_of_month: last, time: "23:00", timezone: Europe/Berlin})"));
BENCHMARK_CAPTURE(nextFire, custom_day_match_any_new_york,
                  std::string(R"({frequency: custom, minute: 0, hour: 9, day_of_month: "1,15,L", day_of_week: mon, day_match: any, timezone: America/New_York})"));

BENCHMARK_MAIN();
