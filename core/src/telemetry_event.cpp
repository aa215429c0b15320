#include "chief/telemetry_event.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

namespace chief::telemetry {

namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr std::array<std::string_view, 3> kSourceTypeNames{"chief", "worker", "monitor"};
constexpr std::array<std::string_view, 5> kLevelNames{"DEBUG", "INFO", "WARN", "ERROR", "CRITICAL"};

// Anything a JSON value can be, named as a client would (for "expected X, got Y").
std::string_view jsonTypeName(const json& value) {
    switch (value.type()) {
        case json::value_t::null: return "null";
        case json::value_t::object: return "object";
        case json::value_t::array: return "array";
        case json::value_t::string: return "string";
        case json::value_t::boolean: return "boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float: return "number";
        case json::value_t::binary: return "binary";
        case json::value_t::discarded: break;
    }
    return "invalid value";
}

std::string_view trimmed(std::string_view text) {
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
    return text;
}

bool hasControlCharacter(std::string_view text) {
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) return true;
    }
    return false;
}

// Counts code points of valid UTF-8 (the JSON parser has already rejected invalid UTF-8).
std::size_t codePointCount(std::string_view text) {
    std::size_t count = 0;
    for (const char c : text)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
    return count;
}

// Collects the problems of one event as parsing goes.
class EventReader {
public:
    explicit EventReader(const json& object) : object_(object) {}

    std::vector<FieldError>& errors() { return errors_; }

    void fail(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }

    // The member named `field`, or nullptr when absent or null.
    const json* member(std::string_view field) const {
        const auto it = object_.find(field);
        if (it == object_.end() || it->is_null()) return nullptr;
        return &*it;
    }

    const json* expectString(std::string_view field) {
        const json* value = member(field);
        if (value != nullptr && !value->is_string()) {
            fail(std::string(field), "expected a string, got " + std::string(jsonTypeName(*value)));
            return nullptr;
        }
        return value;
    }

    // A required, non-blank string, trimmed.
    std::string requiredText(std::string_view field, std::size_t maxBytes, bool identifier) {
        const auto it = object_.find(field);
        if (it == object_.end() || it->is_null()) {
            fail(std::string(field), "required");
            return {};
        }
        if (!it->is_string()) {
            fail(std::string(field), "expected a string, got " + std::string(jsonTypeName(*it)));
            return {};
        }
        const std::string_view text = trimmed(it->get_ref<const std::string&>());
        if (text.empty()) {
            fail(std::string(field), "must not be empty");
            return {};
        }
        if (!checkText(field, text, maxBytes, identifier)) return {};
        return std::string(text);
    }

    // An optional string, trimmed; blank counts as absent (as chief.py's monitor treated it).
    std::optional<std::string> optionalText(std::string_view field, std::size_t maxBytes, bool identifier) {
        const json* value = expectString(field);
        if (value == nullptr) return std::nullopt;
        const std::string_view text = trimmed(value->get_ref<const std::string&>());
        if (text.empty()) return std::nullopt;
        if (!checkText(field, text, maxBytes, identifier)) return std::nullopt;
        return std::string(text);
    }

    std::optional<EventTime> optionalTime(std::string_view field) {
        const json* value = expectString(field);
        if (value == nullptr) return std::nullopt;
        const std::string_view text = trimmed(value->get_ref<const std::string&>());
        if (text.empty()) return std::nullopt;
        Result<EventTime> parsed = parseEventTime(text);
        if (!parsed) {
            fail(std::string(field), parsed.error());
            return std::nullopt;
        }
        return parsed.value();
    }

    std::optional<bool> optionalBool(std::string_view field) {
        const json* value = member(field);
        if (value == nullptr) return std::nullopt;
        if (!value->is_boolean()) {
            fail(std::string(field), "expected a boolean, got " + std::string(jsonTypeName(*value)));
            return std::nullopt;
        }
        return value->get<bool>();
    }

    std::optional<std::int64_t> optionalInteger(std::string_view field, std::int64_t min, std::int64_t max) {
        const json* value = member(field);
        if (value == nullptr) return std::nullopt;
        return integerValue(std::string(field), *value, min, max);
    }

    // An integer in [min, max]; a number with a fraction (1.5) is refused, 2.0 is 2.
    std::optional<std::int64_t> integerValue(const std::string& field, const json& value, std::int64_t min,
                                             std::int64_t max) {
        std::int64_t number = 0;
        if (value.is_number_unsigned()) {
            const auto unsignedNumber = value.get<std::uint64_t>();
            if (unsignedNumber > static_cast<std::uint64_t>(max)) return outOfRange(field, min, max);
            number = static_cast<std::int64_t>(unsignedNumber);
        } else if (value.is_number_integer()) {
            number = value.get<std::int64_t>();
        } else if (value.is_number_float()) {
            const double real = value.get<double>();
            if (!std::isfinite(real) || real != std::trunc(real)) {
                fail(field, "expected an integer, got a number with a fraction");
                return std::nullopt;
            }
            if (real < static_cast<double>(min) || real > static_cast<double>(max)) return outOfRange(field, min, max);
            number = static_cast<std::int64_t>(real);
        } else {
            fail(field, "expected an integer, got " + std::string(jsonTypeName(value)));
            return std::nullopt;
        }
        if (number < min || number > max) return outOfRange(field, min, max);
        return number;
    }

private:
    std::optional<std::int64_t> outOfRange(const std::string& field, std::int64_t min, std::int64_t max) {
        fail(field, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return std::nullopt;
    }

    bool checkText(std::string_view field, std::string_view text, std::size_t maxBytes, bool identifier) {
        if (text.size() > maxBytes) {
            fail(std::string(field), "longer than " + std::to_string(maxBytes) + " bytes");
            return false;
        }
        if (identifier && hasControlCharacter(text)) {
            fail(std::string(field), "must not contain control characters");
            return false;
        }
        return true;
    }

    const json& object_;
    std::vector<FieldError> errors_;
};

using limits::kMaxDurationMs;
using limits::kMaxReturnCode;
using limits::kMaxSettingSeconds;
using limits::kMinReturnCode;

// Type checks of the metadata keys that configure a job's check (events from chiefd only).
void checkSettingsMetadata(EventReader& reader, const json& metadata) {
    const auto field = [](std::string_view key) { return "metadata." + std::string(key); };
    for (const std::string_view key : {metadata_key::kCheckEnabled, metadata_key::kAlertOnFailure, metadata_key::kAlertOnMiss}) {
        const auto it = metadata.find(key);
        if (it != metadata.end() && !it->is_null() && !it->is_boolean())
            reader.fail(field(key), "expected a boolean, got " + std::string(jsonTypeName(*it)));
    }
    for (const std::string_view key : {metadata_key::kGraceSeconds, metadata_key::kMaxRuntimeSeconds}) {
        const auto it = metadata.find(key);
        if (it != metadata.end() && !it->is_null()) (void)reader.integerValue(field(key), *it, 0, kMaxSettingSeconds);
    }
    if (const auto it = metadata.find(metadata_key::kPingIntervalSeconds); it != metadata.end() && !it->is_null())
        (void)reader.integerValue(field(metadata_key::kPingIntervalSeconds), *it, 1, kMaxSettingSeconds);
    if (const auto it = metadata.find(metadata_key::kNextRunAt); it != metadata.end() && !it->is_null()) {
        if (!it->is_string()) {
            reader.fail(field(metadata_key::kNextRunAt), "expected a string, got " + std::string(jsonTypeName(*it)));
        } else if (Result<EventTime> parsed = parseEventTime(it->get_ref<const std::string&>()); !parsed) {
            reader.fail(field(metadata_key::kNextRunAt), parsed.error());
        }
    }
    if (const auto it = metadata.find(metadata_key::kTimezone); it != metadata.end() && !it->is_null()) {
        if (!it->is_string())
            reader.fail(field(metadata_key::kTimezone), "expected a string, got " + std::string(jsonTypeName(*it)));
        else if (it->get_ref<const std::string&>().size() > limits::kTimezoneBytes ||
                 hasControlCharacter(it->get_ref<const std::string&>()))
            reader.fail(field(metadata_key::kTimezone), "not a time zone name");
    }
}

// Reads exactly `count` decimal digits at `pos`.
std::optional<int> readDigits(std::string_view text, std::size_t& pos, std::size_t count) {
    if (pos + count > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    pos += count;
    return value;
}

}  // namespace

std::string_view sourceTypeName(SourceType type) { return kSourceTypeNames.at(static_cast<std::size_t>(type)); }
std::string_view eventLevelName(EventLevel level) { return kLevelNames.at(static_cast<std::size_t>(level)); }

std::optional<SourceType> parseSourceType(std::string_view text) {
    for (std::size_t i = 0; i < kSourceTypeNames.size(); ++i)
        if (kSourceTypeNames[i] == text) return static_cast<SourceType>(i);
    return std::nullopt;
}

std::optional<EventLevel> parseEventLevel(std::string_view text) {
    for (std::size_t i = 0; i < kLevelNames.size(); ++i)
        if (kLevelNames[i] == text) return static_cast<EventLevel>(i);
    return std::nullopt;
}

ParsedTelemetryEvent parseTelemetryEvent(const json& value) {
    ParsedTelemetryEvent result;
    if (!value.is_object()) {
        result.errors.push_back({"", "an event must be a JSON object, got " + std::string(jsonTypeName(value))});
        return result;
    }
    EventReader reader(value);
    TelemetryEvent event;

    const std::string sourceType = reader.requiredText("sourceType", limits::kEnumBytes, true);
    bool fromChief = false;
    if (!sourceType.empty()) {
        if (const auto parsed = parseSourceType(sourceType)) {
            event.sourceType = *parsed;
            fromChief = *parsed == SourceType::Chief;
        } else {
            reader.fail("sourceType", "expected one of chief, worker, monitor");
        }
    }
    event.eventType = reader.requiredText("eventType", limits::kEventTypeBytes, true);
    const std::string level = reader.requiredText("level", limits::kEnumBytes, true);
    if (!level.empty()) {
        if (const auto parsed = parseEventLevel(level)) event.level = *parsed;
        else reader.fail("level", "expected one of DEBUG, INFO, WARN, ERROR, CRITICAL");
    }
    event.message = reader.requiredText("message", limits::kMessageBytes, false);
    event.eventAt = reader.optionalTime("eventAt");
    event.jobName = reader.optionalText("jobName", limits::kJobNameBytes, true);
    event.scriptPath = reader.optionalText("scriptPath", limits::kScriptPathBytes, true);
    event.runId = reader.optionalText("runId", limits::kRunIdBytes, true);
    event.scheduledFor = reader.optionalTime("scheduledFor");
    event.success = reader.optionalBool("success");
    event.returnCode = reader.optionalInteger("returnCode", kMinReturnCode, kMaxReturnCode);
    event.durationMs = reader.optionalInteger("durationMs", 0, kMaxDurationMs);
    event.host = reader.optionalText("host", limits::kHostBytes, true);

    // eventId's limit is in characters (the contract's words), not bytes.
    if (const json* id = reader.expectString("eventId")) {
        const std::string_view text = trimmed(id->get_ref<const std::string&>());
        if (codePointCount(text) > limits::kEventIdChars)
            reader.fail("eventId", "longer than " + std::to_string(limits::kEventIdChars) + " characters");
        else if (hasControlCharacter(text))
            reader.fail("eventId", "must not contain control characters");
        else if (!text.empty())
            event.eventId = std::string(text);
    }

    if (const json* metadata = reader.member("metadata")) {
        if (!metadata->is_object()) {
            reader.fail("metadata", "expected an object, got " + std::string(jsonTypeName(*metadata)));
        } else if (metadata->dump().size() > limits::kMetadataBytes) {
            reader.fail("metadata", "larger than " + std::to_string(limits::kMetadataBytes) + " bytes");
        } else {
            if (fromChief) checkSettingsMetadata(reader, *metadata);
            event.metadata = *metadata;
        }
    }

    if (!reader.errors().empty()) {
        result.errors = std::move(reader.errors());
        return result;
    }
    result.event = std::move(event);
    return result;
}

json toJson(const TelemetryEvent& event) {
    json out = json::object();
    out["sourceType"] = sourceTypeName(event.sourceType);
    out["eventType"] = event.eventType;
    out["level"] = eventLevelName(event.level);
    out["message"] = event.message;
    if (event.eventAt) out["eventAt"] = formatEventTime(*event.eventAt);
    if (event.jobName) out["jobName"] = *event.jobName;
    if (event.scriptPath) out["scriptPath"] = *event.scriptPath;
    if (event.runId) out["runId"] = *event.runId;
    if (event.scheduledFor) out["scheduledFor"] = formatEventTime(*event.scheduledFor);
    if (event.success) out["success"] = *event.success;
    if (event.returnCode) out["returnCode"] = *event.returnCode;
    if (event.durationMs) out["durationMs"] = *event.durationMs;
    if (!event.metadata.empty()) out["metadata"] = event.metadata;
    if (event.eventId) out["eventId"] = *event.eventId;
    if (event.host) out["host"] = *event.host;
    return out;
}

std::string formatEventTime(EventTime time) {
    const auto day = date::floor<date::days>(time);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss<milliseconds> clock{time - day};
    char buffer[40];
    const int year = static_cast<int>(ymd.year());
    // Years outside 0..9999 cannot be written in this form; clamp rather than write garbage.
    const int shownYear = year < 0 ? 0 : (year > 9999 ? 9999 : year);
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", shownYear,
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                  static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
    return buffer;
}

Result<EventTime> parseEventTime(std::string_view text) {
    const auto bad = [&](const char* why) {
        return makeError("not an ISO-8601 timestamp (" + std::string(why) + "), e.g. 2026-02-25T18:40:00Z");
    };
    std::size_t pos = 0;
    const auto year = readDigits(text, pos, 4);
    if (!year || pos >= text.size() || text[pos++] != '-') return bad("expected YYYY-MM-DD");
    const auto month = readDigits(text, pos, 2);
    if (!month || pos >= text.size() || text[pos++] != '-') return bad("expected YYYY-MM-DD");
    const auto day = readDigits(text, pos, 2);
    if (!day) return bad("expected YYYY-MM-DD");
    const date::year_month_day ymd{date::year{*year}, date::month{static_cast<unsigned>(*month)},
                                   date::day{static_cast<unsigned>(*day)}};
    if (!ymd.ok()) return bad("no such date");
    if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) return bad("expected a time after the date");
    ++pos;
    const auto hour = readDigits(text, pos, 2);
    if (!hour || pos >= text.size() || text[pos++] != ':') return bad("expected HH:MM");
    const auto minute = readDigits(text, pos, 2);
    if (!minute) return bad("expected HH:MM");
    int second = 0;
    int millis = 0;
    if (pos < text.size() && text[pos] == ':') {
        ++pos;
        const auto parsedSecond = readDigits(text, pos, 2);
        if (!parsedSecond) return bad("expected seconds as SS");
        second = *parsedSecond;
        if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
            ++pos;
            std::size_t digits = 0;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
                if (digits < 3) millis = millis * 10 + (text[pos] - '0');
                ++digits;
                ++pos;
            }
            if (digits == 0) return bad("expected digits after the decimal point");
            if (digits > 9) return bad("more than 9 fraction digits");
            for (std::size_t i = digits; i < 3; ++i) millis *= 10;
        }
    }
    if (*hour > 23 || *minute > 59 || second > 59) return bad("no such time of day");
    std::int64_t offsetMinutes = 0;
    if (pos < text.size()) {
        const char designator = text[pos++];
        if (designator == 'Z' || designator == 'z') {
            // UTC
        } else if (designator == '+' || designator == '-') {
            const auto offsetHours = readDigits(text, pos, 2);
            if (!offsetHours) return bad("expected a UTC offset as +HH:MM");
            int offsetMins = 0;
            if (pos < text.size()) {
                if (text[pos] == ':') ++pos;
                const auto parsedMins = readDigits(text, pos, 2);
                if (!parsedMins) return bad("expected a UTC offset as +HH:MM");
                offsetMins = *parsedMins;
            }
            if (*offsetHours > 23 || offsetMins > 59) return bad("no such UTC offset");
            offsetMinutes = (*offsetHours * 60 + offsetMins) * (designator == '-' ? -1 : 1);
        } else {
            return bad("unexpected text after the time");
        }
        if (pos != text.size()) return bad("unexpected text after the time");
    }
    const auto local = date::sys_days{ymd} + std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
                       std::chrono::seconds{second} + milliseconds{millis};
    return EventTime{local - std::chrono::minutes{offsetMinutes}};
}

}  // namespace chief::telemetry
