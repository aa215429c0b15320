#pragma once
// The verbs answered by chiefd: each parses nothing more, makes its call(s) on a ChiefClient and
// formats the answer (text through TextReport, --json through BusJson).

#include <iosfwd>
#include <string>

#include "chief_client.h"
#include "command_line.h"

namespace chief::ctl {

// What a bus verb needs besides the command line and the client.
struct BusVerbContext {
    std::string timezone;  // this machine's zone: times are shown in it; --from without an offset is read in it
    // A non-root user asking the system chiefd: its refusal also points to the user's own chiefd.
    bool suggestOwnDaemon = false;
};

// Runs the verb, writing results to `out` and problems to `err`; returns the exit code.
int runBusVerb(const CommandLine& command, ChiefClient& client, const BusVerbContext& context, std::ostream& out,
               std::ostream& err);

}  // namespace chief::ctl
