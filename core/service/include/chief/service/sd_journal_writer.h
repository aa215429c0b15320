#pragma once
// SdJournalWriter: the real JournalWriter, sending entries to journald with sd_journal_sendv.

#include "chief/service/journal_writer.h"

namespace chief::service {

// Sends each entry over journald's native protocol socket (/run/systemd/journal/socket).
// Stateless and safe to share; sd_journal_sendv itself is thread-safe.
// Note: libsystemd reports success when that socket does not exist (no journald: it drops the
// entry on purpose), so a missing journal is not an error here; see journalSocketPresent().
// Errors it does return: -ECONNREFUSED (socket left behind, journald gone), -EAGAIN/-ENOBUFS,
// -EINVAL (an item without '=' or with an empty name).
class SdJournalWriter final : public JournalWriter {
public:
    int write(std::span<const std::string_view> fields) override;
};

}  // namespace chief::service
