#pragma once
// chiefctl logs JOB|RUN_ID: the journal entries chiefd wrote about a job or a run, else the
// output chiefd kept of its runs (GetRunOutput); -n, --since and --follow as journalctl has them.

#include <iosfwd>
#include <optional>
#include <string>

#include "chief_client.h"
#include "command_line.h"
#include "journal_source.h"
#include "verbs.h"

namespace chief::ctl {

// Where chiefd's entries are: whose they are, and whether this machine's journal is chiefd's.
struct LogsContext {
    VerbContext view;
    unsigned chiefdUid = 0;                  // the trusted _UID of chiefd's entries
    std::optional<std::string> remoteHost;   // -H HOST: chiefd's journal is there, not here
};

// Prints the entries (or the kept output) and returns the exit code. `journal` is nullptr
// when no journal of chiefd's can be read here (-H).
int runLogs(const CommandLine& command, ChiefClient& client, JournalSource* journal, const LogsContext& context,
            std::ostream& out, std::ostream& err);

}  // namespace chief::ctl
