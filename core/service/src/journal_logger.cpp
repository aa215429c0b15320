#include "chief/service/journal_logger.h"

#include <cassert>
#include <vector>

namespace chief::service {

bool isValidMessageId(std::string_view id) {
    if (id.size() != 32) return false;
    for (const char c : id) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

JournalLogger::JournalLogger(JournalWriter& writer, std::string identifier)
    : writer_(writer), identifierField_("SYSLOG_IDENTIFIER=" + identifier) {}

void JournalLogger::log(LogLevel level, std::string_view message, const LogFields& fields,
                        std::string_view messageId) {
    assert(messageId.empty() || isValidMessageId(messageId));
    std::vector<std::string> owned;
    owned.reserve(fields.size() + 3);
    owned.push_back("MESSAGE=" + std::string(message));
    owned.push_back("PRIORITY=" + std::to_string(static_cast<int>(level)));
    if (!messageId.empty()) owned.push_back("MESSAGE_ID=" + std::string(messageId));
    for (const auto& [name, value] : fields) {
        assert(isValidJournalFieldName(name));
        owned.push_back(name + "=" + value);
    }
    std::vector<std::string_view> items;
    items.reserve(owned.size() + 1);
    items.emplace_back(owned[0]);
    items.emplace_back(owned[1]);
    items.emplace_back(identifierField_);
    for (std::size_t i = 2; i < owned.size(); ++i) items.emplace_back(owned[i]);
    // A refused entry is the writer's business (FallbackJournalWriter prints it): logging itself
    // has nowhere better to report to.
    (void)writer_.write(items);
}

}  // namespace chief::service
