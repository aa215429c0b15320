#pragma once
// Reading POST /v1/events and /v1/events/batch bodies: bounded JSON, then every event checked
// against the contract. All or nothing: one invalid event rejects the whole batch.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "chief/telemetry_event.h"

namespace chief::monitor {

// Deepest nesting accepted in a request body (objects and arrays); deeper is refused before
// parsing, so no client can make the parser or the value's destructor recurse without bound.
inline constexpr std::size_t kMaxJsonDepth = 32;
// Most events in one batch.
inline constexpr std::size_t kMaxBatchEvents = 10000;

// A body that was refused: `error` is the message; `details` follows chief.py's monitor
// ({"fieldErrors": {"field": ["message", ...]}, "formErrors": ["message", ...]}).
struct BodyError {
    std::string error;
    nlohmann::json details;
};

// Either the validated events or why the body was refused.
struct IngestBody {
    std::vector<telemetry::TelemetryEvent> events;
    std::optional<BodyError> error;
    bool ok() const { return !error.has_value(); }
};

// How deep `text` nests, counting only brackets outside strings; stops counting past `limit`.
std::size_t jsonNestingDepth(std::string_view text, std::size_t limit);

// Parses `text` as JSON within kMaxJsonDepth. On failure `error` holds a "not JSON" BodyError.
nlohmann::json parseJsonBody(std::string_view text, std::optional<BodyError>& error);

// POST /v1/events: one event object.
IngestBody readSingleEventBody(std::string_view text);
// POST /v1/events/batch: a JSON array of events, or {"events": [...]}. Field names in errors
// are prefixed with the event's index: "events[3].level".
IngestBody readBatchBody(std::string_view text);

// The same two without the fast path (fast_event_reader.h): nlohmann's parser, then
// parseTelemetryEvent. What the fast path does not take goes here; tests compare the two.
IngestBody readSingleEventBodyGeneral(std::string_view text);
IngestBody readBatchBodyGeneral(std::string_view text);

}  // namespace chief::monitor
