#include "chief/service/fallback_journal_writer.h"

#include <ostream>
#include <string>
#include <system_error>

#include "chief/service/console_logger.h"

namespace chief::service {

namespace {

// Turns an entry back into what ConsoleLogger would have printed for it. SYSLOG_IDENTIFIER and
// MESSAGE_ID are dropped: the first is chiefd or the job (already in CHIEF_JOB), the second only
// matters to journal queries.
std::string renderEntry(std::span<const std::string_view> fields) {
    LogLevel level = LogLevel::Info;
    std::string_view message;
    LogFields extra;
    for (const std::string_view item : fields) {
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) continue;
        const std::string_view name = item.substr(0, eq);
        const std::string_view value = item.substr(eq + 1);
        if (name == "MESSAGE") {
            message = value;
        } else if (name == "PRIORITY") {
            if (value.size() == 1 && value[0] >= '0' && value[0] <= '7') level = static_cast<LogLevel>(value[0] - '0');
        } else if (name != "SYSLOG_IDENTIFIER" && name != "MESSAGE_ID") {
            extra.emplace_back(std::string(name), std::string(value));
        }
    }
    return formatConsoleLine(level, message, extra);
}

}  // namespace

int FallbackJournalWriter::write(std::span<const std::string_view> fields) {
    const int rc = primary_.write(fields);
    if (rc >= 0) return rc;
    if (failures_++ == 0) {
        fallback_ << formatConsoleLine(LogLevel::Warning,
                                       "Failed to write to the journal: " + std::system_category().message(-rc) +
                                           "; writing log entries the journal refuses to stderr instead",
                                       {})
                  << '\n';
    }
    fallback_ << renderEntry(fields) << '\n' << std::flush;
    return fallback_ ? 0 : rc;
}

}  // namespace chief::service
