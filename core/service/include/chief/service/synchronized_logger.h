#pragma once
// SynchronizedLogger: one logger shared by several threads (chief-monitord logs from its server
// thread and its service thread).

#include <mutex>

#include "chief/service/logger.h"

namespace chief::service {

// Passes each entry on under one mutex. The loggers behind it are not synchronised themselves:
// ConsoleLogger writes to one stream, and FallbackJournalWriter counts failures and prints to
// one; without the lock two threads' entries could interleave mid-line on a console, or race on
// that count. chiefd logs from its event loop only and does without it.
class SynchronizedLogger final : public Logger {
public:
    explicit SynchronizedLogger(Logger& next) : next_(next) {}
    void log(LogLevel level, std::string_view message, const LogFields& fields = {},
             std::string_view messageId = {}) override {
        const std::lock_guard lock(mutex_);
        next_.log(level, message, fields, messageId);
    }

private:
    Logger& next_;
    std::mutex mutex_;
};

}  // namespace chief::service
