#include "offline_verbs.h"

#include <ostream>

#include "bus_json.h"
#include "chief/cron_exporter.h"
#include "chief/display_text.h"
#include "chief/json_text.h"
#include "chief/key_suggester.h"
#include "chief/report_json.h"
#include "chief/time_format.h"
#include "exit_codes.h"
#include "text_report.h"

namespace chief::ctl {

namespace {

void printDiagnostics(const LoadResult& loaded, std::ostream& err) {
    for (const Diagnostic& d : loaded.diagnostics) err << formatDiagnostic(d) << '\n';
}

// The jobs a --job filter selects, or a usage error naming the known jobs.
Result<std::vector<const Job*>> selectJobs(const Config& config, const std::optional<std::string>& name) {
    std::vector<const Job*> jobs;
    if (!name) {
        for (const Job& job : config.jobs) jobs.push_back(&job);
        return jobs;
    }
    if (const Job* job = config.findJob(*name)) {
        jobs.push_back(job);
        return jobs;
    }
    std::vector<std::string_view> names;
    for (const Job& job : config.jobs) names.push_back(job.name);
    std::string message = "no job named '" + shortenForMessage(*name) + "' in " + escapeForDisplay(config.sourcePath);
    if (auto s = suggestClosest(*name, names)) message += " (did you mean '" + *s + "'?)";
    return makeError(message);
}

int validate(const CommandLine& command, const OfflineInput& input, std::ostream& out, std::ostream& err) {
    if (command.json) {
        out << jsonText(validateReportJson(input.loaded), 2) << '\n';
    } else {
        printDiagnostics(input.loaded, err);
        if (input.loaded.ok()) printValidateSummary(*input.loaded.config, out);
        else printErrorCount(input.loaded, err);
    }
    return input.loaded.ok() ? kExitOk : kExitInvalid;
}

int preview(const CommandLine& command, const OfflineInput& input, std::ostream& out, std::ostream& err) {
    const Config& config = *input.loaded.config;
    auto jobs = selectJobs(config, command.job);
    if (!jobs) {
        err << "chiefctl: " << jobs.error() << '\n';
        return kExitUsage;
    }
    SysSeconds from = input.now;
    if (command.from) {
        auto parsed = parseDateTime(*command.from);
        if (!parsed) {
            err << "chiefctl: invalid --from '" << shortenForMessage(*command.from) << "': " << escapeForDisplay(parsed.error())
                << '\n';
            return kExitUsage;
        }
        auto zone = ZoneRules::locate(input.systemTimezone);
        if (!zone) zone = ZoneRules::locate("UTC");
        from = resolveDateTime(parsed.value(), *zone.value());
    }
    // One job at a time, so 10,000 jobs never sit in memory as previews or JSON at once.
    if (command.json) {
        writePreviewJson(out, config, jobs.value(), from, command.count);
    } else {
        bool first = true;
        for (const Job* job : jobs.value()) {
            if (!first) out << '\n';
            printJobPreview(previewJob(*job, from, command.count), out);
            first = false;
        }
    }
    return kExitOk;
}

int exportCronVerb(const CommandLine& command, const OfflineInput& input, std::ostream& out, std::ostream& err) {
    const Config& config = *input.loaded.config;
    auto jobs = selectJobs(config, command.job);
    if (!jobs) {
        err << "chiefctl: " << jobs.error() << '\n';
        return kExitUsage;
    }
    CronExportOptions options;
    options.now = input.now;
    options.chiefdCommand = CHIEF_INSTALLED_CHIEFD;
    options.perUser = input.perUser;
    options.systemTimezone = input.systemTimezone;
    options.flavor = cronFlavorFromName(command.cronFlavor).value_or(input.installedCron);
    const nlohmann::json document = cronExportJson(config, jobs.value(), options);
    if (command.json)
        out << jsonText(document, 2) << '\n';
    else
        out << document["crontab"].get<std::string>();
    return kExitOk;
}

// What `list` and `show` say about a job from the file alone: no run-time state.
bus::JobSummary jobInfoFromConfig(const Job& job, SysSeconds now) {
    bus::JobSummary info;
    info.name = job.name;
    info.description = job.description;
    info.enabled = job.enabled;
    info.schedule = job.schedule.description;
    info.mode = modeName(job.schedule.mode);
    info.cron = job.schedule.cron;
    info.timezone = job.timezone;
    const JobPreview next = previewJob(job, now, 1);
    if (job.enabled && !next.nextRuns.empty()) info.nextRun = next.nextRuns.front().instant;
    return info;
}

ZoneHandle displayZone(const OfflineInput& input) {
    auto zone = ZoneRules::locate(input.systemTimezone);
    if (!zone) zone = ZoneRules::locate("UTC");
    return zone.value();
}

int listVerb(const CommandLine& command, const OfflineInput& input, std::ostream& out) {
    std::vector<bus::JobSummary> jobs;
    for (const Job& job : input.loaded.config->jobs) jobs.push_back(jobInfoFromConfig(job, input.now));
    if (command.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const bus::JobSummary& job : jobs) list.push_back(jobSummaryJson(job));
        out << jsonText(nlohmann::json{{"jobs", list}}, 2) << '\n';
    } else {
        printJobList(jobs, *displayZone(input), out);
    }
    return kExitOk;
}

int showVerb(const CommandLine& command, const OfflineInput& input, std::ostream& out, std::ostream& err) {
    auto jobs = selectJobs(*input.loaded.config, command.argument);
    if (!jobs) {
        err << "chiefctl: " << jobs.error() << '\n';
        return kExitUsage;
    }
    const bus::JobSummary info = jobInfoFromConfig(*jobs.value().front(), input.now);
    if (command.json) out << jsonText(jobDetailsJson(info), 2) << '\n';
    else printJobDetails(info, *displayZone(input), out);
    return kExitOk;
}

}  // namespace

int runOfflineVerb(const CommandLine& command, const OfflineInput& input, std::ostream& out, std::ostream& err) {
    if (command.verb == Verb::Validate) return validate(command, input, out, err);
    // The other verbs need a valid config; show why it is not, as validate would.
    if (!input.loaded.ok()) {
        if (command.json)
            out << jsonText(validateReportJson(input.loaded), 2) << '\n';
        else {
            printDiagnostics(input.loaded, err);
            printErrorCount(input.loaded, err);
        }
        return kExitInvalid;
    }
    if (command.verb == Verb::Preview) return preview(command, input, out, err);
    if (command.verb == Verb::ExportCron) return exportCronVerb(command, input, out, err);
    if (command.verb == Verb::List) return listVerb(command, input, out);
    if (command.verb == Verb::Show) return showVerb(command, input, out, err);
    err << "chiefctl: this command asks chiefd; it has no offline form\n";
    return kExitUsage;
}

}  // namespace chief::ctl
