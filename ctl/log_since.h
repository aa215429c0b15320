#pragma once
// parseSince: `chiefctl logs --since TIME` read as journalctl reads it, for the forms operators
// type: an ISO 8601 time, now, today, yesterday, or a time ago (30min, 2h, -1d, "2h ago").

#include <string_view>

#include "chief/result.h"
#include "chief/time_types.h"
#include "chief/zone_rules.h"

namespace chief::ctl {

// The instant `text` names, given the viewer's clock and zone (a time without an offset, today
// and yesterday are read in `zone`); an error says what was expected.
Result<SysSeconds> parseSince(std::string_view text, SysSeconds now, const ZoneRules& zone);

}  // namespace chief::ctl
