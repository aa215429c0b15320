#pragma once
// Reading and writing times as text: ISO 8601 instants, local wall-clock times, dates.

#include <optional>
#include <string>
#include <string_view>

#include "chief/result.h"
#include "chief/time_types.h"
#include "chief/zone_rules.h"

namespace chief {

// "2026-03-08T03:00:00-04:00": the instant as wall-clock time in `zone`, with its offset.
std::string formatIsoInZone(SysSeconds instant, const ZoneRules& zone);
// "2026-03-08T07:00:00Z".
std::string formatIsoUtc(SysSeconds instant);
// "2026-03-08T07:00:00+00:00": the same instant in the form every ISO 8601 parser accepts
// (Python's datetime.fromisoformat before 3.11 rejects "Z"); what scripts get in CHIEF_*.
std::string formatIsoUtcOffset(SysSeconds instant);
// "2026-03-08 03:00" (local wall-clock time, no zone).
std::string formatLocalMinute(LocalSeconds local);
// "2026-03-08".
std::string formatDate(LocalDays day);
// "+05:30", "-04:00", "+00:00".
std::string formatOffset(Seconds offset);

// A date-time as written: local fields plus an optional explicit UTC offset.
struct ParsedDateTime {
    LocalSeconds local;
    std::optional<Seconds> offset;  // set when the text ends in Z or +HH:MM / -HH:MM
    bool dateOnly = false;          // "YYYY-MM-DD" with no time part
};

// Accepts YYYY-MM-DD, and YYYY-MM-DD[T ]HH:MM[:SS] with an optional Z or ±HH[:MM] suffix.
Result<ParsedDateTime> parseDateTime(std::string_view text);
// Accepts exactly YYYY-MM-DD and rejects impossible dates.
Result<LocalDays> parseDate(std::string_view text);

// Resolves a parsed date-time to an instant: an explicit offset wins; otherwise the local time
// is read in `zone` (a nonexistent time moves to the end of the gap, an ambiguous one takes
// its first occurrence).
SysSeconds resolveDateTime(const ParsedDateTime& parsed, const ZoneRules& zone);

}  // namespace chief
