#pragma once
// JournalWriter: the seam over sd_journal_sendv, so everything that builds journal entries can
// be tested with a fake that records them.

#include <span>
#include <string_view>

namespace chief::service {

// Sends one journal entry per call. Each element is one complete "FIELD=value" item; the value
// is binary-safe (it may hold NUL bytes, newlines and invalid UTF-8), because its length is
// explicit. The referenced bytes need to stay valid only for the duration of the call.
class JournalWriter {
public:
    virtual ~JournalWriter() = default;
    // Returns 0 on success or a negative errno value, as sd_journal_sendv(3) does.
    virtual int write(std::span<const std::string_view> fields) = 0;
};

// True for a name journald stores from an unprivileged client: 1-64 characters of A-Z, 0-9 and
// '_', not starting with a digit or '_' (a leading '_' marks trusted fields journald sets itself;
// journald silently drops entries' fields that break these rules, so we check before sending).
bool isValidJournalFieldName(std::string_view name);

}  // namespace chief::service
