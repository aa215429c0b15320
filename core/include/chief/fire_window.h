#pragma once
// FireWindow: how many times a schedule fired in a window, and the first and last of them
// (what chiefd reports as missed while it was not running).

#include <cstddef>
#include <optional>

#include "chief/schedule.h"

namespace chief {

struct FireWindow {
    std::size_t count = 0;  // fire times in the window, at most the cap
    bool capped = false;    // there were more than `count`
    std::optional<SysSeconds> first;
    std::optional<SysSeconds> last;  // the last one counted
};

// Fire times strictly after `after` and at or before `until`, counting at most `cap`.
FireWindow fireTimesBetween(const Schedule& schedule, SysSeconds after, SysSeconds until, std::size_t cap);

}  // namespace chief
