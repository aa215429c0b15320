#pragma once
// LevelFilterLogger: passes on entries at or above a priority (chiefd --log-level).

#include "chief/result.h"
#include "chief/service/logger.h"

namespace chief::service {

// Drops entries less important than `threshold` (debug entries, by default), so 10,000
// "next run" notes do not flood the journal at start-up unless asked for.
class LevelFilterLogger final : public Logger {
public:
    LevelFilterLogger(Logger& next, LogLevel threshold) : next_(next), threshold_(threshold) {}
    void log(LogLevel level, std::string_view message, const LogFields& fields = {},
             std::string_view messageId = {}) override {
        if (static_cast<int>(level) <= static_cast<int>(threshold_)) next_.log(level, message, fields, messageId);
    }

private:
    Logger& next_;
    LogLevel threshold_;
};

// "err", "warning", "notice", "info" or "debug" (journalctl -p names).
Result<LogLevel> parseLogLevel(std::string_view text);

}  // namespace chief::service
