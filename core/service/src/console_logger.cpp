#include "chief/service/console_logger.h"

#include <cstdio>
#include <ostream>

namespace chief::service {

const char* logLevelName(LogLevel level) {
    switch (level) {
        case LogLevel::Emergency: return "emerg";
        case LogLevel::Alert: return "alert";
        case LogLevel::Critical: return "crit";
        case LogLevel::Error: return "err";
        case LogLevel::Warning: return "warning";
        case LogLevel::Notice: return "notice";
        case LogLevel::Info: return "info";
        case LogLevel::Debug: return "debug";
    }
    return "unknown";
}

std::string escapeForConsole(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (byte < 0x20 || byte == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", byte);
            out += buf;
        } else {
            out += c;
        }
    }
    return out;
}

std::string formatConsoleLine(LogLevel level, std::string_view message, const LogFields& fields) {
    std::string line = logLevelName(level);
    line += ": ";
    line += escapeForConsole(message);
    if (!fields.empty()) {
        line += " (";
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i > 0) line += ", ";
            line += fields[i].first;
            line += '=';
            line += escapeForConsole(fields[i].second);
        }
        line += ')';
    }
    return line;
}

void ConsoleLogger::log(LogLevel level, std::string_view message, const LogFields& fields,
                        std::string_view /*messageId*/) {
    // Flush per entry: the stream may be a file or pipe, and a crash must not eat the last lines.
    out_ << formatConsoleLine(level, message, fields) << '\n' << std::flush;
}

}  // namespace chief::service
