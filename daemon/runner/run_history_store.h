#pragma once
// RunHistoryStore: the last runs of each job, kept in the state directory so `status` and
// `history` survive restarts. One small JSON file per job, replaced atomically.

#include <deque>
#include <set>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "chief/run_event.h"

namespace chief::daemon {

// Bounded, crash-safe run history. Writes go to "<dir>/runs/<job>.json.tmp", are fsync'ed and
// renamed over "<dir>/runs/<job>.json", so a crash leaves the old or the new file, never a
// torn one. A file that cannot be parsed is set aside as "<job>.json.corrupt" and logged once.
class RunHistoryStore {
public:
    // `directory` is chiefd's state directory; nothing is written when it is empty.
    RunHistoryStore(std::string directory, std::size_t perJob = 50);

    // Reads every job's file; returns one message per file that could not be used.
    std::vector<std::string> load();

    // Adds a finished run in memory; its job's file is rewritten at the next flush().
    void record(const RunRecord& run);

    // One job file's new content, serialized; writing it is separate so that the I/O (an fsync
    // per file) can happen away from the event loop.
    struct FileWrite {
        std::string path;
        std::string text;
    };
    // Serializes every job file changed since the last call, and forgets that they changed.
    std::vector<FileWrite> takeChanges();
    // Writes them (creating <dir>/runs first); returns the first error, if any. Touches no member
    // state, so it may run on another thread while the store is used.
    static std::optional<std::string> write(const std::string& directory, const std::vector<FileWrite>& files);

    // takeChanges() and write() in one go. chiefd writes a second after a run ends (so a burst
    // of runs costs one write per job, not one fsync per run) and when it stops; a crash loses
    // at most that last second.
    std::optional<std::string> flush() { return write(directory_, takeChanges()); }
    bool dirty() const { return !dirty_.empty(); }

    // Newest first.
    std::vector<RunRecord> history(const std::string& job, std::size_t limit = 0) const;
    std::optional<RunRecord> last(const std::string& job) const;
    const std::string& directory() const { return directory_; }

private:
    std::string directory_;
    std::size_t perJob_;
    std::map<std::string, std::deque<RunRecord>> runs_;  // oldest first
    std::set<std::string> dirty_;
};

// JSON form of a run record (also what `chiefctl history --json` prints).
std::string runRecordJson(const RunRecord& run);

}  // namespace chief::daemon
