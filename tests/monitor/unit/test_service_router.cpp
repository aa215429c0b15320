// The service and the router without sockets (SQLite on a temp file, a fake clock): batch
// atomicity when the store fails mid-way, webhook deliveries queued with the alert, the job
// view's host choice, and the router's status codes and shapes; the webhook dispatcher with a
// fake sender.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "event_builders.h"
#include "fake_clock.h"
#include "monitor/http/api_router.h"
#include "monitor/http/request_handler.h"
#include "monitor/service/api_json.h"
#include "monitor/store/sqlite_store.h"
#include "monitor/webhook/hmac.h"
#include "monitor/webhook/webhook_dispatcher.h"
#include "temp_dir.h"

using namespace chief::monitor;
using namespace chief::monitor::testing;
using chief::telemetry::TelemetryEvent;
using nlohmann::json;

namespace {

// A SqliteStore that can be told to fail: on the n-th insert of a transaction, or at commit.
class FlakyStore final : public MonitorStore {
public:
    explicit FlakyStore(const std::string& path) : inner_(path) {}
    int failOnInsert = 0;  // 1-based; 0: never
    bool failCommit = false;

    void begin() override {
        inserts_ = 0;
        inner_.begin();
    }
    bool insertEvent(const TelemetryEvent& event, EventTime receivedAt) override {
        if (++inserts_ == failOnInsert) throw StoreError("disk I/O error (injected)");
        return inner_.insertEvent(event, receivedAt);
    }
    void putCheck(const Check& check) override { inner_.putCheck(check); }
    void putAlert(const Alert& alert) override { inner_.putAlert(alert); }
    void putHost(const HostPresence& host) override { inner_.putHost(host); }
    void addDelivery(const WebhookDelivery& delivery) override { inner_.addDelivery(delivery); }
    void commit() override {
        if (failCommit) throw StoreError("database or disk is full (injected)");
        inner_.commit();
    }
    void rollback() override { inner_.rollback(); }
    std::vector<Check> loadChecks() override { return inner_.loadChecks(); }
    std::vector<Alert> loadOpenAlerts() override { return inner_.loadOpenAlerts(); }
    std::vector<HostPresence> loadHosts() override { return inner_.loadHosts(); }
    std::int64_t maxAlertId() override { return inner_.maxAlertId(); }
    std::int64_t countEvents() override { return inner_.countEvents(); }
    std::optional<EventTime> latestEventAt() override { return inner_.latestEventAt(); }
    std::vector<StoredEvent> findEvents(const EventQuery& q) override { return inner_.findEvents(q); }
    std::vector<Alert> findAlerts(const AlertQuery& q) override { return inner_.findAlerts(q); }
    std::optional<Alert> findAlert(std::int64_t id) override { return inner_.findAlert(id); }
    std::vector<WebhookDelivery> findDeliveries(std::optional<std::int64_t> id, std::int64_t limit) override {
        return inner_.findDeliveries(id, limit);
    }
    std::size_t pruneEvents(EventTime before, std::size_t max) override { return inner_.pruneEvents(before, max); }
    std::size_t pruneClosedAlerts(EventTime before, std::size_t max) override { return inner_.pruneClosedAlerts(before, max); }
    std::size_t pruneDeliveries(EventTime before, std::size_t max) override { return inner_.pruneDeliveries(before, max); }
    std::vector<WebhookDelivery> dueDeliveries(EventTime now, std::size_t max) override {
        return inner_.dueDeliveries(now, max);
    }
    std::optional<EventTime> nextDeliveryAt() override { return inner_.nextDeliveryAt(); }
    void leaseDelivery(std::int64_t id, EventTime until) override { inner_.leaseDelivery(id, until); }
    void recordAttempt(const DeliveryAttempt& attempt) override { inner_.recordAttempt(attempt); }

private:
    SqliteStore inner_;
    int inserts_ = 0;
};

class RecordingObserver final : public ServiceObserver {
public:
    void committed(const StateChanges& changes, std::size_t deliveries) override {
        commits.push_back(changes);
        deliveriesQueued += deliveries;
    }
    std::vector<StateChanges> commits;
    std::size_t deliveriesQueued = 0;
};

class NullLogger final : public chief::service::Logger {
public:
    void log(chief::service::LogLevel, std::string_view message, const chief::service::LogFields&, std::string_view) override {
        lines.emplace_back(message);
    }
    std::vector<std::string> lines;
};

// A service on a temp store with a fake clock.
struct Fixture {
    explicit Fixture(std::vector<WebhookTarget> webhooks = {})
        : store(dir.file("m.sqlite")), clock(instant("2026-03-01T12:00:00Z")),
          service(store, clock, observer, MonitorPolicy{}, std::move(webhooks)) {
        service.load();
    }
    TempDir dir;
    FlakyStore store;
    FakeClock clock;
    RecordingObserver observer;
    MonitorService service;
};

HttpReply call(ApiRouter& router, std::string_view method, std::string_view target, std::string_view body = {},
               std::optional<std::string_view> key = std::nullopt) {
    HttpRequestView request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.apiKey = key;
    return router.handle(request);
}

}  // namespace

TEST_CASE("a store failure mid-batch keeps nothing, in the store or the checks", "[service][atomicity]") {
    Fixture f;
    f.service.ingest({started("etl", "r0")});
    const auto checksBefore = f.service.checks();
    f.store.failOnInsert = 2;
    CHECK_THROWS_AS(f.service.ingest({failed("etl", "r1"), failed("etl", "r2"), started("new", "r1")}), StoreError);
    CHECK(f.service.totalEvents() == 1);
    CHECK(f.store.countEvents() == 1);
    CHECK(f.service.checks() == checksBefore);
    CHECK(f.service.state().openAlerts().empty());
    CHECK(f.service.counters().storeErrors == 1);
    f.store.failOnInsert = 0;
    f.store.failCommit = true;
    CHECK_THROWS_AS(f.service.ingest({failed("etl", "r1")}), StoreError);
    CHECK(f.service.state().openAlerts().empty());
    f.store.failCommit = false;
    // The same batch goes through afterwards, with the alert id the failed attempt had taken.
    const IngestResult result = f.service.ingest({failed("etl", "r1"), failed("etl", "r2"), started("new", "r1")});
    CHECK(result.inserted == 3);
    CHECK(f.service.state().openAlerts().begin()->first == 1);
    CHECK(f.service.checks().size() == 2);
}

TEST_CASE("alert transitions queue one delivery per webhook in the same transaction", "[service][webhook]") {
    Fixture f({{"http://127.0.0.1:1/a", "s"}, {"http://127.0.0.1:1/b", ""}});
    f.service.ingest({failed("etl", "r1")});
    CHECK(f.observer.deliveriesQueued == 2);
    const std::vector<WebhookDelivery> queued = f.store.findDeliveries(std::nullopt, 10);
    REQUIRE(queued.size() == 2);
    const json payload = json::parse(queued[0].payload);
    CHECK(payload.at("event") == "alert.opened");
    CHECK(payload.at("alert").at("alertType") == "FAILURE");
    CHECK(payload.at("sentBy") == "chief-monitord");
    // A failed commit queues nothing.
    f.store.failCommit = true;
    CHECK_THROWS(f.service.ingest({completed("etl", "r2", true)}));
    CHECK(f.store.findDeliveries(std::nullopt, 10).size() == 2);
}

TEST_CASE("the evaluator persists what time changed, and nothing when nothing did", "[service]") {
    Fixture f;
    f.service.ingest({nextScheduled("backup", "2026-03-01T12:01:00Z")});
    const std::size_t commits = f.observer.commits.size();
    f.service.evaluate();
    CHECK(f.observer.commits.size() == commits);  // nothing changed: no transaction
    f.clock.set(instant("2026-03-01T12:10:00Z"));
    f.service.evaluate();
    CHECK(f.store.loadChecks().at(0).status == CheckStatus::Down);
    CHECK(f.store.loadOpenAlerts().at(0).type == AlertType::Missed);
    // A restart resumes from the store: no second MISSED for the same instant.
    MonitorService restarted(f.store, f.clock, f.observer);
    restarted.load();
    f.clock.set(instant("2026-03-01T12:20:00Z"));
    restarted.evaluate();
    CHECK(f.store.loadOpenAlerts().size() == 1);
}

TEST_CASE("retention prunes in batches and keeps the event count right", "[service][retention]") {
    Fixture f;
    std::vector<TelemetryEvent> old;
    for (int i = 0; i < 7; ++i) {
        TelemetryEvent event = workerMessage("a", "old");
        event.eventAt = instant("2026-01-01T00:00:00Z");
        old.push_back(event);
    }
    f.service.ingest(old);
    f.service.ingest({started("a", "fresh")});
    CHECK(f.service.pruneStep(30, 3) == 3);
    CHECK(f.service.pruneStep(30, 3) == 3);
    CHECK(f.service.pruneStep(30, 3) == 1);
    CHECK(f.service.pruneStep(30, 3) == 0);
    CHECK(f.service.totalEvents() == 1);
}

TEST_CASE("the router: codes and shapes without a socket", "[router]") {
    Fixture f;
    NullLogger logger;
    ApiRouter router(f.service, logger, RouterOptions{"k"});
    CHECK(call(router, "GET", "/v1/health").status == 200);
    CHECK(call(router, "GET", "/v1/status/jobs").status == 401);
    CHECK(call(router, "GET", "/v1/status/jobs", {}, "k").status == 200);
    const std::string event = chief::telemetry::toJson(failed("etl", "r1")).dump();
    const HttpReply accepted = call(router, "POST", "/v1/events", event, "k");
    CHECK(accepted.status == 202);
    CHECK(json::parse(accepted.body) == json{{"inserted", 1}, {"dropped", 0}});
    CHECK(router.ingestLatency().count() == 1);
    // The jobs list is cached per state version and refreshed when the state changes.
    const std::string first = call(router, "GET", "/v1/status/jobs", {}, "k").body;
    CHECK(call(router, "GET", "/v1/status/jobs", {}, "k").body == first);
    call(router, "POST", "/v1/events", chief::telemetry::toJson(started("other", "r1")).dump(), "k");
    CHECK(json::parse(call(router, "GET", "/v1/status/jobs", {}, "k").body).at("jobs").size() == 2);
    // A failing store is a 503 that says nothing was stored.
    f.store.failCommit = true;
    const HttpReply unavailable = call(router, "POST", "/v1/events", event, "k");
    CHECK(unavailable.status == 503);
    CHECK(json::parse(unavailable.body).at("error") == "Storage unavailable; nothing was stored");
    CHECK(logger.lines.back().find("injected") != std::string::npos);
    f.store.failCommit = false;
    CHECK(call(router, "GET", "/v1/events?jobName=%zz", {}, "k").status == 400);
    CHECK(call(router, "POST", "/v1/alerts/1/close", "not json", "k").status == 400);
    CHECK(call(router, "POST", "/v1/alerts/1/close", "[1]", "k").status == 400);
    CHECK(call(router, "POST", "/v1/alerts/1/close", "", "k").status == 200);
    CHECK(call(router, "GET", "/v1/webhooks/deliveries?alertId=x", {}, "k").status == 400);
    CHECK(call(router, "GET", "/v1/webhooks/deliveries?alertId=1", {}, "k").status == 200);
    CHECK(call(router, "GET", "/", {}).status == 200);
    CHECK(call(router, "POST", "/", {}).status == 405);
}

TEST_CASE("the dispatcher delivers, signs, retries with backoff, gives up, and logs each attempt", "[webhook][dispatcher]") {
    // A sender that answers from a script: each post gets the next status (0: no answer).
    struct ScriptedSender final : WebhookSender {
        explicit ScriptedSender(boost::asio::io_context& context) : io(context) {}
        void post(WebhookPost request, std::function<void(WebhookOutcome)> done) override {
            posts.push_back(request);
            const int status = next < script.size() ? script[next++] : 200;
            boost::asio::post(io, [done = std::move(done), status] {
                if (status == 0) done({std::nullopt, "connecting: Connection refused"});
                else done({status, {}});
            });
        }
        boost::asio::io_context& io;
        std::vector<int> script;
        std::size_t next = 0;
        std::vector<WebhookPost> posts;
    };
    const std::vector<WebhookTarget> targets{{"http://hooks.test/signed", "topsecret"}, {"http://hooks.test/plain", ""}};
    Fixture f(targets);
    boost::asio::io_context io;
    ScriptedSender sender(io);
    // signed: 500, refused, 200. plain: 404 (not retried).
    sender.script = {500, 404, 0, 200};
    NullLogger logger;
    TrafficCounters traffic;
    // Retries wait on real timers, so the dispatcher's clock moves with real time.
    struct MovingClock final : Clock {
        explicit MovingClock(EventTime from) : start(from) {}
        EventTime now() const override {
            return start + std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
        }
        EventTime start;
        std::chrono::steady_clock::time_point began = std::chrono::steady_clock::now();
    } clock(f.clock.now());
    const RetryPolicy policy{3, std::chrono::milliseconds{5}, std::chrono::milliseconds{20}};
    WebhookDispatcher dispatcher(io, f.store, clock, sender, targets, logger, traffic, policy);
    f.service.ingest({failed("etl", "r1")});
    dispatcher.start();
    io.run_for(std::chrono::milliseconds{500});
    dispatcher.stop();
    io.run_for(std::chrono::milliseconds{50});

    REQUIRE(sender.posts.size() == 4);
    const WebhookPost& first = sender.posts[0];
    CHECK(first.url == "http://hooks.test/signed");
    const auto header = [](const WebhookPost& post, const std::string& name) -> std::optional<std::string> {
        for (const auto& [key, value] : post.headers)
            if (key == name) return value;
        return std::nullopt;
    };
    CHECK(header(first, "X-Chief-Signature") == webhookSignature("topsecret", first.body));
    CHECK(header(first, "X-Chief-Event") == "alert.opened");
    CHECK_FALSE(header(sender.posts[1], "X-Chief-Signature"));
    const std::vector<WebhookDelivery> log = f.store.findDeliveries(std::nullopt, 10);
    REQUIRE(log.size() == 2);
    const WebhookDelivery& plain = log[0];  // newest first
    const WebhookDelivery& signedOne = log[1];
    CHECK(signedOne.status == WebhookDelivery::Status::Delivered);
    CHECK(signedOne.attempts == 3);
    CHECK(signedOne.responseCode == 200);
    CHECK(plain.status == WebhookDelivery::Status::Failed);
    CHECK(plain.attempts == 1);
    CHECK(plain.error == "HTTP 404");
    CHECK(traffic.webhooksDelivered == 1);
    CHECK(traffic.webhookRetries == 2);
    CHECK(traffic.webhooksFailed == 1);
    CHECK(logger.lines.back().find("gave up") != std::string::npos);
}

TEST_CASE("the jobs list written directly is the same JSON as built with nlohmann", "[router][json]") {
    Fixture f;
    TelemetryEvent next = nextScheduled("backup \"nightly\"\n", "2026-03-01T13:00:00Z", "db1");
    next.metadata["max_runtime_seconds"] = 60;
    TelemetryEvent odd = failed("ünïcode/\\job\t", "r1");
    odd.message = std::string("control \x01 chars");
    f.service.ingest({next, started("backup \"nightly\"\n", "r1", "db1"), odd, completed("plain", "r1", true),
                      completed("plain", "r2", false), chiefEvent("job.started", "never-ended")});
    for (int i = 0; i < 12; ++i) f.service.ingest({completed("plain", "r" + std::to_string(i + 3), i % 3 != 0)});
    json expected = json::array();
    for (const auto& [key, check] : f.service.checks()) expected.push_back(jobListEntryJson(check));
    const std::string fast = jobListBody(f.service.checks());
    CHECK(fast == json{{"jobs", expected}}.dump());
    CHECK(json::parse(fast).at("jobs").size() == 4);
    CHECK(jobListBody({}) == R"({"jobs":[]})");
}

TEST_CASE("ingest requests queued for the service thread are bounded in bytes", "[router][limits]") {
    Fixture f;
    NullLogger logger;
    ApiRouter router(f.service, logger, RouterOptions{});
    boost::asio::io_context serverIo;
    boost::asio::io_context serviceIo;  // not running yet: nothing queued is stored
    ServiceThreadHandler handler(router, f.service, serverIo, serviceIo, /*maxQueuedIngestBytes=*/1000);
    std::string body = "[" + chief::telemetry::toJson(started("a", "r1")).dump() + "]";
    body.append(700 - body.size(), ' ');
    std::vector<int> statuses;
    const auto post = [&] {
        HttpRequestView request;
        request.method = "POST";
        request.target = "/v1/events/batch";
        request.body = body;
        handler.handle(request, [&](HttpReply reply) { statuses.push_back(reply.status); });
    };
    post();  // queued
    post();  // would exceed the budget: refused at once
    REQUIRE(statuses == std::vector<int>{503});
    serviceIo.run();
    serverIo.run();
    CHECK(statuses == std::vector<int>{503, 202});
    serviceIo.restart();
    serverIo.restart();
    post();  // the queue drained: accepted again
    serviceIo.run();
    serverIo.run();
    CHECK(statuses.back() == 202);
}
