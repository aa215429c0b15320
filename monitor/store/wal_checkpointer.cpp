#include "monitor/store/wal_checkpointer.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>

namespace chief::monitor {

WalCheckpointer::WalCheckpointer(std::string path, std::int64_t thresholdPages, std::int64_t truncatePages)
    : path_(std::move(path)), thresholdPages_(thresholdPages), truncatePages_(truncatePages), thread_([this] { run(); }) {}

WalCheckpointer::~WalCheckpointer() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void WalCheckpointer::committed(std::int64_t pages) {
    bool due = false;
    {
        const std::lock_guard lock(mutex_);
        walPages_ = pages;
        due = pages >= thresholdPages_;
    }
    if (due) wake_.notify_one();
}

std::uint64_t WalCheckpointer::checkpoints() const {
    const std::lock_guard lock(mutex_);
    return checkpoints_;
}

void WalCheckpointer::run() {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        // Without a connection of our own, SQLite's automatic checkpoints still bound the log.
        sqlite3_close(db);
        return;
    }
    sqlite3_busy_timeout(db, 5000);
    // A connection learns that the file is in WAL mode on its first read; until then a
    // checkpoint through it does nothing.
    sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    std::unique_lock lock(mutex_);
    bool progressed = true;
    while (!stopping_) {
        // After a checkpoint that could copy nothing (the writer's newest frames are not safe to
        // copy yet), wait for the next commit or a short while rather than spin.
        if (progressed)
            wake_.wait_for(lock, std::chrono::seconds{1}, [this] { return stopping_ || walPages_ >= thresholdPages_; });
        else
            wake_.wait_for(lock, std::chrono::milliseconds{50}, [this] { return stopping_; });
        if (stopping_) break;
        if (walPages_ == 0) continue;
        const bool truncate = walPages_ >= truncatePages_;
        lock.unlock();
        int logPages = 0;
        int copied = 0;
        sqlite3_wal_checkpoint_v2(db, nullptr, truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE,
                                  &logPages, &copied);
        lock.lock();
        ++checkpoints_;
        // The log is reused from its start once everything in it is copied; until the writer
        // says otherwise, count what is left.
        if (logPages >= 0 && copied >= 0) walPages_ = std::min<std::int64_t>(walPages_, logPages - copied);
        progressed = copied > 0;
    }
    lock.unlock();
    sqlite3_close_v2(db);
}

}  // namespace chief::monitor
