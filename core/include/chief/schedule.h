#pragma once
// Schedule: the compiled, zone-aware rule the time engine evaluates.

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "chief/time_types.h"
#include "chief/zone_rules.h"

namespace chief {

enum class Ordinal { First, Second, Third, Fourth, Last };

// "the <ordinal> <weekday> of the month"; weekday 0 = Sunday.
struct OrdinalWeekday {
    Ordinal ordinal = Ordinal::First;
    int weekday = 0;
};

// In a day-of-month bit set, bit 0 (no day is numbered 0) stands for "the last day of the
// month" (day_of_month: last, or L in a custom field): day 28, 29, 30 or 31 depending on the month.
inline constexpr std::uint32_t kLastDayOfMonthBit = 1U;

// Calendar fields as bit sets (bit n set = value n allowed). Day-of-month and day-of-week
// must BOTH match (unlike cron's either-or) unless `dayMatchAny`; a field written as "*"
// simply has every bit set.
struct CalendarRule {
    std::uint64_t minutes = 0;       // bits 0-59
    std::uint32_t hours = 0;         // bits 0-23
    std::uint32_t daysOfMonth = 0;   // bits 1-31, and kLastDayOfMonthBit
    std::uint16_t months = 0;        // bits 1-12
    std::uint8_t weekdays = 0;       // bits 0-6, 0 = Sunday
    std::optional<OrdinalWeekday> ordinal;  // when set, also required on top of the fields
    // custom's day_match: any (cron's reading): a day matches when its day of month OR its
    // weekday matches. Only set when both fields restrict something.
    bool dayMatchAny = false;
};

// Every N minutes of local wall-clock time, on the grid anchor + k*N. Local time counts
// every calendar day as 1440 minutes, so N that divides a day lands on the same local
// times every day, exactly like the equivalent cron line.
struct IntervalRule {
    std::int64_t everyMinutes = 0;
    std::int64_t anchorMinute = 0;  // local minutes since 1970-01-01T00:00 (the default anchor)
};

// Inclusive instant bounds and excluded local dates (sorted, unique).
struct ScheduleBounds {
    std::optional<SysSeconds> start;
    std::optional<SysSeconds> end;
    std::vector<LocalDays> excludedDates;
    bool empty() const { return !start && !end && excludedDates.empty(); }
};

// What the time engine needs: the rule, the zone it is read in, and the bounds.
struct Schedule {
    std::variant<CalendarRule, IntervalRule> rule;
    ZoneHandle zone;
    ScheduleBounds bounds;
};

// One computed fire time.
struct FireTime {
    SysSeconds instant;
    LocalSeconds local;
    bool ambiguous = false;  // the local time occurs twice; this is its first occurrence
};

// Something the time engine noticed while searching, reported for preview notes.
struct DstEvent {
    enum class Kind { SkippedNonexistent, RanOnceAmbiguous };
    Kind kind;
    LocalSeconds local;
    SysSeconds instant;  // skipped: when the gap ends; ambiguous: the first occurrence (the run)
    SysSeconds secondInstant;  // ambiguous: the occurrence that does not run
};

// Receives DstEvents; pass nullptr to the engine when not interested.
class DstObserver {
public:
    virtual ~DstObserver() = default;
    virtual void onDstEvent(const DstEvent& event) = 0;
};

// The first fire time strictly after `after`, or nullopt if there is none (past `end`, or the
// rule can never match). Computed field by field on the local calendar, never by stepping
// minute by minute. Nonexistent local times are skipped; ambiguous ones run at their first
// occurrence only.
std::optional<FireTime> nextFireAfter(const Schedule& schedule, SysSeconds after,
                                      DstObserver* observer = nullptr);

// The first local time strictly after `after` that the rule matches, ignoring DST and
// instant bounds (but honouring excluded dates); nullopt past the search horizon.
std::optional<LocalMinutes> nextLocalMatch(const Schedule& schedule, LocalSeconds after);

// True if the schedule fires exactly at the minute containing `instant` (the runtime guard
// used by one-shot runs launched from cron).
bool firesAtMinute(const Schedule& schedule, SysSeconds instant);

}  // namespace chief
