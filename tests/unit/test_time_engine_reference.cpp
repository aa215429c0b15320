// Randomized comparison of the field-wise time engine (nextFireAfter) against an independent
// brute-force reference that walks UTC minutes, converts each to local time with date/tz
// directly (not through ZoneRules), and matches the local fields against the ScheduleSpec as
// the user wrote it (so the schedule compiler is checked too). A second run covers 2054-2055,
// where ZoneRules must apply the TZif footer rule, against date/tz's table 28 years earlier.
//
// Reproduce a failure with CHIEF_REFERENCE_SEED=<seed printed on failure>; soak with
// CHIEF_REFERENCE_CASES=<n> (at least the default is always run).

#include <catch2/catch.hpp>

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "chief/schedule.h"
#include "chief/schedule_compiler.h"
#include "chief/schedule_spec.h"
#include "chief/time_format.h"
#include "chief/zone_rules.h"

using namespace chief;

namespace {

using std::chrono::hours;

constexpr std::uint64_t kDefaultSeed = 0x5EED20260308ULL;
constexpr int kDefaultCases = 10000;
// The reference searches this far after t; "none within the horizon" must match an engine
// answer of nullopt or of an instant beyond the horizon.
constexpr auto kHorizon = date::days{5 * 366};

constexpr std::uint64_t kAllMinutes = (std::uint64_t{1} << 60) - 1;
constexpr std::uint64_t kAllHours = (std::uint64_t{1} << 24) - 1;
constexpr std::uint64_t kAllDaysOfMonth = ((std::uint64_t{1} << 32) - 1) & ~std::uint64_t{1};
constexpr std::uint64_t kAllMonths = ((std::uint64_t{1} << 13) - 1) & ~std::uint64_t{1};
constexpr std::uint64_t kAllWeekdays = 0x7F;

// The five zones of the hand-checked tests plus others with unusual DST: southern hemisphere,
// half-hour and 45-minute offsets, transitions at midnight, a 2-hour shift, negative DST.
const std::array<const char*, 19> kZones = {
    "America/New_York", "Europe/Berlin",    "Australia/Sydney", "Australia/Lord_Howe", "Asia/Kolkata",
    "America/Santiago", "Europe/London",    "America/St_Johns", "Pacific/Chatham",     "Asia/Tehran",
    "Africa/Casablanca", "Antarctica/Troll", "America/Havana",  "Europe/Dublin",       "America/Nuuk",
    "Asia/Gaza",         "Etc/UTC",          "America/Sao_Paulo", "Pacific/Apia"};

// splitmix64: tiny, and the same sequence on every platform (unlike std:: distributions).
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n).
    std::int64_t below(std::int64_t n) { return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n)); }
    std::int64_t between(std::int64_t lo, std::int64_t hi) { return lo + below(hi - lo + 1); }
    bool chance(int percent) { return below(100) < percent; }
    template <typename T, std::size_t N>
    T pick(const std::array<T, N>& items) {
        return items[static_cast<std::size_t>(below(static_cast<std::int64_t>(N)))];
    }

private:
    std::uint64_t state_;
};

std::uint64_t envNumber(const char* name, std::uint64_t fallback) {
    const char* text = std::getenv(name);
    if (!text || !*text) return fallback;
    return std::strtoull(text, nullptr, 0);
}

// ---------------------------------------------------------------------------------------------
// The reference.

bool isExcludedDay(const ScheduleSpec& spec, LocalDays day) {
    return std::find(spec.exclude.begin(), spec.exclude.end(), day) != spec.exclude.end();
}

unsigned daysInMonth(date::year y, date::month m) {
    return static_cast<unsigned>(date::year_month_day_last{y / m / date::last}.day());
}

// Does the local date satisfy the spec's date part (not counting time of day)?
bool dateMatches(const ScheduleSpec& spec, LocalDays day) {
    if (isExcludedDay(spec, day)) return false;
    const date::year_month_day ymd{day};
    const unsigned dom = static_cast<unsigned>(ymd.day());
    const unsigned month = static_cast<unsigned>(ymd.month());
    const unsigned wd = date::weekday{day}.c_encoding();  // 0 = Sunday
    switch (spec.frequency) {
        case Frequency::Daily:
            return !spec.weekdaysOnly || (wd >= 1 && wd <= 5);
        case Frequency::Weekly:
            return (spec.weekdays >> wd & 1U) != 0;
        case Frequency::Monthly:
            if (spec.ordinal) {
                if ((spec.weekdays >> wd & 1U) == 0) return false;
                if (*spec.ordinal == Ordinal::Last) return dom + 7 > daysInMonth(ymd.year(), ymd.month());
                const unsigned nth = (dom - 1) / 7;  // 0 = first occurrence in the month
                return nth == static_cast<unsigned>(*spec.ordinal);
            }
            if (spec.lastDayOfMonth) return dom == daysInMonth(ymd.year(), ymd.month());
            return dom == static_cast<unsigned>(spec.dayOfMonth);
        case Frequency::Yearly:
            if (month != static_cast<unsigned>(spec.month)) return false;
            if (spec.lastDayOfMonth) return dom == daysInMonth(ymd.year(), ymd.month());
            return dom == static_cast<unsigned>(spec.dayOfMonth);
        case Frequency::Custom: {
            if (!(spec.monthField.bits >> month & 1U)) return false;
            // Bit 0 of the day-of-month field is L, the month's last day.
            const bool domOk = (spec.dayOfMonthField.bits >> dom & 1U) ||
                               ((spec.dayOfMonthField.bits & 1U) && dom == daysInMonth(ymd.year(), ymd.month()));
            const bool dowOk = (spec.dayOfWeek.bits >> wd & 1U) != 0;
            // day_match: any is cron's OR, which only applies when both fields restrict something.
            const bool either = spec.dayMatch == DayMatch::Any && !spec.dayOfMonthField.wildcard && !spec.dayOfWeek.wildcard;
            return either ? (domOk || dowOk) : (domOk && dowOk);
        }
        case Frequency::Interval:
            return true;
    }
    return false;
}

bool hourMatches(const ScheduleSpec& spec, int hour) {
    if (spec.frequency == Frequency::Interval) return true;
    if (spec.frequency == Frequency::Custom) return (spec.hour.bits >> hour & 1U) != 0;
    return hour == spec.time.hour;
}

bool timeMatches(const ScheduleSpec& spec, std::int64_t localMinute, int hour, int minute) {
    if (spec.frequency == Frequency::Interval) {
        const std::int64_t anchor =
            spec.startLocal ? date::floor<Minutes>(*spec.startLocal).time_since_epoch().count() : 0;
        const std::int64_t n = spec.everyMinutes;
        return ((localMinute - anchor) % n + n) % n == 0;
    }
    if (spec.frequency == Frequency::Custom) return (spec.hour.bits >> hour & 1U) && (spec.minute.bits >> minute & 1U);
    return hour == spec.time.hour && minute == spec.time.minute;
}

struct RefFire {
    SysSeconds instant;
    LocalSeconds local;
    bool ambiguous = false;
};

// The reference's view of a zone: date/tz's table, optionally read `shift` earlier. Shifting by
// 28 years (same weekdays and leap years until 2100) lets the table's 2026-2032, where date/tz
// is right, stand in for 2054-2060, where only the TZif footer rule gives the answer, for zones
// whose rules have not changed in between.
struct Oracle {
    const date::time_zone* tz = nullptr;
    date::days shift{0};

    date::sys_info info(SysSeconds u) const {
        date::sys_info i = tz->get_info(u - shift);
        const SysSeconds farFuture{date::sys_days{date::year{3000} / 1 / 1}};
        if (i.begin > SysSeconds{date::sys_days{date::year{1000} / 1 / 1}}) i.begin += shift;
        if (i.end < farFuture) i.end += shift;
        return i;
    }
    LocalSeconds toLocal(SysSeconds u) const { return LocalSeconds{u.time_since_epoch() + info(u).offset}; }
    // A gap time moves to the gap's end, an ambiguous one takes its first occurrence.
    SysSeconds toSys(LocalSeconds local) const { return tz->to_sys(local - shift, date::choose::earliest) + shift; }
};

// Did some instant before `info.begin` already show local time `local`?
bool seenEarlier(const Oracle& zone, const date::sys_info& info, LocalSeconds local) {
    date::sys_info period = info;
    for (int back = 0; back < 3; ++back) {
        if (period.begin <= SysSeconds{date::days{-365 * 200}}) return false;
        period = zone.info(period.begin - Seconds{1});
        const SysSeconds u{local.time_since_epoch() - period.offset};
        if (u >= period.begin && u < period.end) return true;
    }
    return false;
}

// Does some instant after `info.end` show local time `local` again?
bool seenLater(const Oracle& zone, const date::sys_info& info, LocalSeconds local) {
    date::sys_info period = info;
    for (int ahead = 0; ahead < 3; ++ahead) {
        if (period.end >= SysSeconds{date::days{365 * 200}}) return false;
        period = zone.info(period.end);
        const SysSeconds u{local.time_since_epoch() - period.offset};
        if (u >= period.begin && u < period.end) return true;
    }
    return false;
}

// The first whole-minute instant after t whose local time matches the spec, is the first
// instant showing that local time, and lies within [start, end]; nullopt within the horizon.
std::optional<RefFire> referenceNext(const ScheduleSpec& spec, const Oracle& zone, SysSeconds t) {
    SysSeconds u = date::floor<Minutes>(t) + Minutes{1};
    if (spec.start && u < *spec.start) u = date::ceil<Minutes>(*spec.start);
    SysSeconds limit = t + kHorizon;
    if (spec.end && *spec.end < limit) limit = *spec.end;

    LocalDays cachedDay{date::days{std::numeric_limits<int>::min()}};
    bool cachedOk = false;
    while (u <= limit) {
        const date::sys_info info = zone.info(u);
        const SysSeconds periodEnd = info.end;
        while (u < periodEnd && u <= limit) {
            const LocalSeconds local{u.time_since_epoch() + info.offset};
            const LocalDays day = date::floor<date::days>(local);
            if (day != cachedDay) {
                cachedDay = day;
                cachedOk = dateMatches(spec, day);
            }
            if (!cachedOk) {  // no minute of this local day can match: go to the next local midnight
                u = std::min(SysSeconds{(day + date::days{1}).time_since_epoch() - info.offset}, periodEnd);
                continue;
            }
            const auto sinceMidnight = date::floor<Minutes>(local - LocalSeconds{day});
            const int hour = static_cast<int>(sinceMidnight.count() / 60);
            const int minute = static_cast<int>(sinceMidnight.count() % 60);
            if (!hourMatches(spec, hour)) {  // no minute of this local hour matches: next local hour
                const LocalSeconds nextHour = LocalSeconds{day} + hours{hour + 1};
                u = std::min(SysSeconds{nextHour.time_since_epoch() - info.offset}, periodEnd);
                continue;
            }
            const std::int64_t localMinute = date::floor<Minutes>(local).time_since_epoch().count();
            if (timeMatches(spec, localMinute, hour, minute) && !seenEarlier(zone, info, local))
                return RefFire{u, local, seenLater(zone, info, local)};
            u += Minutes{1};
        }
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Random schedules, all built as ScheduleSpecs and compiled.

int randomHour(Rng& rng) {
    static constexpr std::array<int, 7> kDstHours = {0, 1, 2, 3, 22, 23, 4};
    return rng.chance(60) ? rng.pick(kDstHours) : static_cast<int>(rng.below(24));
}

int randomMinute(Rng& rng) {
    static constexpr std::array<int, 6> kCommon = {0, 15, 30, 45, 59, 5};
    return rng.chance(50) ? rng.pick(kCommon) : static_cast<int>(rng.below(60));
}

std::uint64_t randomSet(Rng& rng, int low, int high, int maxCount) {
    std::uint64_t bits = 0;
    const int count = static_cast<int>(rng.between(1, maxCount));
    for (int i = 0; i < count; ++i) bits |= std::uint64_t{1} << rng.between(low, high);
    return bits;
}

std::uint64_t randomStep(Rng& rng, int low, int high) {
    const int step = static_cast<int>(rng.between(2, std::max(2, (high - low) / 2)));
    const int first = static_cast<int>(rng.between(low, low + step - 1));
    std::uint64_t bits = 0;
    for (int v = first; v <= high; v += step) bits |= std::uint64_t{1} << v;
    return bits;
}

CronField field(std::uint64_t bits, std::uint64_t all) { return CronField{bits, bits == all}; }

void randomCustom(Rng& rng, ScheduleSpec& spec) {
    // minute
    switch (rng.below(4)) {
        case 0: spec.minute = field(kAllMinutes, kAllMinutes); break;
        case 1: spec.minute = field(std::uint64_t{1} << randomMinute(rng), kAllMinutes); break;
        case 2: spec.minute = field(randomStep(rng, 0, 59), kAllMinutes); break;
        default: spec.minute = field(randomSet(rng, 0, 59, 5), kAllMinutes); break;
    }
    // hour
    switch (rng.below(5)) {
        case 0:
        case 1: spec.hour = field(kAllHours, kAllHours); break;
        case 2: spec.hour = field(std::uint64_t{1} << randomHour(rng), kAllHours); break;
        case 3: spec.hour = field(randomStep(rng, 0, 23), kAllHours); break;
        default: {
            std::uint64_t bits = randomSet(rng, 0, 23, 4);
            bits |= std::uint64_t{1} << randomHour(rng);
            spec.hour = field(bits, kAllHours);
            break;
        }
    }
    // day of month
    switch (rng.below(6)) {
        case 0:
        case 1:
        case 2: spec.dayOfMonthField = field(kAllDaysOfMonth, kAllDaysOfMonth); break;
        case 3: spec.dayOfMonthField = field(std::uint64_t{1} << rng.between(rng.chance(40) ? 28 : 1, 31), kAllDaysOfMonth); break;
        case 4: spec.dayOfMonthField = field(randomSet(rng, 1, 31, 6), kAllDaysOfMonth); break;
        default: {
            const int a = static_cast<int>(rng.between(1, 31)), b = static_cast<int>(rng.between(a, 31));
            std::uint64_t bits = 0;
            for (int d = a; d <= b; ++d) bits |= std::uint64_t{1} << d;
            spec.dayOfMonthField = field(bits, kAllDaysOfMonth);
            break;
        }
    }
    // L (the last day of the month), alone or added to a restricted set
    if (rng.chance(12)) {
        spec.dayOfMonthField = field(1U, kAllDaysOfMonth);
    } else if (!spec.dayOfMonthField.wildcard && rng.chance(25)) {
        spec.dayOfMonthField = field(spec.dayOfMonthField.bits | 1U, kAllDaysOfMonth);
    }
    // month
    spec.monthField = rng.chance(70) ? field(kAllMonths, kAllMonths) : field(randomSet(rng, 1, 12, 5), kAllMonths);
    // day of week
    if (rng.chance(55)) {
        spec.dayOfWeek = field(kAllWeekdays, kAllWeekdays);
    } else {
        const std::uint64_t bits = rng.chance(50) ? 0x3E : static_cast<std::uint64_t>(rng.between(1, 0x7F));
        spec.dayOfWeek = field(bits, kAllWeekdays);
    }
    // day_match: unset (all), all, or any (cron's OR)
    const std::int64_t match = rng.below(10);
    if (match < 3) spec.dayMatch = DayMatch::All;
    else if (match < 7) spec.dayMatch = DayMatch::Any;
}

// One zone as the comparison uses it: the engine's handle, the reference's oracle, and the
// offset changes within the tested range (to aim instants at).
struct TestZone {
    std::string name;
    ZoneHandle rules;
    Oracle oracle;
    std::vector<SysSeconds> transitions;
};

// The instants a run draws t from: [begin, end).
struct TimeRange {
    SysSeconds begin, end;
};

std::vector<SysSeconds> transitionsOf(const Oracle& zone, TimeRange range) {
    std::vector<SysSeconds> out;
    SysSeconds cursor = range.begin - date::days{30};
    while (cursor < range.end) {
        const date::sys_info info = zone.info(cursor);
        if (info.end >= range.end + date::days{30}) break;
        out.push_back(info.end);
        cursor = info.end;
    }
    return out;
}

SysSeconds randomInstant(Rng& rng, const std::vector<SysSeconds>& transitions, TimeRange range) {
    const auto span = (range.end - range.begin).count();
    SysSeconds t;
    const std::int64_t kind = rng.below(100);
    if (!transitions.empty() && kind < 35) {  // within a few hours of a transition
        const SysSeconds at = transitions[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(transitions.size())))];
        t = at + Minutes{rng.between(-240, 240)};
    } else if (!transitions.empty() && kind < 50) {  // within a few days of one
        const SysSeconds at = transitions[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(transitions.size())))];
        t = at + Minutes{rng.between(-4 * 1440, 2 * 1440)};
    } else {
        t = range.begin + Seconds{rng.below(span)};
        t = date::floor<Minutes>(t);
    }
    if (rng.chance(30)) t += Seconds{rng.between(1, 59)};
    return t;
}

LocalSeconds randomLocalNear(Rng& rng, const Oracle& zone, SysSeconds t, std::int64_t spreadMinutes) {
    const LocalSeconds local = zone.toLocal(t);
    LocalSeconds out = date::floor<Minutes>(local) + Minutes{rng.between(-spreadMinutes, spreadMinutes)};
    if (rng.chance(15)) out += Seconds{rng.between(1, 59)};
    return out;
}

struct Case {
    ScheduleSpec spec;
    const TestZone* zone = nullptr;
    SysSeconds t;
};

// Which schedules a run draws: every form, or only the month-end and day_match forms (issue 9),
// so that those get thousands of cases of their own.
enum class Forms { All, MonthEndAndDayMatch };

Case randomCase(Rng& rng, const std::vector<TestZone>& zones, TimeRange range, Forms forms = Forms::All) {
    Case c;
    c.zone = &zones[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(zones.size())))];
    const Oracle& oracle = c.zone->oracle;
    c.t = randomInstant(rng, c.zone->transitions, range);
    ScheduleSpec& spec = c.spec;
    spec.zone = c.zone->rules;
    spec.time = {randomHour(rng), randomMinute(rng)};
    if (forms == Forms::MonthEndAndDayMatch) {
        const std::int64_t kind = rng.below(4);
        if (kind == 0) {
            spec.frequency = Frequency::Monthly;
            spec.lastDayOfMonth = true;
        } else if (kind == 1) {
            spec.frequency = Frequency::Yearly;
            spec.month = rng.chance(40) ? 2 : static_cast<int>(rng.between(1, 12));
            spec.lastDayOfMonth = true;
        } else {
            spec.frequency = Frequency::Custom;
            randomCustom(rng, spec);
            // Both day fields restricted, day_match any or all, L often.
            if (spec.dayOfMonthField.wildcard) spec.dayOfMonthField = field(randomSet(rng, 1, 31, 4), kAllDaysOfMonth);
            if (rng.chance(50)) spec.dayOfMonthField = field(spec.dayOfMonthField.bits | 1U, kAllDaysOfMonth);
            if (spec.dayOfWeek.wildcard) spec.dayOfWeek = field(std::uint64_t{1} << rng.below(7), kAllWeekdays);
            spec.dayMatch = rng.chance(70) ? DayMatch::Any : DayMatch::All;
        }
    }
    switch (forms == Forms::MonthEndAndDayMatch ? -1 : rng.below(7)) {
        case -1:
            break;
        case 0:
            spec.frequency = Frequency::Daily;
            spec.weekdaysOnly = rng.chance(30);
            break;
        case 1:
            spec.frequency = Frequency::Weekly;
            spec.weekdays = static_cast<std::uint8_t>(rng.chance(40) ? std::uint64_t{1} << rng.below(7)
                                                                     : static_cast<std::uint64_t>(rng.between(1, 0x7F)));
            break;
        case 2:
            spec.frequency = Frequency::Monthly;
            if (rng.chance(50)) {
                spec.ordinal = static_cast<Ordinal>(rng.below(5));
                spec.weekdays = static_cast<std::uint8_t>(1U << rng.below(7));
            } else {
                spec.dayOfMonth = static_cast<int>(rng.chance(40) ? rng.between(28, 31) : rng.between(1, 31));
                if (rng.chance(25)) {
                    spec.dayOfMonth = 0;
                    spec.lastDayOfMonth = true;
                }
            }
            break;
        case 3: {
            static constexpr int kMaxDays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
            spec.frequency = Frequency::Yearly;
            spec.month = static_cast<int>(rng.between(1, 12));
            if (rng.chance(10)) spec.month = 2;
            spec.dayOfMonth = static_cast<int>(rng.between(1, kMaxDays[spec.month]));
            if (spec.month == 2 && rng.chance(30)) spec.dayOfMonth = 29;
            if (rng.chance(20)) {
                spec.dayOfMonth = 0;
                spec.lastDayOfMonth = true;
            }
            break;
        }
        case 4:
        case 5: {
            static constexpr std::array<std::int64_t, 28> kEvery = {
                1,   2,   5,   7,   10,  13,  15,  20,   30,   45,   59,   60,   61,   90,
                97,  100, 120, 180, 240, 360, 420, 720, 1000, 1440, 1441, 2880, 4320, 10080};
            spec.frequency = Frequency::Interval;
            spec.everyMinutes = rng.chance(80) ? rng.pick(kEvery) : rng.between(1, 3000);
            spec.every = std::to_string(spec.everyMinutes) + "m";
            break;
        }
        default:
            spec.frequency = Frequency::Custom;
            randomCustom(rng, spec);
            break;
    }
    // Bounds. start is given either as local wall-clock time (read in the zone, a gap time moving
    // to the gap's end, an ambiguous one taking its first occurrence) or as an explicit instant.
    if (rng.chance(30)) {
        const std::int64_t spread = rng.chance(50) ? 600 : 60 * 1440;
        if (rng.chance(70)) {
            spec.startLocal = randomLocalNear(rng, oracle, c.t, spread);
            spec.start = oracle.toSys(*spec.startLocal);
        } else {
            spec.start = date::floor<Minutes>(c.t) + Minutes{rng.between(-spread, spread)};
            if (rng.chance(20)) *spec.start += Seconds{rng.between(1, 59)};
            spec.startLocal = oracle.toLocal(*spec.start);
        }
    }
    if (rng.chance(25)) {
        const SysSeconds from = spec.start ? std::max(*spec.start, c.t) : c.t;
        static constexpr std::array<std::int64_t, 6> kSpans = {30, 600, 1440, 3 * 1440, 40 * 1440, 400 * 1440};
        spec.end = from + Minutes{rng.between(-60, rng.pick(kSpans))};
        if (rng.chance(20)) *spec.end += Seconds{rng.between(1, 59)};
        if (spec.start && *spec.end < *spec.start) spec.end = *spec.start;
    }
    if (rng.chance(30)) {
        const LocalDays base = date::floor<date::days>(oracle.toLocal(c.t));
        const int count = static_cast<int>(rng.between(1, 8));
        for (int i = 0; i < count; ++i) spec.exclude.push_back(base + date::days{rng.between(-2, 45)});
        std::sort(spec.exclude.begin(), spec.exclude.end());
        spec.exclude.erase(std::unique(spec.exclude.begin(), spec.exclude.end()), spec.exclude.end());
    }
    return c;
}

std::string bitsText(std::uint64_t bits) {
    std::ostringstream out;
    out << "0x" << std::hex << bits;
    return out.str();
}

std::string clockText(const TimeOfDay& t) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d", t.hour, t.minute);
    return buf;
}

std::string describe(const Case& c) {
    const ScheduleSpec& s = c.spec;
    std::ostringstream out;
    out << "zone=" << c.zone->name << " t=" << formatIsoUtc(c.t) << "\n  frequency=" << frequencyName(s.frequency);
    switch (s.frequency) {
        case Frequency::Daily:
            out << " time=" << clockText(s.time) << " weekdays_only=" << s.weekdaysOnly;
            break;
        case Frequency::Weekly:
            out << " time=" << clockText(s.time) << " weekdays=" << bitsText(s.weekdays);
            break;
        case Frequency::Monthly:
            out << " time=" << clockText(s.time);
            if (s.ordinal)
                out << " ordinal=" << static_cast<int>(*s.ordinal) << " (0=first..4=last) weekday bits="
                    << bitsText(s.weekdays);
            else
                out << " day_of_month=" << (s.lastDayOfMonth ? std::string("last") : std::to_string(s.dayOfMonth));
            break;
        case Frequency::Yearly:
            out << " time=" << clockText(s.time) << " month=" << s.month
                << " day_of_month=" << (s.lastDayOfMonth ? std::string("last") : std::to_string(s.dayOfMonth));
            break;
        case Frequency::Interval:
            out << " every=" << s.everyMinutes << "m";
            break;
        case Frequency::Custom:
            out << " minute=" << bitsText(s.minute.bits) << (s.minute.wildcard ? "(*)" : "")
                << " hour=" << bitsText(s.hour.bits) << (s.hour.wildcard ? "(*)" : "")
                << " dom=" << bitsText(s.dayOfMonthField.bits) << (s.dayOfMonthField.wildcard ? "(*)" : "")
                << " month=" << bitsText(s.monthField.bits) << (s.monthField.wildcard ? "(*)" : "")
                << " dow=" << bitsText(s.dayOfWeek.bits) << (s.dayOfWeek.wildcard ? "(*)" : "")
                << " day_match=" << (s.dayMatch ? dayMatchName(*s.dayMatch) : "(unset)");
            break;
    }
    if (s.start) out << "\n  start=" << formatIsoUtc(*s.start);
    if (s.startLocal) out << " startLocal=" << date::format("%F %T", *s.startLocal);
    if (s.end) out << "\n  end=" << formatIsoUtc(*s.end);
    if (!s.exclude.empty()) {
        out << "\n  exclude=";
        for (const LocalDays d : s.exclude) out << formatDate(d) << " ";
    }
    return out.str();
}

std::string fireText(const std::optional<RefFire>& f) {
    if (!f) return "none";
    return formatIsoUtc(f->instant) + " (local " + date::format("%F %T", f->local) + (f->ambiguous ? ", ambiguous" : "") + ")";
}

std::string fireText(const std::optional<FireTime>& f) {
    if (!f) return "none";
    return formatIsoUtc(f->instant) + " (local " + date::format("%F %T", f->local) + (f->ambiguous ? ", ambiguous" : "") + ")";
}


struct RunStats {
    int compared = 0, mismatches = 0, fires = 0, nones = 0;
};

std::vector<TestZone> makeZones(const std::vector<std::string>& names, date::days shift, TimeRange range) {
    std::vector<TestZone> zones;
    for (const std::string& name : names) {
        auto located = ZoneRules::locate(name);
        INFO("zone " << name);
        REQUIRE(located.ok());
        TestZone zone{name, located.value(), Oracle{date::locate_zone(name), shift}, {}};
        zone.transitions = transitionsOf(zone.oracle, range);
        zones.push_back(std::move(zone));
    }
    return zones;
}

// Compares engine and reference on `cases` random cases; each is asked twice: from its random
// instant, then from the run found (or, with none, from just before the start bound), so
// consecutive runs are compared as well.
RunStats compare(const char* label, std::uint64_t seed, int cases, const std::vector<TestZone>& zones, TimeRange range,
                 Forms forms = Forms::All) {
    Rng rng(seed);
    RunStats stats;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < cases; ++i) {
        Case c = randomCase(rng, zones, range, forms);
        const Schedule schedule = compileSchedule(c.spec).schedule;
        for (int round = 0; round < 2; ++round) {
            const auto expected = referenceNext(c.spec, c.zone->oracle, c.t);
            const auto got = nextFireAfter(schedule, c.t);
            ++stats.compared;
            bool ok;
            if (expected) {
                ++stats.fires;
                ok = got && got->instant == expected->instant && got->local == expected->local &&
                     got->ambiguous == expected->ambiguous;
            } else {
                ++stats.nones;
                // The reference looked up to min(end, t + horizon); beyond that only "later" is known.
                const bool endWithin = c.spec.end && *c.spec.end <= c.t + kHorizon;
                ok = !got || (!endWithin && got->instant > c.t + kHorizon);
            }
            if (!ok) {
                ++stats.mismatches;
                if (stats.mismatches <= 20)
                    FAIL_CHECK(label << ": seed=" << seed << " case=" << i << " round=" << round << "\n  "
                                     << describe(c) << "\n  expected=" << fireText(expected)
                                     << "\n  got=     " << fireText(got));
            }
            if (expected) {
                c.t = expected->instant;
            } else if (c.spec.start) {
                c.t = *c.spec.start - Seconds{1};
            } else {
                break;
            }
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "[reference] " << label << ": compared " << stats.compared << " queries (" << stats.fires
              << " with a run, " << stats.nones << " without) from " << cases << " random cases in " << seconds
              << " s; mismatches: " << stats.mismatches << std::endl;
    return stats;
}

TimeRange yearsFrom(int first, int count) {
    return {SysSeconds{date::sys_days{date::year{first} / 1 / 1}},
            SysSeconds{date::sys_days{date::year{first + count} / 1 / 1}}};
}

}  // namespace

TEST_CASE("nextFireAfter agrees with a brute-force minute-by-minute reference", "[reference]") {
    const std::uint64_t seed = envNumber("CHIEF_REFERENCE_SEED", kDefaultSeed);
    const int cases = static_cast<int>(std::max<std::uint64_t>(envNumber("CHIEF_REFERENCE_CASES", kDefaultCases), kDefaultCases));
    std::cout << "[reference] seed=" << seed << " (override with CHIEF_REFERENCE_SEED), cases=" << cases << std::endl;
    const TimeRange range = yearsFrom(2026, 2);
    const std::vector<TestZone> zones =
        makeZones(std::vector<std::string>(kZones.begin(), kZones.end()), date::days{0}, range);
    const RunStats stats = compare("2026-2027", seed, cases, zones, range);
    CHECK(stats.compared >= kDefaultCases);
    CHECK(stats.fires > stats.compared / 2);
    CHECK(stats.mismatches == 0);
}

TEST_CASE("nextFireAfter agrees with the reference beyond the TZif files' last transition", "[reference]") {
    // 2054-2055, where ZoneRules must apply the TZif footer rule; the reference reads date/tz's
    // table 28 years earlier (same calendar). Only zones whose rules are the same in 2026-2032 as
    // in the footer qualify; a zone whose table year 2026 differs from 2037 (same calendar, and
    // 2037 is the footer rule) is dropped with a warning, in case a future tzdata changes it.
    const std::vector<std::string> candidates = {
        "America/New_York", "Europe/Berlin",   "Australia/Sydney",  "Australia/Lord_Howe", "Asia/Kolkata",
        "America/Santiago", "Europe/London",   "America/St_Johns",  "Pacific/Chatham",     "Asia/Tehran",
        "Antarctica/Troll", "Europe/Dublin",   "America/Nuuk",      "Etc/UTC",             "Pacific/Auckland",
        "Asia/Jerusalem",   "Europe/Chisinau", "Asia/Beirut",       "America/Chicago"};
    const date::days shift = date::sys_days{date::year{2054} / 1 / 1} - date::sys_days{date::year{2026} / 1 / 1};
    const date::days elevenYears = date::sys_days{date::year{2037} / 1 / 1} - date::sys_days{date::year{2026} / 1 / 1};
    std::vector<std::string> stable;
    for (const std::string& name : candidates) {
        const Oracle table{date::locate_zone(name), date::days{0}};
        std::vector<SysSeconds> in2026 = transitionsOf(table, yearsFrom(2026, 1));
        std::vector<SysSeconds> in2037 = transitionsOf(table, yearsFrom(2037, 1));
        const auto inYear = [](std::vector<SysSeconds>& v, int year) {
            const TimeRange r = yearsFrom(year, 1);
            v.erase(std::remove_if(v.begin(), v.end(), [&](SysSeconds x) { return x < r.begin || x >= r.end; }), v.end());
        };
        inYear(in2026, 2026);
        inYear(in2037, 2037);
        for (SysSeconds& x : in2026) x += elevenYears;
        if (in2026 == in2037)
            stable.push_back(name);
        else
            WARN("skipping " << name << ": its rules change between 2026 and 2037 in this tzdata");
    }
    REQUIRE(stable.size() >= 12);
    const std::uint64_t seed = envNumber("CHIEF_REFERENCE_SEED", kDefaultSeed) ^ 0x2054;
    const TimeRange range = yearsFrom(2054, 2);
    const std::vector<TestZone> zones = makeZones(stable, shift, range);
    const RunStats stats = compare("2054-2055 (footer rule)", seed, 3000, zones, range);
    CHECK(stats.fires > stats.compared / 2);
    CHECK(stats.mismatches == 0);
}

TEST_CASE("the brute-force reference itself gets known DST cases right", "[reference]") {
    // Guards the reference: if it were wrong the same way as the engine, the comparison would pass.
    const Oracle ny{date::locate_zone("America/New_York"), date::days{0}};
    auto located = ZoneRules::locate("America/New_York");
    REQUIRE(located.ok());
    ScheduleSpec spec;
    spec.zone = located.value();
    spec.frequency = Frequency::Daily;
    spec.time = {2, 30};
    const auto utcAt = [](int y, unsigned m, unsigned d, int h, int mi) {
        return SysSeconds{date::sys_days{date::year{y} / date::month{m} / date::day{d}}} + hours{h} + Minutes{mi};
    };
    auto gap = referenceNext(spec, ny, utcAt(2026, 3, 7, 8, 0));
    REQUIRE(gap);
    CHECK(gap->instant == utcAt(2026, 3, 9, 6, 30));
    spec.time = {1, 30};
    auto repeat = referenceNext(spec, ny, utcAt(2026, 10, 31, 12, 0));
    REQUIRE(repeat);
    CHECK(repeat->instant == utcAt(2026, 11, 1, 5, 30));
    CHECK(repeat->ambiguous);
    auto after = referenceNext(spec, ny, utcAt(2026, 11, 1, 6, 10));
    REQUIRE(after);
    CHECK(after->instant == utcAt(2026, 11, 2, 6, 30));
    CHECK_FALSE(after->ambiguous);
    spec.end = utcAt(2026, 11, 2, 6, 29);
    CHECK_FALSE(referenceNext(spec, ny, utcAt(2026, 11, 1, 6, 10)));
}

TEST_CASE("nextFireAfter agrees with the reference on month ends (L, last) and day_match", "[reference][last][day_match]") {
    const std::uint64_t seed = envNumber("CHIEF_REFERENCE_SEED", kDefaultSeed) ^ 0x1A57;
    const int cases = static_cast<int>(std::max<std::uint64_t>(envNumber("CHIEF_REFERENCE_CASES", kDefaultCases) / 2,
                                                               kDefaultCases / 2));
    const TimeRange range = yearsFrom(2026, 2);
    const std::vector<TestZone> zones =
        makeZones(std::vector<std::string>(kZones.begin(), kZones.end()), date::days{0}, range);
    const RunStats stats = compare("month ends and day_match, 2026-2027", seed, cases, zones, range,
                                   Forms::MonthEndAndDayMatch);
    CHECK(stats.compared >= kDefaultCases / 2);
    CHECK(stats.fires > stats.compared / 2);
    CHECK(stats.mismatches == 0);
}

TEST_CASE("the reference reads L and day_match: any on known dates", "[reference][last][day_match]") {
    // Guards the reference's new branches the same way as the DST case above.
    ScheduleSpec spec;
    spec.frequency = Frequency::Custom;
    spec.dayOfMonthField = CronField{1U | (1U << 15), false};  // 15 and L
    spec.monthField = CronField{kAllMonths, true};
    spec.dayOfWeek = CronField{1U << 1, false};  // Monday
    const LocalDays feb28_2027 = LocalDays{date::year{2027} / 2 / 28};   // Sunday, the last day
    const LocalDays feb15_2027 = LocalDays{date::year{2027} / 2 / 15};   // Monday, the 15th
    const LocalDays feb1_2027 = LocalDays{date::year{2027} / 2 / 1};     // Monday
    const LocalDays feb28_2028 = LocalDays{date::year{2028} / 2 / 28};   // Monday, not the last day
    CHECK_FALSE(dateMatches(spec, feb28_2027));  // all: the last day, but a Sunday
    CHECK(dateMatches(spec, feb15_2027));
    CHECK_FALSE(dateMatches(spec, feb1_2027));
    CHECK_FALSE(dateMatches(spec, feb28_2028));
    spec.dayMatch = DayMatch::Any;
    CHECK(dateMatches(spec, feb28_2027));
    CHECK(dateMatches(spec, feb1_2027));
    CHECK(dateMatches(spec, feb28_2028));  // a Monday
    CHECK_FALSE(dateMatches(spec, LocalDays{date::year{2028} / 2 / 27}));  // Sunday, neither
}
