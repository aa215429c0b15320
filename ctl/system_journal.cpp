#include "system_journal.h"

#include <systemd/sd-journal.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <deque>

namespace chief::ctl {

namespace {

std::string errorText(int negativeErrno) { return std::strerror(-negativeErrno); }

// FIELD's value in the current entry, or "" when it has none.
std::string fieldOf(sd_journal* journal, const char* field) {
    const void* data = nullptr;
    std::size_t length = 0;
    if (sd_journal_get_data(journal, field, &data, &length) < 0) return {};
    const std::size_t prefix = std::strlen(field) + 1;  // "FIELD="
    if (length < prefix) return {};
    return std::string(static_cast<const char*>(data) + prefix, length - prefix);
}

std::optional<long long> numberOf(const std::string& text) {
    long long value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

JournalEntry currentEntry(sd_journal* journal) {
    JournalEntry entry;
    std::uint64_t usec = 0;
    if (sd_journal_get_realtime_usec(journal, &usec) >= 0)
        entry.time = SysMicros{std::chrono::microseconds{static_cast<std::int64_t>(usec)}};
    if (const auto priority = numberOf(fieldOf(journal, "PRIORITY")); priority && *priority >= 0 && *priority <= 7)
        entry.priority = static_cast<int>(*priority);
    entry.identifier = fieldOf(journal, "SYSLOG_IDENTIFIER");
    entry.pid = numberOf(fieldOf(journal, "SYSLOG_PID"));
    if (!entry.pid) entry.pid = numberOf(fieldOf(journal, "_PID"));
    entry.job = fieldOf(journal, "CHIEF_JOB");
    entry.runId = fieldOf(journal, "CHIEF_RUN_ID");
    entry.stream = fieldOf(journal, "CHIEF_STREAM");
    entry.message = fieldOf(journal, "MESSAGE");
    return entry;
}

SysMicros timeOf(sd_journal* journal) {
    std::uint64_t usec = 0;
    sd_journal_get_realtime_usec(journal, &usec);
    return SysMicros{std::chrono::microseconds{static_cast<std::int64_t>(usec)}};
}

}  // namespace

SystemJournal::SystemJournal() {
    if (const int r = sd_journal_open(&journal_, SD_JOURNAL_LOCAL_ONLY); r < 0) {
        journal_ = nullptr;
        openError_ = "cannot open the journal: " + errorText(r);
    }
}

SystemJournal::~SystemJournal() {
    if (journal_) sd_journal_close(journal_);
}

std::string SystemJournal::unavailableReason() {
    if (!journal_) return openError_;
    if (!unavailable_) {
        sd_journal_flush_matches(journal_);
        unavailable_ = sd_journal_seek_head(journal_) < 0 || sd_journal_next(journal_) <= 0
                           ? "there is no journal here that you may read (no systemd-journald, or none of its files "
                             "are readable by you)"
                           : "";
    }
    return *unavailable_;
}

Result<std::size_t> SystemJournal::read(const JournalQuery& query, const std::function<void(const JournalEntry&)>& each) {
    if (!journal_) return makeError(openError_);
    sd_journal_flush_matches(journal_);
    // Where the whole journal ends now, for a follow() after no matching entry (see below).
    std::string endCursor;
    if (query.last && sd_journal_seek_tail(journal_) >= 0 && sd_journal_previous(journal_) > 0) {
        char* cursor = nullptr;
        if (sd_journal_get_cursor(journal_, &cursor) >= 0) endCursor = cursor;
        std::free(cursor);
    }
    // With no matching entry, the position stays "the tail", which sd-journal resolves when
    // next() is called: follow() would get only the newest of the entries written meanwhile
    // (seen: a run's last line without its start and output). Anchored at the journal's last
    // entry, next() returns every matching entry after it.
    const auto anchorAtEnd = [&] {
        if (!endCursor.empty()) sd_journal_seek_cursor(journal_, endCursor.c_str());
    };
    const std::string match = query.field + "=" + query.value;
    const std::string sender = "_UID=" + std::to_string(query.senderUid);
    // Two fields: both must match (journalctl's AND of different fields).
    if (int r = sd_journal_add_match(journal_, match.data(), match.size()); r < 0)
        return makeError("cannot read the journal: " + errorText(r));
    if (int r = sd_journal_add_match(journal_, sender.data(), sender.size()); r < 0)
        return makeError("cannot read the journal: " + errorText(r));
    // Plain values, not an optional: GCC 12 warns (wrongly) that one may be read uninitialised.
    const bool hasSince = query.since.has_value();
    const SysMicros since = hasSince ? SysMicros{*query.since} : SysMicros{};
    std::size_t count = 0;
    int r = 0;
    if (query.last && !hasSince) {
        // journalctl -n: from the end, N back, then forwards; with none, the cursor stays at the
        // end so that follow() sees only what comes next.
        if ((r = sd_journal_seek_tail(journal_)) < 0) return makeError("cannot read the journal: " + errorText(r));
        if (*query.last == 0) {
            if (sd_journal_previous(journal_) <= 0) anchorAtEnd();
            return count;
        }
        r = sd_journal_previous_skip(journal_, *query.last);
        if (r < 0) return makeError("cannot read the journal: " + errorText(r));
        if (r == 0) {
            anchorAtEnd();
            return count;
        }
        each(currentEntry(journal_));
        ++count;
        while ((r = sd_journal_next(journal_)) > 0) {
            each(currentEntry(journal_));
            ++count;
        }
        if (r < 0) return makeError("cannot read the journal: " + errorText(r));
        return count;
    }
    r = hasSince ? sd_journal_seek_realtime_usec(journal_, static_cast<std::uint64_t>(since.time_since_epoch().count()))
              : sd_journal_seek_head(journal_);
    if (r < 0) return makeError("cannot read the journal: " + errorText(r));
    // With both --since and -n, the last N of those since: only N are ever held.
    std::deque<JournalEntry> held;
    while ((r = sd_journal_next(journal_)) > 0) {
        // Files are ordered by their own clocks; an entry from before `since` may follow the seek.
        if (hasSince && timeOf(journal_) < since) continue;
        if (!query.last) {
            each(currentEntry(journal_));
            ++count;
            continue;
        }
        if (*query.last == 0) continue;
        held.push_back(currentEntry(journal_));
        if (held.size() > *query.last) held.pop_front();
    }
    if (r < 0) return makeError("cannot read the journal: " + errorText(r));
    for (const JournalEntry& entry : held) {
        each(entry);
        ++count;
    }
    return count;
}

Result<bus::Done> SystemJournal::follow(const std::function<bool(const JournalEntry&)>& each) {
    if (!journal_) return makeError(openError_);
    while (true) {
        int r = 0;
        while ((r = sd_journal_next(journal_)) > 0)
            if (!each(currentEntry(journal_))) return bus::Done{};
        if (r < 0) return makeError("cannot read the journal: " + errorText(r));
        if ((r = sd_journal_wait(journal_, static_cast<std::uint64_t>(-1))) < 0)
            return makeError("cannot wait for the journal: " + errorText(r));
    }
}

}  // namespace chief::ctl
