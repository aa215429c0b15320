#pragma once
// A fast path for ingest bodies in their common shape: the telemetry chiefd sends (known
// fields, plain ASCII strings without escapes, integer numbers, small metadata objects). It
// reads them straight into TelemetryEvents, without building a JSON tree first, which is most
// of what validating a batch costs. Anything it is not certain about -- an escape, a non-ASCII
// byte, an unknown or repeated key, a value that would not validate -- makes it give up, and the
// general path (nlohmann's parser, then parseTelemetryEvent) decides and words the errors. So
// it never accepts what the general path refuses, nor reads anything differently; the fuzz
// target checks exactly that.

#include <optional>
#include <string_view>
#include <vector>

#include "chief/telemetry_event.h"

namespace chief::monitor {

// The events of a batch body (a JSON array, or {"events": [...]}) or of a single-event body;
// nullopt when the general path must decide.
std::optional<std::vector<telemetry::TelemetryEvent>> fastReadEvents(std::string_view body, bool batch);

}  // namespace chief::monitor
