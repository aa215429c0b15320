#include "log_since.h"

#include <charconv>
#include <string>

#include "chief/time_format.h"

namespace chief::ctl {

namespace {

constexpr std::string_view kExpected =
    "expected an ISO 8601 time (2026-11-29 06:00), now, today, yesterday, or a time ago (30min, 2h, 1d)";

// "30min", "2h", "1d", "90s", "2w": the span, or nothing when `text` is not one.
std::optional<Seconds> spanOf(std::string_view text) {
    long long count = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
    if (ec != std::errc{} || ptr == text.data() || count < 0) return std::nullopt;
    std::string_view unit(ptr, static_cast<std::size_t>(text.data() + text.size() - ptr));
    while (unit.starts_with(' ')) unit.remove_prefix(1);
    long long perUnit = 0;
    if (unit == "s" || unit == "sec" || unit == "second" || unit == "seconds") perUnit = 1;
    else if (unit == "m" || unit == "min" || unit == "minute" || unit == "minutes") perUnit = 60;
    else if (unit == "h" || unit == "hour" || unit == "hours") perUnit = 3600;
    else if (unit == "d" || unit == "day" || unit == "days") perUnit = 86400;
    else if (unit == "w" || unit == "week" || unit == "weeks") perUnit = 7 * 86400;
    else return std::nullopt;
    // Ten years is further back than any journal; the bound keeps the product from overflowing.
    if (count > 10LL * 366 * 86400 / perUnit) return std::nullopt;
    return Seconds{count * perUnit};
}

SysSeconds midnightOf(SysSeconds instant, int daysBack, const ZoneRules& zone) {
    const LocalDays day = date::floor<date::days>(zone.toLocal(instant)) - date::days{daysBack};
    return resolveDateTime(ParsedDateTime{LocalSeconds{day}, std::nullopt, true}, zone);
}

}  // namespace

Result<SysSeconds> parseSince(std::string_view text, SysSeconds now, const ZoneRules& zone) {
    if (text == "now") return now;
    if (text == "today") return midnightOf(now, 0, zone);
    if (text == "yesterday") return midnightOf(now, 1, zone);
    std::string_view ago = text;
    const bool markedAgo = ago.starts_with('-') || ago.ends_with(" ago");
    if (ago.starts_with('-')) ago.remove_prefix(1);
    else if (ago.ends_with(" ago")) ago.remove_suffix(4);
    if (const auto span = spanOf(ago)) return now - *span;
    if (markedAgo) return makeError(std::string(kExpected));
    const auto parsed = parseDateTime(text);
    if (!parsed) return makeError(std::string(kExpected));
    return resolveDateTime(parsed.value(), zone);
}

}  // namespace chief::ctl
