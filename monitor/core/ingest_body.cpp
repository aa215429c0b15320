#include "monitor/core/ingest_body.h"

#include "monitor/core/fast_event_reader.h"

namespace chief::monitor {

namespace {

using nlohmann::json;

BodyError formError(std::string error, const std::string& message) {
    return {std::move(error), {{"fieldErrors", json::object()}, {"formErrors", json::array({message})}}};
}

// Adds `errors` to a details object, each field name prefixed.
void addFieldErrors(json& details, const std::vector<telemetry::FieldError>& errors, const std::string& prefix) {
    for (const telemetry::FieldError& error : errors) {
        if (error.field.empty() && prefix.empty()) {
            details["formErrors"].push_back(error.message);
            continue;
        }
        std::string field = prefix;
        if (!error.field.empty()) field += (prefix.empty() ? "" : ".") + error.field;
        details["fieldErrors"][field].push_back(error.message);
    }
}

constexpr std::size_t kMaxReportedEvents = 50;

json emptyDetails() { return {{"fieldErrors", json::object()}, {"formErrors", json::array()}}; }

}  // namespace

std::size_t jsonNestingDepth(std::string_view text, std::size_t limit) {
    std::size_t depth = 0;
    std::size_t deepest = 0;
    bool inString = false;
    bool escaped = false;
    for (const char c : text) {
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
            continue;
        }
        switch (c) {
            case '"': inString = true; break;
            case '[':
            case '{':
                if (++depth > deepest) {
                    deepest = depth;
                    if (deepest > limit) return deepest;
                }
                break;
            case ']':
            case '}':
                if (depth > 0) --depth;
                break;
            default: break;
        }
    }
    return deepest;
}

json parseJsonBody(std::string_view text, std::optional<BodyError>& error) {
    if (jsonNestingDepth(text, kMaxJsonDepth) > kMaxJsonDepth) {
        error = formError("Invalid JSON body", "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
        return nullptr;
    }
    try {
        return json::parse(text);
    } catch (const json::exception& failure) {
        // A syntax error (parse_error: its message names the byte offset and what was
        // expected), or a number too large for a double (out_of_range, "1e1000"): found by the
        // fuzz target, this escaped as an exception and ended the process.
        error = formError("Invalid JSON body", failure.what());
        return nullptr;
    }
}

IngestBody readSingleEventBody(std::string_view text) {
    if (jsonNestingDepth(text, kMaxJsonDepth) <= kMaxJsonDepth) {
        if (auto events = fastReadEvents(text, /*batch=*/false)) return IngestBody{std::move(*events), std::nullopt};
    }
    return readSingleEventBodyGeneral(text);
}

IngestBody readBatchBody(std::string_view text) {
    if (jsonNestingDepth(text, kMaxJsonDepth) <= kMaxJsonDepth) {
        if (auto events = fastReadEvents(text, /*batch=*/true)) return IngestBody{std::move(*events), std::nullopt};
    }
    return readBatchBodyGeneral(text);
}

IngestBody readSingleEventBodyGeneral(std::string_view text) {
    IngestBody body;
    const json value = parseJsonBody(text, body.error);
    if (body.error) return body;
    telemetry::ParsedTelemetryEvent parsed = telemetry::parseTelemetryEvent(value);
    if (!parsed.ok()) {
        json details = emptyDetails();
        addFieldErrors(details, parsed.errors, "");
        body.error = BodyError{"Invalid event payload", std::move(details)};
        return body;
    }
    body.events.push_back(std::move(*parsed.event));
    return body;
}

IngestBody readBatchBodyGeneral(std::string_view text) {
    IngestBody body;
    const json value = parseJsonBody(text, body.error);
    if (body.error) return body;
    const json* items = nullptr;
    if (value.is_array()) {
        items = &value;
    } else if (value.is_object() && value.contains("events") && value["events"].is_array()) {
        items = &value["events"];
    } else {
        body.error = formError("Invalid batch payload", "expected a JSON array of events or {\"events\": [...]}");
        return body;
    }
    if (items->size() > kMaxBatchEvents) {
        body.error = formError("Invalid batch payload",
                               "more than " + std::to_string(kMaxBatchEvents) + " events in one batch");
        return body;
    }
    json details = emptyDetails();
    std::size_t invalid = 0;
    body.events.reserve(items->size());
    for (std::size_t i = 0; i < items->size(); ++i) {
        telemetry::ParsedTelemetryEvent parsed = telemetry::parseTelemetryEvent((*items)[i]);
        if (parsed.ok()) {
            if (invalid == 0) body.events.push_back(std::move(*parsed.event));
            continue;
        }
        // The details stay small however many events are wrong.
        if (++invalid <= kMaxReportedEvents) addFieldErrors(details, parsed.errors, "events[" + std::to_string(i) + "]");
    }
    if (invalid > kMaxReportedEvents)
        details["formErrors"].push_back(std::to_string(invalid) + " invalid events; the first " +
                                        std::to_string(kMaxReportedEvents) + " are listed");
    if (invalid > 0) {
        body.events.clear();
        body.error = BodyError{"Invalid batch payload", std::move(details)};
    }
    return body;
}

}  // namespace chief::monitor
