#include "logging/script_output_sinks.h"

#include <array>
#include <ostream>

namespace chief::daemon {

JournalOutputSink::JournalOutputSink(service::JournalWriter& writer, const ScriptOutputContext& context)
    : writer_(writer),
      identifierField_("SYSLOG_IDENTIFIER=" + context.job),
      jobField_("CHIEF_JOB=" + context.job),
      runIdField_("CHIEF_RUN_ID=" + context.runId),
      scriptField_("CHIEF_SCRIPT=" + context.scriptPath) {}

void JournalOutputSink::onLine(OutputStream stream, std::string_view line, bool continued) {
    const bool isStderr = stream == OutputStream::Stderr;
    message_.assign("MESSAGE=");
    message_.append(line.data(), line.size());
    // stderr at warning: it is where scripts complain, and `journalctl -p warning` should show it.
    const std::array<std::string_view, 8> fields{
        message_,
        isStderr ? std::string_view("PRIORITY=4") : std::string_view("PRIORITY=6"),
        identifierField_,
        jobField_,
        runIdField_,
        scriptField_,
        isStderr ? std::string_view("CHIEF_STREAM=stderr") : std::string_view("CHIEF_STREAM=stdout"),
        std::string_view("CHIEF_CONTINUED=1"),
    };
    // Output has nowhere better to report a refused entry to than the writer's own fallback.
    (void)writer_.write(std::span<const std::string_view>(fields.data(), continued ? 8 : 7));
}

ConsoleOutputSink::ConsoleOutputSink(std::ostream& out, const ScriptOutputContext& context)
    : out_(out), prefix_("[" + context.job + " " + context.runId + " " + context.scriptPath + "] ") {}

void ConsoleOutputSink::onLine(OutputStream /*stream*/, std::string_view line, bool continued) {
    out_ << prefix_;
    out_.write(line.data(), static_cast<std::streamsize>(line.size()));
    if (continued) out_ << " [continues]";
    out_ << '\n' << std::flush;
}

}  // namespace chief::daemon
