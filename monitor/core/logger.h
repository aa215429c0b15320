#pragma once
// Logger: the monitor's own log entries, structured, to the journal or stderr (monitor/app).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chief::monitor {

// syslog priorities, as journald uses them.
enum class LogLevel { Emergency = 0, Alert = 1, Critical = 2, Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

// Extra journal fields, e.g. {"CHIEF_JOB", "backup"}: upper-case journal field names.
using LogFields = std::vector<std::pair<std::string, std::string>>;

// Writes one entry per call; messageId is a 32-hex-digit MESSAGE_ID or empty.
class Logger {
public:
    virtual ~Logger() = default;
    virtual void log(LogLevel level, std::string_view message, const LogFields& fields = {},
                     std::string_view messageId = {}) = 0;
};

}  // namespace chief::monitor
