#include "chief/report_json.h"

#include <ostream>

#include "chief/json_text.h"
#include "chief/time_format.h"

namespace chief {

namespace {

nlohmann::json cronJson(const CompiledSchedule& schedule) {
    return schedule.cron.empty() ? nlohmann::json(nullptr) : nlohmann::json(schedule.cron);
}

}  // namespace

nlohmann::json diagnosticJson(const Diagnostic& d) {
    // An unknown position (a file that cannot be read) is null, not line 0.
    const auto orNull = [](int n) { return n > 0 ? nlohmann::json(n) : nlohmann::json(nullptr); };
    return {{"file", d.file},
            {"line", orNull(d.position.line)},
            {"column", d.position.line > 0 ? orNull(d.position.column) : nlohmann::json(nullptr)},
            {"path", d.path},
            {"message", d.message},
            {"severity", d.severity == Severity::Error ? "error" : "warning"}};
}

nlohmann::json validateReportJson(const LoadResult& result) {
    nlohmann::json errors = nlohmann::json::array(), warnings = nlohmann::json::array(), jobs = nlohmann::json::array();
    for (const Diagnostic& d : result.diagnostics)
        (d.severity == Severity::Error ? errors : warnings).push_back(diagnosticJson(d));
    if (result.config) {
        for (const Job& job : result.config->jobs)
            jobs.push_back({{"name", job.name},
                            {"enabled", job.enabled},
                            {"mode", modeName(job.schedule.mode)},
                            {"cron", cronJson(job.schedule)},
                            {"timezone", job.timezone},
                            {"description", job.schedule.description}});
    }
    return {{"valid", result.ok()}, {"errors", errors}, {"warnings", warnings}, {"jobs", jobs}};
}

nlohmann::json jobPreviewJson(const JobPreview& preview) {
    const Job& job = *preview.job;
    const CompiledSchedule& s = job.schedule;
    const ZoneRules& zone = *s.schedule.zone;
    nlohmann::json runs = nlohmann::json::array();
    for (const FireTime& fire : preview.nextRuns) runs.push_back(formatIsoInZone(fire.instant, zone));
    nlohmann::json notes = nlohmann::json::array();
    for (const PreviewNote& note : preview.notes) {
        nlohmann::json entry = {{"kind", noteKindName(note.kind)}, {"message", note.message}};
        // A warning also carries its position, as in validate's "warnings".
        if (note.diagnostic) {
            entry["file"] = note.diagnostic->file;
            entry["line"] = note.diagnostic->position.line;
            entry["column"] = note.diagnostic->position.column;
            entry["path"] = note.diagnostic->path;
        }
        notes.push_back(std::move(entry));
    }
    nlohmann::json scripts = nlohmann::json::array();
    for (const Script& script : job.scripts)
        scripts.push_back({{"path", script.path},
                           {"resolved_path", script.resolvedPath},
                           {"args", script.args},
                           {"interpreter", script.interpreter},
                           {"timeout", script.timeoutSeconds}});
    nlohmann::json exclude = nlohmann::json::array();
    for (LocalDays day : s.schedule.bounds.excludedDates) exclude.push_back(formatDate(day));
    const auto& bounds = s.schedule.bounds;
    return {{"name", job.name},
            {"enabled", job.enabled},
            {"frequency", frequencyName(s.frequency)},
            {"mode", modeName(s.mode)},
            {"cron", cronJson(s)},
            {"guard", s.guard.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.guard)},
            {"timezone", job.timezone},
            {"description", s.description},
            {"start", bounds.start ? nlohmann::json(formatIsoInZone(*bounds.start, zone)) : nlohmann::json(nullptr)},
            {"end", bounds.end ? nlohmann::json(formatIsoInZone(*bounds.end, zone)) : nlohmann::json(nullptr)},
            {"exclude", exclude},
            {"overlap", overlapName(job.overlap)},
            {"stop_on_failure", job.stopOnFailure},
            {"working_dir", job.workingDir},
            {"scripts", scripts},
            {"next_runs", runs},
            {"notes", notes}};
}

nlohmann::json cronExportJson(const Config& config, const std::vector<const Job*>& selected,
                              const CronExportOptions& options) {
    std::vector<const Job*> jobs = selected;
    if (jobs.empty())
        for (const Job& job : config.jobs) jobs.push_back(&job);
    nlohmann::json list = nlohmann::json::array();
    for (const Job* job : jobs) {
        const CompiledSchedule& s = job->schedule;
        list.push_back({{"name", job->name},
                        {"enabled", job->enabled},
                        {"mode", modeName(s.mode)},
                        {"cron", cronJson(s)},
                        {"timezone", job->timezone},
                        {"dst_differences", cronDstDifferences(*job, options.now, options.now + date::days{366})}});
    }
    return {{"config", config.sourcePath},
            {"cron_flavor", cronFlavorName(options.flavor)},
            {"crontab", exportCron(config, jobs, options)},
            {"jobs", list}};
}

nlohmann::json systemdExportJson(const Config& config, const std::vector<const Job*>& jobs,
                                 const SystemdExportOptions& options) {
    nlohmann::json list = nlohmann::json::array();
    for (const SystemdJobExport& job : exportSystemd(config, jobs, options)) {
        nlohmann::json files = nlohmann::json::array();
        for (const ExportedFile& file : job.files) files.push_back({{"name", file.name}, {"content", file.content}});
        list.push_back({{"job", job.job},
                        {"timer_unit", job.timerUnit},
                        {"service_unit", job.serviceUnit},
                        {"on_calendar", job.calendar.onCalendar},
                        {"guarded", job.guarded},
                        {"guard_reason", job.calendar.guardReason},
                        {"files", files},
                        {"notes", job.notes}});
    }
    return {{"config", config.sourcePath}, {"runner", runnerName(options.runner)}, {"jobs", list}};
}

std::optional<SystemdRunner> systemdRunnerFromName(std::string_view name) {
    if (name == "chiefd") return SystemdRunner::Chiefd;
    if (name == "native") return SystemdRunner::Native;
    return std::nullopt;
}

nlohmann::json kubernetesExportJson(const Config& config, const std::vector<const Job*>& jobs,
                                    const KubernetesExportOptions& options) {
    const KubernetesExport exported = exportKubernetes(config, jobs, options);
    nlohmann::json list = nlohmann::json::array();
    for (const KubernetesJobExport& job : exported.jobs)
        list.push_back({{"job", job.job},
                        {"name", job.name},
                        {"exported", job.exported},
                        {"refusal", job.refusal},
                        {"document", job.document},
                        {"notes", job.notes}});
    return {{"config", config.sourcePath},
            {"image", options.image},
            {"namespace", options.namespaceName},
            {"yaml", exported.yaml},
            {"jobs", list}};
}

std::optional<CronFlavor> cronFlavorFromName(std::string_view name) {
    if (name == "cronie") return CronFlavor::Cronie;
    if (name == "debian") return CronFlavor::Debian;
    return std::nullopt;
}

PreviewJsonWriter::PreviewJsonWriter(std::ostream& out, const std::string& config, const std::string& from) : out_(out) {
    out_ << "{\n  \"config\": " << jsonText(nlohmann::json(config)) << ",\n  \"from\": " << jsonText(nlohmann::json(from))
         << ",\n  \"jobs\": [";
}

void PreviewJsonWriter::job(const nlohmann::json& preview) {
    out_ << (first_ ? "\n" : ",\n") << jsonText(preview, 2);
    first_ = false;
}

void PreviewJsonWriter::finish() { out_ << (first_ ? "]\n}\n" : "\n  ]\n}\n"); }

void writePreviewJson(std::ostream& out, const Config& config, const std::vector<const Job*>& jobs, SysSeconds from,
                      int count) {
    PreviewJsonWriter writer(out, config.sourcePath, formatIsoUtc(from));
    for (const Job* job : jobs) writer.job(jobPreviewJson(previewJob(*job, from, count)));
    writer.finish();
}

}  // namespace chief
