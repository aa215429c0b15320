#pragma once
// RunHistoryStore: the last runs of each job, kept in the state directory so `status` and
// `history` survive restarts. One small JSON file per job, replaced atomically.

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chief/run_event.h"

namespace chief::daemon {

// Bounded, crash-safe run history shared by chiefd and `chiefd --once`.
// - A run is recorded when it starts (result unset) and again when it ends, so a run that a
//   crash cut short is found at the next start and marked `interrupted`.
// - Each job file is rewritten under its lock ("<dir>/runs/<job>.lock"): the writer reads the
//   file, merges the runs other processes added (by run id), writes a new temporary file
//   (O_EXCL|O_NOFOLLOW, a fresh name), fsyncs it and renames it over "<job>.json", so a crash
//   leaves the old or the new file, never a torn one, and a planted symlink is never followed.
// - A file that cannot be used (not JSON, wrong types, a version this chiefd does not know, not
//   a regular file) is moved aside as "<job>.json.corrupt" and reported once; never overwritten.
class RunHistoryStore {
public:
    // The history format this chiefd writes and reads.
    static constexpr int kFormatVersion = 1;
    // Largest job file read; far above 50 runs of any job.
    static constexpr std::size_t kMaxFileBytes = 16 * 1024 * 1024;

    // `directory` is chiefd's state directory; nothing is written when it is empty.
    explicit RunHistoryStore(std::string directory, std::size_t perJob = 50);

    // Reads every job's file; returns one message per file that could not be used.
    std::vector<std::string> load();

    // Adds a run, or replaces the run with the same id (its start, then its end); its job's
    // file is rewritten at the next write.
    void record(const RunRecord& run);

    // Runs recorded as started that never ended (chiefd stopped or crashed while they ran):
    // they are marked RunResult::Interrupted (their end time unknown) and returned, oldest first.
    std::vector<RunRecord> interruptUnfinished();

    // One job file's pending rewrite: what chiefd holds for the job, to be merged with the file.
    struct FileWrite {
        std::string job;
        std::vector<RunRecord> runs;  // oldest first
    };
    // Identifies one version of a job file, to notice when another process rewrote it.
    struct FileStamp {
        std::uint64_t inode = 0;
        std::int64_t mtimeNs = 0;
        std::int64_t size = 0;
        bool operator==(const FileStamp&) const = default;
    };
    // What a write found and did: per job, the merged list (which may hold runs that another
    // process wrote), the stamp of each file written, and the first error.
    struct WriteOutcome {
        std::vector<FileWrite> merged;
        std::vector<std::pair<std::string, FileStamp>> written;
        std::optional<std::string> error;
    };
    // Every job changed since the last call, and forgets that they changed.
    std::vector<FileWrite> takeChanges();
    // Merges and writes them (creating <dir>/runs, 0750, first). Touches no member state, so it
    // may run on another thread while the store is used.
    static WriteOutcome write(const std::string& directory, std::vector<FileWrite> files, std::size_t perJob);
    // Takes in a write's outcome: runs another process wrote (runs chiefd holds win), and the
    // stamps of the files as chiefd left them.
    void adopt(const WriteOutcome& outcome);
    // Re-reads the job files another process (chiefd --once from cron) changed since chiefd last
    // read or wrote them, and takes in their runs. A stat per file: cheap enough for the calls
    // that show history. Returns the problems, like load().
    std::vector<std::string> refresh();

    // takeChanges(), write() and adopt() in one go, on the calling thread.
    std::optional<std::string> flush();
    bool dirty() const { return !dirty_.empty(); }
    std::size_t perJob() const { return perJob_; }

    // Newest first; with finishedOnly, without the runs still in progress (or whose end this
    // process has not seen yet).
    std::vector<RunRecord> history(const std::string& job, std::size_t limit = 0, bool finishedOnly = false) const;
    std::optional<RunRecord> last(const std::string& job) const;
    // The run with this id, of any job.
    const RunRecord* find(const RunId& id) const;
    // The newest run that has ended (what status displays call the last result).
    std::optional<RunRecord> lastFinished(const std::string& job) const;
    const std::string& directory() const { return directory_; }

private:
    void insert(std::deque<RunRecord>& runs, const RunRecord& run) const;
    void adoptRuns(const std::string& job, const std::vector<RunRecord>& runs);

    std::string directory_;
    std::size_t perJob_;
    std::map<std::string, std::deque<RunRecord>> runs_;  // oldest first (by run id)
    std::set<std::string> dirty_;
    std::map<std::string, FileStamp> stamps_;  // per job: the file as chiefd last read or wrote it
};

}  // namespace chief::daemon
