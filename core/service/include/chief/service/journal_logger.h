#pragma once
// JournalLogger: chiefd's own log entries as structured journal entries.

#include <string>

#include "chief/service/journal_writer.h"
#include "chief/service/logger.h"

namespace chief::service {

// Writes MESSAGE=, PRIORITY=, SYSLOG_IDENTIFIER= (chiefd), MESSAGE_ID= when given, then the
// extra fields in order. In chiefd the writer is a FallbackJournalWriter over SdJournalWriter,
// which is what keeps entries (on stderr) when journald refuses them.
class JournalLogger final : public Logger {
public:
    explicit JournalLogger(JournalWriter& writer, std::string identifier = "chiefd");
    // Field names must be valid journal field names and messageId 32 lowercase hex digits
    // (programmer errors, asserted): journald would otherwise drop them without a word.
    void log(LogLevel level, std::string_view message, const LogFields& fields = {},
             std::string_view messageId = {}) override;

private:
    JournalWriter& writer_;
    std::string identifierField_;  // "SYSLOG_IDENTIFIER=chiefd", built once
};

// True for exactly 32 lowercase hex digits, the form journalctl prints and matches.
bool isValidMessageId(std::string_view id);

}  // namespace chief::service
