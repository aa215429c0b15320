#include "monitor/core/fast_event_reader.h"

#include <charconv>

#include "monitor/core/ingest_body.h"

namespace chief::monitor {

namespace {

namespace lim = telemetry::limits;
namespace mk = telemetry::metadata_key;
using nlohmann::json;
using telemetry::TelemetryEvent;

// The fields of an event, as bits, to notice repeats and required ones.
enum Field : unsigned {
    kSourceType = 1U << 0, kEventType = 1U << 1, kLevel = 1U << 2, kMessage = 1U << 3, kEventAt = 1U << 4,
    kJobName = 1U << 5, kScriptPath = 1U << 6, kRunId = 1U << 7, kScheduledFor = 1U << 8, kSuccess = 1U << 9,
    kReturnCode = 1U << 10, kDurationMs = 1U << 11, kMetadata = 1U << 12, kEventId = 1U << 13, kHost = 1U << 14,
};
constexpr unsigned kRequired = kSourceType | kEventType | kLevel | kMessage;

std::optional<Field> fieldNamed(std::string_view name) {
    static constexpr std::pair<std::string_view, Field> kFields[] = {
        {"sourceType", kSourceType}, {"eventType", kEventType},   {"level", kLevel},
        {"message", kMessage},       {"eventAt", kEventAt},       {"jobName", kJobName},
        {"scriptPath", kScriptPath}, {"runId", kRunId},           {"scheduledFor", kScheduledFor},
        {"success", kSuccess},       {"returnCode", kReturnCode}, {"durationMs", kDurationMs},
        {"metadata", kMetadata},     {"eventId", kEventId},       {"host", kHost},
    };
    for (const auto& [fieldName, field] : kFields)
        if (fieldName == name) return field;
    return std::nullopt;
}

std::string_view trimmedSpaces(std::string_view text) {
    // Only spaces can be here: the scanner gives up on every other byte below 0x20.
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
}

// A cursor over the body that gives up (sets `failed`) at anything unusual.
class Scanner {
public:
    explicit Scanner(std::string_view text) : text_(text) {}

    bool failed = false;

    void skipSpace() {
        while (pos_ < text_.size() &&
               (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t'))
            ++pos_;
    }
    bool atEnd() {
        skipSpace();
        return pos_ == text_.size();
    }
    bool consume(char c) {
        skipSpace();
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    bool peek(char c) {
        skipSpace();
        return pos_ < text_.size() && text_[pos_] == c;
    }
    void expect(char c) {
        if (!consume(c)) failed = true;
    }
    bool literal(std::string_view word) {
        skipSpace();
        if (text_.substr(pos_, word.size()) != word) return false;
        pos_ += word.size();
        return true;
    }

    // A string of printable ASCII without escapes; anything else gives up.
    std::optional<std::string_view> plainString() {
        if (!consume('"')) {
            failed = true;
            return std::nullopt;
        }
        const std::size_t start = pos_;
        while (pos_ < text_.size()) {
            const auto byte = static_cast<unsigned char>(text_[pos_]);
            if (byte == '"') return text_.substr(start, pos_++ - start);
            if (byte == '\\' || byte < 0x20 || byte >= 0x7F) break;
            ++pos_;
        }
        failed = true;
        return std::nullopt;
    }

    // An integer literal without fraction or exponent, at most 18 digits.
    std::optional<std::int64_t> plainInteger() {
        skipSpace();
        const std::size_t start = pos_;
        if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
        const std::size_t digits = pos_;
        while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
        const std::size_t count = pos_ - digits;
        const bool leadingZero = count > 1 && text_[digits] == '0';
        const bool fraction = pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E');
        if (count == 0 || count > 18 || leadingZero || fraction) {
            failed = true;
            return std::nullopt;
        }
        std::int64_t value = 0;
        std::from_chars(text_.data() + start, text_.data() + pos_, value);
        return value;
    }

    // The text of one JSON object value (validated later by nlohmann).
    std::optional<std::string_view> objectText() {
        skipSpace();
        if (pos_ >= text_.size() || text_[pos_] != '{') {
            failed = true;
            return std::nullopt;
        }
        const std::size_t start = pos_;
        int depth = 0;
        bool inString = false;
        for (; pos_ < text_.size(); ++pos_) {
            const char c = text_[pos_];
            if (inString) {
                if (c == '\\') ++pos_;
                else if (c == '"') inString = false;
                continue;
            }
            if (c == '"') inString = true;
            else if (c == '{' || c == '[') ++depth;
            else if (c == '}' || c == ']') {
                if (--depth == 0) return text_.substr(start, ++pos_ - start);
            }
        }
        failed = true;
        return std::nullopt;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

// Whether `metadata` holds check settings of the types chiefd sends them in (as
// parseTelemetryEvent demands of events from chiefd); false sends the body to the general path.
bool settingsAsChiefSendsThem(const json& metadata) {
    const auto absentOr = [&](std::string_view key, auto&& valid) {
        const auto it = metadata.find(key);
        return it == metadata.end() || it->is_null() || valid(*it);
    };
    const auto integerIn = [](std::int64_t min, std::int64_t max) {
        return [=](const json& value) {
            if (value.is_number_unsigned()) return value.get<std::uint64_t>() <= static_cast<std::uint64_t>(max) &&
                                                   static_cast<std::int64_t>(value.get<std::uint64_t>()) >= min;
            if (value.is_number_integer()) return value.get<std::int64_t>() >= min && value.get<std::int64_t>() <= max;
            return false;  // floats: the general path decides
        };
    };
    const auto boolean = [](const json& value) { return value.is_boolean(); };
    return absentOr(mk::kCheckEnabled, boolean) && absentOr(mk::kAlertOnFailure, boolean) &&
           absentOr(mk::kAlertOnMiss, boolean) && absentOr(mk::kGraceSeconds, integerIn(0, lim::kMaxSettingSeconds)) &&
           absentOr(mk::kMaxRuntimeSeconds, integerIn(0, lim::kMaxSettingSeconds)) &&
           absentOr(mk::kPingIntervalSeconds, integerIn(1, lim::kMaxSettingSeconds)) &&
           absentOr(mk::kNextRunAt,
                    [](const json& value) {
                        return value.is_string() && telemetry::parseEventTime(value.get_ref<const std::string&>()).ok();
                    }) &&
           absentOr(mk::kTimezone, [](const json& value) {
               if (!value.is_string()) return false;
               const std::string& text = value.get_ref<const std::string&>();
               if (text.size() > lim::kTimezoneBytes) return false;
               for (const char c : text)
                   if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
               return true;
           });
}

// One event object, or nullopt (give up).
std::optional<TelemetryEvent> readEvent(Scanner& in) {
    TelemetryEvent event;
    unsigned seen = 0;
    std::optional<std::string_view> sourceType;
    std::optional<std::string_view> level;
    std::optional<std::string_view> metadataText;
    in.expect('{');
    if (in.failed) return std::nullopt;
    if (!in.consume('}')) {
        do {
            const auto key = in.plainString();
            if (!key) return std::nullopt;
            const auto field = fieldNamed(*key);
            if (!field || (seen & *field) != 0) return std::nullopt;  // unknown or repeated: the general path
            seen |= *field;
            in.expect(':');
            if (in.failed) return std::nullopt;
            if (in.literal("null")) {
                if ((*field & kRequired) != 0) return std::nullopt;
                continue;
            }
            // Optional text: trimmed, blank is absent, bounded.
            const auto text = [&](std::optional<std::string>& target, std::size_t maxBytes) {
                const auto value = in.plainString();
                if (!value) return false;
                const std::string_view trimmed = trimmedSpaces(*value);
                if (trimmed.size() > maxBytes) return false;
                if (!trimmed.empty()) target = std::string(trimmed);
                return true;
            };
            const auto time = [&](std::optional<telemetry::EventTime>& target) {
                const auto value = in.plainString();
                if (!value) return false;
                const std::string_view trimmed = trimmedSpaces(*value);
                if (trimmed.empty()) return true;
                Result<telemetry::EventTime> parsed = telemetry::parseEventTime(trimmed);
                if (!parsed) return false;
                target = parsed.value();
                return true;
            };
            bool ok = true;
            switch (*field) {
                case kSourceType: ok = static_cast<bool>(sourceType = in.plainString()); break;
                case kLevel: ok = static_cast<bool>(level = in.plainString()); break;
                case kEventType: {
                    const auto value = in.plainString();
                    const std::string_view trimmed = value ? trimmedSpaces(*value) : std::string_view();
                    ok = !trimmed.empty() && trimmed.size() <= lim::kEventTypeBytes;
                    if (ok) event.eventType = std::string(trimmed);
                    break;
                }
                case kMessage: {
                    const auto value = in.plainString();
                    const std::string_view trimmed = value ? trimmedSpaces(*value) : std::string_view();
                    ok = !trimmed.empty() && trimmed.size() <= lim::kMessageBytes;
                    if (ok) event.message = std::string(trimmed);
                    break;
                }
                case kEventAt: ok = time(event.eventAt); break;
                case kScheduledFor: ok = time(event.scheduledFor); break;
                case kJobName: ok = text(event.jobName, lim::kJobNameBytes); break;
                case kScriptPath: ok = text(event.scriptPath, lim::kScriptPathBytes); break;
                case kRunId: ok = text(event.runId, lim::kRunIdBytes); break;
                case kHost: ok = text(event.host, lim::kHostBytes); break;
                case kEventId: ok = text(event.eventId, lim::kEventIdChars); break;  // ASCII: bytes are characters
                case kSuccess:
                    if (in.literal("true")) event.success = true;
                    else if (in.literal("false")) event.success = false;
                    else ok = false;
                    break;
                case kReturnCode: {
                    const auto value = in.plainInteger();
                    ok = value && *value >= lim::kMinReturnCode && *value <= lim::kMaxReturnCode;
                    if (ok) event.returnCode = *value;
                    break;
                }
                case kDurationMs: {
                    const auto value = in.plainInteger();
                    ok = value && *value >= 0 && *value <= lim::kMaxDurationMs;
                    if (ok) event.durationMs = *value;
                    break;
                }
                case kMetadata: ok = static_cast<bool>(metadataText = in.objectText()); break;
            }
            if (!ok || in.failed) return std::nullopt;
        } while (in.consume(','));
        in.expect('}');
    }
    if (in.failed || (seen & kRequired) != kRequired) return std::nullopt;

    const auto source = telemetry::parseSourceType(trimmedSpaces(*sourceType));
    const auto parsedLevel = telemetry::parseEventLevel(trimmedSpaces(*level));
    if (!source || !parsedLevel) return std::nullopt;
    event.sourceType = *source;
    event.level = *parsedLevel;
    if (metadataText) {
        json metadata = json::parse(*metadataText, nullptr, /*allow_exceptions=*/false);
        if (!metadata.is_object()) return std::nullopt;
        if (!metadata.empty()) {
            // Re-serialized JSON is at most about five times its source (a "1e9" becomes
            // "1000000000.0"), so only text over an eighth of the limit can exceed it.
            if (metadataText->size() > lim::kMetadataBytes / 8 && metadata.dump().size() > lim::kMetadataBytes)
                return std::nullopt;
            if (event.sourceType == telemetry::SourceType::Chief && !settingsAsChiefSendsThem(metadata))
                return std::nullopt;
        }
        event.metadata = std::move(metadata);
    }
    return event;
}

}  // namespace

std::optional<std::vector<TelemetryEvent>> fastReadEvents(std::string_view body, bool batch) {
    Scanner in(body);
    std::vector<TelemetryEvent> events;
    if (!batch) {
        auto event = readEvent(in);
        if (!event || !in.atEnd()) return std::nullopt;
        events.push_back(std::move(*event));
        return events;
    }
    bool wrapped = false;
    if (in.consume('{')) {
        const auto key = in.plainString();
        if (!key || *key != "events") return std::nullopt;
        in.expect(':');
        wrapped = true;
    }
    in.expect('[');
    if (in.failed) return std::nullopt;
    if (!in.consume(']')) {
        do {
            if (events.size() >= kMaxBatchEvents) return std::nullopt;
            auto event = readEvent(in);
            if (!event) return std::nullopt;
            events.push_back(std::move(*event));
        } while (in.consume(','));
        in.expect(']');
    }
    if (wrapped) in.expect('}');
    if (in.failed || !in.atEnd()) return std::nullopt;
    return events;
}

}  // namespace chief::monitor
