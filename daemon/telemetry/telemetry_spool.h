#pragma once
// TelemetrySpool: the file (JSON Lines, one contract event per line) that holds every event
// until the monitor has acknowledged it. Events are appended before they are sent and removed
// only after a 2xx, so neither an outage nor a crash loses them (docs/telemetry.md).
//
// Every operation takes "<spool>.lock" (flock), which chiefd and `chiefd --once` share; removal
// rewrites the file into a temporary one and renames it over the spool, so a crash leaves either
// the old or the new file, never half of one. Files are opened with O_NOFOLLOW.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chief/config_model.h"
#include "chief/result.h"

namespace chief::daemon::telemetry {

// One spooled event: its id and its line (the wire JSON, without the newline).
struct SpoolRecord {
    std::string id;
    std::string line;
};

// Where a reader has got to: the byte offset just past the last record it took, and that
// record's id, which tells whether the offset still means the same place after another process
// rewrote the file (then the id is looked up again).
struct SpoolCursor {
    std::uint64_t offset = 0;
    std::string lastId;
};

// What one read found.
struct SpoolRead {
    std::vector<SpoolRecord> records;  // oldest first
    SpoolCursor end;                   // past the last record (and past skipped lines)
    std::size_t corruptLines = 0;      // lines that are not events, skipped (and passed)
    bool tornTail = false;             // the file ends in a line without its newline (a crash mid-write)
    bool more = false;                 // records beyond the limits remain
};

struct AppendOutcome {
    std::size_t dropped = 0;  // oldest events removed to stay within the byte bound
};

class TelemetrySpool {
public:
    // `maxBytes` bounds the spool file (<= 0: unbounded).
    TelemetrySpool(std::string path, std::int64_t maxBytes);

    const std::string& path() const { return path_; }
    std::string deadPath() const { return path_ + ".dead"; }
    std::string lockPath() const { return path_ + ".lock"; }

    // Appends `lines` (one event each, no newline) with one write and one fsync. When the file
    // would exceed the bound, the oldest events are dropped first (down to 90% of it, so that
    // a long outage rewrites the file now and then rather than at every append).
    Result<AppendOutcome> append(const std::vector<std::string>& lines);

    // Up to `maxEvents` records and about `maxBytes` of them, starting at `from`.
    Result<SpoolRead> read(const SpoolCursor& from, std::size_t maxEvents, std::size_t maxBytes) const;

    // Removes everything up to `acked` (the monitor has it). The file is rewritten only when
    // that is worth it (all of it acknowledged, or at least 1 MiB or half of it); the cursor to
    // read on from is returned either way.
    Result<SpoolCursor> removeThrough(const SpoolCursor& acked);

    // Removes the records with these ids wherever they are (chiefd --once: only its own).
    Result<std::size_t> removeIds(const std::set<std::string>& ids);

    // Appends lines to "<spool>.dead" (events the monitor refused), one write and one fsync,
    // within the same byte bound as the spool: the oldest entries are dropped first (down to 90%
    // of it) and counted in the outcome.
    Result<AppendOutcome> appendDead(const std::vector<std::string>& lines);

    // Moves the events of "<spool>.dead" back into the spool (chiefctl telemetry replay-dead),
    // under the lock; returns how many.
    Result<std::size_t> replayDead();

    // Records in the file from `from` on (counts lines; for the status display at start).
    Result<std::size_t> countFrom(const SpoolCursor& from) const;

    // The id of a spooled line, without parsing all of it; nullopt for a line that is not an
    // event chiefd wrote (the whole line is checked to be JSON too).
    static std::optional<std::string> idOfLine(const std::string& line);

private:
    Result<AppendOutcome> appendLocked(const std::vector<std::string>& lines);

    std::string path_;
    std::int64_t maxBytes_;
};

// The spool file for a config: monitor.buffer.spool_file, else <state dir>/telemetry_spool.jsonl.
std::string spoolPathFor(const MonitorSettings& monitor, const std::string& stateDirectory);

}  // namespace chief::daemon::telemetry
