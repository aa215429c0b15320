#pragma once
// WalCheckpointer: copies the SQLite write-ahead log back into the database file on a thread
// of its own, through a connection of its own. Left to SQLite, that copy (and its sync) runs
// inside whichever commit crosses the threshold, stalling ingest for tens of milliseconds; here
// it runs beside the writer (WAL allows one checkpointer alongside one writer).

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace chief::monitor {

class WalCheckpointer {
public:
    // Checkpoints `path` whenever the log holds at least `thresholdPages` pages (and at least
    // once a second while it holds any). Past `truncatePages` it waits for the writer to pause
    // and truncates the log, so a sustained load cannot grow it without bound. A checkpoint
    // copies each page once however many commits rewrote it, so a longer window copies less:
    // under sustained ingest a job's index leaf and check row are rewritten every ~20 commits;
    // 8,000 pages (32 MiB of log) instead of 1,000 cut this thread's CPU per event by a third.
    WalCheckpointer(std::string path, std::int64_t thresholdPages = 8000, std::int64_t truncatePages = 16384);
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    // The writer committed; its log now holds `pages` pages. Cheap; any thread.
    void committed(std::int64_t pages);

    std::uint64_t checkpoints() const;

private:
    void run();

    std::string path_;
    std::int64_t thresholdPages_;
    std::int64_t truncatePages_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::int64_t walPages_ = 0;
    std::uint64_t checkpoints_ = 0;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace chief::monitor
