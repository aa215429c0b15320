#include "preview_view.h"

#include "chief/config_model.h"
#include "chief/schedule_compiler.h"
#include "chief/time_format.h"
#include "chief/zone_rules.h"

namespace chief::ctl {

namespace {

std::string text(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> words(const nlohmann::json& j, const char* key) {
    std::vector<std::string> list;
    const auto it = j.find(key);
    if (it != j.end() && it->is_array())
        for (const auto& w : *it)
            if (w.is_string()) list.push_back(w.get<std::string>());
    return list;
}

bool flag(const nlohmann::json& j, const char* key, bool otherwise) {
    const auto it = j.find(key);
    return it != j.end() && it->is_boolean() ? it->get<bool>() : otherwise;
}

bool isDstKind(std::string_view kind) { return kind == "dst_skipped" || kind == "dst_ambiguous"; }

PreviewRun runFromIso(const std::string& iso) {
    PreviewRun run;
    const auto parsed = parseDateTime(iso);
    if (!parsed || !parsed.value().offset) {
        run.unreadable = iso;
        return run;
    }
    run.local = parsed.value().local;
    run.offset = *parsed.value().offset;
    return run;
}

}  // namespace

PreviewView previewViewOf(const JobPreview& preview) {
    const Job& job = *preview.job;
    const CompiledSchedule& s = job.schedule;
    const ZoneRules& zone = *s.schedule.zone;
    PreviewView view;
    view.name = job.name;
    view.enabled = job.enabled;
    view.description = s.description;
    view.timezone = job.timezone;
    view.mode = modeName(s.mode);
    view.cron = s.cron;
    view.guard = s.guard;
    const auto& bounds = s.schedule.bounds;
    if (bounds.start) view.start = formatIsoInZone(*bounds.start, zone);
    if (bounds.end) view.end = formatIsoInZone(*bounds.end, zone);
    for (LocalDays day : bounds.excludedDates) view.exclude.push_back(formatDate(day));
    view.overlap = overlapName(job.overlap);
    view.stopOnFailure = job.stopOnFailure;
    view.workingDir = job.workingDir;
    for (const Script& script : job.scripts)
        view.scripts.push_back({script.interpreter, script.path, script.args, script.timeoutSeconds});
    for (const FireTime& fire : preview.nextRuns)
        view.nextRuns.push_back({fire.local, fire.local.time_since_epoch() - fire.instant.time_since_epoch(), {}});
    for (const PreviewNote& note : preview.notes)
        view.notes.push_back({note.kind == PreviewNote::Kind::DstSkipped || note.kind == PreviewNote::Kind::DstAmbiguous,
                              note.message});
    return view;
}

PreviewView previewViewFromJson(const nlohmann::json& job) {
    PreviewView view;
    view.name = text(job, "name");
    view.enabled = flag(job, "enabled", true);
    view.description = text(job, "description");
    view.timezone = text(job, "timezone");
    view.mode = text(job, "mode");
    view.cron = text(job, "cron");
    view.guard = text(job, "guard");
    view.start = text(job, "start");
    view.end = text(job, "end");
    if (const auto exclude = job.find("exclude"); exclude != job.end() && exclude->is_array())
        for (const auto& day : *exclude) view.exclude.push_back(day.is_string() ? day.get<std::string>() : day.dump());
    view.overlap = text(job, "overlap");
    view.stopOnFailure = flag(job, "stop_on_failure", true);
    view.workingDir = text(job, "working_dir");
    if (const auto scripts = job.find("scripts"); scripts != job.end() && scripts->is_array())
        for (const nlohmann::json& script : *scripts) {
            const auto timeout = script.find("timeout");
            view.scripts.push_back({words(script, "interpreter"), text(script, "path"), words(script, "args"),
                                    timeout != script.end() && timeout->is_number_integer() ? timeout->get<long long>() : 0});
        }
    if (const auto runs = job.find("next_runs"); runs != job.end() && runs->is_array())
        for (const auto& run : *runs) view.nextRuns.push_back(runFromIso(run.is_string() ? run.get<std::string>() : ""));
    if (const auto notes = job.find("notes"); notes != job.end() && notes->is_array())
        for (const nlohmann::json& note : *notes) view.notes.push_back({isDstKind(text(note, "kind")), text(note, "message")});
    return view;
}

}  // namespace chief::ctl
