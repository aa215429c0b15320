#pragma once
// Small text formatters shared by the journal and console messages.

#include <chrono>
#include <string>

#include "chief/run_event.h"

namespace chief::daemon {

// "2026-11-27T21:00:00.123Z": formatIsoUtc with milliseconds (for SysMillis instants).
std::string formatIsoUtcMillis(SysMillis instant);

// A duration for people: "850ms", "1.2s" (tenths, truncated), "2m 3s", "1h 2m 3s".
// Negative durations (a wall-clock step between start and end) read as 0ms.
std::string formatDurationText(std::chrono::milliseconds duration);

// "SIGKILL" for 9; "" for a number the C library has no name for.
std::string signalName(int signal);

}  // namespace chief::daemon
