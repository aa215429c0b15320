#pragma once
// BusTarget: where chiefctl asks chiefd (the system bus, the user's session bus, or a remote
// host's system bus), which one to ask when none was named, and how a failed call is told to
// the operator (chiefd not running, no bus, connection lost, chiefd's own refusal).

#include <functional>
#include <optional>
#include <string>

#include "chief_client.h"
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

// A failed call as chiefctl reports it: `result` is the negative errno sd-bus returned,
// `errorName`/`errorMessage` the D-Bus error (empty when there was none). `connected` says
// whether an earlier call on the connection worked (a failure after that is a lost connection).
ClientError classifyCallError(const BusTarget& target, int result, const std::string& errorName,
                              const std::string& errorMessage, bool connected);
// The error for a bus that could not be opened at all.
ClientError noBusError(const BusTarget& target, int result);

// Which bus chiefctl asks: the one named (--system, --user, -H), else the system bus; a
// non-root user whose system bus has no chiefd, but whose own bus has one (a per-user chiefd,
// as chief.py users ran it), gets that one. `probe` says whether chiefd is on a target.
BusTarget chooseBusTarget(BusKind named, bool explicitlyNamed, const std::optional<std::string>& host, bool root,
                          const std::function<bool(const BusTarget&)>& probe);

}  // namespace chief::ctl
