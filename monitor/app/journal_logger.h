#pragma once
// Loggers for chief-monitord: structured entries to journald (sd_journal_sendv), or lines on
// stderr when not run by systemd.

#include <mutex>
#include <optional>
#include <string_view>

#include "monitor/core/logger.h"

namespace chief::monitor {

// One journal entry per call: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER=chief-monitord, MESSAGE_ID
// and the given fields.
class JournalLogger final : public Logger {
public:
    explicit JournalLogger(LogLevel maxLevel = LogLevel::Info) : maxLevel_(maxLevel) {}
    void log(LogLevel level, std::string_view message, const LogFields& fields, std::string_view messageId) override;

private:
    LogLevel maxLevel_;
};

// "<level>: message [FIELD=value ...]" on stderr, one line per entry (newlines escaped).
class ConsoleLogger final : public Logger {
public:
    explicit ConsoleLogger(LogLevel maxLevel = LogLevel::Info) : maxLevel_(maxLevel) {}
    void log(LogLevel level, std::string_view message, const LogFields& fields, std::string_view messageId) override;

private:
    LogLevel maxLevel_;
    std::mutex mutex_;  // the webhook TLS handshakes never log from another thread, but stderr is shared
};

// --log-target: where entries go.
enum class LogTargetKind { Auto, Journal, Console };
// "auto", "journal", "console"; nullopt otherwise.
std::optional<LogTargetKind> parseLogTarget(std::string_view text);
// Auto means the journal exactly when $JOURNAL_STREAM names this process's stderr (systemd
// connected it to journald), as systemd's own tools decide.
LogTargetKind resolveLogTarget(LogTargetKind requested);

}  // namespace chief::monitor
