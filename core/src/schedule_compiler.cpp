#include "chief/schedule_compiler.h"

#include <array>
#include <bit>
#include <cstdio>

#include "chief/time_format.h"

namespace chief {

namespace {

constexpr std::array<const char*, 7> kWeekdayNames = {"Sunday", "Monday", "Tuesday", "Wednesday",
                                                      "Thursday", "Friday", "Saturday"};
constexpr std::array<const char*, 13> kMonthNames = {"",     "January", "February", "March",     "April",
                                                     "May",  "June",    "July",     "August",    "September",
                                                     "October", "November", "December"};
constexpr std::uint8_t kAllWeekdays = 0x7F;
constexpr std::uint8_t kMondayToFriday = 0x3E;

std::uint64_t bitRange(int low, int high) {
    std::uint64_t bits = 0;
    for (int i = low; i <= high; ++i) bits |= std::uint64_t{1} << i;
    return bits;
}

std::string twoDigits(int n) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d", n);
    return buf;
}

std::string clock(int hour, int minute) { return twoDigits(hour) + ":" + twoDigits(minute); }

// "Monday", "Monday and Friday", "Monday, Wednesday and Friday".
std::string joinWords(const std::vector<std::string>& words) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0) out += (i + 1 == words.size()) ? " and " : ", ";
        out += words[i];
    }
    return out;
}

std::string weekdayPhrase(std::uint8_t weekdays) {
    if (weekdays == kAllWeekdays) return "every day";
    if (weekdays == kMondayToFriday) return "every weekday (Monday to Friday)";
    if (weekdays == 0x41) return "every Saturday and Sunday";
    std::vector<std::string> names;
    for (int wd = 1; wd <= 7; ++wd)  // Monday first, as people read a week
        if (weekdays >> (wd % 7) & 1U) names.emplace_back(kWeekdayNames[static_cast<std::size_t>(wd % 7)]);
    return "every " + joinWords(names);
}

const char* ordinalWord(Ordinal ordinal) {
    switch (ordinal) {
        case Ordinal::First: return "first";
        case Ordinal::Second: return "second";
        case Ordinal::Third: return "third";
        case Ordinal::Fourth: return "fourth";
        case Ordinal::Last: return "last";
    }
    return "";
}

int singleWeekday(std::uint8_t weekdays) { return std::countr_zero(static_cast<unsigned>(weekdays)); }

std::string plural(std::int64_t n, const char* unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

std::string intervalPhrase(std::int64_t minutes) {
    if (minutes % 1440 == 0) return minutes == 1440 ? "every day" : "every " + plural(minutes / 1440, "day");
    if (minutes % 60 == 0) return minutes == 60 ? "every hour" : "every " + plural(minutes / 60, "hour");
    return minutes == 1 ? "every minute" : "every " + plural(minutes, "minute");
}

std::int64_t positiveMod(std::int64_t a, std::int64_t b) { return ((a % b) + b) % b; }

// Lowest set bit above `after`, or -1.
int nextBitAfter(std::uint64_t bits, int after) {
    if (after >= 63) return -1;
    const std::uint64_t masked = bits & (~std::uint64_t{0} << (after + 1));
    return masked == 0 ? -1 : std::countr_zero(masked);
}

bool isSingle(std::uint64_t bits) { return std::popcount(bits) == 1; }
int lowest(std::uint64_t bits) { return std::countr_zero(bits); }

// "every 10 minutes", "at 09:00", "at minute 15 of every hour", ...
std::string customTimePhrase(const ScheduleSpec& spec) {
    const std::uint64_t minutes = spec.minute.bits, hours = spec.hour.bits;
    const bool allHours = hours == bitRange(0, 23);
    if (isSingle(minutes) && isSingle(hours)) return "at " + clock(lowest(hours), lowest(minutes));
    if (minutes == bitRange(0, 59) && allHours) return "every minute";
    const std::string minuteField = formatCronField(minutes, 0, 59);
    const std::string hourField = formatCronField(hours, 0, 23);
    if (allHours) {
        if (minuteField.starts_with("*/")) return "every " + minuteField.substr(2) + " minutes";
        if (isSingle(minutes)) return "every hour at minute " + std::to_string(lowest(minutes));
        return "at minutes " + minuteField + " of every hour";
    }
    if (isSingle(minutes) && hourField.starts_with("*/"))
        return "every " + hourField.substr(2) + " hours at minute " + std::to_string(lowest(minutes));
    std::string out = minutes == bitRange(0, 59) ? "every minute" : "at minute " + minuteField;
    return out + " of hour " + hourField;
}

// "day 1,15 of the month", "the last day of the month", "day 1 and the last day of the month".
std::string dayOfMonthPhrase(std::uint64_t bits) {
    const std::uint64_t days = bits & ~std::uint64_t{kLastDayOfMonthBit};
    if (!(bits & kLastDayOfMonthBit)) return "day " + formatCronField(days, 1, 31) + " of the month";
    if (days == 0) return "the last day of the month";
    return "day " + formatCronField(days, 1, 31) + " and the last day of the month";
}

std::string customDatePhrase(const ScheduleSpec& spec) {
    std::string out;
    if (!spec.dayOfMonthField.wildcard) out += " on " + dayOfMonthPhrase(spec.dayOfMonthField.bits);
    if (!spec.dayOfWeek.wildcard) {
        const auto weekdays = static_cast<std::uint8_t>(spec.dayOfWeek.bits);
        std::string phrase = weekdayPhrase(weekdays);
        if (phrase.starts_with("every ")) phrase = phrase.substr(6);
        const bool any = spec.dayMatch == DayMatch::Any;
        out += (spec.dayOfMonthField.wildcard ? " on " : any ? " or on " : " if it is a ") + phrase;
    }
    if (!spec.monthField.wildcard) {
        std::vector<std::string> names;
        for (int m = 1; m <= 12; ++m)
            if (spec.monthField.bits >> m & 1U) names.emplace_back(kMonthNames[static_cast<std::size_t>(m)]);
        out += " in " + joinWords(names);
    }
    return out;
}

// The days that can be the last of a month in `months` (bits 1-12): 28 and 29 for February,
// 30 for April, June, September and November, 31 for the others.
std::uint32_t possibleLastDays(std::uint16_t months) {
    std::uint32_t out = 0;
    for (int m = 1; m <= 12; ++m) {
        if (!(months >> m & 1U)) continue;
        if (m == 2)
            out |= (1U << 28) | (1U << 29);
        else if (m == 4 || m == 6 || m == 9 || m == 11)
            out |= 1U << 30;
        else
            out |= 1U << 31;
    }
    return out;
}

// "00:00, 01:30, 03:00, …": the first grid times of a day for an interval that divides it.
std::string firstGridTimes(std::int64_t everyMinutes, std::int64_t phase) {
    std::string out;
    int shown = 0;
    for (std::int64_t m = phase % everyMinutes; m < 1440 && shown < 3; m += everyMinutes, ++shown)
        out += (shown ? ", " : "") + clock(static_cast<int>(m / 60), static_cast<int>(m % 60));
    return 1440 / everyMinutes > 3 ? out + ", …" : out;
}

// Why an interval without "start" runs when it does: chief.py counted from its own start.
std::string intervalGridNote(std::int64_t n, const std::string& every, const std::string& zone) {
    std::string grid;
    if (1440 % n == 0)
        grid = firstGridTimes(n, 0) + " every day, counted from local midnight";
    else if (n % 1440 == 0)
        grid = "00:00 every " + plural(n / 1440, "day") + ", counted from 1970-01-01";
    else
        grid = "every " + plural(n, "minute") + " counted from 1970-01-01 00:00 local time, across midnight";
    return "runs on a fixed grid: " + grid + " (" + zone + "), whenever chiefd was started; chief.py counted from " +
           "its own start instead (first run at its start time + " + every + "); set \"start\" to anchor the grid elsewhere";
}

void addShortMonthNote(int day, std::vector<std::string>& notes) {
    if (day == 29) notes.emplace_back("day 29: February is skipped except in leap years");
    if (day == 30) notes.emplace_back("day 30: February is skipped");
    if (day == 31) notes.emplace_back("day 31: February, April, June, September and November are skipped");
}

}  // namespace

const char* frequencyName(Frequency frequency) {
    switch (frequency) {
        case Frequency::Daily: return "daily";
        case Frequency::Weekly: return "weekly";
        case Frequency::Monthly: return "monthly";
        case Frequency::Yearly: return "yearly";
        case Frequency::Interval: return "interval";
        case Frequency::Custom: return "custom";
    }
    return "";
}

const char* modeName(ScheduleMode mode) {
    switch (mode) {
        case ScheduleMode::PureCron: return "pure_cron";
        case ScheduleMode::Hybrid: return "hybrid";
        case ScheduleMode::RuntimeOnly: return "runtime_only";
    }
    return "";
}

const char* dayMatchName(DayMatch match) { return match == DayMatch::Any ? "any" : "all"; }

std::string formatRestrictedCronField(std::uint64_t bits, int low, int high) {
    std::string field = formatCronField(bits, low, high);
    if (field.starts_with("*/")) field = std::to_string(low) + "-" + std::to_string(high) + field.substr(1);
    return field;
}

std::string formatCronField(std::uint64_t bits, int low, int high) {
    const std::uint64_t all = bitRange(low, high);
    bits &= all;
    if (bits == all) return "*";
    if (bits == 0) return "";
    // A regular step that runs to the end of the range: "*/15" or "5-59/15".
    const int first = lowest(bits);
    const int count = std::popcount(bits);
    if (count >= 2) {
        const int second = nextBitAfter(bits, first);
        const int step = second - first;
        std::uint64_t expected = 0;
        int last = first;
        for (int v = first; v <= high; v += step) {
            expected |= std::uint64_t{1} << v;
            last = v;
        }
        // Short lists read better spelled out ("1,3,5" rather than "1-6/2").
        if (expected == bits && step > 1 && last + step > high) {
            if (first == low && count >= 3) return "*/" + std::to_string(step);
            if (count >= 4) return std::to_string(first) + "-" + std::to_string(high) + "/" + std::to_string(step);
        }
    }
    std::string out;
    for (int v = low; v <= high;) {
        if (!(bits >> v & 1U)) {
            ++v;
            continue;
        }
        int end = v;
        while (end + 1 <= high && (bits >> (end + 1) & 1U)) ++end;
        if (!out.empty()) out += ',';
        if (end - v >= 2) {
            out += std::to_string(v) + "-" + std::to_string(end);
        } else {
            out += std::to_string(v);
            if (end == v + 1) out += "," + std::to_string(end);
        }
        v = end + 1;
    }
    return out;
}

CompiledSchedule compileSchedule(const ScheduleSpec& spec) {
    CompiledSchedule out;
    out.frequency = spec.frequency;
    out.schedule.zone = spec.zone;
    out.schedule.bounds.start = spec.start;
    out.schedule.bounds.end = spec.end;
    out.schedule.bounds.excludedDates = spec.exclude;

    CalendarRule calendar;
    calendar.minutes = std::uint64_t{1} << spec.time.minute;
    calendar.hours = 1U << spec.time.hour;
    calendar.daysOfMonth = static_cast<std::uint32_t>(bitRange(1, 31));
    calendar.months = static_cast<std::uint16_t>(bitRange(1, 12));
    calendar.weekdays = kAllWeekdays;
    bool needsGuard = !out.schedule.bounds.empty();
    std::string guard;
    const std::string at = clock(spec.time.hour, spec.time.minute);

    switch (spec.frequency) {
        case Frequency::Daily:
            if (spec.weekdaysOnly) calendar.weekdays = kMondayToFriday;
            out.description = weekdayPhrase(calendar.weekdays) + " at " + at;
            break;
        case Frequency::Weekly:
            calendar.weekdays = spec.weekdays;
            out.description = weekdayPhrase(spec.weekdays) + " at " + at;
            break;
        case Frequency::Monthly:
            if (spec.ordinal) {
                const int wd = singleWeekday(spec.weekdays);
                calendar.ordinal = OrdinalWeekday{*spec.ordinal, wd};
                calendar.weekdays = static_cast<std::uint8_t>(1U << wd);
                out.description = std::string("on the ") + ordinalWord(*spec.ordinal) + " " +
                                  kWeekdayNames[static_cast<std::size_t>(wd)] + " of every month at " + at;
                needsGuard = true;
                guard = std::string("only on the ") + ordinalWord(*spec.ordinal) + " " +
                        kWeekdayNames[static_cast<std::size_t>(wd)] + " of the month";
            } else if (spec.lastDayOfMonth) {
                calendar.daysOfMonth = kLastDayOfMonthBit;
                out.description = "on the last day of every month at " + at;
            } else {
                calendar.daysOfMonth = 1U << spec.dayOfMonth;
                out.description = "on day " + std::to_string(spec.dayOfMonth) + " of every month at " + at;
                addShortMonthNote(spec.dayOfMonth, out.notes);
            }
            break;
        case Frequency::Yearly:
            calendar.months = static_cast<std::uint16_t>(1U << spec.month);
            if (spec.lastDayOfMonth) {
                calendar.daysOfMonth = kLastDayOfMonthBit;
                out.description = std::string("every year on the last day of ") +
                                  kMonthNames[static_cast<std::size_t>(spec.month)] + " at " + at;
                break;
            }
            calendar.daysOfMonth = 1U << spec.dayOfMonth;
            out.description = std::string("every year on ") + kMonthNames[static_cast<std::size_t>(spec.month)] + " " +
                              std::to_string(spec.dayOfMonth) + " at " + at;
            if (spec.month == 2 && spec.dayOfMonth == 29) out.notes.emplace_back("February 29: runs only in leap years");
            break;
        case Frequency::Custom:
            calendar.minutes = spec.minute.bits;
            calendar.hours = static_cast<std::uint32_t>(spec.hour.bits);
            calendar.daysOfMonth = static_cast<std::uint32_t>(spec.dayOfMonthField.bits);
            calendar.months = static_cast<std::uint16_t>(spec.monthField.bits);
            calendar.weekdays = static_cast<std::uint8_t>(spec.dayOfWeek.bits);
            out.description = customTimePhrase(spec) + customDatePhrase(spec);
            if (spec.minute.wildcard && !spec.hour.wildcard)
                out.notes.emplace_back("minute is not set, so it runs every minute of the matching hours");
            if (!spec.dayOfMonthField.wildcard && !spec.dayOfWeek.wildcard) {
                if (spec.dayMatch == DayMatch::Any) {
                    // cron's own reading, so the cron line says it exactly.
                    calendar.dayMatchAny = true;
                    out.notes.emplace_back(
                        "day_match: any: runs when day_of_month or day_of_week matches (cron's reading)");
                } else {
                    needsGuard = true;
                    guard = "day_of_month and day_of_week must both match";
                    out.notes.emplace_back(
                        "day_of_month and day_of_week must both match (cron alone would run when either matches)");
                }
            }
            break;
        case Frequency::Interval: {
            IntervalRule interval;
            interval.everyMinutes = spec.everyMinutes;
            interval.anchorMinute = spec.startLocal ? date::floor<Minutes>(*spec.startLocal).time_since_epoch().count() : 0;
            out.schedule.rule = interval;
            const std::int64_t n = spec.everyMinutes;
            const bool divisibleDay = 1440 % n == 0;
            out.description = intervalPhrase(n);
            if (spec.startLocal)
                out.description += ", counted from " + formatLocalMinute(*spec.startLocal);
            else if (n == 1440)
                out.description += " at 00:00";
            else if (n > 1440)
                out.description += " at 00:00, counted from 1970-01-01";
            else if (!divisibleDay)
                out.description += ", counted from 1970-01-01 00:00";
            else if (60 % n != 0)
                out.description += ", aligned to local midnight";
            if (!divisibleDay && n < 1440)
                out.notes.emplace_back(plural(n, "minute") +
                                       " does not divide a day, so run times shift from day to day");
            if (!spec.startLocal)
                out.notes.push_back(intervalGridNote(n, spec.every.empty() ? std::to_string(n) + "m" : spec.every,
                                                     spec.zone ? spec.zone->name() : std::string("local time")));
            const std::int64_t phase = positiveMod(interval.anchorMinute, 1440);
            std::string minuteField, hourField, dayField = "*";
            if (n < 60 && 60 % n == 0) {
                std::uint64_t bits = 0;
                for (std::int64_t m = phase % n; m < 60; m += n) bits |= std::uint64_t{1} << m;
                minuteField = formatCronField(bits, 0, 59);
                hourField = "*";
                out.minuteOrHourWildcard = true;
            } else if (n % 60 == 0 && n <= 1440 && 24 % (n / 60) == 0) {
                const std::int64_t stepHours = n / 60;
                std::uint64_t bits = 0;
                for (std::int64_t h = (phase / 60) % stepHours; h < 24; h += stepHours) bits |= std::uint64_t{1} << h;
                minuteField = std::to_string(phase % 60);
                hourField = formatCronField(bits, 0, 23);
                out.minuteOrHourWildcard = hourField.starts_with('*');
            }
            if (minuteField.empty()) {
                out.mode = ScheduleMode::RuntimeOnly;
            } else {
                out.cron = minuteField + " " + hourField + " " + dayField + " * *";
                out.mode = needsGuard ? ScheduleMode::Hybrid : ScheduleMode::PureCron;
            }
            if (out.mode == ScheduleMode::Hybrid) guard = "within the schedule's start, end and exclude bounds";
            out.guard = guard;
            return out;
        }
    }

    // The last day of the month is one fixed day when every selected month has the same
    // length (yearly in April: the 30th); then the rule, and the cron line, are exact without it.
    if ((calendar.daysOfMonth & kLastDayOfMonthBit) && !calendar.ordinal &&
        std::popcount(possibleLastDays(calendar.months)) == 1)
        calendar.daysOfMonth = (calendar.daysOfMonth & ~kLastDayOfMonthBit) | possibleLastDays(calendar.months);
    const bool lastDay = (calendar.daysOfMonth & kLastDayOfMonthBit) != 0;
    if (lastDay) {
        // cron has no "last day": the line fires on every day that can be one, and the guard picks.
        needsGuard = true;
        const std::string lastGuard = spec.frequency == Frequency::Custom ? "L only on the last day of the month"
                                                                          : "only on the last day of the month";
        guard = guard.empty() ? lastGuard : guard + "; " + lastGuard;
    }
    out.schedule.rule = calendar;
    const std::uint32_t domCronBits =
        (calendar.daysOfMonth & ~kLastDayOfMonthBit) | (lastDay ? possibleLastDays(calendar.months) : 0U);
    std::string domField = formatCronField(domCronBits, 1, 31);
    std::string dowField = formatCronField(calendar.weekdays, 0, 6);
    if (spec.frequency == Frequency::Custom) {
        domField = spec.dayOfMonthField.wildcard ? "*" : domField;
        dowField = spec.dayOfWeek.wildcard ? "*" : dowField;
        if (calendar.dayMatchAny) {
            // Vixie cron and cronie OR the day fields only when neither starts with "*".
            domField = formatRestrictedCronField(domCronBits, 1, 31);
            dowField = formatRestrictedCronField(calendar.weekdays, 0, 6);
        } else if (!spec.dayOfMonthField.wildcard && !spec.dayOfWeek.wildcard) {
            // cron ORs the two day fields, so trigger on the sparser one and let the guard AND them.
            const double domShare = std::popcount(domCronBits) / 31.0;
            const double dowShare = std::popcount(static_cast<unsigned>(calendar.weekdays)) / 7.0;
            if (domShare <= dowShare)
                dowField = "*";
            else
                domField = "*";
        }
        out.minuteOrHourWildcard = spec.minute.wildcard || spec.hour.wildcard ||
                                   formatCronField(spec.minute.bits, 0, 59).starts_with('*') ||
                                   formatCronField(spec.hour.bits, 0, 23).starts_with('*');
    }
    out.cron = formatCronField(calendar.minutes, 0, 59) + " " + formatCronField(calendar.hours, 0, 23) + " " +
               domField + " " + formatCronField(calendar.months, 1, 12) + " " + dowField;
    if (!guard.empty() && !out.schedule.bounds.empty()) guard += ", within the schedule's bounds";
    if (guard.empty() && needsGuard) guard = "within the schedule's start, end and exclude bounds";
    out.guard = guard;
    out.mode = needsGuard ? ScheduleMode::Hybrid : ScheduleMode::PureCron;
    return out;
}

}  // namespace chief
