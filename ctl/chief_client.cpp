#include "chief_client.h"

#include "chief/bus_api.h"

namespace chief::ctl {

int exitStatusFor(const ClientError& error) {
    if (error.kind == ClientError::Kind::Daemon) return bus::exitStatusForError(error.name);
    if (error.kind == ClientError::Kind::NeedsChiefd) return bus::kExitUsage;
    return bus::kExitUnreachable;
}

}  // namespace chief::ctl
