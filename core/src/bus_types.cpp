#include "chief/bus_types.h"

namespace chief::bus {

ScriptEntry scriptEntryOf(const RunRecord& run, std::size_t index) {
    const ScriptRecord& script = run.scripts[index];
    ScriptEntry entry;
    entry.index = static_cast<unsigned>(index);
    entry.path = script.path;
    if (!run.result && !script.endedAt)
        entry.status = std::string(script.startedAt ? kRunning : kPending);
    else
        entry.status = scriptStatusName(script.outcome.status);
    entry.exitCode = script.outcome.exitCode;
    entry.signal = script.outcome.signal;
    if (script.startedAt && script.endedAt) entry.duration = *script.endedAt - *script.startedAt;
    return entry;
}

RunEntry runEntryOf(const RunRecord& run) {
    RunEntry entry;
    entry.id = run.id;
    entry.job = run.job;
    entry.trigger = triggerKindName(run.trigger);
    entry.scheduledFor = run.scheduledFor;
    entry.startedAt = run.startedAt;
    entry.endedAt = run.endedAt;
    entry.result = run.result ? runResultName(*run.result) : std::string(kRunning);
    for (std::size_t i = 0; i < run.scripts.size(); ++i) entry.scripts.push_back(scriptEntryOf(run, i));
    return entry;
}

const char* runStartOutcomeName(RunStartOutcome outcome) {
    return outcome == RunStartOutcome::Queued ? "queued" : "started";
}

std::optional<RunStartOutcome> runStartOutcomeFromName(std::string_view name) {
    if (name == "started") return RunStartOutcome::Started;
    if (name == "queued") return RunStartOutcome::Queued;
    return std::nullopt;
}

const char* runRequestOutcomeName(RunRequestOutcome outcome) {
    switch (outcome) {
        case RunRequestOutcome::Started: return "started";
        case RunRequestOutcome::Queued: return "queued";
        case RunRequestOutcome::Skipped: return "skipped";
        case RunRequestOutcome::NotDue: return "not-due";
    }
    return "";
}

std::optional<RunRequestOutcome> runRequestOutcomeFromName(std::string_view name) {
    for (RunRequestOutcome o : {RunRequestOutcome::Started, RunRequestOutcome::Queued, RunRequestOutcome::Skipped,
                                RunRequestOutcome::NotDue})
        if (name == runRequestOutcomeName(o)) return o;
    return std::nullopt;
}

}  // namespace chief::bus
