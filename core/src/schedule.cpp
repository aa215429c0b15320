#include "chief/schedule.h"

#include <algorithm>
#include <bit>

namespace chief {

namespace {

using date::days;
using date::year_month_day;

// A rule that has not matched within this many years never will (the 400-year Gregorian
// cycle is far longer than any real gap; the longest, Feb 29 on a given weekday, is ~40 years).
constexpr int kHorizonYears = 100;

// Lowest set bit at or above `from`, or -1.
int nextBit(std::uint64_t bits, int from) {
    if (from >= 64) return -1;
    const std::uint64_t masked = bits & (~std::uint64_t{0} << from);
    return masked == 0 ? -1 : std::countr_zero(masked);
}

bool isExcluded(const std::vector<LocalDays>& excluded, LocalDays day) {
    return !excluded.empty() && std::binary_search(excluded.begin(), excluded.end(), day);
}

unsigned lastDayOf(date::year y, date::month m) {
    return static_cast<unsigned>(date::year_month_day_last{y / m / date::last}.day());
}

// The day of the month the ordinal weekday falls on in y/m.
unsigned ordinalDay(const OrdinalWeekday& ow, date::year y, date::month m) {
    const unsigned target = static_cast<unsigned>(ow.weekday);
    if (ow.ordinal == Ordinal::Last) {
        const unsigned last = lastDayOf(y, m);
        const unsigned wdLast = date::weekday{LocalDays{y / m / last}}.c_encoding();
        return last - (wdLast + 7 - target) % 7;
    }
    const unsigned wdFirst = date::weekday{LocalDays{y / m / 1}}.c_encoding();
    const unsigned first = 1 + (target + 7 - wdFirst) % 7;
    return first + 7 * static_cast<unsigned>(ow.ordinal);
}

// Whether day d of a month whose last day is `last` is one of the rule's days of the month.
bool dayOfMonthMatches(std::uint32_t daysOfMonth, unsigned d, unsigned last) {
    return (daysOfMonth >> d & 1U) || ((daysOfMonth & kLastDayOfMonthBit) && d == last);
}

// The first day >= `from` within y/m that the date fields accept, or 0.
unsigned matchingDay(const CalendarRule& rule, const std::vector<LocalDays>& excluded, date::year y,
                     date::month m, unsigned from) {
    const unsigned last = lastDayOf(y, m);
    if (rule.ordinal) {
        const unsigned d = ordinalDay(*rule.ordinal, y, m);
        const bool ok = d >= from && dayOfMonthMatches(rule.daysOfMonth, d, last) && !isExcluded(excluded, LocalDays{y / m / d});
        return ok ? d : 0;
    }
    if (rule.weekdays == 0x7F && excluded.empty()) {
        // Only the day-of-month bits matter: jump straight to the next one (from >= 1, so the
        // last-day bit 0 is never found here; it is checked on its own).
        const int next = nextBit(rule.daysOfMonth, static_cast<int>(from));
        unsigned d = next >= 0 && static_cast<unsigned>(next) <= last ? static_cast<unsigned>(next) : 0;
        if ((rule.daysOfMonth & kLastDayOfMonthBit) && last >= from && (d == 0 || last < d)) d = last;
        return d;
    }
    unsigned wd = date::weekday{LocalDays{y / m / from}}.c_encoding();
    for (unsigned d = from; d <= last; ++d, wd = (wd + 1) % 7) {
        const bool dom = dayOfMonthMatches(rule.daysOfMonth, d, last);
        const bool dow = (rule.weekdays >> wd & 1U) != 0;
        if ((rule.dayMatchAny ? (dom || dow) : (dom && dow)) && !isExcluded(excluded, LocalDays{y / m / d})) return d;
    }
    return 0;
}

std::optional<LocalMinutes> nextCalendarMatch(const CalendarRule& rule, const std::vector<LocalDays>& excluded,
                                              LocalMinutes from) {
    const LocalDays startDay = date::floor<days>(from);
    year_month_day ymd{startDay};
    auto y = ymd.year();
    unsigned m = static_cast<unsigned>(ymd.month());
    unsigned d = static_cast<unsigned>(ymd.day());
    int minuteOfDay = static_cast<int>((from - startDay).count());
    int hh = minuteOfDay / 60, mm = minuteOfDay % 60;
    const auto limit = y + date::years{kHorizonYears};

    auto startOfNextMonth = [&] {
        d = 1;
        hh = mm = 0;
        if (++m > 12) {
            m = 1;
            y += date::years{1};
        }
    };

    while (y <= limit) {
        if (!(rule.months >> m & 1U)) {
            const int nm = nextBit(rule.months, static_cast<int>(m) + 1);
            if (nm < 0 || nm > 12) {
                y += date::years{1};
                m = static_cast<unsigned>(nextBit(rule.months, 1));
                if (m == static_cast<unsigned>(-1) || m > 12) return std::nullopt;
            } else {
                m = static_cast<unsigned>(nm);
            }
            d = 1;
            hh = mm = 0;
            continue;
        }
        const date::month month{m};
        if (d > lastDayOf(y, month)) {
            startOfNextMonth();
            continue;
        }
        const unsigned day = matchingDay(rule, excluded, y, month, d);
        if (day == 0) {
            startOfNextMonth();
            continue;
        }
        if (day != d) {
            d = day;
            hh = mm = 0;
        }
        const int h = nextBit(rule.hours, hh);
        if (h < 0 || h > 23) {
            ++d;
            hh = mm = 0;
            continue;
        }
        if (h != hh) {
            hh = h;
            mm = 0;
        }
        const int mi = nextBit(rule.minutes, mm);
        if (mi < 0 || mi > 59) {
            ++hh;
            mm = 0;
            if (hh == 24) {
                ++d;
                hh = 0;
            }
            continue;
        }
        return LocalMinutes{LocalDays{y / month / d}} + std::chrono::hours{hh} + Minutes{mi};
    }
    return std::nullopt;
}

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

std::optional<LocalMinutes> nextIntervalMatch(const IntervalRule& rule, const std::vector<LocalDays>& excluded,
                                              LocalMinutes from) {
    const std::int64_t n = rule.everyMinutes;
    std::int64_t index = from.time_since_epoch().count();
    // Each loop step leaves one excluded date behind, so it ends after at most size()+1 steps.
    for (std::size_t step = 0; step <= excluded.size(); ++step) {
        const std::int64_t k = floorDiv(index - rule.anchorMinute + n - 1, n);
        const LocalMinutes candidate{Minutes{rule.anchorMinute + k * n}};
        const LocalDays day = date::floor<days>(candidate);
        if (!isExcluded(excluded, day)) return candidate;
        index = LocalMinutes{day + days{1}}.time_since_epoch().count();
    }
    return std::nullopt;
}

std::optional<LocalMinutes> nextMatchFrom(const Schedule& schedule, LocalMinutes from) {
    if (const auto* calendar = std::get_if<CalendarRule>(&schedule.rule))
        return nextCalendarMatch(*calendar, schedule.bounds.excludedDates, from);
    return nextIntervalMatch(std::get<IntervalRule>(schedule.rule), schedule.bounds.excludedDates, from);
}

}  // namespace

std::optional<LocalMinutes> nextLocalMatch(const Schedule& schedule, LocalSeconds after) {
    return nextMatchFrom(schedule, date::floor<Minutes>(after) + Minutes{1});
}

std::optional<FireTime> nextFireAfter(const Schedule& schedule, SysSeconds after, DstObserver* observer) {
    const ScheduleBounds& bounds = schedule.bounds;
    if (bounds.start && after < *bounds.start) after = *bounds.start - Seconds{1};
    if (bounds.end && after >= *bounds.end) return std::nullopt;
    LocalSeconds localAfter = schedule.zone->toLocal(after);
    // Each iteration moves past one candidate that cannot run (in a DST gap, or the repeat of
    // an ambiguous time); a gap or repeat is at most a day, so this bound is never reached
    // by a real zone.
    for (int guard = 0; guard < 200000; ++guard) {
        const auto match = nextLocalMatch(schedule, localAfter);
        if (!match) return std::nullopt;
        const LocalSeconds candidate{*match};
        const LocalResolution resolved = schedule.zone->resolve(candidate);
        if (resolved.kind == LocalResolution::Kind::Nonexistent) {
            if (bounds.end && resolved.first > *bounds.end) return std::nullopt;
            if (observer && resolved.first > after)
                observer->onDstEvent({DstEvent::Kind::SkippedNonexistent, candidate, resolved.first, resolved.first});
            localAfter = candidate;
            continue;
        }
        if (resolved.first <= after) {  // its first occurrence is already past: it ran then
            localAfter = candidate;
            continue;
        }
        if (bounds.end && resolved.first > *bounds.end) return std::nullopt;
        const bool ambiguous = resolved.kind == LocalResolution::Kind::Ambiguous;
        if (ambiguous && observer)
            observer->onDstEvent({DstEvent::Kind::RanOnceAmbiguous, candidate, resolved.first, resolved.second});
        return FireTime{resolved.first, candidate, ambiguous};
    }
    return std::nullopt;
}

bool firesAtMinute(const Schedule& schedule, SysSeconds instant) {
    const SysSeconds minute = date::floor<Minutes>(instant);
    const auto fire = nextFireAfter(schedule, minute - Seconds{1});
    return fire && fire->instant == minute;
}

}  // namespace chief
