#include "bus_target.h"

namespace chief::ctl {

std::string BusTarget::describe() const {
    if (host) return "the system bus of " + *host;
    return kind == BusKind::User ? "the session bus" : "the system bus";
}

BusTarget chooseBusTarget(BusKind named, bool explicitlyNamed, const std::optional<std::string>& host, bool root,
                          const std::function<bool(const BusTarget&)>& probe) {
    BusTarget target{named, host};
    if (explicitlyNamed || host || root || named != BusKind::System) return target;
    if (probe(target)) return target;
    const BusTarget user{BusKind::User, std::nullopt};
    if (probe(user)) return user;
    target.userBusTriedToo = true;
    return target;
}

}  // namespace chief::ctl
