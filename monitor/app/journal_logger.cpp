#include "monitor/app/journal_logger.h"

#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace chief::monitor {

namespace {

const char* levelName(LogLevel level) {
    switch (level) {
        case LogLevel::Emergency: return "emerg";
        case LogLevel::Alert: return "alert";
        case LogLevel::Critical: return "crit";
        case LogLevel::Error: return "error";
        case LogLevel::Warning: return "warning";
        case LogLevel::Notice: return "notice";
        case LogLevel::Info: return "info";
        case LogLevel::Debug: return "debug";
    }
    return "info";
}

// Journal field names journald accepts from clients: A-Z, 0-9, _, not starting with _ or a digit.
bool validFieldName(std::string_view name) {
    if (name.empty() || name.size() > 64 || name[0] == '_' || (name[0] >= '0' && name[0] <= '9')) return false;
    for (const char c : name)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

}  // namespace

void JournalLogger::log(LogLevel level, std::string_view message, const LogFields& fields, std::string_view messageId) {
    if (level > maxLevel_) return;
    std::vector<std::string> items;
    items.reserve(fields.size() + 4);
    items.push_back("MESSAGE=" + std::string(message));
    items.push_back("PRIORITY=" + std::to_string(static_cast<int>(level)));
    items.push_back("SYSLOG_IDENTIFIER=chief-monitord");
    if (!messageId.empty()) items.push_back("MESSAGE_ID=" + std::string(messageId));
    for (const auto& [name, value] : fields)
        if (validFieldName(name)) items.push_back(name + "=" + value);
    std::vector<iovec> vectors;
    vectors.reserve(items.size());
    for (std::string& item : items) vectors.push_back({item.data(), item.size()});
    sd_journal_sendv(vectors.data(), static_cast<int>(vectors.size()));
}

void ConsoleLogger::log(LogLevel level, std::string_view message, const LogFields& fields, std::string_view) {
    if (level > maxLevel_) return;
    std::string line = std::string(levelName(level)) + ": ";
    for (const char c : message) {
        if (c == '\n') line += "\\n";
        else line.push_back(c);
    }
    for (const auto& [name, value] : fields) line += " " + name + "=" + value;
    line.push_back('\n');
    const std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

std::optional<LogTargetKind> parseLogTarget(std::string_view text) {
    if (text == "auto") return LogTargetKind::Auto;
    if (text == "journal") return LogTargetKind::Journal;
    if (text == "console") return LogTargetKind::Console;
    return std::nullopt;
}

LogTargetKind resolveLogTarget(LogTargetKind requested) {
    if (requested != LogTargetKind::Auto) return requested;
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (stream == nullptr) return LogTargetKind::Console;
    unsigned long long device = 0;
    unsigned long long inode = 0;
    if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return LogTargetKind::Console;
    struct stat info {};
    if (::fstat(2, &info) != 0) return LogTargetKind::Console;
    return static_cast<unsigned long long>(info.st_dev) == device && static_cast<unsigned long long>(info.st_ino) == inode
               ? LogTargetKind::Journal
               : LogTargetKind::Console;
}

}  // namespace chief::monitor
