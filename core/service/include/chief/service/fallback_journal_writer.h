#pragma once
// FallbackJournalWriter: keeps log entries when journald refuses them (journald stopped or
// restarting, send buffer full) by printing them to stderr instead. A journal socket that does not
// exist at all is not seen here: libsystemd drops those entries and reports success (see
// SdJournalWriter), which main() guards against with journalSocketPresent().

#include <cstddef>
#include <iosfwd>

#include "chief/service/journal_writer.h"

namespace chief::service {

// Sends each entry to `primary`; when that fails, prints the entry as a console line (see
// formatConsoleLine) to `fallback`. The first failure also prints one note saying what failed,
// so a missing journal costs one extra line, not one per entry. Every entry still tries the
// journal first, so logging returns there by itself once journald is back.
// Shared by the logger and all output sinks, so the note appears once per process, not per entry.
class FallbackJournalWriter final : public JournalWriter {
public:
    FallbackJournalWriter(JournalWriter& primary, std::ostream& fallback) : primary_(primary), fallback_(fallback) {}
    // Returns 0 when the entry went to the journal or to the fallback stream, else the journal's error.
    int write(std::span<const std::string_view> fields) override;
    // Entries the journal refused so far.
    std::size_t failures() const { return failures_; }

private:
    JournalWriter& primary_;
    std::ostream& fallback_;
    std::size_t failures_ = 0;
};

}  // namespace chief::service
