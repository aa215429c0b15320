#include "journal_entry.h"

#include "chief/display_text.h"
#include "text_report.h"

namespace chief::ctl {

std::string formatJournalEntry(const JournalEntry& entry, const ZoneRules& zone, const TerminalStyle& style) {
    std::string line = formatInstant(date::floor<Seconds>(entry.time), zone) + " " +
                       escapeForDisplay(entry.identifier.empty() ? std::string("?") : entry.identifier);
    if (entry.pid) line += "[" + std::to_string(*entry.pid) + "]";
    line += ": ";
    // journalctl's own highlighting: errors and worse bold red, warnings yellow.
    const Tone tone = entry.priority <= 3 ? Tone::Bad : entry.priority == 4 ? Tone::Notice : Tone::Plain;
    line += style.paint(escapeForDisplay(entry.message), tone);
    line += '\n';
    return line;
}

nlohmann::json journalEntryJson(const JournalEntry& entry) {
    const auto optional = [](const std::string& value) { return value.empty() ? nlohmann::json(nullptr) : nlohmann::json(value); };
    return {{"source", "journal"},
            {"time", date::format("%FT%TZ", entry.time)},
            {"priority", entry.priority},
            {"identifier", optional(entry.identifier)},
            {"pid", entry.pid ? nlohmann::json(*entry.pid) : nlohmann::json(nullptr)},
            {"job", optional(entry.job)},
            {"run_id", optional(entry.runId)},
            {"stream", optional(entry.stream)},
            {"message", entry.message}};
}

}  // namespace chief::ctl
