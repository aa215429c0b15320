// Pure request handling pieces: ingest bodies (depth bound, both batch forms, error details),
// request targets and paging, the constant-time key check, webhook URLs, retry backoff, HMAC.
#include <catch2/catch.hpp>

#include "event_builders.h"
#include "monitor/core/api_key.h"
#include "monitor/core/fast_event_reader.h"
#include "monitor/core/http_url.h"
#include "monitor/core/ingest_body.h"
#include "monitor/core/query_string.h"
#include "monitor/core/retry_policy.h"
#include "monitor/webhook/hmac.h"

using namespace chief::monitor;
using namespace chief::monitor::testing;
using nlohmann::json;

TEST_CASE("JSON nesting depth is measured outside strings", "[ingest]") {
    CHECK(jsonNestingDepth("{}", 32) == 1);
    CHECK(jsonNestingDepth(R"({"a":[{"b":1}]})", 32) == 3);
    CHECK(jsonNestingDepth(R"({"a":"[[[[[[{{{{"})", 32) == 1);
    CHECK(jsonNestingDepth(R"({"a":"\"[[["})", 32) == 1);
    CHECK(jsonNestingDepth(std::string(1000000, '['), 32) == 33);  // stops counting early
}

TEST_CASE("a single event body: valid, invalid, not JSON, too deep", "[ingest]") {
    const IngestBody ok = readSingleEventBody(chief::telemetry::toJson(started("a", "r1")).dump());
    REQUIRE(ok.ok());
    CHECK(ok.events.size() == 1);
    const IngestBody invalid = readSingleEventBody(R"({"sourceType":"chief","eventType":"x","level":"INFO"})");
    REQUIRE_FALSE(invalid.ok());
    CHECK(invalid.error->error == "Invalid event payload");
    CHECK(invalid.error->details == json{{"fieldErrors", {{"message", {"required"}}}}, {"formErrors", json::array()}});
    const IngestBody garbage = readSingleEventBody("{\"a\":");
    REQUIRE_FALSE(garbage.ok());
    CHECK(garbage.error->error == "Invalid JSON body");
    CHECK(garbage.error->details.at("formErrors").at(0).get<std::string>().find("parse error") != std::string::npos);
    for (const char* huge : {"[1e1000]", "{\"metadata\":{\"x\":-1e999}}", "999E9999999999"}) {
        INFO(huge);
        const IngestBody overflow = readBatchBody(huge);
        REQUIRE_FALSE(overflow.ok());
        CHECK(overflow.error->error == "Invalid JSON body");
        CHECK_FALSE(readSingleEventBody(huge).ok());
    }
    const IngestBody deep = readSingleEventBody(std::string(40, '[') + std::string(40, ']'));
    REQUIRE_FALSE(deep.ok());
    CHECK(deep.error->details.at("formErrors").at(0) == "nested deeper than 32 levels");
}

TEST_CASE("a batch body: array or {events}, all or nothing, errors indexed and bounded", "[ingest]") {
    const std::string event = chief::telemetry::toJson(started("a", "r1")).dump();
    CHECK(readBatchBody("[" + event + "," + event + "]").events.size() == 2);
    CHECK(readBatchBody("{\"events\":[" + event + "]}").events.size() == 1);
    CHECK(readBatchBody("[]").ok());
    const IngestBody wrong = readBatchBody(R"({"events": 5})");
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error->details.at("formErrors").at(0) == "expected a JSON array of events or {\"events\": [...]}");
    const IngestBody mixed = readBatchBody("[" + event + ",{\"level\":\"INFO\"}," + event + ",7]");
    REQUIRE_FALSE(mixed.ok());
    CHECK(mixed.events.empty());
    const json fields = mixed.error->details.at("fieldErrors");
    CHECK(fields.at("events[1].sourceType") == json::array({"required"}));
    CHECK(fields.at("events[3]") == json::array({"an event must be a JSON object, got number"}));
    std::string many = "[";
    for (int i = 0; i < 200; ++i) many += (i ? "," : "") + std::string("{}");
    many += "]";
    const IngestBody flood = readBatchBody(many);
    REQUIRE_FALSE(flood.ok());
    CHECK(flood.error->details.at("fieldErrors").size() == 200);  // 4 fields x 50 events
    CHECK(flood.error->details.at("formErrors").at(0) == "200 invalid events; the first 50 are listed");
    std::string tooMany = "[";
    for (std::size_t i = 0; i <= kMaxBatchEvents; ++i) tooMany += (i ? "," : "") + std::string("{}");
    tooMany += "]";
    CHECK(readBatchBody(tooMany).error->details.at("formErrors").at(0) == "more than 10000 events in one batch");
}

TEST_CASE("request targets are split and percent-decoded", "[http]") {
    const auto target = parseRequestTarget("/v1/status/jobs/nightly%20backup%2Fdb?host=db%201&limit=5&limit=9&flag&x=a+b");
    REQUIRE(target);
    CHECK(target->path == "/v1/status/jobs/nightly backup/db");
    CHECK(target->param("host") == "db 1");
    CHECK(target->param("limit") == "5");  // the first of repeats
    CHECK(target->param("flag") == "");
    CHECK(target->param("x") == "a b");
    CHECK_FALSE(target->param("missing"));
    CHECK_FALSE(parseRequestTarget("/v1/events?jobName=%zz"));
    CHECK_FALSE(parseRequestTarget("/v1/events?jobName=%2"));
    CHECK_FALSE(parseRequestTarget("/a%00b"));
    CHECK(parseRequestTarget("/plus+stays")->path == "/plus+stays");
    CHECK(percentEncode("a b/c~d") == "a%20b%2Fc~d");
}

TEST_CASE("paging follows chief.py: positive integers, capped, else the default", "[http]") {
    CHECK(pagingValue(std::nullopt, 100, 1000) == 100);
    CHECK(pagingValue("50", 100, 1000) == 50);
    CHECK(pagingValue("5000", 100, 1000) == 1000);
    CHECK(pagingValue("99999999999999999999999", 100, 1000) == 1000);
    CHECK(pagingValue("0", 100, 1000) == 100);
    CHECK(pagingValue("-3", 100, 1000) == 100);
    CHECK(pagingValue("12abc", 100, 1000) == 12);
    CHECK(pagingValue("abc", 0, 1000000) == 0);
}

TEST_CASE("the API key check", "[auth]") {
    CHECK(apiKeyMatches("s3cret", "s3cret"));
    CHECK_FALSE(apiKeyMatches("s3cre", "s3cret"));
    CHECK_FALSE(apiKeyMatches("s3crett", "s3cret"));
    CHECK_FALSE(apiKeyMatches("S3cret", "s3cret"));
    CHECK_FALSE(apiKeyMatches("", "s3cret"));
    CHECK_FALSE(apiKeyMatches("", ""));
    CHECK_FALSE(apiKeyMatches("s3crets3cret", "s3cret"));  // a repeat is not the key
}

TEST_CASE("webhook URLs", "[webhook]") {
    const auto plain = parseHttpUrl("http://127.0.0.1:8080/hooks/chief?token=x");
    REQUIRE(plain);
    CHECK_FALSE(plain.value().tls);
    CHECK(plain.value().host == "127.0.0.1");
    CHECK(plain.value().port == 8080);
    CHECK(plain.value().target == "/hooks/chief?token=x");
    CHECK(plain.value().hostHeader == "127.0.0.1:8080");
    const auto secure = parseHttpUrl("https://hooks.example.com");
    REQUIRE(secure);
    CHECK(secure.value().tls);
    CHECK(secure.value().port == 443);
    CHECK(secure.value().target == "/");
    const auto v6 = parseHttpUrl("http://[::1]:9000/x#frag");
    REQUIRE(v6);
    CHECK(v6.value().host == "::1");
    CHECK(v6.value().target == "/x");
    CHECK(parseHttpUrl("ftp://x").error() == "not an http:// or https:// URL");
    CHECK(parseHttpUrl("http://user:pw@x/").error() == "user info in the URL is not supported");
    CHECK(parseHttpUrl("http://x:0/").error() == "bad port \"0\"");
    CHECK(parseHttpUrl("http:///path").error() == "no host in the URL");
    CHECK(redactUrl("https://user:pw@hooks.example.com/a/b?token=secret#x") == "https://hooks.example.com/a/b");
}

TEST_CASE("retry backoff doubles up to its cap, then gives up", "[webhook]") {
    const RetryPolicy policy{5, std::chrono::milliseconds{1000}, std::chrono::milliseconds{3000}};
    CHECK(policy.delayAfter(1) == std::chrono::milliseconds{1000});
    CHECK(policy.delayAfter(2) == std::chrono::milliseconds{2000});
    CHECK(policy.delayAfter(3) == std::chrono::milliseconds{3000});
    CHECK(policy.delayAfter(4) == std::chrono::milliseconds{3000});
    CHECK(policy.delayAfter(5) == std::nullopt);
    CHECK(retryableStatus(500));
    CHECK(retryableStatus(503));
    CHECK(retryableStatus(429));
    CHECK(retryableStatus(408));
    CHECK_FALSE(retryableStatus(400));
    CHECK_FALSE(retryableStatus(404));
}

TEST_CASE("HMAC-SHA256 matches RFC 4231 and signs webhook bodies", "[webhook]") {
    // RFC 4231, test case 2.
    CHECK(hmacSha256Hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(webhookSignature("Jefe", "what do ya want for nothing?") ==
          "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(hmacSha256Hex("", "").size() == 64);
}

TEST_CASE("the fast reader takes chiefd's usual bodies and reads them as the general path does", "[ingest][fast]") {
    const std::vector<std::string> bodies{
        R"([{"sourceType":"chief","eventType":"job.started","level":"INFO","message":"Job a started","jobName":"a","runId":"r1","eventId":"h-1","host":"h","eventAt":"2026-03-01T10:00:00.123Z","scheduledFor":"2026-03-01T10:00:00Z"}])",
        R"({"events":[{"sourceType":"worker","eventType":"worker.message","level":"WARN","message":" slow ","jobName":"a","metadata":{"rows":5,"nested":{"x":[1,2.5,"y"]}}}]})",
        R"( [ {"sourceType":"chief","eventType":"job.failed","level":"ERROR","message":"f","success":false,"returnCode":-9,"durationMs":0,"host":null,"metadata":{"reason":"interrupted","grace_seconds":30,"alert_on_miss":false,"next_run_at":"2026-03-02T00:00:00Z","timezone":"Europe/Berlin"}} , {"sourceType":"monitor","eventType":"x","level":"DEBUG","message":"m","jobName":"  ","eventId":""} ] )",
        R"([])",
        R"({"events":[]})",
    };
    for (const std::string& body : bodies) {
        INFO(body);
        const auto fast = fastReadEvents(body, /*batch=*/true);
        REQUIRE(fast);
        const IngestBody general = readBatchBodyGeneral(body);
        REQUIRE(general.ok());
        CHECK(*fast == general.events);
    }
    const std::string single = R"({"sourceType":"chief","eventType":"chief.heartbeat","level":"INFO","message":"hb","host":"h","metadata":{"ping_interval_seconds":15}})";
    REQUIRE(fastReadEvents(single, /*batch=*/false));
    CHECK(*fastReadEvents(single, false) == readSingleEventBodyGeneral(single).events);
}

TEST_CASE("the fast reader leaves everything unusual to the general path", "[ingest][fast]") {
    const std::string base = R"("sourceType":"chief","eventType":"job.started","level":"INFO","message":"m")";
    for (const std::string& body : std::vector<std::string>{
             "[{" + base + R"(,"jobName":"caf\u00e9"}])",        // an escape
             "[{" + base + ",\"jobName\":\"caf\xc3\xa9\"}]",       // non-ASCII
             "[{" + base + R"(,"unknown":1}])",                  // an unknown key (ignored by the general path)
             "[{" + base + R"(,"jobName":"a","jobName":"b"}])",  // a repeated key
             "[{" + base + R"(,"returnCode":1.0}])",             // a float that is an integer
             "[{" + base + R"(,"returnCode":01}])",              // not JSON
             "[{" + base + R"(,"level":"LOUD"}])",               // invalid: the general path words the error
             "[{" + base + R"(,"metadata":{"grace_seconds":"120"}}])",
             "[{" + base + R"(,"metadata":{"a":1}}] trailing)",
             R"({"events":[],"more":1})",
             R"([{"sourceType":"chief"}])",
         }) {
        INFO(body);
        CHECK_FALSE(fastReadEvents(body, /*batch=*/true));
    }
    // And the public entry points still answer the same through the general path.
    CHECK(readBatchBody("[{" + base + R"(,"unknown":1}])").ok());
    CHECK(readBatchBody("[{" + base + R"(,"level":"LOUD"}])").error->details.at("fieldErrors").contains("events[0].level"));
}
