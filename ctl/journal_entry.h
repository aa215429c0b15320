#pragma once
// JournalEntry: one journal entry of a job or run as `chiefctl logs` shows it, and its two
// printed forms (a journalctl-like line, a JSON object per line).

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "chief/zone_rules.h"
#include "terminal_style.h"

namespace chief::ctl {

using SysMicros = date::sys_time<std::chrono::microseconds>;

// The fields of an entry chiefctl logs prints; "" or nullopt where the entry has none.
struct JournalEntry {
    SysMicros time;
    int priority = 6;          // syslog priority, PRIORITY=
    std::string identifier;    // SYSLOG_IDENTIFIER: chiefd, or the job name for script output
    std::optional<long long> pid;  // SYSLOG_PID, else _PID
    std::string job;           // CHIEF_JOB
    std::string runId;         // CHIEF_RUN_ID
    std::string stream;        // CHIEF_STREAM: stdout | stderr for script output
    std::string message;       // MESSAGE, as the journal holds it (any bytes)
};

// "2026-11-29 21:00:00 CET backup[812]: hello": journalctl's short format with the time in
// `zone`, named; errors red and warnings yellow when `style` colours. Ends in '\n'.
std::string formatJournalEntry(const JournalEntry& entry, const ZoneRules& zone, const TerminalStyle& style);

// {"source": "journal", "time": "...Z" (microseconds), "priority", "identifier", "pid", "job",
// "run_id", "stream", "message"}: one line of `logs --json`.
nlohmann::json journalEntryJson(const JournalEntry& entry);

}  // namespace chief::ctl
