#include "chief/time_format.h"

#include <cctype>
#include <cstdio>

namespace chief {

namespace {

std::string formatFields(LocalSeconds local, bool withSeconds, char separator) {
    const LocalDays day = date::floor<date::days>(local);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss<Seconds> tod{local - day};
    char buf[40];
    if (withSeconds) {
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u%c%02d:%02d:%02d", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), separator,
                      static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                      static_cast<int>(tod.seconds().count()));
    } else {
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u%c%02d:%02d", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), separator,
                      static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()));
    }
    return buf;
}

// Reads exactly `width` digits at `pos`.
bool readDigits(std::string_view text, std::size_t pos, std::size_t width, int& out) {
    if (pos + width > text.size()) return false;
    int value = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
        value = value * 10 + (text[i] - '0');
    }
    out = value;
    return true;
}

}  // namespace

std::string formatOffset(Seconds offset) {
    const long total = static_cast<long>(offset.count());
    const long magnitude = total < 0 ? -total : total;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", total < 0 ? '-' : '+', magnitude / 3600, (magnitude % 3600) / 60);
    return buf;
}

std::string formatIsoInZone(SysSeconds instant, const ZoneRules& zone) {
    const Seconds offset = zone.offsetAt(instant).offset;
    return formatFields(LocalSeconds{instant.time_since_epoch() + offset}, true, 'T') + formatOffset(offset);
}

std::string formatIsoUtc(SysSeconds instant) {
    return formatFields(LocalSeconds{instant.time_since_epoch()}, true, 'T') + "Z";
}

std::string formatIsoUtcOffset(SysSeconds instant) {
    return formatFields(LocalSeconds{instant.time_since_epoch()}, true, 'T') + "+00:00";
}

std::string formatLocalMinute(LocalSeconds local) { return formatFields(local, false, ' '); }

std::string formatDate(LocalDays day) {
    const date::year_month_day ymd{day};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return buf;
}

Result<LocalDays> parseDate(std::string_view text) {
    int y = 0, m = 0, d = 0;
    if (text.size() != 10 || !readDigits(text, 0, 4, y) || text[4] != '-' || !readDigits(text, 5, 2, m) ||
        text[7] != '-' || !readDigits(text, 8, 2, d))
        return makeError("expected a date as YYYY-MM-DD");
    const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                                   date::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return makeError("is not a real calendar date");
    return LocalDays{ymd};
}

Result<ParsedDateTime> parseDateTime(std::string_view text) {
    constexpr const char* kExpected =
        "expected an ISO date-time such as 2026-01-31T18:00, 2026-01-31 18:00:00, 2026-01-31T18:00Z or "
        "2026-01-31T18:00+01:00";
    if (text.size() < 10) return makeError(kExpected);
    auto date = parseDate(text.substr(0, 10));
    if (!date) return makeError(text.size() == 10 ? date.error() : std::string(kExpected));
    ParsedDateTime out;
    out.local = LocalSeconds{date.value()};
    if (text.size() == 10) {
        out.dateOnly = true;
        return out;
    }
    if (text[10] != 'T' && text[10] != ' ' && text[10] != 't') return makeError(kExpected);
    int hh = 0, mm = 0, ss = 0;
    std::size_t pos = 11;
    if (!readDigits(text, pos, 2, hh) || pos + 2 >= text.size() + 0 || text[pos + 2] != ':' ||
        !readDigits(text, pos + 3, 2, mm))
        return makeError(kExpected);
    pos += 5;
    if (pos < text.size() && text[pos] == ':') {
        if (!readDigits(text, pos + 1, 2, ss)) return makeError(kExpected);
        pos += 3;
    }
    if (hh > 23 || mm > 59 || ss > 59) return makeError("time of day is out of range");
    out.local += std::chrono::hours{hh} + Minutes{mm} + Seconds{ss};
    if (pos == text.size()) return out;
    if ((text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
        out.offset = Seconds{0};
        return out;
    }
    if (text[pos] == '+' || text[pos] == '-') {
        const int sign = text[pos] == '-' ? -1 : 1;
        int oh = 0, om = 0;
        if (!readDigits(text, pos + 1, 2, oh)) return makeError(kExpected);
        std::size_t after = pos + 3;
        if (after < text.size()) {
            if (text[after] == ':') ++after;
            if (!readDigits(text, after, 2, om)) return makeError(kExpected);
            after += 2;
        }
        if (after != text.size()) return makeError(kExpected);
        if (oh > 18 || om > 59) return makeError("UTC offset is out of range");
        out.offset = Seconds{sign * (oh * 3600 + om * 60)};
        return out;
    }
    return makeError(kExpected);
}

SysSeconds resolveDateTime(const ParsedDateTime& parsed, const ZoneRules& zone) {
    if (parsed.offset) return SysSeconds{parsed.local.time_since_epoch() - *parsed.offset};
    return zone.resolve(parsed.local).first;
}

}  // namespace chief
