// The telemetry event contract (chief/telemetry_event.h): encode-then-decode, and one case per
// validation rule, asserting the field and the message.
#include <catch2/catch.hpp>

#include <string>

#include "chief/telemetry_event.h"

using namespace chief::telemetry;
using nlohmann::json;

namespace {

EventTime at(const char* text) { return parseEventTime(text).value(); }

json minimalEvent() {
    return {{"sourceType", "chief"}, {"eventType", "job.started"}, {"level", "INFO"}, {"message", "Job started"}};
}

// The single error of parsing `value`, as "field: message".
std::string onlyError(const json& value) {
    const ParsedTelemetryEvent parsed = parseTelemetryEvent(value);
    REQUIRE_FALSE(parsed.ok());
    REQUIRE(parsed.errors.size() == 1);
    return parsed.errors[0].field + ": " + parsed.errors[0].message;
}

json with(json base, const std::string& key, json value) {
    base[key] = std::move(value);
    return base;
}

}  // namespace

TEST_CASE("every field survives toJson then parseTelemetryEvent", "[telemetry]") {
    TelemetryEvent event;
    event.sourceType = SourceType::Chief;
    event.eventType = std::string(event_type::kJobFailed);
    event.level = EventLevel::Error;
    event.message = "Job backup failed";
    event.eventAt = at("2026-02-25T18:40:04.123Z");
    event.jobName = "backup";
    event.scriptPath = "/etc/chief/scripts/backup.sh";
    event.runId = "20260225T184000.000Z-0001";
    event.scheduledFor = at("2026-02-25T18:40:00Z");
    event.success = false;
    event.returnCode = 3;
    event.durationMs = 4123;
    event.metadata = {{"reason", "interrupted"}, {"grace_seconds", 60}, {"nested", {{"a", json::array({1, 2})}}}};
    event.eventId = "db1-000042";
    event.host = "db1";

    const json wire = toJson(event);
    CHECK(wire.at("eventAt") == "2026-02-25T18:40:04.123Z");
    CHECK(wire.at("scheduledFor") == "2026-02-25T18:40:00.000Z");
    CHECK(wire.at("sourceType") == "chief");
    CHECK(wire.at("level") == "ERROR");
    const ParsedTelemetryEvent parsed = parseTelemetryEvent(json::parse(wire.dump()));
    REQUIRE(parsed.ok());
    CHECK(*parsed.event == event);
}

TEST_CASE("absent optional fields stay absent on the wire and back", "[telemetry]") {
    const ParsedTelemetryEvent parsed = parseTelemetryEvent(minimalEvent());
    REQUIRE(parsed.ok());
    const TelemetryEvent& event = *parsed.event;
    CHECK_FALSE(event.eventAt);
    CHECK_FALSE(event.jobName);
    CHECK_FALSE(event.host);
    CHECK_FALSE(event.eventId);
    CHECK(event.metadata == json::object());
    CHECK(toJson(event) == minimalEvent());
}

TEST_CASE("every source type and level name round-trips", "[telemetry]") {
    for (const SourceType type : {SourceType::Chief, SourceType::Worker, SourceType::Monitor})
        CHECK(parseSourceType(sourceTypeName(type)) == type);
    for (const EventLevel level :
         {EventLevel::Debug, EventLevel::Info, EventLevel::Warn, EventLevel::Error, EventLevel::Critical})
        CHECK(parseEventLevel(eventLevelName(level)) == level);
    CHECK_FALSE(parseSourceType("Chief"));
    CHECK_FALSE(parseEventLevel("info"));
}

TEST_CASE("required fields are reported, all at once", "[telemetry][validation]") {
    const ParsedTelemetryEvent parsed = parseTelemetryEvent(json::object());
    REQUIRE_FALSE(parsed.ok());
    REQUIRE(parsed.errors.size() == 4);
    CHECK(parsed.errors[0] == FieldError{"sourceType", "required"});
    CHECK(parsed.errors[1] == FieldError{"eventType", "required"});
    CHECK(parsed.errors[2] == FieldError{"level", "required"});
    CHECK(parsed.errors[3] == FieldError{"message", "required"});
}

TEST_CASE("each field's validation error names the field", "[telemetry][validation]") {
    const json base = minimalEvent();
    CHECK(onlyError(json::array()) == ": an event must be a JSON object, got array");
    CHECK(onlyError(with(base, "sourceType", "cron")) == "sourceType: expected one of chief, worker, monitor");
    CHECK(onlyError(with(base, "sourceType", 3)) == "sourceType: expected a string, got number");
    CHECK(onlyError(with(base, "level", "info")) == "level: expected one of DEBUG, INFO, WARN, ERROR, CRITICAL");
    CHECK(onlyError(with(base, "eventType", "  ")) == "eventType: must not be empty");
    CHECK(onlyError(with(base, "eventType", std::string(129, 'x'))) == "eventType: longer than 128 bytes");
    CHECK(onlyError(with(base, "eventType", "job\nstarted")) == "eventType: must not contain control characters");
    CHECK(onlyError(with(base, "message", "")) == "message: must not be empty");
    CHECK(onlyError(with(base, "message", std::string(16 * 1024 + 1, 'm'))) == "message: longer than 16384 bytes");
    CHECK(onlyError(with(base, "message", true)) == "message: expected a string, got boolean");
    CHECK(onlyError(with(base, "eventAt", "yesterday")).rfind("eventAt: not an ISO-8601 timestamp", 0) == 0);
    CHECK(onlyError(with(base, "eventAt", 1700000000)) == "eventAt: expected a string, got number");
    CHECK(onlyError(with(base, "scheduledFor", "2026-02-30T00:00:00Z")) ==
          "scheduledFor: not an ISO-8601 timestamp (no such date), e.g. 2026-02-25T18:40:00Z");
    CHECK(onlyError(with(base, "jobName", json::object())) == "jobName: expected a string, got object");
    CHECK(onlyError(with(base, "jobName", std::string(257, 'j'))) == "jobName: longer than 256 bytes");
    CHECK(onlyError(with(base, "scriptPath", 1)) == "scriptPath: expected a string, got number");
    CHECK(onlyError(with(base, "runId", std::string(129, 'r'))) == "runId: longer than 128 bytes");
    CHECK(onlyError(with(base, "host", "db\x01")) == "host: must not contain control characters");
    CHECK(onlyError(with(base, "success", "true")) == "success: expected a boolean, got string");
    CHECK(onlyError(with(base, "returnCode", 1.5)) == "returnCode: expected an integer, got a number with a fraction");
    CHECK(onlyError(with(base, "returnCode", 4294967296LL)) == "returnCode: must be between -2147483648 and 2147483647");
    CHECK(onlyError(with(base, "returnCode", "1")) == "returnCode: expected an integer, got string");
    CHECK(onlyError(with(base, "durationMs", -1)) == "durationMs: must be between 0 and 316224000000");
    CHECK(onlyError(with(base, "durationMs", 18446744073709551615ULL)) == "durationMs: must be between 0 and 316224000000");
    CHECK(onlyError(with(base, "metadata", json::array())) == "metadata: expected an object, got array");
    CHECK(onlyError(with(base, "metadata", {{"blob", std::string(64 * 1024, 'b')}})) == "metadata: larger than 65536 bytes");
    CHECK(onlyError(with(base, "eventId", std::string(129, 'e'))) == "eventId: longer than 128 characters");
    CHECK(onlyError(with(base, "eventId", 7)) == "eventId: expected a string, got number");
}

TEST_CASE("eventId counts characters, not bytes", "[telemetry][validation]") {
    std::string id;
    for (int i = 0; i < 128; ++i) id += "\xC3\xA9";  // 128 x U+00E9, 256 bytes
    const ParsedTelemetryEvent parsed = parseTelemetryEvent(with(minimalEvent(), "eventId", id));
    REQUIRE(parsed.ok());
    CHECK(parsed.event->eventId == id);
}

TEST_CASE("an integral float is an integer, null and blanks are absent, strings are trimmed", "[telemetry]") {
    json value = minimalEvent();
    value["returnCode"] = 2.0;
    value["jobName"] = "  backup ";
    value["host"] = nullptr;
    value["runId"] = "";
    value["metadata"] = nullptr;
    value["unknownField"] = "ignored";
    const ParsedTelemetryEvent parsed = parseTelemetryEvent(value);
    REQUIRE(parsed.ok());
    CHECK(parsed.event->returnCode == 2);
    CHECK(parsed.event->jobName == "backup");
    CHECK_FALSE(parsed.event->host);
    CHECK_FALSE(parsed.event->runId);
    CHECK(parsed.event->metadata == json::object());
}

TEST_CASE("check settings in chiefd's metadata are type-checked", "[telemetry][validation]") {
    const json base = with(minimalEvent(), "eventType", "job.next_scheduled");
    CHECK(onlyError(with(base, "metadata", {{"grace_seconds", -5}})) ==
          "metadata.grace_seconds: must be between 0 and 31622400");
    CHECK(onlyError(with(base, "metadata", {{"grace_seconds", "120"}})) ==
          "metadata.grace_seconds: expected an integer, got string");
    CHECK(onlyError(with(base, "metadata", {{"check_enabled", "yes"}})) ==
          "metadata.check_enabled: expected a boolean, got string");
    CHECK(onlyError(with(base, "metadata", {{"alert_on_failure", 1}})) ==
          "metadata.alert_on_failure: expected a boolean, got number");
    CHECK(onlyError(with(base, "metadata", {{"alert_on_miss", json::array()}})) ==
          "metadata.alert_on_miss: expected a boolean, got array");
    CHECK(onlyError(with(base, "metadata", {{"max_runtime_seconds", 1.25}})) ==
          "metadata.max_runtime_seconds: expected an integer, got a number with a fraction");
    CHECK(onlyError(with(base, "metadata", {{"ping_interval_seconds", 0}})) ==
          "metadata.ping_interval_seconds: must be between 1 and 31622400");
    CHECK(onlyError(with(base, "metadata", {{"next_run_at", "tomorrow"}})).rfind("metadata.next_run_at: not an ISO-8601", 0) == 0);
    CHECK(onlyError(with(base, "metadata", {{"next_run_at", 5}})) == "metadata.next_run_at: expected a string, got number");
    CHECK(onlyError(with(base, "metadata", {{"timezone", 5}})) == "metadata.timezone: expected a string, got number");
    // A worker's metadata is its own business.
    json worker = with(base, "metadata", {{"grace_seconds", "soon"}});
    worker["sourceType"] = "worker";
    CHECK(parseTelemetryEvent(worker).ok());
}

TEST_CASE("event times: accepted forms", "[telemetry][time]") {
    const EventTime expected = at("2026-02-25T18:40:04.123Z");
    CHECK(formatEventTime(expected) == "2026-02-25T18:40:04.123Z");
    CHECK(at("2026-02-25T19:40:04.123+01:00") == expected);
    CHECK(at("2026-02-25T19:40:04.123+0100") == expected);
    CHECK(at("2026-02-25T13:40:04.123-05") == expected);
    CHECK(at("2026-02-25 18:40:04.123456789") == expected);
    CHECK(at("2026-02-25T18:40:04,1239Z") == expected);
    CHECK(formatEventTime(at("2026-02-25T18:40Z")) == "2026-02-25T18:40:00.000Z");
    CHECK(formatEventTime(at("2024-02-29T00:00:00.5Z")) == "2024-02-29T00:00:00.500Z");
    CHECK(formatEventTime(at("1970-01-01T00:00:00Z")) == "1970-01-01T00:00:00.000Z");
}

TEST_CASE("event times: rejected forms say why", "[telemetry][time]") {
    const auto why = [](const char* text) { return parseEventTime(text).error(); };
    CHECK(why("2026-02-25") == "not an ISO-8601 timestamp (expected a time after the date), e.g. 2026-02-25T18:40:00Z");
    CHECK(why("2026-13-01T00:00Z").find("no such date") != std::string::npos);
    CHECK(why("2023-02-29T00:00Z").find("no such date") != std::string::npos);
    CHECK(why("2026-02-25T24:00:00Z").find("no such time of day") != std::string::npos);
    CHECK(why("2026-02-25T23:60:00Z").find("no such time of day") != std::string::npos);
    CHECK(why("2026-02-25T23:59:60Z").find("no such time of day") != std::string::npos);
    CHECK(why("2026-02-25T18:40:00.Z").find("digits after the decimal point") != std::string::npos);
    CHECK(why("2026-02-25T18:40:00.1234567890Z").find("more than 9 fraction digits") != std::string::npos);
    CHECK(why("2026-02-25T18:40:00+25:00").find("no such UTC offset") != std::string::npos);
    CHECK(why("2026-02-25T18:40:00Zjunk").find("unexpected text") != std::string::npos);
    CHECK(why("2026-02-25T18:40:00 UTC").find("unexpected text") != std::string::npos);
    CHECK(why("").find("expected YYYY-MM-DD") != std::string::npos);
    CHECK(why("20260225T184000Z").find("expected YYYY-MM-DD") != std::string::npos);
}
