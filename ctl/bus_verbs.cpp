#include "bus_verbs.h"

#include <ostream>

#include "bus_json.h"
#include "chief/time_format.h"
#include "exit_codes.h"
#include "text_report.h"

namespace chief::ctl {

namespace {

class BusVerbs {
public:
    BusVerbs(const CommandLine& command, ChiefClient& client, const BusVerbContext& context, std::ostream& out,
             std::ostream& err)
        : command_(command), client_(client), out_(out), err_(err) {
        auto zone = ZoneRules::locate(context.timezone);
        if (!zone) zone = ZoneRules::locate("UTC");
        zone_ = zone.value();
    }

    int run() {
        switch (command_.verb) {
            case Verb::Status: return status();
            case Verb::List: return list();
            case Verb::Show: return show();
            case Verb::Preview: return preview();
            case Verb::ExportCron: return exportCron();
            case Verb::Run: return runJob();
            case Verb::Cancel: return cancel();
            case Verb::Reload: return reload();
            case Verb::History: return history();
            default: break;
        }
        err_ << "chiefctl: this command does not ask chiefd\n";
        return kExitUsage;
    }

private:
    int fail(const ClientError& error) {
        err_ << "chiefctl: " << error.message << '\n';
        if (command_.json) out_ << errorJson(error).dump(2) << '\n';
        return exitStatusFor(error);
    }

    int usage(const std::string& message) {
        err_ << "chiefctl: " << message << '\n';
        return kExitUsage;
    }

    void printJson(const nlohmann::json& document) { out_ << document.dump(2) << '\n'; }

    int status() {
        const auto manager = client_.managerProperties();
        if (!manager) return fail(manager.error());
        const auto jobs = client_.listJobs();
        if (!jobs) return fail(jobs.error());
        if (command_.json) {
            nlohmann::json list = nlohmann::json::array();
            for (const JobInfo& job : jobs.value()) list.push_back(jobSummaryJson(job));
            printJson({{"daemon", managerJson(manager.value())}, {"jobs", list}});
        } else {
            printStatus(manager.value(), jobs.value(), *zone_, out_);
        }
        return kExitOk;
    }

    int list() {
        const auto jobs = client_.listJobs();
        if (!jobs) return fail(jobs.error());
        if (command_.json) {
            nlohmann::json list = nlohmann::json::array();
            for (const JobInfo& job : jobs.value()) list.push_back(jobSummaryJson(job));
            printJson({{"jobs", list}});
        } else {
            printJobList(jobs.value(), *zone_, out_);
        }
        return kExitOk;
    }

    int show() {
        const auto job = client_.getJobProperties(*command_.argument);
        if (!job) return fail(job.error());
        if (command_.json) printJson(jobDetailsJson(job.value()));
        else printJobDetails(job.value(), *zone_, out_);
        return kExitOk;
    }

    int preview() {
        std::optional<SysSeconds> from;
        if (command_.from) {
            auto parsed = parseDateTime(*command_.from);
            if (!parsed) return usage("invalid --from '" + *command_.from + "': " + parsed.error());
            from = resolveDateTime(parsed.value(), *zone_);
        }
        const auto document =
            client_.previewJobs(command_.job.value_or(""), static_cast<unsigned>(command_.count), from);
        if (!document) return fail(document.error());
        if (command_.json) {
            out_ << document.value();
            if (!document.value().ends_with('\n')) out_ << '\n';
            return kExitOk;
        }
        const auto parsed = nlohmann::json::parse(document.value(), nullptr, /*allow_exceptions=*/false);
        if (parsed.is_discarded() || !parsed.is_object()) {
            err_ << "chiefctl: chiefd's preview is not the JSON document chiefctl expects; try --json to see it\n";
            return kExitFailed;
        }
        printPreviewDocument(parsed, out_);
        return kExitOk;
    }

    int exportCron() {
        const auto crontab = client_.exportCron(command_.job.value_or(""));
        if (!crontab) return fail(crontab.error());
        if (command_.json) printJson({{"crontab", crontab.value()}});
        else out_ << crontab.value();
        return kExitOk;
    }

    int runJob() {
        const std::string& job = *command_.job;
        if (!command_.noWait) {
            // Subscribe first: a short run could otherwise end before the subscription exists.
            const auto watching = client_.watchRuns(job);
            if (!watching) return fail(watching.error());
        }
        const auto started = client_.runJob(job);
        if (!started) return fail(started.error());
        const RunStart& start = started.value();
        if (command_.noWait) {
            if (command_.json) printJson({{"run_id", start.runId}, {"job", job}, {"outcome", start.outcome}});
            else out_ << start.runId << '\n';
            return kExitOk;
        }
        if (!command_.json) printRunAccepted(job, start, out_);
        nlohmann::json scripts = nlohmann::json::array();
        const auto ended = client_.waitForRun(start.runId, [&](const ScriptResult& script) {
            if (command_.json) scripts.push_back(scriptJson(script));
            else printScriptFinished(script, out_);
        });
        if (!ended) {
            // The run goes on (or its fate is unknown); say how to look it up later.
            ClientError error = ended.error();
            error.message += " (run " + start.runId + "; see chiefctl history " + job + ")";
            return fail(error);
        }
        const RunEnd& end = ended.value();
        if (command_.json) {
            printJson({{"run_id", start.runId},
                       {"job", job},
                       {"outcome", start.outcome},
                       {"result", end.result},
                       {"duration_ms", end.duration.count()},
                       {"scripts", scripts}});
        } else {
            printRunEnd(end, out_);
        }
        return end.result == "succeeded" ? kExitOk : kExitFailed;
    }

    int cancel() {
        const std::string& id = *command_.argument;
        const auto done = client_.cancelRun(id);
        if (!done) return fail(done.error());
        if (command_.json) printJson({{"run_id", id}, {"cancelled", true}});
        else out_ << "Cancelled run " << id << ".\n";
        return kExitOk;
    }

    int reload() {
        const auto done = client_.reload();
        if (!done) return fail(done.error());
        if (command_.json) printJson({{"reloaded", true}});
        else out_ << "chiefd reloaded its config.\n";
        return kExitOk;
    }

    int history() {
        const std::string job = command_.argument.value_or("");
        const auto runs = client_.listRuns(job, command_.limit);
        if (!runs) return fail(runs.error());
        if (command_.json) {
            nlohmann::json list = nlohmann::json::array();
            for (const RunInfo& run : runs.value()) list.push_back(runJson(run));
            printJson({{"job", job.empty() ? nlohmann::json(nullptr) : nlohmann::json(job)}, {"runs", list}});
        } else {
            printRunHistory(runs.value(), /*withJob=*/job.empty(), *zone_, out_);
        }
        return kExitOk;
    }

    const CommandLine& command_;
    ChiefClient& client_;
    std::ostream& out_;
    std::ostream& err_;
    ZoneHandle zone_;
};

}  // namespace

int runBusVerb(const CommandLine& command, ChiefClient& client, const BusVerbContext& context, std::ostream& out,
               std::ostream& err) {
    return BusVerbs(command, client, context, out, err).run();
}

}  // namespace chief::ctl
