#pragma once
// ReportJson: the stable --json shapes of validate, preview, export-cron and diagnostics (see
// docs/chiefctl.md, "JSON output"). chiefctl offline and chiefd over the bus build them here, so
// both print the same shape.

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <vector>

#include "chief/config_loader.h"
#include "chief/cron_exporter.h"
#include "chief/kubernetes_exporter.h"
#include "chief/schedule_preview.h"
#include "chief/systemd_exporter.h"

namespace chief {

nlohmann::json diagnosticJson(const Diagnostic& diagnostic);

// {"valid", "errors": [...], "warnings": [...], "jobs": [{"name","enabled","mode","cron"}]}
nlohmann::json validateReportJson(const LoadResult& result);

// One entry of preview's "jobs" array.
nlohmann::json jobPreviewJson(const JobPreview& preview);

// Writes the `preview --json` document ({"config", "from", "jobs": [...]}) one job at a time,
// so 10,000 jobs never sit in memory as JSON at once.
class PreviewJsonWriter {
public:
    PreviewJsonWriter(std::ostream& out, const std::string& config, const std::string& from);
    void job(const nlohmann::json& preview);
    void finish();

private:
    std::ostream& out_;
    bool first_ = true;
};

// The whole document for `jobs` of `config`: what chiefd's PreviewJobs returns.
void writePreviewJson(std::ostream& out, const Config& config, const std::vector<const Job*>& jobs, SysSeconds from,
                      int count);

// The `export-cron --json` document: {"config", "cron_flavor", "crontab", "jobs": [{"name",
// "enabled", "mode", "cron", "timezone", "dst_differences"}]}; `jobs` empty = every job.
nlohmann::json cronExportJson(const Config& config, const std::vector<const Job*>& jobs, const CronExportOptions& options);

// "cronie", "debian"; nullopt for anything else ("auto" is the caller's to resolve).
std::optional<CronFlavor> cronFlavorFromName(std::string_view name);

// The `export-systemd` document: what chiefd's ExportSystemd returns and what chiefctl writes the
// unit files from (chiefctl, never chiefd, writes them): {"config", "runner", "jobs": [{"job",
// "timer_unit", "service_unit", "on_calendar": [...], "guarded", "guard_reason", "files":
// [{"name", "content"}], "notes": [...]}]}; `jobs` empty = every job.
nlohmann::json systemdExportJson(const Config& config, const std::vector<const Job*>& jobs,
                                 const SystemdExportOptions& options);

// "chiefd", "native"; nullopt for anything else.
std::optional<SystemdRunner> systemdRunnerFromName(std::string_view name);

// The `export-kubernetes` document: {"config", "image", "namespace", "yaml", "jobs": [{"job",
// "name", "exported", "refusal", "document", "notes": [...]}]}; "yaml" is the multi-document
// stream; `jobs` empty = every job.
nlohmann::json kubernetesExportJson(const Config& config, const std::vector<const Job*>& jobs,
                                    const KubernetesExportOptions& options);

}  // namespace chief
