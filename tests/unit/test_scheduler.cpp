#include <catch2/catch.hpp>

#include <memory>
#include <sstream>

#include "chief/time_format.h"
#include "config_fixture.h"
#include "scheduler/scheduler.h"

using namespace chief;
using namespace chief::daemon;
using namespace chief::testing;

namespace {

// "2026-05-04T10:00:00.250Z" -> an instant with milliseconds.
SysMillis at(const char* iso) {
    std::string text = iso;
    std::chrono::milliseconds millis{0};
    if (const auto dot = text.find('.'); dot != std::string::npos) {
        millis = std::chrono::milliseconds{std::stoi(text.substr(dot + 1, 3))};
        text.erase(dot, 4);
    }
    auto parsed = parseDateTime(text);
    REQUIRE(parsed);
    const SysSeconds s{parsed.value().local.time_since_epoch() - parsed.value().offset.value_or(Seconds{0})};
    return SysMillis{s.time_since_epoch()} + millis;
}

std::string hhmmss(SysSeconds t) { return formatIsoUtc(t).substr(11, 8); }
// A run without a due instant (a manual one) shows as "-".
std::string hhmmss(const DueInstant& t) { return t ? hhmmss(*t) : "-"; }

// Records what the scheduler did, as short readable lines.
struct Recorder {
    std::vector<std::string> lines;
    void operator()(const RunEvent& event) {
        std::visit(
            [this](const auto& e) {
                using T = std::decay_t<decltype(e)>;
                if constexpr (std::is_same_v<T, RunStarted>)
                    lines.push_back("start " + e.job + " " + hhmmss(e.scheduledFor) + " " + triggerKindName(e.trigger));
                else if constexpr (std::is_same_v<T, TriggerQueued>)
                    lines.push_back("queue " + e.job + " " + hhmmss(e.scheduledFor) + ": " + e.reason);
                else if constexpr (std::is_same_v<T, TriggerSkipped>)
                    lines.push_back("skip " + e.job + " " + hhmmss(e.scheduledFor) + ": " + e.reason);
                else if constexpr (std::is_same_v<T, TriggerMissed>)
                    lines.push_back("missed " + e.job + " " + hhmmss(e.scheduledFor));
                else if constexpr (std::is_same_v<T, RunFinished>)  // the scheduler publishes it only for dropped waiting runs
                    lines.push_back(std::string(e.dropped ? "dropped-end " : "end ") + e.record.job + " " + hhmmss(e.record.scheduledFor) + " " +
                                    runResultName(e.record.result.value_or(RunResult::Failed)) + " " + e.record.id);
            },
            event);
    }
    std::vector<std::string> take() { return std::exchange(lines, {}); }
};

struct FakeStarter final : RunStarter {
    std::vector<RunTicket> started;
    void startRun(const RunTicket& ticket) override { started.push_back(ticket); }
};

// A scheduler wired to fakes, driven by explicit instants.
struct Harness {
    RunEventBus bus;
    Recorder recorder;
    FakeStarter starter;
    RunIdSource ids;
    Scheduler scheduler{starter, bus, ids};
    std::shared_ptr<const Config> config;

    Harness() {
        bus.subscribe([this](const RunEvent& e) { recorder(e); });
    }
    void load(const std::string& yaml, const char* now) {
        const LoadResult result = loadYaml(yaml);
        for (const auto& d : result.diagnostics) UNSCOPED_INFO(formatDiagnostic(d));
        REQUIRE(result.ok());
        config = std::make_shared<const Config>(*result.config);
        scheduler.load(config, at(now));
    }
    // Finishes the oldest still-running run of `job`.
    void finish(const std::string& job, const char* now) {
        for (auto it = starter.started.begin(); it != starter.started.end(); ++it) {
            if (it->job->name == job) {
                const RunId id = it->id;
                starter.started.erase(it);
                scheduler.runFinished(id, at(now));
                return;
            }
        }
        FAIL("no running run of " << job);
    }
    std::string next(const std::string& job) const {
        auto s = scheduler.status(job);
        return s && s->nextRun ? formatIsoUtc(*s->nextRun) : "none";
    }
};

std::string job(const std::string& name, const std::string& schedule, const std::string& extra = "") {
    return "  - name: " + name + "\n" + extra + "    schedule: " + schedule + "\n    scripts: [{path: run.sh}]\n";
}

const std::string kEveryMinute = "{frequency: interval, every: 1m}";

}  // namespace

TEST_CASE("scheduler: no catch-up on start", "[scheduler]") {
    Harness h;
    h.load("jobs:\n" + job("daily", R"({frequency: daily, time: "10:00"})"), "2026-05-04T10:00:30Z");
    CHECK(h.next("daily") == "2026-05-05T10:00:00Z");
    h.scheduler.wake(at("2026-05-04T10:00:31Z"));
    CHECK(h.recorder.take().empty());
    CHECK(h.starter.started.empty());
    REQUIRE(h.scheduler.nextWakeup());
    CHECK(formatIsoUtc(*h.scheduler.nextWakeup()) == "2026-05-05T10:00:00Z");
}

TEST_CASE("scheduler: simultaneous triggers go in YAML order, one job at a time, none dropped", "[scheduler]") {
    Harness h;
    const std::string at10 = R"({frequency: daily, time: "10:00"})";
    h.load("jobs:\n" + job("zeta", at10) + job("alpha", at10) + job("mid", at10), "2026-05-04T09:00:00Z");
    h.scheduler.wake(at("2026-05-04T10:00:00.250Z"));
    CHECK(h.recorder.take() == std::vector<std::string>{
                                   "start zeta 10:00:00 schedule",
                                   "queue alpha 10:00:00: waiting for a free slot (max_parallel_jobs: 1)",
                                   "queue mid 10:00:00: waiting for a free slot (max_parallel_jobs: 1)",
                               });
    h.finish("zeta", "2026-05-04T10:05:00Z");
    CHECK(h.recorder.take() == std::vector<std::string>{"start alpha 10:00:00 schedule"});
    h.finish("alpha", "2026-05-04T10:06:00Z");
    CHECK(h.recorder.take() == std::vector<std::string>{"start mid 10:00:00 schedule"});
    h.finish("mid", "2026-05-04T10:07:00Z");
    CHECK(h.scheduler.activeRunCount() == 0);
    CHECK(h.next("alpha") == "2026-05-05T10:00:00Z");
}

TEST_CASE("scheduler: overlap skip drops triggers while the job runs", "[scheduler]") {
    Harness h;
    h.load("jobs:\n" + job("tick", kEveryMinute, "    overlap: skip\n"), "2026-05-04T09:59:30Z");
    h.scheduler.wake(at("2026-05-04T10:00:00Z"));
    h.scheduler.wake(at("2026-05-04T10:01:00Z"));
    h.scheduler.wake(at("2026-05-04T10:02:00Z"));
    CHECK(h.recorder.take() == std::vector<std::string>{
                                   "start tick 10:00:00 schedule",
                                   "skip tick 10:01:00: still running (overlap: skip)",
                                   "skip tick 10:02:00: still running (overlap: skip)",
                               });
    h.finish("tick", "2026-05-04T10:02:10Z");
    CHECK(h.recorder.take().empty());
    h.scheduler.wake(at("2026-05-04T10:03:00Z"));
    CHECK(h.recorder.take() == std::vector<std::string>{"start tick 10:03:00 schedule"});
}

TEST_CASE("scheduler: overlap queue keeps exactly one pending run", "[scheduler]") {
    Harness h;
    h.load("jobs:\n" + job("tick", kEveryMinute, "    overlap: queue\n"), "2026-05-04T09:59:30Z");
    h.scheduler.wake(at("2026-05-04T10:00:00Z"));
    h.scheduler.wake(at("2026-05-04T10:01:00Z"));
    h.scheduler.wake(at("2026-05-04T10:02:00Z"));
    CHECK(h.recorder.take() == std::vector<std::string>{
                                   "start tick 10:00:00 schedule",
                                   "queue tick 10:01:00: waiting for the running run to finish (overlap: queue)",
                                   "skip tick 10:02:00: a run of this job is already waiting to start",
                               });
    CHECK(h.scheduler.status("tick")->waiting);
    h.finish("tick", "2026-05-04T10:02:30Z");
    CHECK(h.recorder.take() == std::vector<std::string>{"start tick 10:01:00 schedule"});
    CHECK_FALSE(h.scheduler.status("tick")->waiting);
}

TEST_CASE("scheduler: overlap parallel runs the same job concurrently, other jobs still wait", "[scheduler]") {
    Harness h;
    h.load("jobs:\n" + job("fan", kEveryMinute, "    overlap: parallel\n") + job("other", R"({frequency: daily, time: "10:01"})"),
           "2026-05-04T09:59:30Z");
    h.scheduler.wake(at("2026-05-04T10:00:00Z"));
    h.scheduler.wake(at("2026-05-04T10:01:00Z"));
    CHECK(h.recorder.take() == std::vector<std::string>{
                                   "start fan 10:00:00 schedule",
                                   "start fan 10:01:00 schedule",
                                   "queue other 10:01:00: waiting for a free slot (max_parallel_jobs: 1)",
                               });
    CHECK(h.scheduler.status("fan")->activeRuns == 2);
    h.finish("fan", "2026-05-04T10:01:30Z");
    CHECK(h.recorder.take().empty());  // fan still holds the slot with its second run
    h.finish("fan", "2026-05-04T10:01:40Z");
    CHECK(h.recorder.take() == std::vector<std::string>{"start other 10:01:00 schedule"});
}

TEST_CASE("scheduler: max_parallel_jobs lets different jobs run side by side", "[scheduler]") {
    Harness h;
    const std::string at10 = R"({frequency: daily, time: "10:00"})";
    h.load("defaults:\n  max_parallel_jobs: 2\njobs:\n" + job("a", at10) + job("b", at10) + job("c", at10),
           "2026-05-04T09:00:00Z");
    h.scheduler.wake(at("2026-05-04T10:00:00Z"));
    CHECK(h.recorder.take() == std::vector<std::string>{
                                   "start a 10:00:00 schedule",
                                   "start b 10:00:00 schedule",
                                   "queue c 10:00:00: waiting for a free slot (max_parallel_jobs: 2)",
                               });
    h.finish("b", "2026-05-04T10:00:05Z");
    CHECK(h.recorder.take() == std::vector<std::string>{"start c 10:00:00 schedule"});
}

TEST_CASE("scheduler: a fire time noticed too late is missed, not run", "[scheduler]") {
    Harness h;
    h.load("jobs:\n" + job("hourly", R"({frequency: interval, every: 1h})"), "2026-05-04T09:30:00Z");
    // The machine slept from 09:30 to 12:10: the 10:00 trigger is noticed 2h10m late.
    h.scheduler.wake(at("2026-05-04T12:10:00Z"));
    CHECK(h.recorder.take() == std::vector<std::string>{"missed hourly 10:00:00"});
    CHECK(h.starter.started.empty());
    CHECK(h.next("hourly") == "2026-05-04T13:00:00Z");
    // Within the grace (60 s) a late wake still runs the trigger.
    h.scheduler.wake(at("2026-05-04T13:00:45Z"));
    CHECK(h.recorder.take() == std::vector<std::string>{"start hourly 13:00:00 schedule"});
}

TEST_CASE("scheduler: wall-clock steps", "[scheduler]") {
    Harness h;
    h.load("jobs:\n" + job("tick", R"({frequency: interval, every: 5m})"), "2026-05-04T09:59:00Z");
    h.scheduler.wake(at("2026-05-04T10:00:00Z"));
    h.finish("tick", "2026-05-04T10:00:01Z");
    h.recorder.take();
    REQUIRE(h.next("tick") == "2026-05-04T10:05:00Z");
    SECTION("a small step back keeps the fire times, so 10:00 does not run twice") {
        h.scheduler.clockChanged(at("2026-05-04T09:59:58Z"));
        CHECK(h.next("tick") == "2026-05-04T10:05:00Z");
    }
    SECTION("a large step back recomputes the fire times from the corrected clock") {
        h.scheduler.clockChanged(at("2026-05-04T08:00:10Z"));
        CHECK(h.next("tick") == "2026-05-04T08:05:00Z");
    }
    SECTION("a step forward is a miss at the next wake") {
        h.scheduler.clockChanged(at("2026-05-04T11:00:00Z"));
        h.scheduler.wake(at("2026-05-04T11:00:00Z"));
        CHECK(h.recorder.take() == std::vector<std::string>{"missed tick 10:05:00"});
        CHECK(h.next("tick") == "2026-05-04T11:05:00Z");
    }
}

TEST_CASE("scheduler: reload keeps unchanged jobs, recomputes changed ones, lets runs finish", "[scheduler]") {
    Harness h;
    const std::string before = "jobs:\n" + job("same", R"({frequency: daily, time: "10:00"})") +
                               job("changed", R"({frequency: daily, time: "11:00"})") + job("removed", kEveryMinute) +
                               job("waiter", kEveryMinute);
    h.load(before, "2026-05-04T09:59:30Z");
    h.scheduler.wake(at("2026-05-04T10:00:00Z"));  // same, removed and waiter are due; same starts
    CHECK(h.recorder.take() == std::vector<std::string>{
                                   "start same 10:00:00 schedule",
                                   "queue removed 10:00:00: waiting for a free slot (max_parallel_jobs: 1)",
                                   "queue waiter 10:00:00: waiting for a free slot (max_parallel_jobs: 1)",
                               });
    const RunTicket running = h.starter.started.front();
    const std::string after = "jobs:\n" + job("same", R"({frequency: daily, time: "10:00"})") +
                              job("changed", R"({frequency: daily, time: "12:30"})") + job("waiter", kEveryMinute) +
                              job("added", R"({frequency: daily, time: "10:30"})");
    h.load(after, "2026-05-04T10:00:20Z");
    const std::vector<std::string> dropped = h.recorder.take();
    REQUIRE(dropped.size() == 2);
    CHECK(dropped[0] == "skip removed 10:00:00: the job was removed by a reload");
    CHECK(dropped[1].rfind("dropped-end removed 10:00:00 cancelled 20260504T100000.000Z-", 0) == 0);
    CHECK(h.next("same") == "2026-05-05T10:00:00Z");
    CHECK(h.next("changed") == "2026-05-04T12:30:00Z");
    CHECK(h.next("added") == "2026-05-04T10:30:00Z");
    CHECK_FALSE(h.scheduler.status("removed"));
    // The run in progress keeps its old definition alive and finishes normally.
    CHECK(running.job->name == "same");
    CHECK(running.config != h.config);
    CHECK(h.scheduler.status("same")->activeRuns == 1);
    CHECK(h.scheduler.status("waiter")->waiting);
    h.finish("same", "2026-05-04T10:00:40Z");
    CHECK(h.recorder.take() == std::vector<std::string>{"start waiter 10:00:00 schedule"});
}

TEST_CASE("scheduler: a job removed while running is forgotten once its run ends", "[scheduler]") {
    Harness h;
    h.load("jobs:\n" + job("gone", kEveryMinute) + job("stay", R"({frequency: daily, time: "23:00"})"), "2026-05-04T09:59:30Z");
    h.scheduler.wake(at("2026-05-04T10:00:00Z"));
    h.load("jobs:\n" + job("stay", R"({frequency: daily, time: "23:00"})"), "2026-05-04T10:00:10Z");
    CHECK(h.scheduler.activeRunCount() == 1);
    CHECK_FALSE(h.scheduler.status("gone"));
    h.finish("gone", "2026-05-04T10:00:20Z");
    CHECK(h.scheduler.activeRunCount() == 0);
    h.scheduler.wake(at("2026-05-04T10:01:00Z"));
    CHECK(h.starter.started.empty());
}

TEST_CASE("scheduler: raising max_parallel_jobs on reload starts waiting jobs", "[scheduler]") {
    Harness h;
    const std::string at10 = R"({frequency: daily, time: "10:00"})";
    h.load("jobs:\n" + job("a", at10) + job("b", at10), "2026-05-04T09:00:00Z");
    h.scheduler.wake(at("2026-05-04T10:00:00Z"));
    h.recorder.take();
    h.load("defaults:\n  max_parallel_jobs: 2\njobs:\n" + job("a", at10) + job("b", at10), "2026-05-04T10:00:05Z");
    CHECK(h.recorder.take() == std::vector<std::string>{"start b 10:00:00 schedule"});
}

TEST_CASE("scheduler: manual runs obey the overlap policy", "[scheduler]") {
    Harness h;
    const std::string daily = R"({frequency: daily, time: "03:00"})";
    h.load("jobs:\n" + job("skipper", daily) + job("queuer", daily, "    overlap: queue\n") +
               job("off", daily, "    enabled: false\n"),
           "2026-05-04T09:00:00Z");
    const TriggerOutcome first = h.scheduler.requestRun("skipper", at("2026-05-04T09:00:01Z"));
    CHECK(first.kind == TriggerOutcome::Kind::Started);
    CHECK(first.runId == "20260504T090001.000Z-0001");
    const TriggerOutcome again = h.scheduler.requestRun("skipper", at("2026-05-04T09:00:02Z"));
    CHECK(again.kind == TriggerOutcome::Kind::Skipped);
    CHECK(again.reason == "still running (overlap: skip)");
    const TriggerOutcome queued = h.scheduler.requestRun("queuer", at("2026-05-04T09:00:03Z"));
    CHECK(queued.kind == TriggerOutcome::Kind::Queued);
    CHECK(queued.reason == "waiting for a free slot (max_parallel_jobs: 1)");
    CHECK(h.scheduler.requestRun("off", at("2026-05-04T09:00:04Z")).reason == "job \"off\" is disabled");
    CHECK(h.scheduler.requestRun("nope", at("2026-05-04T09:00:04Z")).reason == "no job named \"nope\"");
    h.finish("skipper", "2026-05-04T09:00:05Z");
    REQUIRE(h.starter.started.size() == 1);
    CHECK(h.starter.started.front().id == queued.runId);
    CHECK(h.starter.started.front().trigger == TriggerKind::Manual);
    // Nobody scheduled these runs: they have no due instant (CHIEF_SCHEDULED_FOR stays unset).
    CHECK_FALSE(h.starter.started.front().scheduledFor);
}

TEST_CASE("scheduler: cancelling a waiting run ends its run id as cancelled", "[scheduler]") {
    Harness h;
    const std::string daily = R"({frequency: daily, time: "03:00"})";
    h.load("jobs:\n" + job("busy", daily) + job("waits", daily), "2026-05-04T09:00:00Z");
    CHECK(h.scheduler.requestRun("busy", at("2026-05-04T09:00:01Z")).kind == TriggerOutcome::Kind::Started);
    const TriggerOutcome queued = h.scheduler.requestRun("waits", at("2026-05-04T09:00:02Z"));
    REQUIRE(queued.kind == TriggerOutcome::Kind::Queued);
    h.recorder.take();
    CHECK_FALSE(h.scheduler.cancelWaiting("20260504T090002.000Z-9999", at("2026-05-04T09:00:03Z")));
    CHECK(h.recorder.take().empty());
    CHECK(h.scheduler.cancelWaiting(queued.runId, at("2026-05-04T09:00:04Z")));
    CHECK(h.recorder.take() == std::vector<std::string>{
                                   "skip waits -: cancelled while waiting to start",
                                   "dropped-end waits - cancelled " + queued.runId,
                               });
    CHECK_FALSE(h.scheduler.status("waits")->waiting);
    h.finish("busy", "2026-05-04T09:00:05Z");
    CHECK(h.starter.started.empty());  // the cancelled run never starts
}

TEST_CASE("scheduler: disabled jobs are never scheduled", "[scheduler]") {
    Harness h;
    h.load("jobs:\n" + job("off", kEveryMinute, "    enabled: false\n"), "2026-05-04T09:00:00Z");
    CHECK(h.next("off") == "none");
    CHECK_FALSE(h.scheduler.nextWakeup());
}

TEST_CASE("scheduler: stopping drops waiting triggers and starts nothing more", "[scheduler]") {
    Harness h;
    const std::string at10 = R"({frequency: daily, time: "10:00"})";
    h.load("jobs:\n" + job("a", at10) + job("b", at10), "2026-05-04T09:00:00Z");
    h.scheduler.wake(at("2026-05-04T10:00:00Z"));
    h.recorder.take();
    h.scheduler.stopDispatching(at("2026-05-04T10:00:01Z"));
    const std::vector<std::string> dropped = h.recorder.take();
    REQUIRE(dropped.size() == 2);
    CHECK(dropped[0] == "skip b 10:00:00: chiefd is stopping");
    CHECK(dropped[1].rfind("dropped-end b 10:00:00 cancelled ", 0) == 0);
    h.finish("a", "2026-05-04T10:00:02Z");
    CHECK(h.starter.started.empty());
    CHECK_FALSE(h.scheduler.nextWakeup());
    CHECK(h.scheduler.requestRun("a", at("2026-05-04T10:00:03Z")).kind == TriggerOutcome::Kind::Refused);
}

TEST_CASE("run ids are unique and sort by dispatch time even if the clock steps back", "[scheduler]") {
    RunIdSource ids;
    const RunId a = ids.next(at("2026-05-04T10:00:00.500Z"));
    const RunId b = ids.next(at("2026-05-04T10:00:00.500Z"));
    const RunId c = ids.next(at("2026-05-04T09:00:00Z"));
    const RunId d = ids.next(at("2026-05-04T10:00:01Z"));
    CHECK(a == "20260504T100000.500Z-0001");
    CHECK(b == "20260504T100000.500Z-0002");
    CHECK(c == "20260504T100000.500Z-0003");
    CHECK(a < b);
    CHECK(b < c);
    CHECK(c < d);
}
