#pragma once
// The real implementations of JobRun's seams: processes, accounts and output sinks.

#include <boost/asio/io_context.hpp>
#include <iosfwd>

#include "chief/service/journal_writer.h"
#include "runner/job_run.h"

namespace chief::daemon {

// ScriptLauncher over ScriptProcess::start on one io_context.
class ProcessLauncher final : public ScriptLauncher {
public:
    explicit ProcessLauncher(boost::asio::io_context& io) : io_(io) {}
    std::unique_ptr<ScriptProcess> launch(const ScriptLaunch& launch, OutputSink& output,
                                          ScriptProcess::ExitHandler onExit) override;

private:
    boost::asio::io_context& io_;
};

// Resolves user and group names with getpwnam_r/getgrnam_r (numeric ids accepted). Switching
// identity needs root, so a job with `user:` fails with a clear reason when chiefd is not root.
class PosixAccountResolver final : public AccountResolver {
public:
    Result<RunIdentity> resolve(const std::string& user, const std::string& group) const override;
    LoginAccount ownAccount() const override;
};

// Script output to the journal (JournalOutputSink) or the console (ConsoleOutputSink).
class ScriptOutputSinks final : public OutputSinkFactory {
public:
    // With a writer: journal; without: console lines on `console`.
    ScriptOutputSinks(service::JournalWriter* journal, std::ostream& console) : journal_(journal), console_(console) {}
    std::unique_ptr<OutputSink> open(const RunTicket& ticket, const Script& script) override;

private:
    service::JournalWriter* journal_;
    std::ostream& console_;
};

}  // namespace chief::daemon
