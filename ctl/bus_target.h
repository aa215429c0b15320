#pragma once
// BusTarget: where chiefctl asks chiefd (the system bus, the user's session bus, or a remote
// host's system bus), and which one to ask when none was named. How a failed call on it is told
// to the operator is bus_call_error.h.

#include <functional>
#include <optional>
#include <string>

#include "command_line.h"

namespace chief::ctl {

struct BusTarget {
    BusKind kind = BusKind::System;
    std::optional<std::string> host;  // -H: that host's system bus
    // chiefctl also looked on the user's own bus (a non-root user without --system/--user):
    // "not running" then names both.
    bool userBusTriedToo = false;

    // "the system bus", "the session bus", "the system bus of HOST".
    std::string describe() const;
};

// Which bus chiefctl asks: the one named (--system, --user, -H), else the system bus; a
// non-root user whose system bus has no chiefd, but whose own bus has one (a per-user chiefd,
// as chief.py users ran it), gets that one. `probe` says whether chiefd is on a target.
BusTarget chooseBusTarget(BusKind named, bool explicitlyNamed, const std::optional<std::string>& host, bool root,
                          const std::function<bool(const BusTarget&)>& probe);

}  // namespace chief::ctl
