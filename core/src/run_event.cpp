#include "chief/run_event.h"

namespace chief {

bool hasRunIdShape(std::string_view text) {
    constexpr std::string_view kPattern = "ddddddddTdddddd.dddZ-dddd";  // 'd': a digit
    if (text.size() < kPattern.size()) return false;
    for (std::size_t i = 0; i < kPattern.size(); ++i) {
        const char c = text[i];
        if (kPattern[i] == 'd' ? (c < '0' || c > '9') : c != kPattern[i]) return false;
    }
    return text.size() == kPattern.size() || (text[kPattern.size()] == '-' && text.size() > kPattern.size() + 1);
}

const char* triggerKindName(TriggerKind kind) {
    switch (kind) {
        case TriggerKind::Schedule: return "schedule";
        case TriggerKind::Manual: return "manual";
        case TriggerKind::Once: return "once";
    }
    return "";
}

const char* scriptStatusName(ScriptOutcome::Status status) {
    switch (status) {
        case ScriptOutcome::Status::Exited: return "exited";
        case ScriptOutcome::Status::Signaled: return "signaled";
        case ScriptOutcome::Status::TimedOut: return "timed-out";
        case ScriptOutcome::Status::Stopped: return "stopped";
        case ScriptOutcome::Status::SpawnFailed: return "spawn-failed";
        case ScriptOutcome::Status::Skipped: return "skipped";
    }
    return "";
}

const char* runResultName(RunResult result) {
    switch (result) {
        case RunResult::Succeeded: return "succeeded";
        case RunResult::Failed: return "failed";
        case RunResult::Cancelled: return "cancelled";
        case RunResult::Interrupted: return "interrupted";
    }
    return "";
}

std::int64_t RunRecord::durationMs() const {
    return endedAt ? (*endedAt - startedAt).count() : 0;
}

}  // namespace chief
