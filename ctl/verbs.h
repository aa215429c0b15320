#pragma once
// chiefctl's verbs, one implementation for both ways of answering: each makes its call(s) on a
// ChiefClient (BusClient asks chiefd, OfflineClient answers from a config file) and formats the
// answer with the one printer (TextReport) or in the one JSON shape (JsonReport). validate reads a
// file only, and has its own entry point.

#include <iosfwd>
#include <optional>
#include <string>

#include "chief/config_loader.h"
#include "chief_client.h"
#include "command_line.h"
#include "offline_client.h"
#include "terminal_style.h"

namespace chief::ctl {

// What a verb needs besides the command line and the client.
struct VerbContext {
    std::string timezone;  // this machine's zone: times are shown in it; --from without an offset is read in it
    // A non-root user asking the system chiefd: its refusal also points to the user's own chiefd.
    bool suggestOwnDaemon = false;
    // The viewer's clock, for list's LEFT and PASSED columns ("-" without it).
    std::optional<SysSeconds> now;
    // Colour for the text output (never for --json), decided by main from the terminal.
    TerminalStyle style = TerminalStyle();
};

// Runs the verb, writing results to `out` and problems to `err`; returns the exit code.
int runVerb(const CommandLine& command, ChiefClient& client, const VerbContext& context, std::ostream& out,
            std::ostream& err);

// import-cron: `crontab` is the text read from FILE or standard input (or why it could not be);
// prints the chief.yaml (or, with --json, {"source", "jobs", "yaml", "notes"}).
int runImportCron(const CommandLine& command, const Result<std::string>& crontab, std::ostream& out, std::ostream& err);

// chiefctl with --config: `validate` (every problem of the file, and each job's compiled mode when
// valid), or another read-only verb answered by an OfflineClient over the file (refused, with the
// file's problems, when it is not valid).
int runOffline(const CommandLine& command, const LoadResult& loaded, const OfflineClient::Host& host,
               const VerbContext& context, std::ostream& out, std::ostream& err);

}  // namespace chief::ctl
