#include "chief/schedule_preview.h"

#include <map>

#include "chief/time_format.h"

namespace chief {

namespace {

// Remembers every DST event the engine reports, in order.
class EventLog final : public DstObserver {
public:
    void onDstEvent(const DstEvent& event) override { events.push_back(event); }
    std::vector<DstEvent> events;
};

std::string hhmm(LocalSeconds local) { return formatLocalMinute(local).substr(11); }

// The offset change closest to `near` (the one that caused an event there).
std::optional<OffsetTransition> transitionNear(const ZoneRules& zone, SysSeconds near) {
    const auto transitions = zone.transitionsBetween(near - date::days{2}, near + date::days{2});
    std::optional<OffsetTransition> best;
    for (const auto& t : transitions) {
        const auto distance = t.at > near ? t.at - near : near - t.at;
        if (!best || distance < (best->at > near ? best->at - near : near - best->at)) best = t;
    }
    return best;
}

std::string clocksPhrase(const ZoneRules& zone, const std::optional<OffsetTransition>& t) {
    if (!t) return zone.name();
    const std::string from = hhmm(LocalSeconds{t->at.time_since_epoch() + t->offsetBefore});
    const std::string to = hhmm(LocalSeconds{t->at.time_since_epoch() + t->offsetAfter});
    return zone.name() + " (clocks " + (t->isGap() ? "jump" : "go back") + " from " + from + " to " + to + ")";
}

// Groups consecutive events of one kind on one local date into a single note.
std::vector<PreviewNote> dstNotes(const ZoneRules& zone, const std::vector<DstEvent>& events) {
    std::vector<PreviewNote> notes;
    std::size_t i = 0;
    while (i < events.size()) {
        std::size_t j = i + 1;
        const LocalDays day = date::floor<date::days>(events[i].local);
        while (j < events.size() && events[j].kind == events[i].kind &&
               date::floor<date::days>(events[j].local) == day)
            ++j;
        const DstEvent& first = events[i];
        const DstEvent& last = events[j - 1];
        const std::size_t n = j - i;
        const std::string when = n == 1 ? formatLocalMinute(first.local)
                                        : formatLocalMinute(first.local) + "–" + hhmm(last.local);
        if (first.kind == DstEvent::Kind::SkippedNonexistent) {
            const auto t = transitionNear(zone, first.instant);
            notes.push_back({PreviewNote::Kind::DstSkipped,
                             when + (n == 1 ? " does not exist in " : " do not exist in ") + clocksPhrase(zone, t) +
                                 (n == 1 ? ": that run is skipped" : ": " + std::to_string(n) + " runs are skipped"),
                             std::nullopt});
        } else {
            const auto t = transitionNear(zone, first.secondInstant);
            const OffsetInfo info = zone.offsetAt(first.instant);
            notes.push_back({PreviewNote::Kind::DstAmbiguous,
                             when + (n == 1 ? " occurs twice in " : " occur twice in ") + clocksPhrase(zone, t) +
                                 (n == 1 ? ": runs once, at its first occurrence (" : ": each runs once, at its first occurrence (") +
                                 info.abbreviation + ", " + formatOffset(info.offset) + ")",
                             std::nullopt});
        }
        i = j;
    }
    return notes;
}

}  // namespace

const char* noteKindName(PreviewNote::Kind kind) {
    switch (kind) {
        case PreviewNote::Kind::DstSkipped: return "dst_skipped";
        case PreviewNote::Kind::DstAmbiguous: return "dst_ambiguous";
        case PreviewNote::Kind::Schedule: return "schedule";
        case PreviewNote::Kind::Ended: return "ended";
        case PreviewNote::Kind::Warning: return "warning";
    }
    return "";
}

JobPreview previewJob(const Job& job, SysSeconds from, int count) {
    JobPreview preview;
    preview.job = &job;
    const Schedule& schedule = job.schedule.schedule;
    // The loader's warnings first, with their FILE:LINE:COL, so preview says what validate says.
    for (const Diagnostic& warning : job.schedule.warnings)
        preview.notes.push_back({PreviewNote::Kind::Warning, formatDiagnostic(warning), warning});
    EventLog log;
    SysSeconds cursor = from;
    for (int i = 0; i < count; ++i) {
        const auto fire = nextFireAfter(schedule, cursor, &log);
        if (!fire) {
            std::string message = "no further runs";
            if (schedule.bounds.end && *schedule.bounds.end <= cursor + date::days{366 * 100})
                message += ": the schedule ends at " + formatIsoInZone(*schedule.bounds.end, *schedule.zone);
            preview.notes.push_back({PreviewNote::Kind::Ended, message, std::nullopt});
            break;
        }
        preview.nextRuns.push_back(*fire);
        cursor = fire->instant;
    }
    for (auto& note : dstNotes(*schedule.zone, log.events)) preview.notes.push_back(std::move(note));
    for (const std::string& note : job.schedule.notes) preview.notes.push_back({PreviewNote::Kind::Schedule, note, std::nullopt});
    return preview;
}

}  // namespace chief
