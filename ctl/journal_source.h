#pragma once
// JournalSource: the journal as `chiefctl logs` reads it. SystemJournal reads this machine's
// through sd-journal; the unit tests give the verb a fake.

#include <functional>
#include <optional>
#include <string>

#include "chief/bus_types.h"
#include "chief/result.h"
#include "chief/time_types.h"
#include "journal_entry.h"

namespace chief::ctl {

// Which entries: FIELD=VALUE (CHIEF_JOB or CHIEF_RUN_ID) written by `senderUid` (the trusted
// _UID, which journald sets and no sender can: chiefd's uid), from `since` on, the last `last`.
struct JournalQuery {
    std::string field;
    std::string value;
    unsigned senderUid = 0;
    std::optional<SysSeconds> since;
    std::optional<unsigned> last;
};

class JournalSource {
public:
    virtual ~JournalSource() = default;
    // Why no journal can be read here at all, or "" when one can.
    virtual std::string unavailableReason() = 0;
    // Passes the matching entries to `each`, oldest first; returns how many there were.
    virtual Result<std::size_t> read(const JournalQuery& query, const std::function<void(const JournalEntry&)>& each) = 0;
    // After read(): waits for new matching entries and passes each on, until `each` returns
    // false (or reading fails, the error).
    virtual Result<bus::Done> follow(const std::function<bool(const JournalEntry&)>& each) = 0;
};

}  // namespace chief::ctl
