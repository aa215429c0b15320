#include "chief/service/journal_writer.h"

namespace chief::service {

bool isValidJournalFieldName(std::string_view name) {
    // Same limits as journald's journal_field_valid() with protected fields disallowed.
    if (name.empty() || name.size() > 64) return false;
    if (name.front() == '_' || (name.front() >= '0' && name.front() <= '9')) return false;
    for (const char c : name) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) return false;
    }
    return true;
}

}  // namespace chief::service
