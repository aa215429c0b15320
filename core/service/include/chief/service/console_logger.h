#pragma once
// ConsoleLogger: a daemon's log entries as plain text lines, for --log-target=console (a terminal,
// a pipe, or anything that is not journald).

#include <iosfwd>
#include <string>
#include <string_view>

#include "chief/service/logger.h"

namespace chief::service {

// The syslog name of a level, as `journalctl -p` spells it: "emerg" ... "err", "warning", "info", "debug".
const char* logLevelName(LogLevel level);

// `text` with control bytes made visible (\n, \r, \t, \xNN), so that one entry stays one line.
// Other bytes, including non-ASCII and invalid UTF-8, pass through unchanged.
std::string escapeForConsole(std::string_view text);

// "<level>: message (KEY=value, KEY=value)", or "<level>: message" without fields, no newline.
// The MESSAGE_ID is left out: it helps journal queries, not a reader of a console.
std::string formatConsoleLine(LogLevel level, std::string_view message, const LogFields& fields);

// Writes each entry as one formatted line to a stream (std::cerr in chiefd) and flushes it.
// Not synchronised: call it from one thread (chiefd's event loop).
class ConsoleLogger final : public Logger {
public:
    explicit ConsoleLogger(std::ostream& out) : out_(out) {}
    void log(LogLevel level, std::string_view message, const LogFields& fields = {},
             std::string_view messageId = {}) override;

private:
    std::ostream& out_;
};

}  // namespace chief::service
