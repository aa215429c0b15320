// End to end: the real chief-monitord fed the exact event sequences chiefd sends (heartbeats,
// job.next_scheduled with next_run_at / timezone / check settings, job.started, script.*,
// job.failed, job.unscheduled), with loopback webhook sinks: FAILURE, MISSED and
// RUNNING_TOO_LONG arrive as signed webhooks at the instants the evaluator timer is armed for,
// retries recover from a failing receiver, and the delivery log records every attempt.
// (tests/monitor/e2e_chiefd_test.sh is the same with a real chiefd, once its emitter exists.)
#include <catch2/catch.hpp>

#include <chrono>

#include "event_builders.h"
#include "monitor/webhook/hmac.h"
#include "monitor_process.h"
#include "webhook_sink.h"

using namespace chief::monitor;
using namespace chief::monitor::testing;
using chief::telemetry::TelemetryEvent;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

EventTime nowMs() { return std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now()); }

// chiefd's emitter: host and a fresh eventId on every event, as chief-guide.md says it sends them.
class FakeChiefd {
public:
    FakeChiefd(HttpEndpoint endpoint, std::string host) : endpoint_(std::move(endpoint)), host_(std::move(host)) {}

    void send(std::vector<TelemetryEvent> events) {
        json batch = json::array();
        for (TelemetryEvent& event : events) {
            event.host = host_;
            event.eventId = host_ + "-" + std::to_string(++sequence_);
            if (!event.eventAt) event.eventAt = nowMs();
            batch.push_back(chief::telemetry::toJson(event));
        }
        const HttpResult result = httpPost(endpoint_, "/v1/events/batch", batch.dump());
        REQUIRE(result.status == 202);
        REQUIRE(result.json().at("dropped") == 0);
    }

    // job.next_scheduled as chiefd sends it: the instant, the zone and the job's check settings.
    TelemetryEvent next(const std::string& job, EventTime at, json checkSettings = json::object()) const {
        TelemetryEvent event = chiefEvent(chief::telemetry::event_type::kJobNextScheduled, job);
        event.metadata = {{"next_run_at", chief::telemetry::formatEventTime(at)}, {"timezone", "Europe/Berlin"}};
        for (auto& [key, value] : checkSettings.items()) event.metadata[key] = value;
        return event;
    }

private:
    HttpEndpoint endpoint_;
    std::string host_;
    int sequence_ = 0;
};

TelemetryEvent script(std::string_view type, const std::string& job, const std::string& runId, std::optional<bool> ok) {
    TelemetryEvent event = chiefEvent(type, job);
    event.runId = runId;
    event.scriptPath = "/etc/chief/scripts/" + job + ".sh";
    event.success = ok;
    if (ok) event.returnCode = *ok ? 0 : 1;
    return event;
}

// The webhooks of `sink` for alerts of `type` that `transition` ("opened"/"closed").
std::vector<ReceivedWebhook> hooks(const WebhookSink& sink, const std::string& type, const std::string& transition) {
    std::vector<ReceivedWebhook> out;
    for (const ReceivedWebhook& hook : sink.received()) {
        const json body = hook.json();
        if (body.at("alert").at("alertType") == type && body.at("event") == "alert." + transition) out.push_back(hook);
    }
    return out;
}

bool arrives(const WebhookSink& sink, const std::string& type, const std::string& transition, seconds timeout) {
    return chief::testing::waitUntil([&] { return !hooks(sink, type, transition).empty(); }, timeout);
}

}  // namespace

TEST_CASE("FAILURE, MISSED and RUNNING_TOO_LONG reach the webhooks, signed, on time", "[e2e][webhook]") {
    WebhookSink signedSink;
    WebhookSink flakySink(/*failFirst=*/2, /*failStatus=*/503);
    const std::string yaml = "webhooks:\n  - url: " + flakySink.url("/flaky") + "\n";
    MonitorProcess monitor({"MONITOR_WEBHOOK_URL=" + signedSink.url(), "MONITOR_WEBHOOK_SECRET=hook-secret"}, yaml);
    FakeChiefd chiefd(monitor.endpoint(), "db1");

    const EventTime start = nowMs();
    chiefd.send({heartbeat("db1", 1)});
    // A job that fails: the whole run as chiefd reports it.
    chiefd.send({chiefd.next("failing", start + seconds{3600}),
                 script(chief::telemetry::event_type::kJobStarted, "failing", "run-f1", std::nullopt),
                 script(chief::telemetry::event_type::kScriptStarted, "failing", "run-f1", std::nullopt),
                 script(chief::telemetry::event_type::kScriptCompleted, "failing", "run-f1", false),
                 failed("failing", "run-f1")});
    // A job due in a second, whose run never happens (chiefd was stopped before it).
    const EventTime due = start + seconds{1};
    chiefd.send({chiefd.next("missed", due, {{"grace_seconds", 0}, {"alert_on_miss", true}})});
    // A job that hangs: started, no end, max_runtime_seconds 1.
    chiefd.send({chiefd.next("hang", start + seconds{3600}, {{"max_runtime_seconds", 1}}),
                 script(chief::telemetry::event_type::kJobStarted, "hang", "run-h1", std::nullopt)});
    // A job that is disabled before its due instant: nothing may be raised for it.
    chiefd.send({chiefd.next("retired", start + seconds{1}), unscheduled("retired")});

    REQUIRE(arrives(signedSink, "FAILURE", "opened", seconds{10}));
    REQUIRE(arrives(signedSink, "MISSED", "opened", seconds{10}));
    REQUIRE(arrives(signedSink, "RUNNING_TOO_LONG", "opened", seconds{10}));

    // MISSED came from the timer armed for due + grace, not from a minute-long poll.
    const ReceivedWebhook missed = hooks(signedSink, "MISSED", "opened").at(0);
    const json missedAlert = missed.json().at("alert");
    CHECK(missedAlert.at("jobName") == "missed");
    CHECK(missedAlert.at("host") == "db1");
    CHECK(missedAlert.at("severity") == "WARN");
    CHECK(missedAlert.at("details").at("expectedNextAt") == chief::telemetry::formatEventTime(due));
    CHECK(missedAlert.at("details").at("timezone") == "Europe/Berlin");
    const EventTime raisedAt = chief::telemetry::parseEventTime(missedAlert.at("openedAt").get<std::string>()).value();
    CHECK(raisedAt > due);
    CHECK(raisedAt - due < seconds{3});

    const json failure = hooks(signedSink, "FAILURE", "opened").at(0).json().at("alert");
    CHECK(failure.at("jobName") == "failing");
    CHECK(failure.at("details").at("runId") == "run-f1");
    const json overrun = hooks(signedSink, "RUNNING_TOO_LONG", "opened").at(0).json().at("alert");
    CHECK(overrun.at("jobName") == "hang");
    CHECK(overrun.at("details").at("runId") == "run-h1");

    // Every body is signed with the webhook's secret, and says what it is.
    for (const ReceivedWebhook& hook : signedSink.received()) {
        CHECK(hook.headers.at("x-chief-signature") == webhookSignature("hook-secret", hook.body));
        CHECK(hook.headers.at("content-type") == "application/json");
        CHECK(hook.headers.at("x-chief-event") == hook.json().at("event"));
        CHECK(hook.target == "/hook");
    }
    CHECK(hooks(signedSink, "MISSED", "opened").size() == 1);
    for (const ReceivedWebhook& hook : signedSink.received()) CHECK(hook.json().at("alert").at("jobName") != "retired");

    // The flaky receiver gets them too, after its two 503s, unsigned.
    REQUIRE(chief::testing::waitUntil([&] { return flakySink.received().size() >= 3; }, seconds{20}));
    CHECK(flakySink.attempts() >= 5);
    for (const ReceivedWebhook& hook : flakySink.received()) CHECK_FALSE(hook.headers.contains("x-chief-signature"));

    // The delivery log: each attempt recorded, the retried ones with their error.
    const json deliveries = httpGet(monitor.endpoint(), "/v1/webhooks/deliveries").json().at("deliveries");
    bool sawRetry = false;
    for (const json& delivery : deliveries) {
        if (delivery.at("attempts") > 1) {
            sawRetry = true;
            CHECK(delivery.at("url").get<std::string>().find("/flaky") != std::string::npos);
        }
    }
    CHECK(sawRetry);

    // The failing job is fixed: FAILURE closes and a RECOVERY opens; the hang ends: closed.
    chiefd.send({script(chief::telemetry::event_type::kJobStarted, "failing", "run-f2", std::nullopt),
                 completed("failing", "run-f2", true), failed("hang", "run-h1")});
    REQUIRE(arrives(signedSink, "FAILURE", "closed", seconds{10}));
    REQUIRE(arrives(signedSink, "RECOVERY", "opened", seconds{10}));
    REQUIRE(arrives(signedSink, "RUNNING_TOO_LONG", "closed", seconds{10}));
    CHECK(hooks(signedSink, "RUNNING_TOO_LONG", "closed").at(0).json().at("alert").at("closeReason") == "run ended");

    // chiefd went quiet: its host is offline after twice its ping interval (5 s at least).
    CHECK(chief::testing::waitUntil(
        [&] {
            return httpGet(monitor.endpoint(), "/v1/status/summary").json().at("chief").at("online") == false;
        },
        seconds{10}));
    const json jobs = httpGet(monitor.endpoint(), "/v1/status/jobs").json().at("jobs");
    for (const json& job : jobs) {
        if (job.at("jobName") == "missed") CHECK(job.at("status") == "DOWN");
        if (job.at("jobName") == "retired") CHECK(job.at("status") == "UP");
    }
    CHECK(monitor.log().find("is offline") != std::string::npos);
}

TEST_CASE("pending webhook deliveries survive a restart", "[e2e][webhook]") {
    chief::testing::TempDir dir;
    const std::string db = dir / "outbox.sqlite";
    std::unique_ptr<WebhookSink> sink = std::make_unique<WebhookSink>(/*failFirst=*/1000);
    const std::string url = sink->url();
    {
        MonitorProcess monitor({"MONITOR_DB_PATH=" + db, "MONITOR_WEBHOOK_URL=" + url});
        REQUIRE(httpPost(monitor.endpoint(), "/v1/events", chief::telemetry::toJson(failed("etl", "r1")).dump()).status == 202);
        REQUIRE(chief::testing::waitUntil([&] { return sink->attempts() >= 1; }, seconds{10}));
        monitor.stop();
    }
    // The receiver is back, on the same port, and chief-monitord restarts: the delivery is retried.
    const unsigned short port = sink->port();
    sink.reset();
    WebhookSink healthy(0, 500, port);  // throws (and fails the test) if the port was taken meanwhile
    MonitorProcess again({"MONITOR_DB_PATH=" + db, "MONITOR_WEBHOOK_URL=" + url});
    // Due at once, or when the lease of an attempt cut short by the stop runs out.
    CHECK(chief::testing::waitUntil([&] { return !healthy.received().empty(); }, seconds{30}));
    CHECK(healthy.received().at(0).json().at("alert").at("alertType") == "FAILURE");
}
