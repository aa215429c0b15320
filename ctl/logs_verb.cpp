#include "logs_verb.h"

#include <algorithm>
#include <ostream>

#include "chief/display_text.h"
#include "chief/json_text.h"
#include "chief/run_event.h"
#include "exit_codes.h"
#include "json_report.h"
#include "log_since.h"
#include "text_report.h"

namespace chief::ctl {

namespace {

// One line of a run's kept output: a script's line, or why it could not start.
struct KeptLine {
    const bus::RunEntry* run;
    unsigned scriptIndex;
    std::string error;                   // set on the line that says why the script did not start
    std::optional<std::string> message;  // the output line
};

std::string scriptPath(const bus::RunEntry& run, unsigned index) {
    for (const bus::ScriptEntry& script : run.scripts)
        if (script.index == index) return script.path;
    return {};
}

class LogsVerb {
public:
    LogsVerb(const CommandLine& command, ChiefClient& client, JournalSource* journal, const LogsContext& context,
             std::ostream& out, std::ostream& err)
        : command_(command), client_(client), journal_(journal), context_(context), out_(out), err_(err) {
        auto zone = ZoneRules::locate(context.view.timezone);
        if (!zone) zone = ZoneRules::locate("UTC");
        zone_ = zone.value();
    }

    int run() {
        const std::string& target = *command_.argument;
        const bool isRun = hasRunIdShape(target);
        std::optional<SysSeconds> since;
        if (command_.since) {
            const SysSeconds now = context_.view.now.value_or(
                SysSeconds{date::floor<Seconds>(std::chrono::system_clock::now().time_since_epoch())});
            auto parsed = parseSince(*command_.since, now, *zone_);
            if (!parsed)
                return usage("invalid --since '" + shortenForMessage(*command_.since) + "': " + parsed.error());
            since = parsed.value();
        }
        std::optional<unsigned> last = command_.lines;
        if (command_.follow && !last) last = 10;  // journalctl -f's default

        const std::string shownTarget = (isRun ? "run " : "") + escapeForDisplay(target);
        std::string why;               // why the journal shows nothing here
        bool journalReadable = false;  // there is a journal, without entries of the target yet
        if (!journal_) {
            why = "the journal of " + escapeForDisplay(context_.remoteHost.value_or("that host")) +
                  " is not read over -H (ssh there and run journalctl -u chiefd " + (isRun ? "CHIEF_RUN_ID=" : "CHIEF_JOB=") +
                  escapeForDisplay(target) + ")";
        } else if (why = journal_->unavailableReason(); why.empty()) {
            const JournalQuery query{isRun ? "CHIEF_RUN_ID" : "CHIEF_JOB", target, context_.chiefdUid, since, last};
            const auto count = journal_->read(query, [this](const JournalEntry& entry) { print(entry); });
            if (!count) {
                why = count.error();
            } else if (count.value() > 0) {
                return command_.follow ? follow() : kExitOk;
            } else {
                journalReadable = true;
                why = "no journal entries of " + shownTarget + " written by chiefd (uid " +
                      std::to_string(context_.chiefdUid) +
                      ") are readable here (chiefd logs to a console, or you may not read its entries: root and "
                      "the adm and systemd-journal groups may)";
            }
        }
        err_ << "chiefctl: " << why << "; showing the output chiefd kept\n";
        const int kept = printKeptOutput(target, isRun, since, command_.lines, shownTarget);
        if (kept != kExitOk || !command_.follow) return kept;
        // The reader still holds the query and sits at its end: what comes next is followed.
        if (journalReadable) return follow();
        err_ << "chiefctl: cannot follow " << shownTarget << ": --follow reads the journal, and there is none here\n";
        return kExitFailed;
    }

private:
    int usage(const std::string& message) {
        err_ << "chiefctl: " << escapeForDisplay(message) << '\n';
        return kExitUsage;
    }

    int fail(const ClientError& error) {
        err_ << "chiefctl: " << escapeForDisplay(error.message, /*keepNewlines=*/true) << '\n';
        if (command_.json) out_ << jsonText(errorJson(error)) << '\n';
        return exitStatusFor(error);
    }

    void print(const JournalEntry& entry) {
        if (command_.json) out_ << jsonText(journalEntryJson(entry)) << '\n';
        else out_ << formatJournalEntry(entry, *zone_, context_.view.style);
    }

    int follow() {
        out_.flush();
        const auto done = journal_->follow([this](const JournalEntry& entry) {
            print(entry);
            out_.flush();
            return static_cast<bool>(out_);  // a reader that went away (head, a closed pipe) ends it
        });
        if (!done) {
            err_ << "chiefctl: " << escapeForDisplay(done.error()) << '\n';
            return kExitFailed;
        }
        return kExitOk;
    }

    // The runs chiefd keeps (one, or the job's), oldest first, each with its scripts' last lines;
    // only runs started from `since` on, and only the last `last` lines.
    int printKeptOutput(const std::string& target, bool isRun, const std::optional<SysSeconds>& since,
                        const std::optional<unsigned>& last, const std::string& shownTarget) {
        std::vector<bus::RunEntry> runs;  // newest first, as ListRuns answers
        if (isRun) {
            auto run = client_.getRun(target);
            if (!run) return fail(run.error());
            runs.push_back(std::move(run.value()));
        } else {
            auto listed = client_.listRuns(target, 0);
            if (!listed) return fail(listed.error());
            runs = std::move(listed.value());
        }
        std::vector<std::vector<KeptLine>> perRun;  // newest first
        std::size_t lineCount = 0;
        for (const bus::RunEntry& run : runs) {
            if (last && lineCount >= *last) break;
            if (since && (!run.startedAt || *run.startedAt < *since)) continue;
            const auto outputs = client_.runOutput(run.id);
            if (!outputs) return fail(outputs.error());
            std::vector<KeptLine> lines;
            for (const bus::ScriptOutput& output : outputs.value()) {
                if (!output.error.empty()) lines.push_back({&run, output.index, output.error, std::nullopt});
                for (const std::string_view line : tailLines(output.tail))
                    lines.push_back({&run, output.index, "", std::string(line)});
            }
            lineCount += lines.size();
            perRun.push_back(std::move(lines));
        }
        std::vector<KeptLine> lines;
        for (auto it = perRun.rbegin(); it != perRun.rend(); ++it) lines.insert(lines.end(), it->begin(), it->end());
        if (last && lines.size() > *last) lines.erase(lines.begin(), lines.end() - *last);
        if (lines.empty()) {
            err_ << "No journal entries and no kept output for " << shownTarget << ".\n";
            return kExitOk;
        }
        const bus::RunEntry* run = nullptr;
        long script = -1;  // the script whose lines are being printed
        for (const KeptLine& line : lines) {
            if (command_.json) {
                out_ << jsonText(keptLineJson(line)) << '\n';
                continue;
            }
            if (line.run != run) {
                run = line.run;
                script = -1;
                out_ << "-- run " << escapeForDisplay(run->id) << " of " << escapeForDisplay(run->job);
                if (run->startedAt) out_ << ", started " << formatInstant(date::floor<Seconds>(*run->startedAt), *zone_);
                out_ << ", " << context_.view.style.paint(escapeForDisplay(run->result), toneOf(run->result)) << " --\n";
            }
            const std::string name = "script " + std::to_string(line.scriptIndex + 1) + " (" +
                                     escapeForDisplay(scriptPath(*run, line.scriptIndex)) + ")";
            if (!line.message) {
                out_ << name << " could not start: " << escapeForDisplay(line.error) << '\n';
                script = line.scriptIndex;
                continue;
            }
            if (script != static_cast<long>(line.scriptIndex)) {
                out_ << name << ":\n";
                script = line.scriptIndex;
            }
            out_ << "    " << escapeForDisplay(*line.message) << '\n';
        }
        return kExitOk;
    }

    static nlohmann::json keptLineJson(const KeptLine& line) {
        const bus::RunEntry& run = *line.run;
        return {{"source", "kept"},
                {"job", run.job},
                {"run_id", run.id},
                {"started_at", run.startedAt ? nlohmann::json(date::format("%FT%TZ", *run.startedAt)) : nlohmann::json(nullptr)},
                {"result", run.result},
                {"script_index", line.scriptIndex},
                {"script", scriptPath(run, line.scriptIndex)},
                {"error", line.error},
                {"message", line.message ? nlohmann::json(*line.message) : nlohmann::json(nullptr)}};
    }

    const CommandLine& command_;
    ChiefClient& client_;
    JournalSource* journal_;
    const LogsContext& context_;
    std::ostream& out_;
    std::ostream& err_;
    ZoneHandle zone_;
};

}  // namespace

int runLogs(const CommandLine& command, ChiefClient& client, JournalSource* journal, const LogsContext& context,
            std::ostream& out, std::ostream& err) {
    return LogsVerb(command, client, journal, context, out, err).run();
}

}  // namespace chief::ctl
