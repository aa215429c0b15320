// The check and alert state machine (monitor/core/monitor_state.h) on a fake clock: late, down,
// missed, failure, recovery and its TTL, de-duplication, running too long, unscheduled, hosts
// going offline, deadlines for the evaluator timer, and rollback.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "event_builders.h"
#include "fake_clock.h"
#include "monitor/core/monitor_state.h"

using namespace chief::monitor;
using namespace chief::monitor::testing;
using namespace std::chrono_literals;
using chief::telemetry::TelemetryEvent;

namespace {

// The state machine driven the way the service drives it: each event applied at the clock's
// time, then an evaluation; every change collected.
class Machine {
public:
    explicit Machine(const char* start, MonitorPolicy policy = {}) : clock(instant(start)), state(policy) {}

    StateChanges send(const TelemetryEvent& event) { return sendAll({event}); }

    StateChanges sendAll(const std::vector<TelemetryEvent>& events) {
        StateChanges changes;
        for (const TelemetryEvent& event : events)
            state.applyEvent(event, event.eventAt.value_or(clock.now()), clock.now(), changes);
        state.evaluate(clock.now(), changes);
        return changes;
    }

    StateChanges at(const char* iso) {
        clock.set(instant(iso));
        StateChanges changes;
        state.evaluate(clock.now(), changes);
        return changes;
    }

    const Check& check(const std::string& job, const std::string& host = {}) const {
        const Check* found = state.findCheck({host, job});
        REQUIRE(found != nullptr);
        return *found;
    }

    std::vector<Alert> open(AlertType type) const {
        std::vector<Alert> out;
        for (const auto& [id, alert] : state.openAlerts())
            if (alert.type == type) out.push_back(alert);
        return out;
    }

    FakeClock clock;
    MonitorState state;
};

std::vector<std::string> transitions(const StateChanges& changes) {
    std::vector<std::string> out;
    for (const AlertTransition& t : changes.alertTransitions)
        out.push_back(std::string(t.kind == AlertTransition::Kind::Opened ? "opened " : "closed ") +
                      std::string(alertTypeName(t.alert.type)));
    return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("a job whose due run arrives on time stays UP", "[state]") {
    Machine m("2026-03-01T01:00:00Z");
    m.send(nextScheduled("backup", "2026-03-01T02:00:00Z"));
    CHECK(m.check("backup").status == CheckStatus::Up);
    CHECK(m.check("backup").expectedNextAt == instant("2026-03-01T02:00:00Z"));
    CHECK(m.check("backup").timezone == "Europe/Berlin");
    m.clock.set(instant("2026-03-01T02:00:00.050Z"));
    m.sendAll({started("backup", "r1"), nextScheduled("backup", "2026-03-02T02:00:00Z")});
    CHECK(m.at("2026-03-01T03:00:00Z").empty());
    CHECK(m.check("backup").status == CheckStatus::Up);
    CHECK(m.state.openAlerts().empty());
}

TEST_CASE("past its due instant a job is LATE, past the grace DOWN with one MISSED alert", "[state][missed]") {
    Machine m("2026-03-01T01:00:00Z");
    TelemetryEvent next = nextScheduled("backup", "2026-03-01T02:00:00Z");
    next.metadata["grace_seconds"] = 300;
    m.send(next);
    CHECK(m.at("2026-03-01T02:00:00Z").statusChanges.empty());  // exactly due: not late yet
    StateChanges late = m.at("2026-03-01T02:00:00.001Z");
    REQUIRE(late.statusChanges.size() == 1);
    CHECK(late.statusChanges[0].to == CheckStatus::Late);
    CHECK(m.at("2026-03-01T02:05:00Z").statusChanges.empty());  // the last instant of grace
    StateChanges down = m.at("2026-03-01T02:05:00.001Z");
    REQUIRE(down.statusChanges.size() == 1);
    CHECK(down.statusChanges[0].from == CheckStatus::Late);
    CHECK(down.statusChanges[0].to == CheckStatus::Down);
    CHECK(transitions(down) == Strings{"opened MISSED"});
    const Alert missed = m.open(AlertType::Missed).at(0);
    CHECK(missed.severity == chief::telemetry::EventLevel::Warn);
    CHECK(missed.dedupeKey == "backup:MISSED");
    CHECK(missed.details.at("expectedNextAt") == "2026-03-01T02:00:00.000Z");
    CHECK(missed.details.at("graceSeconds") == 300);
    CHECK(missed.details.at("timezone") == "Europe/Berlin");
    CHECK(missed.title == "Job backup missed its run due at 2026-03-01T02:00:00.000Z");
    // Evaluating again raises nothing more.
    CHECK(m.at("2026-03-01T04:00:00Z").empty());
}

TEST_CASE("a late run that arrives closes MISSED and opens a RECOVERY that the next heartbeat closes", "[state][recovery]") {
    Machine m("2026-03-01T01:00:00Z");
    m.send(nextScheduled("backup", "2026-03-01T02:00:00Z"));
    m.at("2026-03-01T02:30:00Z");
    REQUIRE(m.open(AlertType::Missed).size() == 1);
    const StateChanges ran = m.send(started("backup", "r1"));
    CHECK(transitions(ran) == Strings{"closed MISSED", "opened RECOVERY"});
    CHECK(m.check("backup").status == CheckStatus::Up);
    CHECK(ran.alerts.at(m.open(AlertType::Recovery).at(0).id).details.at("recoveredFrom") == nlohmann::json{"MISSED"});
    const StateChanges done = m.send(completed("backup", "r1", true));
    CHECK(transitions(done) == Strings{"closed RECOVERY"});
    CHECK(m.state.openAlerts().empty());
}

TEST_CASE("a heartbeat from before the due instant does not satisfy it", "[state][missed]") {
    Machine m("2026-03-01T01:00:00Z");
    m.send(nextScheduled("backup", "2026-03-01T02:00:00Z"));
    TelemetryEvent manual = started("backup", "manual-1");
    manual.eventAt = instant("2026-03-01T01:59:00Z");
    m.send(manual);
    m.at("2026-03-01T02:03:00Z");
    CHECK(m.check("backup").status == CheckStatus::Down);
    CHECK(m.open(AlertType::Missed).size() == 1);
}

TEST_CASE("MISSED is raised once per due instant and refreshed for the next", "[state][dedupe]") {
    Machine m("2026-03-01T01:00:00Z");
    m.send(nextScheduled("backup", "2026-03-01T02:00:00Z"));
    m.at("2026-03-01T02:10:00Z");
    const std::int64_t id = m.open(AlertType::Missed).at(0).id;
    // Closed by hand: the same missed instant does not raise it again.
    StateChanges closed;
    REQUIRE(m.state.closeAlert(id, "known outage", m.clock.now(), closed));
    CHECK(m.at("2026-03-01T02:20:00Z").alertTransitions.empty());
    // chiefd says the next run is an hour later, which is missed too: one new alert.
    m.send(nextScheduled("backup", "2026-03-01T03:00:00Z"));
    CHECK(m.check("backup").status == CheckStatus::Up);
    CHECK(transitions(m.at("2026-03-01T03:10:00Z")) == Strings{"opened MISSED"});
    const std::int64_t second = m.open(AlertType::Missed).at(0).id;
    CHECK(second != id);
    // And the one after, while that alert is still open: refreshed, not duplicated.
    m.send(nextScheduled("backup", "2026-03-01T04:00:00Z"));
    const StateChanges again = m.at("2026-03-01T04:10:00Z");
    CHECK(again.alertTransitions.empty());
    REQUIRE(m.open(AlertType::Missed).size() == 1);
    CHECK(m.open(AlertType::Missed)[0].id == second);
    CHECK(m.open(AlertType::Missed)[0].details.at("occurrences") == 2);
    CHECK(m.open(AlertType::Missed)[0].details.at("expectedNextAt") == "2026-03-01T04:00:00.000Z");
}

TEST_CASE("alert_on_miss false and check_enabled false raise nothing", "[state][settings]") {
    Machine m("2026-03-01T01:00:00Z");
    TelemetryEvent quiet = nextScheduled("quiet", "2026-03-01T02:00:00Z");
    quiet.metadata["alert_on_miss"] = false;
    TelemetryEvent off = nextScheduled("off", "2026-03-01T02:00:00Z");
    off.metadata["check_enabled"] = false;
    m.sendAll({quiet, off});
    m.at("2026-03-01T05:00:00Z");
    CHECK(m.check("quiet").status == CheckStatus::Down);
    CHECK(m.check("off").status == CheckStatus::Up);
    CHECK(m.state.openAlerts().empty());
    m.send(failed("off", "r1"));
    CHECK(m.state.openAlerts().empty());
    CHECK(m.check("off").consecutiveFailures == 1);
}

TEST_CASE("settings persist until chiefd sends new ones, events without them change nothing", "[state][settings]") {
    Machine m("2026-03-01T01:00:00Z");
    TelemetryEvent next = nextScheduled("backup", "2026-03-01T02:00:00Z");
    next.metadata["grace_seconds"] = 30;
    next.metadata["alert_on_failure"] = false;
    next.metadata["max_runtime_seconds"] = 600;
    m.send(next);
    m.send(started("backup", "r1"));
    const CheckSettings settings = m.check("backup").settings;
    CHECK(settings.graceSeconds == 30);
    CHECK_FALSE(settings.alertOnFailure);
    CHECK(settings.alertOnMiss);
    CHECK(settings.maxRuntimeSeconds == 600);
    // A worker's metadata never configures a check.
    TelemetryEvent worker = workerMessage("backup", "hello");
    worker.metadata["grace_seconds"] = 5;
    m.send(worker);
    CHECK(m.check("backup").settings.graceSeconds == 30);
    CHECK(m.check("backup").latestEvent->message == "hello");
}

TEST_CASE("failures open one FAILURE, counted and refreshed, a success closes it with a RECOVERY", "[state][failure]") {
    Machine m("2026-03-01T02:00:00Z");
    const StateChanges first = m.sendAll({started("etl", "r1"), failed("etl", "r1")});
    CHECK(transitions(first) == Strings{"opened FAILURE"});
    Alert failure = m.open(AlertType::Failure).at(0);
    CHECK(failure.severity == chief::telemetry::EventLevel::Error);
    CHECK(failure.title == "Job etl failed");
    CHECK(failure.dedupeKey == "etl:FAILURE");
    CHECK(failure.details.at("runId") == "r1");
    CHECK(failure.details.at("returnCode") == 2);
    CHECK(m.check("etl").consecutiveFailures == 1);
    CHECK(m.check("etl").lastFailureAt == instant("2026-03-01T02:00:00Z"));
    CHECK(m.check("etl").lastResult == "failure");

    m.clock.advance(1h);
    const StateChanges second = m.sendAll({started("etl", "r2"), completed("etl", "r2", false)});
    CHECK(second.alertTransitions.empty());  // refreshed, not re-opened
    REQUIRE(m.open(AlertType::Failure).size() == 1);
    failure = m.open(AlertType::Failure)[0];
    CHECK(failure.details.at("runId") == "r2");
    CHECK(failure.details.at("occurrences") == 2);
    CHECK(failure.details.at("consecutiveFailures") == 2);
    CHECK(m.check("etl").consecutiveFailures == 2);

    m.clock.advance(1h);
    const StateChanges fixed = m.sendAll({started("etl", "r3"), completed("etl", "r3", true)});
    CHECK(transitions(fixed) == Strings{"closed FAILURE", "opened RECOVERY"});
    CHECK(fixed.alerts.at(failure.id).closeReason == "job succeeded");
    CHECK(m.check("etl").consecutiveFailures == 0);
    CHECK(m.check("etl").lastSuccessAt == instant("2026-03-01T04:00:00Z"));
    CHECK(m.check("etl").lastDurationMs == 1500);
    const Alert recovery = m.open(AlertType::Recovery).at(0);
    CHECK(recovery.severity == chief::telemetry::EventLevel::Info);
    CHECK(recovery.title == "Job etl recovered from failure");
}

TEST_CASE("a RECOVERY nobody clears closes after its TTL", "[state][recovery]") {
    Machine m("2026-03-01T02:00:00Z", MonitorPolicy{std::chrono::seconds{900}});
    m.sendAll({failed("etl", "r1"), completed("etl", "r2", true)});
    REQUIRE(m.open(AlertType::Recovery).size() == 1);
    CHECK(m.state.nextDeadline() == instant("2026-03-01T02:15:00Z"));
    CHECK(m.at("2026-03-01T02:14:59.999Z").empty());
    const StateChanges expired = m.at("2026-03-01T02:15:00Z");
    CHECK(transitions(expired) == Strings{"closed RECOVERY"});
    CHECK(expired.alertTransitions[0].alert.closeReason == "recovery TTL");
    CHECK(m.state.nextDeadline() == std::nullopt);
}

TEST_CASE("a failure and a missed run recovered by one success make one RECOVERY", "[state][recovery][dedupe]") {
    Machine m("2026-03-01T01:00:00Z");
    m.sendAll({failed("etl", "r0"), nextScheduled("etl", "2026-03-01T02:00:00Z")});
    m.at("2026-03-01T03:00:00Z");
    REQUIRE(m.state.openAlerts().size() == 2);
    // Both arrive in one batch (a replay after an outage): MISSED closes at job.started, FAILURE
    // at job.completed; the RECOVERY opened at the first is refreshed at the second.
    TelemetryEvent end = completed("etl", "r1", true);
    const StateChanges changes = m.sendAll({end});
    CHECK(transitions(changes) == Strings{"closed MISSED", "opened RECOVERY", "closed FAILURE"});
    REQUIRE(m.open(AlertType::Recovery).size() == 1);
    CHECK(m.open(AlertType::Recovery)[0].details.at("recoveredFrom") == nlohmann::json({"MISSED", "FAILURE"}));
}

TEST_CASE("a run past max_runtime_seconds opens RUNNING_TOO_LONG once, its end closes it", "[state][runtime]") {
    Machine m("2026-03-01T02:00:00Z");
    TelemetryEvent next = nextScheduled("hang", "2026-03-01T02:00:00Z");
    next.metadata["max_runtime_seconds"] = 60;
    m.sendAll({next, started("hang", "r1")});
    CHECK(m.state.nextDeadline() == instant("2026-03-01T02:01:00.001Z"));
    CHECK(m.at("2026-03-01T02:01:00Z").empty());
    const StateChanges overdue = m.at("2026-03-01T02:01:00.001Z");
    CHECK(transitions(overdue) == Strings{"opened RUNNING_TOO_LONG"});
    const Alert alert = m.open(AlertType::RunningTooLong).at(0);
    CHECK(alert.details.at("runId") == "r1");
    CHECK(alert.details.at("maxRuntimeSeconds") == 60);
    CHECK(alert.dedupeKey == "hang:RUNNING_TOO_LONG");
    CHECK(alert.title == "Job hang has run for more than 60 s (run r1)");
    CHECK(m.at("2026-03-01T05:00:00Z").alertTransitions.empty());
    // A different run's end leaves it open; its own end closes it (no RECOVERY for this type).
    m.send(completed("hang", "other", true));
    CHECK(m.open(AlertType::RunningTooLong).size() == 1);
    TelemetryEvent interrupted = failed("hang", "r1");
    interrupted.metadata["reason"] = "interrupted";
    const StateChanges ended = m.send(interrupted);
    CHECK(transitions(ended) == Strings{"closed RUNNING_TOO_LONG", "opened FAILURE"});
    CHECK(ended.alertTransitions[0].alert.closeReason == "run ended");
    CHECK(m.open(AlertType::Failure).at(0).details.at("reason") == "interrupted");
}

TEST_CASE("a run that ends in time raises nothing, without a max runtime runs are not timed", "[state][runtime]") {
    Machine m("2026-03-01T02:00:00Z");
    TelemetryEvent next = nextScheduled("quick", "2026-03-01T03:00:00Z");
    next.metadata["max_runtime_seconds"] = 60;
    m.sendAll({next, started("quick", "r1"), nextScheduled("untimed", "2026-03-01T03:00:00Z"), started("untimed", "u1")});
    m.clock.advance(59s);
    m.send(completed("quick", "r1", true));
    CHECK(m.check("quick").openRuns.empty());
    CHECK(m.check("untimed").openRuns.empty());
    m.at("2026-03-01T02:59:00Z");
    CHECK(m.state.openAlerts().empty());
}

TEST_CASE("job.unscheduled stops expecting the job: nothing is raised", "[state][unscheduled]") {
    Machine m("2026-03-01T01:00:00Z");
    m.send(nextScheduled("old", "2026-03-01T02:00:00Z"));
    m.at("2026-03-01T02:01:00Z");
    CHECK(m.check("old").status == CheckStatus::Late);
    const StateChanges changes = m.send(unscheduled("old"));
    CHECK(m.check("old").status == CheckStatus::Up);
    CHECK_FALSE(m.check("old").expectedNextAt);
    REQUIRE(changes.statusChanges.size() == 1);
    CHECK(m.state.nextDeadline() == std::nullopt);
    m.at("2026-03-05T00:00:00Z");
    CHECK(m.state.openAlerts().empty());
}

TEST_CASE("checks are keyed by host and job", "[state][hosts]") {
    Machine m("2026-03-01T01:00:00Z");
    m.sendAll({nextScheduled("backup", "2026-03-01T02:00:00Z", "db1"),
               nextScheduled("backup", "2026-03-01T02:00:00Z", "db2")});
    m.clock.set(instant("2026-03-01T02:00:01Z"));
    m.send(started("backup", "r1", "db1"));
    m.at("2026-03-01T02:10:00Z");
    CHECK(m.check("backup", "db1").status == CheckStatus::Up);
    CHECK(m.check("backup", "db2").status == CheckStatus::Down);
    const std::vector<Alert> missed = m.open(AlertType::Missed);
    REQUIRE(missed.size() == 1);
    CHECK(missed[0].key.host == "db2");
    CHECK(missed[0].dedupeKey == "db2:backup:MISSED");
    CHECK(missed[0].title == "Job backup on db2 missed its run due at 2026-03-01T02:00:00.000Z");
    // One failure per host: two FAILURE alerts, each host's own.
    m.sendAll({failed("backup", "r1", "db1"), failed("backup", "r2", "db2")});
    CHECK(m.open(AlertType::Failure).size() == 2);
}

TEST_CASE("workers do not create checks, events without a job only track hosts", "[state]") {
    Machine m("2026-03-01T01:00:00Z");
    const StateChanges changes = m.sendAll({workerMessage("ghost", "hi"), chiefEvent("daemon.dispatch", "")});
    CHECK(m.state.checks().empty());
    CHECK(changes.empty());
}

TEST_CASE("a host is online while its heartbeats arrive, offline after twice its ping interval", "[state][hosts]") {
    Machine m("2026-03-01T01:00:00Z");
    const StateChanges first = m.send(heartbeat("db1", 10));
    REQUIRE(first.hostTransitions.size() == 1);
    CHECK(first.hostTransitions[0].online);
    CHECK(m.state.hosts().at("db1").online);
    CHECK(offlineAfterSeconds(m.state.hosts().at("db1")) == 20);
    CHECK(m.state.nextDeadline() == instant("2026-03-01T01:00:20.001Z"));
    m.clock.advance(10s);
    CHECK(m.send(heartbeat("db1", 10)).hostTransitions.empty());
    CHECK(m.at("2026-03-01T01:00:30Z").hostTransitions.empty());
    const StateChanges gone = m.at("2026-03-01T01:00:30.001Z");
    REQUIRE(gone.hostTransitions.size() == 1);
    CHECK_FALSE(gone.hostTransitions[0].online);
    CHECK_FALSE(m.state.hosts().at("db1").online);
    const StateChanges back = m.send(heartbeat("db1", 10));
    REQUIRE(back.hostTransitions.size() == 1);
    CHECK(back.hostTransitions[0].online);
}

TEST_CASE("offline-after is at least 5 s, and 45 s without a ping interval", "[state][hosts]") {
    HostPresence host;
    host.pingIntervalSeconds = 1;
    CHECK(offlineAfterSeconds(host) == 5);
    host.pingIntervalSeconds.reset();
    CHECK(offlineAfterSeconds(host) == 45);
    host.lastHeartbeatAt = instant("2026-03-01T00:00:00Z");
    CHECK(onlineAt(host, instant("2026-03-01T00:00:45Z")));
    CHECK_FALSE(onlineAt(host, instant("2026-03-01T00:00:45.001Z")));
}

TEST_CASE("nextDeadline is the earliest pending transition", "[state][deadline]") {
    Machine m("2026-03-01T01:00:00Z");
    CHECK(m.state.nextDeadline() == std::nullopt);
    TelemetryEvent next = nextScheduled("a", "2026-03-01T02:00:00Z");
    next.metadata["grace_seconds"] = 60;
    m.sendAll({next, nextScheduled("b", "2026-03-01T03:00:00Z")});
    CHECK(m.state.nextDeadline() == instant("2026-03-01T02:00:00.001Z"));
    m.at("2026-03-01T02:00:00.001Z");
    CHECK(m.state.nextDeadline() == instant("2026-03-01T02:01:00.001Z"));
    m.at("2026-03-01T02:01:00.001Z");
    CHECK(m.state.nextDeadline() == instant("2026-03-01T03:00:00.001Z"));
}

TEST_CASE("a manual close of an open alert, unknown or closed ids are not found", "[state]") {
    Machine m("2026-03-01T01:00:00Z");
    m.send(failed("etl", "r1"));
    const std::int64_t id = m.open(AlertType::Failure).at(0).id;
    StateChanges changes;
    const auto closed = m.state.closeAlert(id, "fixed by hand", m.clock.now(), changes);
    REQUIRE(closed);
    CHECK(closed->status == AlertStatus::Closed);
    CHECK(closed->closeReason == "fixed by hand");
    CHECK(closed->closedAt == m.clock.now());
    CHECK(transitions(changes) == Strings{"closed FAILURE"});
    StateChanges none;
    CHECK_FALSE(m.state.closeAlert(id, "again", m.clock.now(), none));
    CHECK_FALSE(m.state.closeAlert(999, "never", m.clock.now(), none));
    // The next failure opens a new alert.
    m.send(failed("etl", "r2"));
    CHECK(m.open(AlertType::Failure).at(0).id != id);
}

TEST_CASE("rollback undoes every change since beginTransaction", "[state][transaction]") {
    Machine m("2026-03-01T01:00:00Z");
    m.sendAll({nextScheduled("etl", "2026-03-01T02:00:00Z"), heartbeat("db1")});
    const auto checksBefore = m.state.checks();
    const auto hostsBefore = m.state.hosts();
    m.state.beginTransaction();
    m.clock.set(instant("2026-03-01T03:00:00Z"));
    m.sendAll({failed("etl", "r1"), nextScheduled("new", "2026-03-01T04:00:00Z"), heartbeat("db2")});
    REQUIRE(m.state.openAlerts().size() == 1);
    m.state.rollback();
    CHECK(m.state.checks() == checksBefore);
    CHECK(m.state.hosts() == hostsBefore);
    CHECK(m.state.openAlerts().empty());
    // Alert ids handed out in the rolled-back transaction are handed out again.
    m.send(failed("etl", "r1"));
    CHECK(m.open(AlertType::Failure).at(0).id == 1);
    // A committed transaction stays.
    m.state.beginTransaction();
    m.send(failed("other", "r1"));
    m.state.commit();
    CHECK(m.state.openAlerts().size() == 2);  // etl FAILURE (its heartbeat at 03:00 saw the due run), other FAILURE
}

TEST_CASE("restore rebuilds the de-duplication index from open alerts", "[state]") {
    Machine m("2026-03-01T01:00:00Z");
    m.send(failed("etl", "r1"));
    const Alert open = m.open(AlertType::Failure).at(0);
    std::vector<Check> checks;
    for (const auto& [key, check] : m.state.checks()) checks.push_back(check);
    MonitorState restored;
    restored.restore(checks, {open}, {}, 41);
    StateChanges changes;
    restored.applyEvent(failed("etl", "r2"), m.clock.now(), m.clock.now(), changes);
    CHECK(changes.alertTransitions.empty());  // refreshed the restored alert
    CHECK(restored.openAlerts().size() == 1);
    restored.applyEvent(failed("other", "r1"), m.clock.now(), m.clock.now(), changes);
    CHECK(restored.openAlerts().count(42) == 1);
}

TEST_CASE("clients cannot make the monitor remember unbounded checks or hosts", "[state][limits]") {
    MonitorPolicy policy;
    policy.maxChecks = 3;
    policy.maxHosts = 2;
    Machine m("2026-03-01T01:00:00Z", policy);
    for (int i = 0; i < 10; ++i) m.send(started("job" + std::to_string(i), "r"));
    CHECK(m.state.checks().size() == 3);
    for (int i = 0; i < 10; ++i) m.send(heartbeat("host" + std::to_string(i)));
    CHECK(m.state.hosts().size() == 2);
    // Known ones keep working.
    m.send(failed("job0", "r2"));
    CHECK(m.check("job0").consecutiveFailures == 1);
}
