#pragma once
// ScheduleSpec: a validated schedule exactly as the user wrote it, before compilation.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chief/schedule.h"

namespace chief {

enum class Frequency { Daily, Weekly, Monthly, Yearly, Interval, Custom };

// custom's day_match: how day_of_month and day_of_week combine when both are restricted.
enum class DayMatch {
    All,  // both must match (Chief's reading, the default)
    Any,  // either may match (cron's and chief.py's reading)
};

struct TimeOfDay {
    int hour = 0;
    int minute = 0;
};

// One custom (cron-like) field: the allowed values and whether it was left as "*"/absent.
struct CronField {
    std::uint64_t bits = 0;
    bool wildcard = true;
};

// The typed schedule DSL. Only the members that belong to `frequency` are meaningful.
struct ScheduleSpec {
    Frequency frequency = Frequency::Daily;
    TimeOfDay time;                  // daily, weekly, monthly, yearly
    bool weekdaysOnly = false;       // daily
    std::uint8_t weekdays = 0;       // weekly days, or the monthly ordinal's day (bit 0 = Sunday)
    int dayOfMonth = 0;              // monthly (day form), yearly; 0 with lastDayOfMonth
    bool lastDayOfMonth = false;     // monthly, yearly: day_of_month: last
    std::optional<Ordinal> ordinal;  // monthly (ordinal form)
    int month = 0;                   // yearly, 1-12
    std::int64_t everyMinutes = 0;   // interval
    std::string every;               // interval, as written (e.g. "90m")
    CronField minute, hour, dayOfMonthField, monthField, dayOfWeek;  // custom; dayOfMonthField may hold kLastDayOfMonthBit
    std::optional<DayMatch> dayMatch;  // custom: as written; unset means All

    ZoneHandle zone;
    std::optional<SysSeconds> start;
    std::optional<SysSeconds> end;
    std::optional<LocalSeconds> startLocal;  // start read as wall-clock time in `zone`
    std::vector<LocalDays> exclude;          // sorted, unique
};

const char* frequencyName(Frequency frequency);

}  // namespace chief
