#pragma once
// How a failed bus call is told to the operator: chiefd not running, no bus, connection lost,
// the bus policy's refusal, or chiefd's own answer (a D-Bus error from the shared table in
// chief/bus_api.h, kept by name so exitStatusFor can map it).

#include <string>

#include "bus_target.h"
#include "chief_client.h"

namespace chief::ctl {

// A failed call as chiefctl reports it: `result` is the negative errno sd-bus returned,
// `errorName`/`errorMessage` the D-Bus error (empty when there was none). `connected` says
// whether an earlier call on the connection worked (a failure after that is a lost connection).
ClientError classifyCallError(const BusTarget& target, int result, const std::string& errorName,
                              const std::string& errorMessage, bool connected);
// The error for a bus that could not be opened at all.
ClientError noBusError(const BusTarget& target, int result);

// strerror of a negative (sd-bus) or positive errno.
std::string errnoText(int result);

}  // namespace chief::ctl
