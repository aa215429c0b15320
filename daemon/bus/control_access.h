#pragma once
// ControlAccess: who may change chiefd's state over the bus (run, cancel, reload).

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>

#include "bus/control_api.h"

namespace chief::daemon {

// The system daemon: root, and members of the "chief" group (primary or supplementary, as the
// bus daemon reported them). The group is looked up at every check, so adding an operator to
// it needs no restart. A per-user daemon (chiefd --user): root and the user it runs as.
// Decided here, not only by the D-Bus policy file, so a permissive bus config cannot open it up.
class ControlAccess {
public:
    using GroupLookup = std::function<std::optional<gid_t>(const std::string& group)>;

    explicit ControlAccess(GroupLookup lookup = systemGroupLookup) : lookup_(std::move(lookup)) {}
    static ControlAccess forUser(uid_t owner);

    bool mayControl(const Caller& caller) const;
    // Who may, in words, for AccessDenied messages.
    std::string whoMay() const;

    static std::optional<gid_t> systemGroupLookup(const std::string& group);

private:
    GroupLookup lookup_;
    std::optional<uid_t> owner_;  // set for a per-user daemon
};

}  // namespace chief::daemon
