#include "telemetry/telemetry_spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstdio>
#include <system_error>

#include <nlohmann/json.hpp>

#include "state/file_lock.h"

namespace chief::daemon::telemetry {

namespace {

constexpr std::size_t kChunk = 256 * 1024;
// Rewriting the file to drop an acknowledged prefix costs a copy of the rest: done when the
// prefix is large enough that the copy is cheap in comparison.
constexpr std::uint64_t kCompactPrefixBytes = 1024 * 1024;

std::string errnoText(int error) { return std::system_category().message(error); }

// A file descriptor closed on every way out.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }
    bool ok() const { return fd_ >= 0; }

private:
    int fd_;
};

Result<FileLock> lockSpool(const std::string& lockPath) { return FileLock::acquire(lockPath, FileLock::Wait::Block); }

Result<bool> writeAll(int fd, const std::string& data, const std::string& path) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return makeError("cannot write " + path + ": " + errnoText(errno));
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// The whole file, or "" when it does not exist.
Result<std::string> readWhole(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.ok()) {
        if (errno == ENOENT) return std::string();
        return makeError("cannot open " + path + ": " + errnoText(errno));
    }
    std::string data;
    char buffer[kChunk];
    while (true) {
        const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            return makeError("cannot read " + path + ": " + errnoText(errno));
        }
        if (n == 0) break;
        data.append(buffer, static_cast<std::size_t>(n));
    }
    return data;
}

// Replaces `path` by `content`: a temporary file beside it, fsync'ed, renamed over it, and the
// directory fsync'ed, so that a crash leaves the old file or the new one.
Result<bool> replaceFile(const std::string& path, const std::string& content) {
    const std::string temporary = path + ".tmp";
    ::unlink(temporary.c_str());  // a leftover of a crash; O_EXCL below refuses anything planted
    Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640));
    if (!fd.ok()) return makeError("cannot create " + temporary + ": " + errnoText(errno));
    if (auto written = writeAll(fd.get(), content, temporary); !written) return written;
    if (::fsync(fd.get()) != 0) return makeError("cannot fsync " + temporary + ": " + errnoText(errno));
    if (::rename(temporary.c_str(), path.c_str()) != 0) return makeError("cannot rename " + temporary + ": " + errnoText(errno));
    const auto slash = path.rfind('/');
    const std::string directory = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    Fd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.ok()) ::fsync(dir.get());
    return true;
}

// Replaces `path` by its bytes from `offset` on, copied in chunks (a spool grown during an
// outage is not read into memory whole), with the same temporary-file-and-rename steps.
Result<bool> replaceWithTail(const std::string& path, std::uint64_t offset) {
    Fd source(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!source.ok()) return makeError("cannot open " + path + ": " + errnoText(errno));
    const std::string temporary = path + ".tmp";
    ::unlink(temporary.c_str());
    Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640));
    if (!fd.ok()) return makeError("cannot create " + temporary + ": " + errnoText(errno));
    std::string buffer(kChunk, '\0');
    while (true) {
        const ssize_t n = ::pread(source.get(), buffer.data(), buffer.size(), static_cast<off_t>(offset));
        if (n < 0) {
            if (errno == EINTR) continue;
            return makeError("cannot read " + path + ": " + errnoText(errno));
        }
        if (n == 0) break;
        offset += static_cast<std::uint64_t>(n);
        if (auto written = writeAll(fd.get(), buffer.substr(0, static_cast<std::size_t>(n)), temporary); !written) return written;
    }
    if (::fsync(fd.get()) != 0) return makeError("cannot fsync " + temporary + ": " + errnoText(errno));
    if (::rename(temporary.c_str(), path.c_str()) != 0) return makeError("cannot rename " + temporary + ": " + errnoText(errno));
    const auto slash = path.rfind('/');
    const std::string directory = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    Fd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.ok()) ::fsync(dir.get());
    return true;
}

// Where `cursor` points in `data`: its offset when the line ending there has its id (nobody
// rewrote the file since), else just past the line with that id, else the start (everything
// is sent again: at least once, and the monitor drops the repeats).
std::uint64_t resolve(const std::string& data, const SpoolCursor& cursor) {
    if (cursor.offset == 0) return 0;
    // Past lines that were skipped, before any record: only the line boundary can be checked.
    if (cursor.lastId.empty()) return cursor.offset <= data.size() && data[cursor.offset - 1] == '\n' ? cursor.offset : 0;
    if (cursor.offset <= data.size() && data[cursor.offset - 1] == '\n') {
        const auto start = cursor.offset >= 2 ? data.rfind('\n', cursor.offset - 2) : std::string::npos;
        const std::size_t lineStart = start == std::string::npos ? 0 : start + 1;
        const std::string line = data.substr(lineStart, cursor.offset - 1 - lineStart);
        if (TelemetrySpool::idOfLine(line) == cursor.lastId) return cursor.offset;
    }
    std::size_t pos = 0;
    while (pos < data.size()) {
        const auto newline = data.find('\n', pos);
        if (newline == std::string::npos) break;
        if (TelemetrySpool::idOfLine(data.substr(pos, newline - pos)) == cursor.lastId) return newline + 1;
        pos = newline + 1;
    }
    return 0;
}

// resolve() without reading the whole file when the cursor is still good (the usual case: only
// this process removes what it sent). Also gives the file's size.
Result<std::uint64_t> resolveInFile(const std::string& path, const SpoolCursor& cursor, std::uint64_t& size) {
    size = 0;
    Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.ok()) {
        if (errno == ENOENT) return std::uint64_t{0};
        return makeError("cannot open " + path + ": " + errnoText(errno));
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) return makeError("cannot stat " + path + ": " + errnoText(errno));
    size = static_cast<std::uint64_t>(info.st_size);
    if (cursor.offset == 0) return std::uint64_t{0};
    if (cursor.offset <= size) {
        const std::uint64_t window = std::min<std::uint64_t>(cursor.offset, 256 * 1024);
        std::string tail(window, '\0');
        const ssize_t n = ::pread(fd.get(), tail.data(), window, static_cast<off_t>(cursor.offset - window));
        if (n == static_cast<ssize_t>(window) && !tail.empty() && tail.back() == '\n') {
            const auto start = tail.size() >= 2 ? tail.rfind('\n', tail.size() - 2) : std::string::npos;
            const std::size_t lineStart = start == std::string::npos ? 0 : start + 1;
            if (cursor.lastId.empty()) return cursor.offset;
            if ((start != std::string::npos || window == cursor.offset) &&
                TelemetrySpool::idOfLine(tail.substr(lineStart, tail.size() - 1 - lineStart)) == cursor.lastId)
                return cursor.offset;
        }
    }
    auto whole = readWhole(path);
    if (!whole) return makeError(whole.error());
    return resolve(whole.value(), cursor);
}

// Reads the part of the spool from `offset` on, at most `limit` bytes.
Result<std::string> readFrom(const std::string& path, std::uint64_t offset, std::size_t limit, bool& atEnd) {
    atEnd = true;
    Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.ok()) {
        if (errno == ENOENT) return std::string();
        return makeError("cannot open " + path + ": " + errnoText(errno));
    }
    std::string data(limit, '\0');
    std::size_t got = 0;
    while (got < limit) {
        const ssize_t n = ::pread(fd.get(), data.data() + got, limit - got, static_cast<off_t>(offset + got));
        if (n < 0) {
            if (errno == EINTR) continue;
            return makeError("cannot read " + path + ": " + errnoText(errno));
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    data.resize(got);
    if (got == limit) {
        char probe;
        atEnd = ::pread(fd.get(), &probe, 1, static_cast<off_t>(offset + got)) == 0;
    }
    return data;
}

// Appends `lines` to `path` with one write and one fsync, within `maxBytes` (<= 0: unbounded):
// when the file would pass it, whole lines are dropped from the front until old + new fit in 90%
// of it (so that a file at its bound is rewritten now and then, not at every append). `what`
// names the file in errors. The caller holds the spool's lock.
Result<AppendOutcome> appendBounded(const std::string& path, const std::vector<std::string>& lines, std::int64_t maxBytes,
                                    const std::string& what) {
    AppendOutcome outcome;
    std::string data;
    for (const std::string& line : lines) {
        data += line;
        data += '\n';
    }
    Fd fd(::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640));
    if (!fd.ok()) return makeError("cannot open " + what + " " + path + ": " + errnoText(errno));
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) return makeError("cannot stat " + path + ": " + errnoText(errno));
    if (!S_ISREG(info.st_mode)) return makeError(path + " is not a regular file");
    if (info.st_size > 0) {
        // A crash mid-write left a line without its newline: end it, so that it stays one
        // (skipped) corrupt line instead of spoiling the first line appended now.
        char last = '\n';
        if (::pread(fd.get(), &last, 1, info.st_size - 1) == 1 && last != '\n') data.insert(data.begin(), '\n');
    }
    const auto total = static_cast<std::int64_t>(info.st_size) + static_cast<std::int64_t>(data.size());
    if (maxBytes > 0 && total > maxBytes) {
        // Keep the newest: drop whole lines from the front until old + new fit in 90% of the
        // bound (found in chunks, the rest copied in chunks: bounded memory at any spool size).
        const auto target = static_cast<std::uint64_t>(maxBytes) / 10 * 9;
        const auto size = static_cast<std::uint64_t>(info.st_size);
        const std::uint64_t need = size + data.size() > target ? size + data.size() - target : 0;
        std::uint64_t cut = 0;
        for (std::uint64_t offset = 0; offset < size && cut < need;) {
            bool atEnd = true;
            auto chunk = readFrom(path, offset, kChunk, atEnd);
            if (!chunk) return makeError(chunk.error());
            const std::string& text = chunk.value();
            if (text.empty()) break;
            for (std::size_t i = 0; i < text.size() && cut < need; ++i) {
                if (text[i] != '\n') continue;
                cut = offset + i + 1;
                ++outcome.dropped;
            }
            offset += text.size();
        }
        if (cut < need) {
            // Everything old goes; the new lines alone may still exceed it: keep their tail.
            cut = size;
        }
        if (auto replaced = replaceWithTail(path, cut); !replaced) return makeError(replaced.error());
        Fd fresh(::open(path.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC));
        if (!fresh.ok()) return makeError("cannot open " + what + " " + path + ": " + errnoText(errno));
        if (cut == size && !data.empty() && data.front() == '\n') data.erase(0, 1);
        if (auto written = writeAll(fresh.get(), data, path); !written) return makeError(written.error());
        if (::fsync(fresh.get()) != 0) return makeError("cannot fsync " + path + ": " + errnoText(errno));
        return outcome;
    }
    if (auto written = writeAll(fd.get(), data, path); !written) return makeError(written.error());
    if (::fsync(fd.get()) != 0) return makeError("cannot fsync " + path + ": " + errnoText(errno));
    return outcome;
}

}  // namespace

TelemetrySpool::TelemetrySpool(std::string path, std::int64_t maxBytes) : path_(std::move(path)), maxBytes_(maxBytes) {}

std::optional<std::string> TelemetrySpool::idOfLine(const std::string& line) {
    // chiefd writes eventId as a plain string; a line where it is missing or the JSON is broken
    // is not one of ours (a torn write, or an edit by hand).
    static constexpr std::string_view kKey = "\"eventId\":\"";
    const auto at = line.find(kKey);
    if (at == std::string::npos) return std::nullopt;
    const auto start = at + kKey.size();
    const auto end = line.find('"', start);
    if (end == std::string::npos || end == start) return std::nullopt;
    if (!nlohmann::json::accept(line)) return std::nullopt;
    return line.substr(start, end - start);
}

Result<AppendOutcome> TelemetrySpool::append(const std::vector<std::string>& lines) {
    if (lines.empty()) return AppendOutcome{};
    auto lock = lockSpool(lockPath());
    if (!lock) return makeError(lock.error());
    return appendLocked(lines);
}

Result<AppendOutcome> TelemetrySpool::appendLocked(const std::vector<std::string>& lines) {
    return appendBounded(path_, lines, maxBytes_, "the telemetry spool");
}

Result<SpoolRead> TelemetrySpool::read(const SpoolCursor& from, std::size_t maxEvents, std::size_t maxBytes) const {
    auto lock = lockSpool(lockPath());
    if (!lock) return makeError(lock.error());
    SpoolRead result;
    std::uint64_t offset = from.offset;
    std::string lastId = from.lastId;
    if (offset > 0) {
        std::uint64_t size = 0;
        auto resolved = resolveInFile(path_, from, size);
        if (!resolved) return makeError(resolved.error());
        offset = resolved.value();
        if (offset == 0) lastId.clear();
    }
    bool atEnd = true;
    // A line of an event is far below 1 MiB (the contract bounds each field); read a bit more
    // than asked so that the last record fits.
    auto chunk = readFrom(path_, offset, maxBytes + 256 * 1024, atEnd);
    if (!chunk) return makeError(chunk.error());
    const std::string& data = chunk.value();
    std::size_t pos = 0;
    std::size_t bytes = 0;
    while (pos < data.size()) {
        const auto newline = data.find('\n', pos);
        if (newline == std::string::npos) {
            if (atEnd) result.tornTail = true;
            else if (pos == 0) {
                // One line longer than the whole window: not an event chiefd wrote; skip it.
                ++result.corruptLines;
                pos = data.size();
            }
            result.more = !atEnd;
            break;
        }
        const std::size_t length = newline - pos;
        if (result.records.size() >= maxEvents || (!result.records.empty() && bytes + length > maxBytes)) {
            result.more = true;
            break;
        }
        std::string line = data.substr(pos, length);
        pos = newline + 1;
        if (line.empty()) continue;
        auto id = idOfLine(line);
        if (!id) {
            ++result.corruptLines;
            lastId.clear();  // the cursor now ends after a line with no id: checked by its boundary
            continue;
        }
        bytes += length + 1;
        lastId = *id;
        result.records.push_back({std::move(*id), std::move(line)});
    }
    result.end = SpoolCursor{offset + pos, lastId};
    return result;
}

Result<SpoolCursor> TelemetrySpool::removeThrough(const SpoolCursor& acked) {
    auto lock = lockSpool(lockPath());
    if (!lock) return makeError(lock.error());
    std::uint64_t size = 0;
    auto resolved = resolveInFile(path_, acked, size);
    if (!resolved) return makeError(resolved.error());
    const std::uint64_t offset = resolved.value();
    if (offset == 0) return SpoolCursor{};
    if (offset < size && offset < kCompactPrefixBytes && offset * 2 < size) return SpoolCursor{offset, acked.lastId};
    if (auto replaced = replaceWithTail(path_, offset); !replaced) return makeError(replaced.error());
    return SpoolCursor{};
}

Result<std::size_t> TelemetrySpool::removeIds(const std::set<std::string>& ids) {
    if (ids.empty()) return std::size_t{0};
    auto lock = lockSpool(lockPath());
    if (!lock) return makeError(lock.error());
    auto whole = readWhole(path_);
    if (!whole) return makeError(whole.error());
    const std::string& data = whole.value();
    std::string kept;
    kept.reserve(data.size());
    std::size_t removed = 0;
    std::size_t pos = 0;
    while (pos < data.size()) {
        auto newline = data.find('\n', pos);
        const bool complete = newline != std::string::npos;
        if (!complete) newline = data.size();
        const std::string line = data.substr(pos, newline - pos);
        pos = newline + 1;
        const auto id = idOfLine(line);
        if (complete && id && ids.count(*id)) {
            ++removed;
            continue;
        }
        kept += line;
        if (complete) kept += '\n';
    }
    if (removed == 0) return removed;
    if (auto replaced = replaceFile(path_, kept); !replaced) return makeError(replaced.error());
    return removed;
}

Result<AppendOutcome> TelemetrySpool::appendDead(const std::vector<std::string>& lines) {
    if (lines.empty()) return AppendOutcome{};
    auto lock = lockSpool(lockPath());
    if (!lock) return makeError(lock.error());
    // Bounded like the spool, by the same spool_max_bytes: a monitor that refuses everything
    // must not fill the disk through the dead file either.
    return appendBounded(deadPath(), lines, maxBytes_, "the dead-event file");
}

Result<std::size_t> TelemetrySpool::replayDead() {
    auto lock = lockSpool(lockPath());
    if (!lock) return makeError(lock.error());
    auto dead = readWhole(deadPath());
    if (!dead) return makeError(dead.error());
    std::vector<std::string> lines;
    std::size_t pos = 0;
    const std::string& data = dead.value();
    while (pos < data.size()) {
        auto newline = data.find('\n', pos);
        if (newline == std::string::npos) newline = data.size();
        const auto entry = nlohmann::json::parse(data.substr(pos, newline - pos), nullptr, false);
        pos = newline + 1;
        // The event as it was refused, with its eventId: the monitor drops it if it ever got it.
        if (entry.is_object() && entry.contains("event") && entry["event"].is_object())
            lines.push_back(entry["event"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    if (lines.empty()) return std::size_t{0};
    if (auto appended = appendLocked(lines); !appended) return makeError(appended.error());
    if (auto emptied = replaceFile(deadPath(), ""); !emptied) return makeError(emptied.error());
    return lines.size();
}

Result<std::size_t> TelemetrySpool::countFrom(const SpoolCursor& from) const {
    auto lock = lockSpool(lockPath());
    if (!lock) return makeError(lock.error());
    std::uint64_t size = 0;
    auto start = resolveInFile(path_, from, size);
    if (!start) return makeError(start.error());
    // Counted in chunks: at start the spool may hold a long outage's worth.
    std::size_t count = 0;
    for (std::uint64_t offset = start.value(); offset < size;) {
        bool atEnd = true;
        auto chunk = readFrom(path_, offset, kChunk, atEnd);
        if (!chunk) return makeError(chunk.error());
        if (chunk.value().empty()) break;
        count += static_cast<std::size_t>(std::count(chunk.value().begin(), chunk.value().end(), '\n'));
        offset += chunk.value().size();
    }
    return count;
}

// Here, not in the emitter, so that chiefctl's replay-dead finds the spool without linking the
// sender (and libcurl).
std::string spoolPathFor(const MonitorSettings& monitor, const std::string& stateDirectory) {
    if (!monitor.buffer.spoolFile.empty()) return monitor.buffer.spoolFile;
    return (stateDirectory.empty() ? std::string(".") : stateDirectory) + "/telemetry_spool.jsonl";
}

}  // namespace chief::daemon::telemetry
