#include "bus/control_access.h"

#include <grp.h>

#include <algorithm>
#include <string>
#include <vector>

namespace chief::daemon {

ControlAccess ControlAccess::forUser(uid_t owner) {
    ControlAccess access([](const std::string&) { return std::optional<gid_t>(); });
    access.owner_ = owner;
    return access;
}

std::string ControlAccess::whoMay() const {
    if (owner_) return "root or the user this chiefd runs as (uid " + std::to_string(*owner_) + ")";
    return std::string("root or membership in the \"") + bus::kControlGroup + "\" group";
}

bool ControlAccess::mayControl(const Caller& caller) const {
    if (!caller.uid) return false;
    if (*caller.uid == 0) return true;
    if (owner_) return *caller.uid == *owner_;
    const auto gid = lookup_(bus::kControlGroup);
    return gid && std::find(caller.groups.begin(), caller.groups.end(), *gid) != caller.groups.end();
}

std::optional<gid_t> ControlAccess::systemGroupLookup(const std::string& group) {
    std::vector<char> buffer(16384);
    ::group entry{};
    ::group* found = nullptr;
    if (::getgrnam_r(group.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) return std::nullopt;
    return found->gr_gid;
}

}  // namespace chief::daemon
