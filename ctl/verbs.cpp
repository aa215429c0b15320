#include "verbs.h"

#include <ostream>

#include "json_report.h"
#include "chief/display_text.h"
#include "chief/json_text.h"
#include "chief/report_json.h"
#include "chief/time_format.h"
#include "chief/crontab_importer.h"
#include "exit_codes.h"
#include "interrupt_hint.h"
#include "output_directory.h"
#include "text_report.h"

namespace chief::ctl {

namespace {

class Verbs {
public:
    Verbs(const CommandLine& command, ChiefClient& client, const VerbContext& context, std::ostream& out,
             std::ostream& err)
        : command_(command), client_(client), context_(context), out_(out), err_(err) {
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
            case Verb::ExportSystemd: return exportSystemd();
            case Verb::ExportKubernetes: return exportKubernetes();
            case Verb::Run: return runVerb();
            case Verb::Cancel: return cancel();
            case Verb::Pause: return pauseOrResume(true);
            case Verb::Resume: return pauseOrResume(false);
            case Verb::Reload: return reload();
            case Verb::History: return history();
            default: break;
        }
        err_ << "chiefctl: this command does not ask chiefd\n";
        return kExitUsage;
    }

private:
    int fail(const ClientError& error) {
        // chiefd's message may list a refused config's problems, one per line.
        err_ << "chiefctl: " << escapeForDisplay(error.message, /*keepNewlines=*/true) << '\n';
        if (context_.suggestOwnDaemon && error.name == bus::kAccessDenied.name)
            err_ << "chiefctl: that was the system's chiefd; to use your own (chiefd --user), add --user\n";
        if (command_.json) out_ << jsonText(errorJson(error), 2) << '\n';
        return exitStatusFor(error);
    }

    int usage(const std::string& message) {
        err_ << "chiefctl: " << message << '\n';
        return kExitUsage;
    }

    void printJson(const nlohmann::json& document) { out_ << jsonText(document, 2) << '\n'; }

    // ListJobs' entries cannot say "paused" within version 1: the manager's PausedJobs does.
    static std::vector<bus::JobSummary> withPaused(std::vector<bus::JobSummary> jobs, const bus::ManagerState& manager) {
        if (!manager.pausedJobs) return jobs;
        for (bus::JobSummary& job : jobs)
            job.paused = std::find(manager.pausedJobs->begin(), manager.pausedJobs->end(), job.name) != manager.pausedJobs->end();
        return jobs;
    }

    int status() {
        const auto manager = client_.managerProperties();
        if (!manager) return fail(manager.error());
        auto listed = client_.listJobs();
        if (!listed) return fail(listed.error());
        const std::vector<bus::JobSummary> jobs = withPaused(std::move(listed).value(), manager.value());
        if (command_.json) {
            nlohmann::json list = nlohmann::json::array();
            for (const bus::JobSummary& job : jobs) list.push_back(jobSummaryJson(job));
            printJson({{"daemon", managerJson(manager.value())}, {"jobs", list}});
        } else {
            printStatus(manager.value(), jobs, *zone_, out_, context_.style);
        }
        return kExitOk;
    }

    int list() {
        auto listed = client_.listJobs();
        if (!listed) return fail(listed.error());
        std::vector<bus::JobSummary> jobs = std::move(listed).value();
        // Offline (no chiefd) nothing is paused: the manager's answer is only for chiefd's lists.
        if (const auto manager = client_.managerProperties()) jobs = withPaused(std::move(jobs), manager.value());
        std::vector<bus::JobSummary> shown;
        std::size_t hidden = 0;
        for (const bus::JobSummary& job : jobs) {
            if (job.enabled || command_.all)
                shown.push_back(job);
            else
                ++hidden;
        }
        sortByNextRun(shown);
        if (command_.json) {
            nlohmann::json list = nlohmann::json::array();
            for (const bus::JobSummary& job : shown) list.push_back(jobSummaryJson(job));
            printJson({{"jobs", list}});
        } else {
            printJobList(shown, hidden, *zone_, context_.now, out_, context_.style);
        }
        return kExitOk;
    }

    int show() {
        const auto job = client_.getJobProperties(*command_.argument);
        if (!job) return fail(job.error());
        if (command_.json) printJson(jobDetailsJson(job.value()));
        else printJobDetails(job.value(), *zone_, out_, context_.style);
        return kExitOk;
    }

    int preview() {
        std::optional<SysSeconds> from;
        if (command_.from) {
            auto parsed = parseDateTime(*command_.from);
            if (!parsed)
                return usage("invalid --from '" + shortenForMessage(*command_.from) + "': " + escapeForDisplay(parsed.error()));
            from = resolveDateTime(parsed.value(), *zone_);
        }
        // Printed as it arrives: offline, 10,000 jobs never sit in memory as previews at once.
        struct JsonSink final : PreviewSink {
            explicit JsonSink(std::ostream& o) : out(o) {}
            void begin(const std::string& config, const std::string& start) override { writer.emplace(out, config, start); }
            void job(const JobPreview& preview) override { writer->job(jobPreviewJson(preview)); }
            void job(const nlohmann::json& preview) override { writer->job(preview); }
            void end() override { writer->finish(); }
            std::ostream& out;
            std::optional<PreviewJsonWriter> writer;
        };
        struct TextSink final : PreviewSink {
            explicit TextSink(std::ostream& o) : out(o) {}
            void begin(const std::string&, const std::string&) override {}
            void job(const JobPreview& preview) override { print(previewViewOf(preview)); }
            void job(const nlohmann::json& preview) override { print(previewViewFromJson(preview)); }
            void print(const PreviewView& view) {
                if (!first) out << '\n';
                first = false;
                printPreviewJob(view, zones, out);
            }
            void end() override {}
            std::ostream& out;
            ZoneCache zones;
            bool first = true;
        };
        JsonSink json(out_);
        TextSink text(out_);
        PreviewSink& sink = command_.json ? static_cast<PreviewSink&>(json) : text;
        const auto done = client_.previewJobs(command_.job.value_or(""), static_cast<unsigned>(command_.count), from, sink);
        if (!done) return fail(done.error());
        return kExitOk;
    }

    int exportCron() {
        const auto document = client_.exportCrontab(command_.job.value_or(""), command_.cronFlavor);
        if (!document) {
            if (document.error().name != "org.freedesktop.DBus.Error.UnknownMethod") return fail(document.error());
            // A chiefd older than ExportCrontab: its crontab (for the cron it assumes), nothing more.
            if (command_.cronFlavor != "auto") {
                err_ << "chiefctl: this chiefd is older than chiefctl and cannot export for --cron " << command_.cronFlavor
                     << "; use --config PATH to export offline\n";
                return kExitFailed;
            }
            const auto crontab = client_.exportCron(command_.job.value_or(""));
            if (!crontab) return fail(crontab.error());
            if (command_.json) printJson({{"crontab", crontab.value()}});
            else out_ << crontab.value();
            return kExitOk;
        }
        // The same document `export-cron --json --config PATH` prints: one shape either way.
        if (command_.json) {
            out_ << document.value();
            if (!document.value().ends_with('\n')) out_ << '\n';
            return kExitOk;
        }
        const auto parsed = nlohmann::json::parse(document.value(), nullptr, /*allow_exceptions=*/false);
        if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("crontab") || !parsed["crontab"].is_string()) {
            err_ << "chiefctl: chiefd's export is not the JSON document chiefctl expects; try --json to see it\n";
            return kExitFailed;
        }
        out_ << parsed["crontab"].get<std::string>();
        return kExitOk;
    }

    // An export document from chiefd (or the core, offline), or the exit code after saying why not.
    Result<nlohmann::json, int> exportDocument(const ClientResult<std::string>& answer, const char* method) {
        if (!answer) {
            ClientError error = answer.error();
            if (error.name == "org.freedesktop.DBus.Error.UnknownMethod")
                error.message = std::string("this chiefd has no ") + method +
                                " method (it is older than chiefctl); use --config PATH to export offline";
            return fail(error);
        }
        auto parsed = nlohmann::json::parse(answer.value(), nullptr, /*allow_exceptions=*/false);
        if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("jobs") || !parsed["jobs"].is_array()) {
            err_ << "chiefctl: chiefd's export is not the JSON document chiefctl expects; are chiefd and chiefctl the same "
                    "version?\n";
            return int{kExitFailed};
        }
        return parsed;
    }

    // A string member of an export document, "" when absent or not a string.
    static std::string textOf(const nlohmann::json& object, const char* key) {
        const auto it = object.find(key);
        return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
    }
    static nlohmann::json notesOf(const nlohmann::json& object) {
        nlohmann::json notes = nlohmann::json::array();
        if (const auto it = object.find("notes"); it != object.end() && it->is_array())
            for (const nlohmann::json& note : *it)
                if (note.is_string()) notes.push_back(note);
        return notes;
    }

    // Writes `files` into --output DIR: all or, when DIR is missing or would lose a file
    // without --force, nothing. The paths written, or the exit code after saying why not.
    Result<std::vector<std::string>, int> writeFiles(const std::vector<OutputFile>& files) {
        const std::string& directory = *command_.output;
        if (auto usable = checkOutputDirectory(directory); !usable) return usage(escapeForDisplay(usable.error()));
        if (!command_.force) {
            if (const auto existing = existingFiles(directory, files); !existing.empty()) {
                std::string names;
                for (const std::string& name : existing) names += (names.empty() ? "" : ", ") + name;
                return usage(escapeForDisplay("not writing anything: " + directory + " already has " + names +
                                              " (--force replaces them)"));
            }
        }
        std::vector<std::string> written;
        for (const OutputFile& file : files) {
            auto path = writeOutputFile(directory, file, command_.force);
            if (!path) {
                err_ << "chiefctl: " << escapeForDisplay(path.error()) << '\n';
                for (const std::string& done : written) err_ << "chiefctl: (" << escapeForDisplay(done) << " was written)\n";
                return int{kExitFailed};
            }
            written.push_back(std::move(path).value());
        }
        return written;
    }

    int exportSystemd() {
        auto answer = exportDocument(
            client_.exportSystemd(command_.job.value_or(""), command_.runner, command_.includeEnvironment), "ExportSystemd");
        if (!answer) return answer.failure();
        const nlohmann::json* document = &answer.value();
        std::vector<OutputFile> files;
        for (const nlohmann::json& job : (*document)["jobs"]) {
            if (!job.is_object() || !job.contains("files") || !job["files"].is_array()) continue;
            for (const nlohmann::json& file : job["files"])
                if (file.is_object()) files.push_back({textOf(file, "name"), textOf(file, "content")});
        }
        auto written = writeFiles(files);
        if (!written) return written.failure();
        std::size_t next = 0;  // the files were written in the document's order
        nlohmann::json jobs = nlohmann::json::array();
        for (const nlohmann::json& job : (*document)["jobs"]) {
            if (!job.is_object() || !job.contains("files") || !job["files"].is_array()) continue;
            nlohmann::json paths = nlohmann::json::array();
            for (std::size_t i = 0; i < job["files"].size() && next < written.value().size(); ++i)
                paths.push_back(written.value()[next++]);
            const auto guarded = job.find("guarded");
            jobs.push_back({{"job", textOf(job, "job")},
                            {"files", paths},
                            {"guarded", guarded != job.end() && guarded->is_boolean() && guarded->get<bool>()},
                            {"notes", notesOf(job)}});
        }
        if (command_.json) {
            printJson({{"output", *command_.output}, {"runner", textOf(*document, "runner")}, {"jobs", jobs}});
            return kExitOk;
        }
        for (const nlohmann::json& job : jobs) {
            out_ << "Wrote";
            for (std::size_t i = 0; i < job["files"].size(); ++i)
                out_ << (i == 0 ? " " : " and ") << escapeForDisplay(job["files"][i].get<std::string>());
            out_ << (job["guarded"].get<bool>() ? " (guarded by chiefd --check-due)" : "") << ".\n";
            for (const nlohmann::json& note : job["notes"]) out_ << "  note: " << escapeForDisplay(note.get<std::string>()) << '\n';
        }
        if (jobs.empty()) out_ << "No jobs to export.\n";
        return kExitOk;
    }

    int exportKubernetes() {
        auto answer = exportDocument(client_.exportKubernetes(command_.job.value_or(""), command_.image,
                                                              command_.namespaceName, command_.includeEnvironment),
                                     "ExportKubernetes");
        if (!answer) return answer.failure();
        const nlohmann::json* document = &answer.value();
        bool anyRefused = false;
        std::vector<OutputFile> files;
        for (const nlohmann::json& job : (*document)["jobs"]) {
            if (!job.is_object()) continue;
            const auto exported = job.find("exported");
            if (exported != job.end() && exported->is_boolean() && exported->get<bool>()) {
                files.push_back({textOf(job, "name") + ".yaml", textOf(job, "document")});
            } else {
                anyRefused = true;
                err_ << "chiefctl: job " << escapeForDisplay(quoteForMessage(textOf(job, "job"))) << " not exported: "
                     << escapeForDisplay(textOf(job, "refusal")) << '\n';
            }
        }
        const int status = anyRefused ? kExitFailed : kExitOk;
        if (!command_.output) {
            if (command_.json) printJson(*document);
            else out_ << textOf(*document, "yaml");
            return status;
        }
        auto written = writeFiles(files);
        if (!written) return written.failure();
        std::size_t next = 0;
        nlohmann::json jobs = nlohmann::json::array();
        for (const nlohmann::json& job : (*document)["jobs"]) {
            if (!job.is_object()) continue;
            const auto exported = job.find("exported");
            const bool wasExported = exported != job.end() && exported->is_boolean() && exported->get<bool>();
            nlohmann::json file = nullptr;
            if (wasExported && next < written.value().size()) file = written.value()[next++];
            if (!command_.json && !file.is_null()) out_ << "Wrote " << escapeForDisplay(file.get<std::string>()) << ".\n";
            jobs.push_back({{"job", textOf(job, "job")},
                            {"name", textOf(job, "name")},
                            {"exported", wasExported},
                            {"refusal", wasExported ? nlohmann::json(nullptr) : nlohmann::json(textOf(job, "refusal"))},
                            {"file", file},
                            {"notes", notesOf(job)}});
        }
        if (command_.json) printJson({{"output", *command_.output}, {"jobs", jobs}});
        return status;
    }

    // `run --job NAME` is one RunJob call (any version-1 chiefd has it); without --job, or with
    // --respect-schedule, chiefd decides through RunJobs which jobs start.
    int runVerb() {
        if (!command_.job || command_.respectSchedule) return runJobs();
        return runJob();
    }

    int runJob() {
        const std::string& job = *command_.job;
        if (!command_.noWait) {
            // Subscribe first: a short run could otherwise end before the subscription exists.
            const auto watching = client_.watchRuns(job);
            if (!watching) return fail(watching.error());
        }
        const auto started = command_.force ? client_.runJobForced(job) : client_.runJob(job);
        if (!started) return fail(started.error());
        const bus::RunAccepted& start = started.value();
        if (command_.noWait) {
            if (command_.json) printJson({{"run_id", start.runId}, {"job", job}, {"outcome", bus::runStartOutcomeName(start.outcome)}});
            else out_ << start.runId << '\n';
            return kExitOk;
        }
        if (!command_.json) printRunAccepted(job, start, out_);
        const InterruptHint hint(interruptHintText(start.runId, job));
        nlohmann::json scripts = nlohmann::json::array();
        std::vector<bus::ScriptEntry> entries;
        const auto ended = client_.waitForRun(start.runId, [&](const bus::ScriptEntry& script) {
            entries.push_back(script);
            if (command_.json) scripts.push_back(scriptJson(script));
            else printScriptFinished(script, out_);
        });
        if (!ended) {
            // The run goes on (or its fate is unknown); say how to look it up later.
            ClientError error = ended.error();
            error.message += " (run " + start.runId + "; see chiefctl history " + job + ")";
            return fail(error);
        }
        const bus::RunEnd& end = ended.value();
        if (command_.json) {
            printJson({{"run_id", start.runId},
                       {"job", job},
                       {"outcome", bus::runStartOutcomeName(start.outcome)},
                       {"result", end.result},
                       {"duration_ms", end.duration.count()},
                       {"scripts", scripts}});
        } else {
            printRunEnd(end, out_, context_.style);
            if (end.result != "succeeded") printFailureOutput(start.runId, entries);
        }
        return end.result == "succeeded" ? kExitOk : kExitFailed;
    }

    int runJobs() {
        if (!command_.noWait) {
            // Subscribe first (to every job's runs when there is no --job): a run may end
            // before chiefctl gets to wait for it.
            const auto watching = client_.watchRuns(command_.job.value_or(""));
            if (!watching) return fail(watching.error());
        }
        std::vector<std::string> names;
        if (command_.job) names.push_back(*command_.job);
        const auto answered = client_.runJobs(names, command_.respectSchedule);
        if (!answered) return fail(withOlderDaemonHint(answered.error()));
        const bus::RunJobsOutcome& answer = answered.value();
        // --no-wait keeps standard output to the run ids, one per line, for scripts.
        std::ostream& notes = command_.noWait ? err_ : out_;
        bool anyFailed = false;
        bool anyNotStarted = false;
        nlohmann::json runs = nlohmann::json::array();
        for (const bus::JobRunOutcome& request : answer.runs) {
            nlohmann::json entry = runRequestJson(request);
            const bool accepted = request.outcome == bus::RunRequestOutcome::Started || request.outcome == bus::RunRequestOutcome::Queued;
            if (!accepted) {
                anyNotStarted = anyNotStarted || request.outcome != bus::RunRequestOutcome::NotDue;
                if (!command_.json) printRunNotStarted(request, answer.minute, *zone_, notes);
            } else if (command_.noWait) {
                if (!command_.json) out_ << request.runId << '\n';
            } else {
                if (!command_.json) printRunRequested(request, out_);
                const InterruptHint hint(interruptHintText(request.runId, request.job));
                nlohmann::json scripts = nlohmann::json::array();
                std::vector<bus::ScriptEntry> entries;
                const auto ended = client_.waitForRun(request.runId, [&](const bus::ScriptEntry& script) {
                    entries.push_back(script);
                    if (command_.json) scripts.push_back(scriptJson(script));
                    else printScriptFinished(script, out_);
                });
                if (!ended) {
                    // This run goes on (or its fate is unknown), and so may the later ones.
                    ClientError error = ended.error();
                    error.message += " (run " + request.runId + "; see chiefctl history " + request.job + ")";
                    return fail(error);
                }
                const bus::RunEnd& end = ended.value();
                anyFailed = anyFailed || end.result != "succeeded";
                entry["result"] = end.result;
                entry["duration_ms"] = end.duration.count();
                entry["scripts"] = scripts;
                if (!command_.json) {
                    printRunEnd(end, out_, context_.style);
                    if (end.result != "succeeded") printFailureOutput(request.runId, entries);
                }
            }
            runs.push_back(std::move(entry));
        }
        if (command_.json)
            printJson({{"minute", minuteJson(answer.minute)},
                       {"respect_schedule", command_.respectSchedule},
                       {"runs", runs}});
        else if (answer.runs.empty())
            notes << "No enabled jobs to run.\n";
        if (anyFailed) return kExitFailed;
        return anyNotStarted ? kExitNotStarted : kExitOk;
    }

    // Why a failed run's scripts failed, from chiefd's kept output. A chiefd older than
    // GetRunOutput, or one that refuses it, leaves just the exit statuses: nothing to add.
    void printFailureOutput(const std::string& runId, const std::vector<bus::ScriptEntry>& entries) {
        const auto outputs = client_.runOutput(runId);
        if (outputs) printFailedScriptOutput(entries, outputs.value(), out_);
    }

    // A chiefd from before RunJobs answers UnknownMethod; say what that means here.
    static ClientError withOlderDaemonHint(ClientError error) {
        if (error.name == "org.freedesktop.DBus.Error.UnknownMethod")
            error.message = "this chiefd has no RunJobs method (it is older than chiefctl): run without --job and "
                            "run --respect-schedule need a newer chiefd; run --job NAME works with it (" +
                            error.message + ")";
        return error;
    }

    int pauseOrResume(bool pause) {
        const std::string& job = *command_.argument;
        const auto changed = pause ? client_.pauseJob(job) : client_.resumeJob(job);
        if (!changed) return fail(changed.error());
        if (command_.json) {
            printJson({{"job", job}, {"paused", pause}, {"changed", changed.value()}});
        } else if (pause) {
            out_ << (changed.value() ? "Paused " : "Already paused: ") << escapeForDisplay(job)
                 << (changed.value() ? "; no scheduled run starts until chiefctl resume " + escapeForDisplay(job) + ".\n"
                                     : ".\n");
        } else {
            out_ << (changed.value() ? "Resumed " : "Not paused: ") << escapeForDisplay(job) << ".\n";
        }
        return kExitOk;
    }

    // `cancel RUN_ID` ends that run; `cancel JOB` every run of the job in progress and its
    // queued one (an argument shaped like a run id is a run id).
    int cancel() {
        const std::string& target = *command_.argument;
        if (hasRunIdShape(target)) {
            const auto done = client_.cancelRun(target);
            if (!done) return fail(done.error());
            if (command_.json) printJson({{"run_id", target}, {"cancelled", true}});
            else out_ << "Cancelled run " << target << ".\n";
            return kExitOk;
        }
        const auto cancelled = client_.cancelJob(target);
        if (!cancelled) return fail(cancelled.error());
        if (command_.json) {
            printJson({{"job", target}, {"cancelled", cancelled.value()}});
        } else if (cancelled.value().empty()) {
            out_ << "No run of " << escapeForDisplay(target) << " was running or queued.\n";
        } else {
            for (const std::string& id : cancelled.value()) out_ << "Cancelled run " << id << " of " << escapeForDisplay(target) << ".\n";
        }
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
            for (const bus::RunEntry& run : runs.value()) list.push_back(runJson(run));
            printJson({{"job", job.empty() ? nlohmann::json(nullptr) : nlohmann::json(job)}, {"runs", list}});
        } else {
            printRunHistory(runs.value(), /*withJob=*/job.empty(), *zone_, out_, context_.style);
        }
        return kExitOk;
    }

    const CommandLine& command_;
    ChiefClient& client_;
    VerbContext context_;
    std::ostream& out_;
    std::ostream& err_;
    ZoneHandle zone_;
};

}  // namespace

int runVerb(const CommandLine& command, ChiefClient& client, const VerbContext& context, std::ostream& out,
            std::ostream& err) {
    return Verbs(command, client, context, out, err).run();
}

namespace {

void printDiagnostics(const LoadResult& loaded, std::ostream& err) {
    for (const Diagnostic& d : loaded.diagnostics) err << formatDiagnostic(d) << '\n';
}

}  // namespace

int runImportCron(const CommandLine& command, const Result<std::string>& crontab, std::ostream& out, std::ostream& err) {
    const std::string source = command.argument.value_or("-");
    if (!crontab) {
        err << "chiefctl: " << escapeForDisplay(source == "-" ? "standard input" : source) << ": "
            << escapeForDisplay(crontab.error()) << '\n';
        return kExitFailed;
    }
    CrontabImportOptions options;
    options.sourceName = source;
    if (command.crontabFormat == "user") options.format = CrontabFormat::User;
    else if (command.crontabFormat == "system") options.format = CrontabFormat::System;
    const CrontabImport imported = importCrontab(crontab.value(), options);
    std::size_t notMapped = 0;
    nlohmann::json notes = nlohmann::json::array();
    for (const CrontabImportNote& note : imported.notes) {
        if (note.kind != CrontabImportNote::Kind::Info) ++notMapped;
        notes.push_back({{"line", note.line}, {"kind", crontabNoteKindName(note.kind)}, {"message", note.message}});
    }
    if (command.json) {
        out << jsonText(nlohmann::json{{"source", source}, {"jobs", imported.jobs}, {"yaml", imported.yaml}, {"notes", notes}}, 2)
            << '\n';
        return kExitOk;
    }
    out << imported.yaml;
    // The YAML says it in comments; standard error says it once for whoever redirected stdout.
    if (notMapped > 0)
        err << "chiefctl: " << countOf(notMapped, "crontab line") << " not imported; see the comments in the output\n";
    return kExitOk;
}

int runOffline(const CommandLine& command, const LoadResult& loaded, const OfflineClient::Host& host,
               const VerbContext& context, std::ostream& out, std::ostream& err) {
    if (command.verb != Verb::Validate && loaded.ok()) {
        OfflineClient client(*loaded.config, host);
        return runVerb(command, client, context, out, err);
    }
    if (command.json) {
        out << jsonText(validateReportJson(loaded), 2) << '\n';
    } else {
        printDiagnostics(loaded, err);
        if (loaded.ok()) printValidateSummary(*loaded.config, out);
        else printErrorCount(loaded, err);
    }
    return loaded.ok() ? kExitOk : kExitInvalid;
}

}  // namespace chief::ctl
