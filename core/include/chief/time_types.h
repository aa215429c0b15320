#pragma once
// Time point aliases shared by the core: UTC instants and zone-less local wall-clock times.

#include <chrono>

#include <date/date.h>

namespace chief {

using Seconds = std::chrono::seconds;
using Minutes = std::chrono::minutes;
// An instant, counted in UTC seconds since the epoch (leap seconds ignored, as POSIX does).
using SysSeconds = date::sys_time<Seconds>;
// A wall-clock reading in some zone, not yet tied to an instant.
using LocalSeconds = date::local_time<Seconds>;
using LocalMinutes = date::local_time<Minutes>;
using LocalDays = date::local_days;

}  // namespace chief
