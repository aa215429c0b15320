#pragma once
// Parsers for the schedule DSL's field values: HH:MM, weekday lists, months, intervals, cron fields.

#include <cstdint>
#include <string_view>

#include "chief/result.h"
#include "chief/schedule.h"
#include "chief/schedule_spec.h"

namespace chief {

// "06:00", "14:30" (24-hour; a one-digit hour is accepted).
Result<TimeOfDay> parseTimeOfDay(std::string_view text);

// "monday", "mon", "monday,wednesday", "monday-friday" (ranges may wrap: "friday-monday").
// Returns a weekday bit set, bit 0 = Sunday.
Result<std::uint8_t> parseWeekdays(std::string_view text);

// "monday"/"mon" -> 1; case-insensitive; nullopt-style error for anything else.
Result<int> parseWeekdayName(std::string_view text);

// "january", "jan" or "1".."12".
Result<int> parseMonth(std::string_view text);

// "first" .. "fourth", "last".
Result<Ordinal> parseOrdinal(std::string_view text);

// "<number><unit>" with unit m, h or d; returns minutes.
Result<std::int64_t> parseInterval(std::string_view text);

// Which custom field is being parsed: its range and whether names are allowed.
enum class CronFieldKind { Minute, Hour, DayOfMonth, Month, DayOfWeek };

// One cron-like field: "*", "*/10", "5", "1-5", "1-10/2", "mon-fri", "1,15", lists of those.
// Day of week accepts 0-7 (0 and 7 are Sunday) and names; month accepts names.
Result<std::uint64_t> parseCronField(std::string_view text, CronFieldKind kind);

const char* cronFieldName(CronFieldKind kind);

}  // namespace chief
