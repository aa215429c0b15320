#include "offline_client.h"

#include "chief/bus_api.h"
#include "chief/job_selection.h"
#include "chief/json_text.h"
#include "chief/report_json.h"
#include "chief/schedule_preview.h"
#include "chief/systemd_exporter.h"
#include "chief/time_format.h"

namespace chief::ctl {

namespace {

ClientError needsChiefd(const char* what) {
    return ClientError{ClientError::Kind::NeedsChiefd, "",
                       std::string(what) + " needs chiefd: the config file alone does not know it; drop --config"};
}

// The shared selection rule's refusal, as chiefd's would read.
ClientError refusal(const SelectionError& e) {
    return ClientError{ClientError::Kind::Daemon,
                       e.kind == SelectionError::Kind::Disabled ? bus::kJobDisabled.name : bus::kNoSuchJob.name, e.message};
}

// An argument chiefd would refuse, refused offline with the same error.
ClientError invalidArgument(std::string message) {
    return ClientError{ClientError::Kind::Daemon, bus::kInvalidArgument.name, std::move(message)};
}

Result<std::vector<const Job*>, ClientError> select(const Config& config, const std::string& job) {
    std::vector<std::string> names;
    if (!job.empty()) names.push_back(job);
    auto selected = selectJobs(config, names, JobFilter::Any);
    if (!selected) return refusal(selected.failure());
    return std::move(selected).value();
}

// What a job's definition tells without chiefd: no run-time state (unknown, not "none").
bus::JobSummary summaryOf(const Job& job, SysSeconds now) {
    bus::JobSummary s;
    s.name = job.name;
    s.description = job.description;
    s.enabled = job.enabled;
    s.schedule = job.schedule.description;
    s.mode = modeName(job.schedule.mode);
    s.cron = job.schedule.cron;
    s.timezone = job.timezone;
    if (job.enabled)
        if (auto next = nextFireAfter(job.schedule.schedule, now)) s.nextRun = next->instant;
    return s;
}

}  // namespace

ClientResult<bus::ManagerState> OfflineClient::managerProperties() { return needsChiefd("chiefd's status"); }

ClientResult<std::vector<bus::JobSummary>> OfflineClient::listJobs() {
    std::vector<bus::JobSummary> jobs;
    jobs.reserve(config_.jobs.size());
    for (const Job& job : config_.jobs) jobs.push_back(summaryOf(job, host_.now));
    return jobs;
}

ClientResult<bus::JobSummary> OfflineClient::getJobProperties(const std::string& name) {
    auto selected = select(config_, name);
    if (!selected) return selected.failure();
    return summaryOf(*selected.value().front(), host_.now);
}

ClientResult<Done> OfflineClient::previewJobs(const std::string& job, unsigned count, std::optional<SysSeconds> from,
                                              PreviewSink& sink) {
    auto selected = select(config_, job);
    if (!selected) return selected.failure();
    const SysSeconds start = from.value_or(host_.now);
    sink.begin(config_.sourcePath, formatIsoUtc(start));
    // One job at a time, so 10,000 jobs never sit in memory as previews or JSON at once.
    for (const Job* j : selected.value()) sink.job(previewJob(*j, start, static_cast<int>(count)));
    sink.end();
    return Done{};
}

ClientResult<std::string> OfflineClient::exportCrontab(const std::string& job, const std::string& flavor) {
    auto selected = select(config_, job);
    if (!selected) return selected.failure();
    CronExportOptions options;
    options.now = host_.now;
    options.chiefdCommand = CHIEF_INSTALLED_CHIEFD;
    options.systemTimezone = host_.systemTimezone;
    options.perUser = host_.perUser;
    options.flavor = cronFlavorFromName(flavor).value_or(host_.installedCron);
    return jsonText(cronExportJson(config_, selected.value(), options), 2) + "\n";
}

ClientResult<std::string> OfflineClient::exportCron(const std::string& job) {
    auto document = exportCrontab(job, "auto");
    if (!document) return document.failure();
    return nlohmann::json::parse(document.value())["crontab"].get<std::string>();
}

ClientResult<std::string> OfflineClient::exportSystemd(const std::string& job, const std::string& runner,
                                                      bool includeEnvironment) {
    SystemdExportOptions options;
    if (auto named = systemdRunnerFromName(runner)) options.runner = *named;
    else return invalidArgument("unknown runner '" + runner + "': chiefd or native");
    auto selected = select(config_, job);
    if (!selected) return selected.failure();
    options.includeEnvironment = includeEnvironment;
    options.chiefdPath = CHIEF_INSTALLED_CHIEFD;
    return jsonText(systemdExportJson(config_, selected.value(), options), 2) + "\n";
}

ClientResult<std::string> OfflineClient::exportKubernetes(const std::string& job, const std::string& image,
                                                         const std::string& namespaceName, bool includeEnvironment) {
    KubernetesExportOptions options;
    options.image = image;
    options.namespaceName = namespaceName;
    options.includeEnvironment = includeEnvironment;
    if (auto problem = kubernetesOptionsProblem(options)) return invalidArgument(*problem);
    auto selected = select(config_, job);
    if (!selected) return selected.failure();
    return jsonText(kubernetesExportJson(config_, selected.value(), options), 2) + "\n";
}

ClientResult<std::vector<bus::RunEntry>> OfflineClient::listRuns(const std::string&, unsigned) {
    return needsChiefd("run history");
}
ClientResult<bus::RunEntry> OfflineClient::getRun(const std::string&) { return needsChiefd("a run"); }
ClientResult<Done> OfflineClient::watchRuns(const std::string&) { return needsChiefd("watching runs"); }
ClientResult<bus::RunAccepted> OfflineClient::runJob(const std::string&) { return needsChiefd("running a job"); }
ClientResult<bus::RunAccepted> OfflineClient::runJobForced(const std::string&) { return needsChiefd("running a job"); }
ClientResult<bool> OfflineClient::pauseJob(const std::string&) { return needsChiefd("pausing a job"); }
ClientResult<bool> OfflineClient::resumeJob(const std::string&) { return needsChiefd("resuming a job"); }
ClientResult<bus::RunJobsOutcome> OfflineClient::runJobs(const std::vector<std::string>&, bool) {
    return needsChiefd("running jobs");
}
ClientResult<Done> OfflineClient::cancelRun(const std::string&) { return needsChiefd("cancelling a run"); }
ClientResult<std::vector<bus::ScriptOutput>> OfflineClient::runOutput(const std::string&) {
    return needsChiefd("reading a run's output");
}
ClientResult<std::vector<std::string>> OfflineClient::cancelJob(const std::string&) {
    return needsChiefd("cancelling a job's runs");
}
ClientResult<Done> OfflineClient::reload() { return needsChiefd("reloading"); }
ClientResult<bus::RunEnd> OfflineClient::waitForRun(const std::string&, const std::function<void(const bus::ScriptEntry&)>&) {
    return needsChiefd("waiting for a run");
}

}  // namespace chief::ctl
