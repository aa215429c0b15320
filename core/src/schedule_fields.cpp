#include "chief/schedule_fields.h"

#include <array>
#include <cctype>
#include <charconv>
#include <string>
#include <vector>

namespace chief {

namespace {

constexpr std::array<std::string_view, 7> kWeekdays = {"sunday", "monday", "tuesday", "wednesday",
                                                       "thursday", "friday", "saturday"};
constexpr std::array<std::string_view, 12> kMonths = {"january", "february", "march",     "april",
                                                      "may",     "june",     "july",      "august",
                                                      "september", "october", "november", "december"};

std::string lowerTrim(std::string_view text) {
    std::size_t b = 0, e = text.size();
    while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
    std::string out;
    for (std::size_t i = b; i < e; ++i) out += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    return out;
}

std::string trim(std::string_view text) {
    std::size_t b = 0, e = text.size();
    while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
    return std::string(text.substr(b, e - b));
}

std::vector<std::string_view> splitOn(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t pos = text.find(separator, start);
        parts.push_back(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos) break;
        start = pos + 1;
    }
    return parts;
}

bool parseNumber(std::string_view text, long long& out) {
    if (text.empty() || text.size() > 12) return false;
    for (char c : text)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && ptr == text.data() + text.size();
}

// Full names and three-letter abbreviations.
int indexOfName(std::string_view word, const auto& names) {
    for (std::size_t i = 0; i < names.size(); ++i)
        if (word == names[i] || (word.size() == 3 && names[i].substr(0, 3) == word)) return static_cast<int>(i);
    return -1;
}

struct FieldRange {
    int low, high;
};

FieldRange rangeOf(CronFieldKind kind) {
    switch (kind) {
        case CronFieldKind::Minute: return {0, 59};
        case CronFieldKind::Hour: return {0, 23};
        case CronFieldKind::DayOfMonth: return {1, 31};
        case CronFieldKind::Month: return {1, 12};
        case CronFieldKind::DayOfWeek: return {0, 7};
    }
    return {0, 0};
}

// One value of a custom field, e.g. "5", "mon", "Jan". Names are case-insensitive, but errors
// quote the word exactly as the user wrote it.
Result<int> parseFieldValue(std::string_view word, CronFieldKind kind) {
    const FieldRange range = rangeOf(kind);
    long long number = 0;
    if (parseNumber(word, number)) {
        if (number < range.low || number > range.high)
            return makeError(std::string(cronFieldName(kind)) + " value " + std::string(word) + " is out of range " +
                             std::to_string(range.low) + "-" + std::to_string(range.high));
        return static_cast<int>(number);
    }
    const std::string lowered = lowerTrim(word);
    if (kind == CronFieldKind::DayOfWeek) {
        const int wd = indexOfName(lowered, kWeekdays);
        if (wd >= 0) return wd;
    }
    if (kind == CronFieldKind::Month) {
        const int m = indexOfName(lowered, kMonths);
        if (m >= 0) return m + 1;
    }
    std::string expected = "a number " + std::to_string(range.low) + "-" + std::to_string(range.high);
    if (kind == CronFieldKind::DayOfWeek) expected += " or a weekday name";
    if (kind == CronFieldKind::Month) expected += " or a month name";
    if (kind == CronFieldKind::DayOfMonth) expected += ", L or last (the last day of the month)";
    std::string message = "invalid " + std::string(cronFieldName(kind)) + " value \"" + std::string(word) + "\": expected " + expected;
    if (kind == CronFieldKind::DayOfMonth && word == "l") message += " (L is written in uppercase)";
    return makeError(message);
}

}  // namespace

const char* cronFieldName(CronFieldKind kind) {
    switch (kind) {
        case CronFieldKind::Minute: return "minute";
        case CronFieldKind::Hour: return "hour";
        case CronFieldKind::DayOfMonth: return "day_of_month";
        case CronFieldKind::Month: return "month";
        case CronFieldKind::DayOfWeek: return "day_of_week";
    }
    return "";
}

Result<TimeOfDay> parseTimeOfDay(std::string_view text) {
    const auto bad = [&] {
        return makeError("invalid time \"" + std::string(text) + "\": expected HH:MM in 24-hour form (00:00 to 23:59)");
    };
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3) return bad();
    long long h = 0, m = 0;
    if (!parseNumber(text.substr(0, colon), h) || !parseNumber(text.substr(colon + 1), m)) return bad();
    if (h > 23 || m > 59) return bad();
    return TimeOfDay{static_cast<int>(h), static_cast<int>(m)};
}

Result<int> parseWeekdayName(std::string_view text) {
    const std::string word = lowerTrim(text);
    const int wd = indexOfName(word, kWeekdays);
    if (wd < 0)
        return makeError("invalid day \"" + std::string(text) +
                         "\": expected a weekday name such as monday (or mon), a comma list or a range like "
                         "monday-friday");
    return wd;
}

Result<std::uint8_t> parseWeekdays(std::string_view text) {
    std::uint8_t bits = 0;
    if (lowerTrim(text).empty()) return makeError("day is empty: expected a weekday such as monday");
    // Split the text as written (not lowered) so an error quotes the user's own spelling.
    for (std::string_view part : splitOn(text, ',')) {
        while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front()))) part.remove_prefix(1);
        while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back()))) part.remove_suffix(1);
        if (part.empty()) return makeError("day \"" + std::string(text) + "\" has an empty list item");
        const std::size_t dash = part.find('-');
        if (dash != std::string_view::npos && (lowerTrim(part.substr(0, dash)).empty() || lowerTrim(part.substr(dash + 1)).empty()))
            return makeError("invalid day range \"" + std::string(part) + "\": expected two weekdays such as monday-friday");
        if (dash == std::string_view::npos) {
            auto wd = parseWeekdayName(part);
            if (!wd) return makeError(wd.error());
            bits |= static_cast<std::uint8_t>(1U << wd.value());
            continue;
        }
        auto from = parseWeekdayName(part.substr(0, dash));
        if (!from) return makeError(from.error());
        auto to = parseWeekdayName(part.substr(dash + 1));
        if (!to) return makeError(to.error());
        // Weeks are cyclic, so "friday-monday" means Friday through Monday.
        for (int wd = from.value();; wd = (wd + 1) % 7) {
            bits |= static_cast<std::uint8_t>(1U << wd);
            if (wd == to.value()) break;
        }
    }
    return bits;
}

Result<int> parseMonth(std::string_view text) {
    const std::string word = lowerTrim(text);
    long long number = 0;
    if (parseNumber(word, number)) {
        if (number < 1 || number > 12) return makeError("month " + word + " is out of range 1-12");
        return static_cast<int>(number);
    }
    const int m = indexOfName(word, kMonths);
    if (m < 0)
        return makeError("invalid month \"" + std::string(text) + "\": expected a name such as january (or jan) or a number 1-12");
    return m + 1;
}

Result<Ordinal> parseOrdinal(std::string_view text) {
    const std::string word = lowerTrim(text);
    if (word == "first") return Ordinal::First;
    if (word == "second") return Ordinal::Second;
    if (word == "third") return Ordinal::Third;
    if (word == "fourth") return Ordinal::Fourth;
    if (word == "last") return Ordinal::Last;
    return makeError("invalid ordinal \"" + std::string(text) + "\": expected one of first, second, third, fourth, last");
}

Result<std::int64_t> parseInterval(std::string_view text) {
    // Trimmed but not lowered: the unit is case-sensitive (see below).
    const std::string word = trim(text);
    std::size_t digits = 0;
    while (digits < word.size() && std::isdigit(static_cast<unsigned char>(word[digits]))) ++digits;
    const std::string_view number = std::string_view(word).substr(0, digits);
    std::string_view unit = std::string_view(word).substr(digits);
    while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    const std::string lowerUnit = lowerTrim(unit);
    const auto bad = [&] {
        return makeError("invalid interval \"" + std::string(text) +
                         "\": expected <number><unit> with unit m, h or d (for example 5m, 2h, 1d)");
    };
    if (number.empty()) return bad();
    if (lowerUnit == "s" || lowerUnit == "sec" || lowerUnit == "secs" || lowerUnit == "second" || lowerUnit == "seconds")
        return makeError("seconds intervals are unsupported in v1; use minutes (m), hours (h) or days (d)");
    long long count = 0;
    if (!parseNumber(number, count)) return bad();
    if (unit.empty())
        return makeError("interval \"" + std::string(text) + "\" has no unit: write it as " + std::string(number) +
                         "m, " + std::string(number) + "h or " + std::string(number) + "d");
    // The documented units are m, h and d (docs/schedules.md). Uppercase is refused rather than guessed: in most other
    // notations M means months (and chief.py never read 5M as minutes), so silently taking it
    // for minutes would change what the job means.
    if (unit == "M")
        return makeError("invalid interval \"" + std::string(text) + "\": units are lowercase, and M is not months: write " +
                         std::string(number) + "m for minutes (for a monthly run use frequency: monthly)");
    if (unit == "H" || unit == "D")
        return makeError("invalid interval \"" + std::string(text) + "\": units are lowercase: write " + std::string(number) +
                         lowerUnit);
    std::int64_t perUnit = 0;
    if (unit == "m")
        perUnit = 1;
    else if (unit == "h")
        perUnit = 60;
    else if (unit == "d")
        perUnit = 1440;
    else
        return bad();
    if (count <= 0) return makeError("interval \"" + std::string(text) + "\" must be greater than 0");
    // Ten years: anything longer is surely a typo and would overflow nothing, but means nothing.
    constexpr std::int64_t kMaxMinutes = 3660LL * 1440;
    if (count > kMaxMinutes / perUnit)
        return makeError("interval \"" + std::string(text) + "\" is too long (at most 3660d)");
    return count * perUnit;
}

Result<std::uint64_t> parseCronField(std::string_view text, CronFieldKind kind) {
    const FieldRange range = rangeOf(kind);
    const std::string name = cronFieldName(kind);
    // Parsed as written (names are matched case-insensitively where they are looked up), so that
    // every error quotes the user's own token: "L", not "l".
    const std::string written = trim(text);
    if (written.empty()) return makeError(name + " is empty");
    std::uint64_t bits = 0;
    for (std::string_view item : splitOn(written, ',')) {
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
        if (item.empty()) return makeError(name + " \"" + std::string(text) + "\" has an empty list item");
        if (kind == CronFieldKind::DayOfMonth && (item == "L" || lowerTrim(item) == "last")) {
            bits |= kLastDayOfMonthBit;  // as croniter and Quartz spell it
            continue;
        }
        long long step = 1;
        const std::size_t slash = item.find('/');
        std::string_view base = item;
        if (slash != std::string_view::npos) {
            if (!parseNumber(item.substr(slash + 1), step) || step < 1)
                return makeError("invalid step in " + name + " \"" + std::string(item) + "\": expected a positive number after /");
            base = item.substr(0, slash);
        }
        if (kind == CronFieldKind::DayOfMonth && base.find('L') != std::string_view::npos &&
            (slash != std::string_view::npos || base.find('-') != std::string_view::npos))
            return makeError("invalid day_of_month \"" + std::string(item) +
                             "\": L (the last day of the month) stands alone, not in a range or step; list it, as in 1,15,L");
        int from = 0, to = 0;
        bool wrap = false;
        if (base == "*") {
            from = range.low;
            to = kind == CronFieldKind::DayOfWeek ? 6 : range.high;
        } else {
            const std::size_t dash = base.find('-');
            auto first = parseFieldValue(base.substr(0, dash), kind);
            if (!first) return makeError(first.error());
            from = first.value();
            // 7 is Sunday too; read as 0 it starts ranges and steps ("7-2", "7/2") at Sunday
            // instead of past the end of the week.
            if (kind == CronFieldKind::DayOfWeek && from == 7) from = 0;
            if (dash == std::string_view::npos) {
                // "5/15" means from 5 to the end of the range in steps of 15, as in cronie.
                to = slash == std::string_view::npos ? from : (kind == CronFieldKind::DayOfWeek ? 6 : range.high);
            } else {
                auto last = parseFieldValue(base.substr(dash + 1), kind);
                if (!last) return makeError(last.error());
                to = last.value();
                if (to < from) {
                    if (kind != CronFieldKind::DayOfWeek)
                        return makeError(name + " range \"" + std::string(base) + "\" runs backwards (" +
                                         std::to_string(from) + " is after " + std::to_string(to) + ")");
                    wrap = true;  // weekdays are cyclic: "fri-mon"
                }
            }
        }
        if (wrap) {
            int counter = 0;
            for (int v = from;; v = (v + 1) % 7, ++counter) {
                if (counter % step == 0) bits |= std::uint64_t{1} << v;
                if (v == to % 7) break;
            }
        } else {
            for (long long v = from; v <= to; v += step) bits |= std::uint64_t{1} << v;
        }
    }
    if (kind == CronFieldKind::DayOfWeek && (bits >> 7 & 1U)) bits = (bits & ~(std::uint64_t{1} << 7)) | 1U;
    return bits;
}

}  // namespace chief
