#pragma once
// Output sinks for one script of one run: its output lines as journal entries, or as prefixed
// console lines when chiefd is not logging to the journal.

#include <iosfwd>
#include <string>

#include "chief/run_event.h"
#include "chief/service/journal_writer.h"
#include "process/output_sink.h"

namespace chief::daemon {

// Which script of which run an output line belongs to.
struct ScriptOutputContext {
    std::string job;
    RunId runId;
    std::string scriptPath;  // resolved
};

// Each line becomes one journal entry: MESSAGE=<the exact bytes>, PRIORITY=6 (stdout) or 4
// (stderr), SYSLOG_IDENTIFIER=<job> (so `journalctl -t backup` shows the job's output),
// CHIEF_JOB, CHIEF_RUN_ID, CHIEF_SCRIPT, CHIEF_STREAM=stdout|stderr, and CHIEF_CONTINUED=1 on
// every piece of a split long line but the last. Bytes are passed with their length, so NULs
// and invalid UTF-8 reach journald unchanged (it stores such a MESSAGE as binary).
class JournalOutputSink final : public OutputSink {
public:
    JournalOutputSink(service::JournalWriter& writer, const ScriptOutputContext& context);
    void onLine(OutputStream stream, std::string_view line, bool continued) override;

private:
    service::JournalWriter& writer_;
    // "NAME=value" items that are the same for every line, built once.
    std::string identifierField_;
    std::string jobField_;
    std::string runIdField_;
    std::string scriptField_;
    std::string message_;  // reused buffer for "MESSAGE=<line>"
};

// Writes "[<job> <run id> <script>] <line>" per line to a stream (the console logger's, i.e.
// stderr), for --log-target=console. The line's bytes are written as they are, like the script
// would have printed them; a piece of a split line that continues ends in " [continues]".
class ConsoleOutputSink final : public OutputSink {
public:
    ConsoleOutputSink(std::ostream& out, const ScriptOutputContext& context);
    void onLine(OutputStream stream, std::string_view line, bool continued) override;

private:
    std::ostream& out_;
    std::string prefix_;  // "[job run script] "
};

}  // namespace chief::daemon
