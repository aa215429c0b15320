// chiefctl's verbs answered by chiefd, driven against a FakeClient: text, --json shapes, exit
// codes for each error name, waiting for a run. No bus involved.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bus_call_error.h"
#include "bus_client.h"
#include "verbs.h"
#include "chief/bus_api.h"
#include "command_line.h"
#include "config_fixture.h"
#include "exit_codes.h"
#include "journal_entry.h"
#include "journal_source.h"
#include "log_since.h"
#include "logs_verb.h"
#include "text_report.h"
#include "verbs.h"

using namespace chief;
using namespace chief::ctl;

namespace {

SysSeconds at(std::int64_t unixSeconds) { return SysSeconds{Seconds{unixSeconds}}; }
SysMillis atMs(std::int64_t unixMillis) { return SysMillis{Millis{unixMillis}}; }

ClientError daemonError(const bus::ErrorEntry& entry, std::string message) {
    return ClientError{ClientError::Kind::Daemon, entry.name, std::move(message)};
}

// Answers from canned values; records each call in order.
class FakeClient final : public ChiefClient {
public:
    std::vector<std::string> calls;
    std::optional<ClientError> failWith;  // every call fails with this

    bus::ManagerState manager{"1.2.0", "/etc/chief/chief.yaml", 2, 1, at(1798794000), {}, {}};
    std::vector<bus::JobSummary> jobs;
    std::string previewDocument;
    std::string crontab = "# backup\nCRON_TZ=UTC\n0 6 * * * chiefd --once --job backup\n";
    std::vector<bus::RunEntry> runs;
    bus::RunAccepted start{"backup-1", bus::RunStartOutcome::Started};
    std::vector<bus::ScriptEntry> scripts;        // "finished" during waitForRun, in order
    ClientResult<bus::RunEnd> end = bus::RunEnd{"backup-1", "", "succeeded", Millis{1500}};
    std::optional<ClientError> runError, waitError;
    bus::RunJobsOutcome jobsAnswer;                                  // runJobs' answer
    std::map<std::string, ClientResult<bus::RunEnd>> endsByRun;     // waitForRun's end by run id (else `end`)
    std::map<std::string, std::vector<bus::ScriptEntry>> scriptsByRun;  // likewise for `scripts`

    // What the calls were asked.
    std::string previewJob;
    unsigned previewCount = 0;
    std::optional<SysSeconds> previewFrom;
    std::string runsJob;
    unsigned runsLimit = 0;

    FakeClient() {
        bus::JobSummary backup;
        backup.name = "backup";
        backup.description = "Nightly backup";
        backup.schedule = "every day at 06:00";
        backup.mode = "pure_cron";
        backup.cron = "0 6 * * *";
        backup.timezone = "UTC";
        backup.nextRun = at(1798783200);  // 2027-01-01T06:00:00Z
        backup.lastRunId = "backup-0";
        backup.lastResult = "succeeded";
        backup.lastRunFinished = atMs(1798696802500);  // 2026-12-31T06:00:02.5Z
        backup.runningCount = 1;
        backup.pendingQueued = false;
        backup.runningRunIds = std::vector<std::string>{"20270101T060000.002Z-0004"};
        backup.queuedRunId = "";
        bus::JobSummary report;
        report.name = "report";
        report.enabled = false;
        report.schedule = "every Monday at 09:00";
        report.mode = "pure_cron";
        report.timezone = "Europe/Berlin";
        report.runningCount = 0;
        report.pendingQueued = false;
        jobs = {backup, report};
        bus::RunEntry run;
        run.id = "backup-0";
        run.job = "backup";
        run.trigger = "schedule";
        run.scheduledFor = at(1798696800);
        run.startedAt = atMs(1798696800000);
        run.endedAt = atMs(1798696802500);
        run.result = "succeeded";
        run.scripts = {bus::ScriptEntry{0, "/etc/chief/run.sh", "exited", 0, 0, Millis{2500}}};
        runs = {run};
        scripts = {bus::ScriptEntry{0, "/etc/chief/a.sh", "exited", 0, 0, Millis{1200}},
                   bus::ScriptEntry{1, "/etc/chief/b.sh", "exited", 0, 0, Millis{300}}};
    }

    template <typename T>
    ClientResult<T> answer(const std::string& call, T value) {
        calls.push_back(call);
        if (failWith) return *failWith;
        return value;
    }

    ClientResult<bus::ManagerState> managerProperties() override { return answer("managerProperties", manager); }
    ClientResult<std::vector<bus::JobSummary>> listJobs() override { return answer("listJobs", jobs); }
    ClientResult<bus::JobSummary> getJobProperties(const std::string& name) override {
        for (const bus::JobSummary& job : jobs)
            if (job.name == name) return answer("getJobProperties " + name, job);
        calls.push_back("getJobProperties " + name);
        return daemonError(bus::kNoSuchJob, "no job named \"" + name + "\"");
    }
    ClientResult<Done> previewJobs(const std::string& job, unsigned count, std::optional<SysSeconds> from,
                                   PreviewSink& sink) override {
        previewJob = job;
        previewCount = count;
        previewFrom = from;
        const auto document = answer("previewJobs", previewDocument);
        if (!document) return document.failure();
        const auto parsed = nlohmann::json::parse(document.value());
        sink.begin(parsed["config"], parsed["from"]);
        for (const auto& entry : parsed["jobs"]) sink.job(entry);
        sink.end();
        return Done{};
    }
    ClientResult<std::string> exportCron(const std::string& job) override {
        return answer("exportCron " + job, crontab);
    }
    ClientResult<std::string> exportCrontab(const std::string& job, const std::string& flavor) override {
        if (exportCrontabUnknown)
            return ClientError{ClientError::Kind::Daemon, "org.freedesktop.DBus.Error.UnknownMethod", "no such method"};
        return answer("exportCrontab " + job + " " + flavor,
                      nlohmann::json{{"config", "/etc/chief/chief.yaml"}, {"cron_flavor", "debian"}, {"crontab", crontab},
                                     {"jobs", nlohmann::json::array()}}
                          .dump(2));
    }
    bool exportCrontabUnknown = false;
    // What exportSystemd / exportKubernetes were asked, and their documents (core shapes).
    std::string exportArguments;
    ClientResult<std::string> exportSystemd(const std::string& job, const std::string& runner,
                                            bool includeEnvironment) override {
        exportArguments = job + "|" + runner + "|" + (includeEnvironment ? "env" : "");
        nlohmann::json files = nlohmann::json::array(
            {{{"name", "chief-backup.timer"}, {"content", "[Timer]\nOnCalendar=*-*-* 06:00:00 UTC\n"}},
             {{"name", "chief-backup.service"}, {"content", "[Service]\nType=oneshot\n"}}});
        return answer("exportSystemd", nlohmann::json{{"config", "/etc/chief/chief.yaml"},
                                                      {"runner", runner},
                                                      {"jobs", {{{"job", "backup"},
                                                                 {"timer_unit", "chief-backup.timer"},
                                                                 {"service_unit", "chief-backup.service"},
                                                                 {"on_calendar", {"*-*-* 06:00:00 UTC"}},
                                                                 {"guarded", false},
                                                                 {"guard_reason", ""},
                                                                 {"files", files},
                                                                 {"notes", {"overlap: skip."}}}}}}
                                               .dump(2));
    }
    ClientResult<std::string> exportKubernetes(const std::string& job, const std::string& image,
                                               const std::string& namespaceName, bool includeEnvironment) override {
        exportArguments = job + "|" + image + "|" + namespaceName + "|" + (includeEnvironment ? "env" : "");
        return answer("exportKubernetes",
                      nlohmann::json{{"config", "/etc/chief/chief.yaml"},
                                     {"image", image},
                                     {"namespace", namespaceName},
                                     {"yaml", "---\nkind: CronJob\n# Chief job \"report\" not exported: no.\n"},
                                     {"jobs", {{{"job", "backup"}, {"name", "chief-backup"}, {"exported", true},
                                                {"refusal", ""}, {"document", "kind: CronJob\n"}, {"notes", nlohmann::json::array()}},
                                               {{"job", "report"}, {"name", "chief-report"}, {"exported", false},
                                                {"refusal", "no"}, {"document", ""}, {"notes", nlohmann::json::array()}}}}}
                          .dump(2));
    }
    ClientResult<std::vector<bus::RunEntry>> listRuns(const std::string& job, unsigned limit) override {
        runsJob = job;
        runsLimit = limit;
        return answer("listRuns", runs);
    }
    ClientResult<bus::RunEntry> getRun(const std::string& runId) override { return answer("getRun " + runId, runs.front()); }
    ClientResult<Done> watchRuns(const std::string& job) override { return answer("watchRuns " + job, Done{}); }
    ClientResult<bus::RunAccepted> runJob(const std::string& name) override {
        calls.push_back("runJob " + name);
        if (failWith) return *failWith;
        if (runError) return *runError;
        return start;
    }
    ClientResult<bus::RunJobsOutcome> runJobs(const std::vector<std::string>& names, bool respectSchedule) override {
        std::string call = "runJobs [";
        for (const std::string& name : names) call += (call.back() == '[' ? "" : " ") + name;
        call += "]";
        if (respectSchedule) call += " respect-schedule";
        return answer(call, jobsAnswer);
    }
    ClientResult<Done> cancelRun(const std::string& runId) override { return answer("cancelRun " + runId, Done{}); }
    ClientResult<std::vector<std::string>> cancelJob(const std::string& job) override {
        return answer("cancelJob " + job, cancelledIds);
    }
    std::vector<std::string> cancelledIds;
    ClientResult<bus::RunAccepted> runJobForced(const std::string& name) override {
        return answer("runJobForced " + name, bus::RunAccepted{name + "-1", bus::RunStartOutcome::Started});
    }
    ClientResult<bool> pauseJob(const std::string& name) override { return answer("pauseJob " + name, stateChanges); }
    ClientResult<bool> resumeJob(const std::string& name) override { return answer("resumeJob " + name, stateChanges); }
    bool stateChanges = true;
    // Not in `calls`: the verbs' tests pin the calls that end a run.
    ClientResult<std::vector<bus::ScriptOutput>> runOutput(const std::string& runId) override {
        outputRequests.push_back(runId);
        return outputs;
    }
    std::vector<std::string> outputRequests;
    std::vector<bus::ScriptOutput> outputs;
    ClientResult<Done> reload() override { return answer("reload", Done{}); }
    ClientResult<bus::RunEnd> waitForRun(const std::string& runId,
                                    const std::function<void(const bus::ScriptEntry&)>& onScriptFinished) override {
        calls.push_back("waitForRun " + runId);
        const auto own = scriptsByRun.find(runId);
        for (const bus::ScriptEntry& s : own != scriptsByRun.end() ? own->second : scripts) onScriptFinished(s);
        if (waitError) return *waitError;
        if (const auto it = endsByRun.find(runId); it != endsByRun.end()) return it->second;
        return end;
    }
};

struct Outcome {
    int code;
    std::string out;
    std::string err;
    nlohmann::json json() const { return nlohmann::json::parse(out); }
};

Outcome run(std::initializer_list<const char*> args, FakeClient& client) {
    auto command = parseCommandLine(std::vector<std::string>(args.begin(), args.end()));
    REQUIRE(command);
    REQUIRE_FALSE(runsOffline(command.value()));
    std::ostringstream out, err;
    // The viewer's clock: 2027-01-01T00:00:00Z.
    const int code = runVerb(command.value(), client, VerbContext{"UTC", false, at(1798761600)}, out, err);
    return {code, out.str(), err.str()};
}

std::string parseError(std::initializer_list<const char*> args) {
    auto command = parseCommandLine(std::vector<std::string>(args.begin(), args.end()));
    REQUIRE_FALSE(command);
    return command.error();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

// ---- command line ----------------------------------------------------------------------------

TEST_CASE("chiefctl bus: new verbs parse their arguments and bus options", "[ctl-bus]") {
    auto show = parseCommandLine({"show", "backup", "--user", "--json"});
    REQUIRE(show);
    CHECK(show.value().verb == Verb::Show);
    CHECK(show.value().argument == "backup");
    CHECK(show.value().bus == BusKind::User);
    auto remote = parseCommandLine({"-H", "admin@db1", "status"});
    REQUIRE(remote);
    CHECK(remote.value().host == "admin@db1");
    CHECK(remote.value().bus == BusKind::System);
    CHECK(parseCommandLine({"--host=db1", "list"}).value().host == "db1");
    auto history = parseCommandLine({"history", "--limit", "0"});
    REQUIRE(history);
    CHECK(history.value().limit == 0);
    CHECK_FALSE(history.value().argument);
    CHECK(parseCommandLine({"history"}).value().limit == 20);
    auto runNoWait = parseCommandLine({"run", "--job", "backup", "--no-wait"});
    REQUIRE(runNoWait);
    CHECK(runNoWait.value().noWait);
    CHECK(runNoWait.value().job == "backup");
    CHECK_FALSE(runNoWait.value().respectSchedule);
    auto runAll = parseCommandLine({"run"});
    REQUIRE(runAll);
    CHECK_FALSE(runAll.value().job);
    CHECK_FALSE(runAll.value().respectSchedule);
    auto runDue = parseCommandLine({"run", "--respect-schedule", "--job=backup"});
    REQUIRE(runDue);
    CHECK(runDue.value().respectSchedule);
    CHECK(runDue.value().job == "backup");
}

TEST_CASE("chiefctl bus: usage errors name what is missing", "[ctl-bus]") {
    CHECK(parseError({"run", "--respect-schedule=yes"}) == "--respect-schedule takes no value");
    CHECK(parseError({"status", "--respect-schedule"}) == "option '--respect-schedule' does not apply to this command");
    CHECK(parseError({"show"}) == "show needs a job name: chiefctl show JOB");
    CHECK(parseError({"cancel"}) == "cancel needs a run id or a job: chiefctl cancel RUN_ID|JOB (see chiefctl show JOB)");
    CHECK(parseError({"show", "a", "b"}) == "unexpected argument 'b'");
    CHECK(parseError({"reload", "now"}) == "unexpected argument 'now'");
    CHECK(parseError({"status", "--no-wait"}) == "option '--no-wait' does not apply to this command");
    CHECK(parseError({"history", "--limit", "-1"}) == "--limit must be a whole number >= 0 (0 = all), got '-1'");
    CHECK(contains(parseError({"run", "--job", "x", "--config", "a.yaml"}), "'run' asks chiefd and has no offline form"));
    CHECK(contains(parseError({"status", "--config", "a.yaml"}), "'status' asks chiefd"));
    CHECK(parseError({"validate", "--user"}) == "validate reads a config file offline; --user and -H do not apply");
    CHECK(contains(parseError({"list", "--config", "a.yaml", "-H", "db1"}), "reads the file offline instead"));
    CHECK(contains(parseError({"status", "--user", "-H", "db1"}), "cannot be combined with --user"));
    CHECK(parseError({"-H"}) == "-H needs a value");
    CHECK(parseError({"stauts"}) == "unknown command 'stauts' (did you mean 'status'?)");
}

TEST_CASE("chiefctl bus: validate is always offline, read-only verbs are offline only with --config", "[ctl-bus]") {
    auto offline = [](std::vector<std::string> args) { return runsOffline(parseCommandLine(args).value()); };
    CHECK(offline({"validate"}));
    CHECK(offline({"preview", "--config", "a.yaml"}));
    CHECK(offline({"export-cron", "--config", "a.yaml"}));
    CHECK(offline({"list", "--config", "a.yaml"}));
    CHECK(offline({"show", "x", "--config", "a.yaml"}));
    CHECK_FALSE(offline({"preview"}));
    CHECK_FALSE(offline({"export-cron"}));
    CHECK_FALSE(offline({"list"}));
    CHECK_FALSE(offline({"status"}));
}

// ---- read verbs ---------------------------------------------------------------------------

TEST_CASE("chiefctl status: daemon properties and a job table", "[ctl-bus]") {
    FakeClient client;
    const Outcome r = run({"status"}, client);
    CHECK(r.code == kExitOk);
    CHECK(client.calls == std::vector<std::string>{"managerProperties", "listJobs"});
    CHECK(r.out ==
          "chiefd 1.2.0 is running\n"
          "    config: /etc/chief/chief.yaml\n"
          "      jobs: 2, 1 run in progress\n"
          "  next run: 2027-01-01 09:00:00 UTC\n"
          " telemetry: off\n"
          "\n"
          "JOB     STATE     NEXT RUN                 LAST RESULT  FINISHED\n"
          "backup  running   2027-01-01 06:00:00 UTC  succeeded    2026-12-31 06:00:02 UTC\n"
          "report  disabled  -                        -            -\n");
    auto j = run({"status", "--json"}, client).json();
    CHECK(j["daemon"]["telemetry"] == nlohmann::json{{"enabled", false}, {"connected", false}, {"pending_memory", 0},
                                                      {"pending_spool", 0}, {"dead", 0}, {"dropped", 0},
                                                      {"last_error", nullptr}});
    j["daemon"].erase("telemetry");
    CHECK(j["daemon"] == nlohmann::json{{"version", "1.2.0"},
                                        {"config", "/etc/chief/chief.yaml"},
                                        {"jobs", 2},
                                        {"running_runs", 1},
                                        {"next_run", "2027-01-01T09:00:00Z"}});
    REQUIRE(j["jobs"].size() == 2);
    CHECK(j["jobs"][0]["last_run_finished"] == "2026-12-31T06:00:02Z");
    CHECK(j["jobs"][1]["next_run"].is_null());
    CHECK(j["jobs"][1]["last_result"].is_null());
}

TEST_CASE("chiefctl list: enabled jobs by next run, as list-timers, --all adds disabled ones, --json carries the ListJobs fields",
          "[ctl-bus]") {
    FakeClient client;
    const Outcome r = run({"list"}, client);
    CHECK(r.code == kExitOk);
    CHECK(r.out ==
          "NEXT                     LEFT  LAST                     PASSED         RESULT   JOB     SCHEDULE\n"
          "2027-01-01 06:00:00 UTC  6h    2026-12-31 06:00:02 UTC  17h 59min ago  running  backup  every day at 06:00\n"
          "\n1 job listed. 1 disabled job not shown; --all shows it.\n");
    // The disabled job, in another zone than the viewer's: the zone is named.
    CHECK(run({"list", "--all"}, client).out ==
          "NEXT                     LEFT  LAST                     PASSED         RESULT    JOB     SCHEDULE\n"
          "2027-01-01 06:00:00 UTC  6h    2026-12-31 06:00:02 UTC  17h 59min ago  running   backup  every day at 06:00\n"
          "-                        -     -                        -              disabled  report  every Monday at 09:00 (Europe/Berlin)\n"
          "\n2 jobs listed.\n");
    CHECK(run({"list", "--json"}, client).json()["jobs"].size() == 1);
    const auto j = run({"list", "--json", "--all"}, client).json();
    CHECK(j["jobs"][0] == nlohmann::json{{"name", "backup"},
                                         {"description", "Nightly backup"},
                                         {"enabled", true},
                                         {"schedule", "every day at 06:00"},
                                         {"mode", "pure_cron"},
                                         {"timezone", "UTC"},
                                         {"next_run", "2027-01-01T06:00:00Z"},
                                         {"last_result", "succeeded"},
                                         {"last_run_finished", "2026-12-31T06:00:02Z"},
                                         {"running", 1},
                                         {"pending_queued", false},
                                         {"paused", nullptr}});
}

TEST_CASE("chiefctl show: every Job property, an unknown job exits 2", "[ctl-bus]") {
    FakeClient client;
    client.jobs.front().pendingQueued = true;
    client.jobs.front().queuedRunId = "20270101T060100.001Z-0005";
    const Outcome r = run({"show", "backup"}, client);
    CHECK(r.code == kExitOk);
    CHECK(r.out ==
          "backup - Nightly backup\n"
          "  enabled:   yes\n"
          "  schedule:  every day at 06:00\n"
          "  timezone:  UTC\n"
          "  mode:      pure_cron  (cron: 0 6 * * *)\n"
          "  next run:  2027-01-01 06:00:00 UTC\n"
          "  last run:  backup-0 succeeded, ended 2026-12-31 06:00:02 UTC\n"
          "  running:   1 run, 1 queued\n"
          "  run:       20270101T060000.002Z-0004 running\n"
          "  run:       20270101T060100.001Z-0005 queued\n");
    const auto j = run({"show", "backup", "--json"}, client).json();
    CHECK(j["cron"] == "0 6 * * *");
    CHECK(j["last_run_id"] == "backup-0");
    CHECK(j["running_run_ids"] == nlohmann::json::array({"20270101T060000.002Z-0004"}));
    CHECK(j["queued_run_id"] == "20270101T060100.001Z-0005");
    CHECK(j["paused"] == nullptr);  // a chiefd without the Paused property
    CHECK(j.size() == 16);
    const Outcome missing = run({"show", "bakcup"}, client);
    CHECK(missing.code == kExitUsage);
    CHECK(missing.err == "chiefctl: no job named \"bakcup\"\n");
    CHECK(missing.out.empty());
    const Outcome missingJson = run({"show", "bakcup", "--json"}, client);
    CHECK(missingJson.code == kExitUsage);
    CHECK(missingJson.json() ==
          nlohmann::json{{"error", {{"name", bus::kNoSuchJob.name}, {"message", "no job named \"bakcup\""}}}});
}

TEST_CASE("chiefctl preview: asks chiefd with job, count and --from, prints its document", "[ctl-bus]") {
    FakeClient client;
    client.previewDocument = R"({"config": "/etc/chief/chief.yaml", "from": "2026-11-01T04:00:00Z", "jobs": [{
        "name": "nightly", "enabled": true, "frequency": "daily", "mode": "pure_cron", "cron": "30 1 * * *",
        "guard": null, "timezone": "America/New_York", "description": "every day at 01:30",
        "start": null, "end": null, "exclude": ["2026-12-25"], "overlap": "skip", "stop_on_failure": true,
        "working_dir": "/etc/chief",
        "scripts": [{"path": "run.sh", "resolved_path": "/etc/chief/run.sh", "args": ["a b"], "interpreter": ["bash"],
                     "timeout": 60}],
        "next_runs": ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"],
        "notes": [{"kind": "dst_ambiguous", "message": "2026-11-01 01:30 occurs twice"}]}]})";
    const Outcome r = run({"preview", "--job", "nightly", "--count", "2", "--from", "2026-11-01T00:00-04:00"}, client);
    CHECK(r.code == kExitOk);
    CHECK(client.previewJob == "nightly");
    CHECK(client.previewCount == 2);
    CHECK(client.previewFrom == at(1793505600));  // 2026-11-01T04:00:00Z
    CHECK(r.out ==
          "nightly\n"
          "  schedule:   every day at 01:30\n"
          "  timezone:   America/New_York\n"
          "  mode:       pure_cron  (cron: 30 1 * * *)\n"
          "  excluded:   2026-12-25\n"
          "  overlap:    skip, stop_on_failure: true\n"
          "  working dir: /etc/chief\n"
          "  scripts:\n"
          "    1. bash run.sh 'a b'  (timeout 60s)\n"
          "  next runs:\n"
          "    Sun 2026-11-01 01:30 EDT (-04:00)  [first of two]\n"
          "    Mon 2026-11-02 01:30 EST (-05:00)\n"
          "  notes:\n"
          "    DST: 2026-11-01 01:30 occurs twice\n");
    const Outcome all = run({"preview", "--json"}, client);
    CHECK(client.previewJob.empty());
    CHECK(client.previewCount == 5);
    CHECK_FALSE(client.previewFrom);
    CHECK(all.json()["jobs"][0]["name"] == "nightly");
    CHECK(run({"preview", "--from", "soon"}, client).code == kExitUsage);
}

TEST_CASE("chiefctl export-cron: chiefd's crontab as text, or its document in the offline JSON shape", "[ctl-bus]") {
    FakeClient client;
    const Outcome r = run({"export-cron", "--job", "backup", "--cron", "debian"}, client);
    CHECK(r.code == kExitOk);
    CHECK(client.calls.back() == "exportCrontab backup debian");
    CHECK(r.out == client.crontab);
    const nlohmann::json document = run({"export-cron", "--json"}, client).json();
    CHECK(client.calls.back() == "exportCrontab  auto");
    CHECK(document["crontab"] == client.crontab);
    CHECK(document["cron_flavor"] == "debian");
    CHECK(document.contains("jobs"));
    CHECK_FALSE(parseCommandLine({"export-cron", "--cron", "fcron"}));
    // A chiefd older than ExportCrontab: the crontab it has, for the cron it assumes.
    client.exportCrontabUnknown = true;
    CHECK(run({"export-cron"}, client).out == client.crontab);
    CHECK(client.calls.back() == "exportCron ");
    CHECK(run({"export-cron", "--cron", "debian"}, client).code == kExitFailed);
}

// A directory of its own, removed at the end.
struct ScratchDirectory {
    std::filesystem::path path;
    ScratchDirectory() {
        std::string pattern = (std::filesystem::temp_directory_path() / "chiefctl-export-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()));
        path = pattern;
    }
    ~ScratchDirectory() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string read(const std::string& name) const {
        std::ifstream in(path / name);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
};

TEST_CASE("chiefctl export-systemd: chiefctl writes the files of chiefd's document, never over existing ones without --force",
          "[ctl-bus][exports]") {
    FakeClient client;
    ScratchDirectory dir;
    const std::string output = dir.path.string();
    auto command = [&](std::vector<std::string> args) {
        auto parsed = parseCommandLine(args);
        REQUIRE(parsed);
        std::ostringstream out, err;
        const int code = runVerb(parsed.value(), client, VerbContext{"UTC", false, std::nullopt}, out, err);
        return Outcome{code, out.str(), err.str()};
    };
    const Outcome first = command({"export-systemd", "--output", output, "--job", "backup", "--runner", "native"});
    INFO(first.err);
    REQUIRE(first.code == kExitOk);
    CHECK(client.exportArguments == "backup|native|");
    CHECK(dir.read("chief-backup.timer") == "[Timer]\nOnCalendar=*-*-* 06:00:00 UTC\n");
    CHECK(dir.read("chief-backup.service") == "[Service]\nType=oneshot\n");
    CHECK((std::filesystem::status(dir.path / "chief-backup.timer").permissions() & std::filesystem::perms::others_read) !=
          std::filesystem::perms::none);
    CHECK(first.out.find("Wrote " + output + "/chief-backup.timer and " + output + "/chief-backup.service.") !=
          std::string::npos);
    // Again: nothing is replaced, and no temporary file is left behind.
    const Outcome again = command({"export-systemd", "--output", output});
    CHECK(again.code == kExitUsage);
    CHECK(again.err.find("--force") != std::string::npos);
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path), std::filesystem::directory_iterator()) == 2);
    // --force replaces them; --json lists what was written.
    const Outcome forced = command({"export-systemd", "--output", output, "--force", "--json"});
    REQUIRE(forced.code == kExitOk);
    const nlohmann::json listed = forced.json();
    CHECK(listed["output"] == output);
    CHECK(listed["jobs"][0]["job"] == "backup");
    CHECK(listed["jobs"][0]["files"] == nlohmann::json({output + "/chief-backup.timer", output + "/chief-backup.service"}));
    CHECK(listed["jobs"][0]["guarded"] == false);
    CHECK(listed["jobs"][0]["notes"] == nlohmann::json({"overlap: skip."}));
    // A missing directory: exit 2, nothing written.
    CHECK(command({"export-systemd", "--output", output + "/missing"}).code == kExitUsage);
    // chiefd's refusal (an unknown job) is its exit code.
    client.failWith = daemonError(bus::kNoSuchJob, "no job named \"x\"");
    CHECK(command({"export-systemd", "--output", output, "--job", "x"}).code == kExitUsage);
}

TEST_CASE("chiefctl export-kubernetes: the stream on stdout or one file per CronJob, a refused job exits 1",
          "[ctl-bus][exports]") {
    FakeClient client;
    const Outcome printed = run({"export-kubernetes", "--image", "registry/img:1", "--namespace", "ops"}, client);
    CHECK(client.exportArguments == "|registry/img:1|ops|");
    CHECK(printed.out == "---\nkind: CronJob\n# Chief job \"report\" not exported: no.\n");
    CHECK(printed.code == kExitFailed);
    CHECK(printed.err.find("job \"report\" not exported: no") != std::string::npos);
    ScratchDirectory dir;
    auto parsed = parseCommandLine({"export-kubernetes", "--image", "i", "--output", dir.path.string(), "--json"});
    REQUIRE(parsed);
    std::ostringstream out, err;
    CHECK(runVerb(parsed.value(), client, VerbContext{"UTC", false, std::nullopt}, out, err) == kExitFailed);
    CHECK(dir.read("chief-backup.yaml") == "kind: CronJob\n");
    const nlohmann::json listed = nlohmann::json::parse(out.str());
    CHECK(listed["jobs"][0]["file"] == (dir.path / "chief-backup.yaml").string());
    CHECK(listed["jobs"][1]["file"].is_null());
    CHECK(listed["jobs"][1]["refusal"] == "no");
}

TEST_CASE("chiefctl exports and import-cron: what the command line refuses", "[ctl-bus][exports]") {
    CHECK(parseError({"export-systemd"}).find("--output DIR") != std::string::npos);
    CHECK(parseError({"export-kubernetes"}).find("--image") != std::string::npos);
    // Environment values never cross the bus: online, --include-environment is refused.
    const std::string online = parseError({"export-systemd", "--output", "/tmp", "--include-environment"});
    CHECK(online.find("never sent over D-Bus") != std::string::npos);
    CHECK(online.find("--config") != std::string::npos);
    CHECK(parseError({"export-kubernetes", "--image", "i", "--include-environment"}).find("D-Bus") != std::string::npos);
    auto offline = parseCommandLine({"--config", "c.yaml", "export-systemd", "--output", "/tmp", "--include-environment"});
    REQUIRE(offline);
    CHECK(runsOffline(offline.value()));
    CHECK(parseError({"export-systemd", "--output", "/tmp", "--runner", "cron"}).find("chiefd or native") != std::string::npos);
    CHECK(parseError({"export-kubernetes", "--image", "i", "--force"}).find("--output") != std::string::npos);
    CHECK(parseError({"export-kubernetes", "--image", "i", "--runner", "native"}).find("does not apply") != std::string::npos);
    CHECK(parseError({"import-cron", "--config", "c.yaml"}).find("drop --config") != std::string::npos);
    CHECK(parseError({"import-cron", "--user"}).find("do not apply") != std::string::npos);
    auto import = parseCommandLine({"import-cron", "-"});
    REQUIRE(import);
    CHECK(runsOffline(import.value()));
    // The client refuses too, should a caller skip the command line.
    BusClient bus(BusTarget{});
    const auto refused = bus.exportSystemd("", "chiefd", /*includeEnvironment=*/true);
    REQUIRE_FALSE(refused);
    CHECK(exitStatusFor(refused.error()) == kExitUsage);
}

TEST_CASE("chiefctl import-cron: the chief.yaml validates with the loader, notes in --json", "[ctl-bus][exports]") {
    const std::string crontab = "MAILTO=ops\n15 3 * * 1-5 /usr/bin/backup --all\n@reboot /bin/true\n";
    auto command = parseCommandLine({"import-cron"});
    REQUIRE(command);
    std::ostringstream out, err;
    CHECK(runImportCron(command.value(), Result<std::string>(crontab), out, err) == kExitOk);
    CHECK(err.str().find("2 crontab lines not imported") != std::string::npos);
    testing::FakeHostProbe files;  // its default takes a path without an extension for a directory
    files.set("/bin/sh", testing::FakeHostProbe::Kind::ExecutableFile);
    const LoadResult loaded = testing::loadYaml(out.str(), files);
    INFO(out.str());
    std::string problems;
    for (const Diagnostic& d : loaded.diagnostics) problems += formatDiagnostic(d) + "\n";
    INFO(problems);
    REQUIRE(loaded.ok());
    REQUIRE(loaded.config->jobs.size() == 1);
    CHECK(loaded.config->jobs[0].schedule.cron == "15 3 * * 1-5");
    auto json = parseCommandLine({"import-cron", "--json", "-"});
    REQUIRE(json);
    std::ostringstream jsonOut, jsonErr;
    CHECK(runImportCron(json.value(), Result<std::string>(crontab), jsonOut, jsonErr) == kExitOk);
    const nlohmann::json document = nlohmann::json::parse(jsonOut.str());
    CHECK(document["jobs"] == 1);
    CHECK(document["yaml"] == out.str());
    REQUIRE(document["notes"].size() == 2);
    CHECK(document["notes"][0]["line"] == 1);
    CHECK(document["notes"][0]["kind"] == "unmapped");
    std::ostringstream none, why;
    CHECK(runImportCron(command.value(), Result<std::string>(makeError("cannot open: No such file")), none, why) == kExitFailed);
    CHECK(why.str() == "chiefctl: standard input: cannot open: No such file\n");
    // A system crontab (a user column) on standard input: --format system.
    auto system = parseCommandLine({"import-cron", "--format", "system"});
    REQUIRE(system);
    std::ostringstream systemOut, systemErr;
    CHECK(runImportCron(system.value(), Result<std::string>(std::string("17 * * * * root cd / && run-parts /etc/cron.hourly\n")),
                        systemOut, systemErr) == kExitOk);
    CHECK(systemOut.str().find("user: \"root\"") != std::string::npos);
    CHECK(systemOut.str().find("\"cd / && run-parts /etc/cron.hourly\"") != std::string::npos);
    CHECK_FALSE(parseCommandLine({"import-cron", "--format", "fcron"}));
}

TEST_CASE("chiefctl history: runs newest first, with a job column for all jobs", "[ctl-bus]") {
    FakeClient client;
    const Outcome r = run({"history", "backup", "--limit", "5"}, client);
    CHECK(r.code == kExitOk);
    CHECK(client.runsJob == "backup");
    CHECK(client.runsLimit == 5);
    CHECK(r.out ==
          "RUN ID    TRIGGER   STARTED                  DURATION  RESULT\n"
          "backup-0  schedule  2026-12-31 06:00:00 UTC  2.5s      succeeded\n");
    const Outcome all = run({"history"}, client);
    CHECK(client.runsJob.empty());
    CHECK(contains(all.out, "RUN ID    JOB     TRIGGER"));
    const auto j = run({"history", "backup", "--json"}, client).json();
    CHECK(j["job"] == "backup");
    CHECK(j["runs"][0] == nlohmann::json{{"run_id", "backup-0"},
                                         {"job", "backup"},
                                         {"trigger", "schedule"},
                                         {"scheduled_for", "2026-12-31T06:00:00Z"},
                                         {"started_at", "2026-12-31T06:00:00Z"},
                                         {"ended_at", "2026-12-31T06:00:02Z"},
                                         {"duration_ms", 2500},
                                         {"result", "succeeded"},
                                         {"scripts", {{{"index", 0},
                                                       {"path", "/etc/chief/run.sh"},
                                                       {"status", "exited"},
                                                       {"exit_code", 0},
                                                       {"signal", 0},
                                                       {"duration_ms", 2500}}}}});
    client.runs.clear();
    CHECK(run({"history"}, client).out == "No runs recorded.\n");
}

// ---- run, cancel, reload ------------------------------------------------------------------

TEST_CASE("chiefctl run: subscribes before RunJob, prints each script as it ends, exits with the result",
          "[ctl-bus]") {
    FakeClient client;
    const Outcome r = run({"run", "--job", "backup"}, client);
    CHECK(client.calls == std::vector<std::string>{"watchRuns backup", "runJob backup", "waitForRun backup-1"});
    CHECK(r.code == kExitOk);
    CHECK(r.out ==
          "Run backup-1 of backup started; waiting for it to end.\n"
          "  1. /etc/chief/a.sh: exit 0 (1.2s)\n"
          "  2. /etc/chief/b.sh: exit 0 (0.3s)\n"
          "Run backup-1 succeeded after 1.5s.\n");

    client.scripts = {bus::ScriptEntry{0, "/etc/chief/a.sh", "exited", 3, 0, Millis{100}},
                      bus::ScriptEntry{1, "/etc/chief/b.sh", "skipped", -1, 0, Millis{0}}};
    client.end = bus::RunEnd{"backup-1", "", "failed", Millis{100}};
    const Outcome failed = run({"run", "--job", "backup"}, client);
    CHECK(failed.code == kExitFailed);
    CHECK(contains(failed.out, "  1. /etc/chief/a.sh: exit 3 (0.1s)\n  2. /etc/chief/b.sh: skipped\n"));
    CHECK(contains(failed.out, "Run backup-1 failed after 0.1s.\n"));

    client.end = bus::RunEnd{"backup-1", "", "cancelled", Millis{100}};
    CHECK(run({"run", "--job", "backup"}, client).code == kExitFailed);

    client.scripts = {bus::ScriptEntry{0, "/x", "timed-out", -1, 15, Millis{60000}},
                      bus::ScriptEntry{1, "/y", "signaled", -1, 9, Millis{10}}};
    const Outcome signalled = run({"run", "--job", "backup"}, client);
    CHECK(contains(signalled.out, "  1. /x: timed out, ended with signal 15 (TERM) (1m 00s)\n"));
    CHECK(contains(signalled.out, "  2. /y: killed by signal 9 (KILL) (0.0s)\n"));
}

TEST_CASE("chiefctl run: a failed run shows why, each failed script's start error and last output lines",
          "[ctl-bus]") {
    FakeClient client;
    client.scripts = {bus::ScriptEntry{0, "/etc/chief/a.sh", "exited", 0, 0, Millis{100}},
                      bus::ScriptEntry{1, "/etc/chief/b.sh", "exited", 3, 0, Millis{100}},
                      bus::ScriptEntry{2, "/etc/chief/c.py", "spawn-failed", -1, 0, Millis{0}},
                      bus::ScriptEntry{3, "/etc/chief/d.sh", "skipped", -1, 0, Millis{0}}};
    client.end = bus::RunEnd{"backup-1", "", "failed", Millis{200}};
    client.outputs = {bus::ScriptOutput{0, "", "all fine\n"},
                      bus::ScriptOutput{1, "", "copying /srv\nrsync: disk full\x1b[2J\n"},
                      bus::ScriptOutput{2, "interpreter \"python9\" was not found in PATH", ""},
                      bus::ScriptOutput{3, "", ""}};
    const Outcome failed = run({"run", "--job", "backup"}, client);
    CHECK(failed.code == kExitFailed);
    CHECK(client.outputRequests == std::vector<std::string>{"backup-1"});
    CHECK(contains(failed.out, "Run backup-1 failed after 0.2s.\n"
                               "Last output of script 2 (/etc/chief/b.sh):\n"
                               "    copying /srv\n"
                               "    rsync: disk full\\x1b[2J\n"  // a terminal escape is shown, not sent
                               "Script 3 (/etc/chief/c.py) could not start: interpreter \"python9\" was not found in "
                               "PATH\n"));
    CHECK_FALSE(contains(failed.out, "all fine"));  // the script that succeeded
    CHECK_FALSE(contains(failed.out, "d.sh)"));     // skipped

    // A succeeded run asks nothing more; --json is one document, as before.
    client.scripts.clear();
    client.end = bus::RunEnd{"backup-1", "", "succeeded", Millis{200}};
    client.outputRequests.clear();
    CHECK(run({"run", "--job", "backup"}, client).code == kExitOk);
    CHECK(client.outputRequests.empty());
}

TEST_CASE("chiefctl run: queued runs say so, --json prints one document at the end", "[ctl-bus]") {
    FakeClient client;
    client.start = bus::RunAccepted{"backup-1", bus::RunStartOutcome::Queued};
    CHECK(run({"run", "--job", "backup"}, client).out.starts_with(
        "Run backup-1 of backup is queued behind the job's current run; waiting.\n"));
    const Outcome r = run({"run", "--job", "backup", "--json"}, client);
    CHECK(r.code == kExitOk);
    const auto j = r.json();
    CHECK(j["run_id"] == "backup-1");
    CHECK(j["job"] == "backup");
    CHECK(j["outcome"] == "queued");
    CHECK(j["result"] == "succeeded");
    CHECK(j["duration_ms"] == 1500);
    REQUIRE(j["scripts"].size() == 2);
    CHECK(j["scripts"][1]["path"] == "/etc/chief/b.sh");
    CHECK(j["scripts"][1]["index"] == 1);
}

TEST_CASE("chiefctl run --no-wait: prints the run id and does not subscribe or wait", "[ctl-bus]") {
    FakeClient client;
    const Outcome r = run({"run", "--job", "backup", "--no-wait"}, client);
    CHECK(r.code == kExitOk);
    CHECK(r.out == "backup-1\n");
    CHECK(client.calls == std::vector<std::string>{"runJob backup"});
    CHECK(run({"run", "--job", "backup", "--no-wait", "--json"}, client).json() ==
          nlohmann::json{{"run_id", "backup-1"}, {"job", "backup"}, {"outcome", "started"}});
}

TEST_CASE("chiefctl run: skipped by the overlap policy exits 5, denied exits 4", "[ctl-bus]") {
    FakeClient client;
    client.runError = daemonError(bus::kRunSkipped, "job \"backup\" was not started: a run is in progress");
    const Outcome skipped = run({"run", "--job", "backup"}, client);
    CHECK(skipped.code == kExitNotStarted);
    CHECK(skipped.err == "chiefctl: job \"backup\" was not started: a run is in progress\n");
    CHECK(skipped.out.empty());
    client.runError = daemonError(bus::kAccessDenied, "running a job needs root or membership in the \"chief\" group");
    const Outcome denied = run({"run", "--job", "backup", "--no-wait"}, client);
    CHECK(denied.code == kExitAccessDenied);
    CHECK(contains(denied.err, "needs root or membership in the \"chief\" group"));
}

TEST_CASE("chiefctl run: chiefd going away mid-wait exits 3 and names the run", "[ctl-bus]") {
    FakeClient client;
    client.waitError = ClientError{ClientError::Kind::Lost, "",
                                   "chiefd left the system bus (it stopped or restarted) before the run ended; its "
                                   "result is unknown"};
    const Outcome r = run({"run", "--job", "backup"}, client);
    CHECK(r.code == kExitUnreachable);
    CHECK(contains(r.out, "  2. /etc/chief/b.sh: exit 0 (0.3s)\n"));  // what ended before is shown
    CHECK(r.err ==
          "chiefctl: chiefd left the system bus (it stopped or restarted) before the run ended; its result is "
          "unknown (run backup-1; see chiefctl history backup)\n");
}

// ---- run without --job, run --respect-schedule (RunJobs) ---------------------------------

namespace {

bus::JobRunOutcome request(std::string job, std::string runId, std::string outcome, std::string reason = "") {
    return bus::JobRunOutcome{std::move(job), std::move(runId), bus::runRequestOutcomeFromName(outcome).value(),
                              std::move(reason)};
}

// backup started, report not due, cleanup queued behind it: what RunJobs answers for a
// three-job config at 2027-01-01T06:00Z with --respect-schedule.
bus::RunJobsOutcome threeJobs() {
    bus::RunJobsOutcome answer;
    answer.minute = at(1798783200);
    answer.runs = {request("backup", "backup-1", "started"), request("report", "", "not-due"),
                   request("cleanup", "cleanup-1", "queued", "waiting for a free slot (max_parallel_jobs: 1)")};
    return answer;
}

}  // namespace

TEST_CASE("chiefctl run without --job: one RunJobs call, then each run waited for in turn", "[ctl-bus]") {
    FakeClient client;
    client.jobsAnswer = threeJobs();
    client.scriptsByRun["cleanup-1"] = {bus::ScriptEntry{0, "/etc/chief/clean.sh", "exited", 0, 0, Millis{200}}};
    client.endsByRun.emplace("cleanup-1", bus::RunEnd{"cleanup-1", "", "succeeded", Millis{200}});
    const Outcome r = run({"run"}, client);
    CHECK(client.calls ==
          std::vector<std::string>{"watchRuns ", "runJobs []", "waitForRun backup-1", "waitForRun cleanup-1"});
    CHECK(r.code == kExitOk);
    CHECK(r.err.empty());
    CHECK(r.out ==
          "Run backup-1 of backup started; waiting for it to end.\n"
          "  1. /etc/chief/a.sh: exit 0 (1.2s)\n"
          "  2. /etc/chief/b.sh: exit 0 (0.3s)\n"
          "Run backup-1 succeeded after 1.5s.\n"
          "report: not due at 2027-01-01 06:00:00 UTC; not run.\n"
          "Run cleanup-1 of cleanup was queued (waiting for a free slot (max_parallel_jobs: 1)); waiting for it to "
          "end.\n"
          "  1. /etc/chief/clean.sh: exit 0 (0.2s)\n"
          "Run cleanup-1 succeeded after 0.2s.\n");

    // One failed run makes the whole command fail; the later runs are still waited for.
    client.calls.clear();
    client.end = bus::RunEnd{"backup-1", "", "failed", Millis{100}};
    const Outcome failed = run({"run"}, client);
    CHECK(failed.code == kExitFailed);
    CHECK(client.calls.back() == "waitForRun cleanup-1");
    CHECK(contains(failed.out, "Run backup-1 failed after 0.1s.\n"));
    CHECK(contains(failed.out, "Run cleanup-1 succeeded after 0.2s.\n"));

    client.jobsAnswer = bus::RunJobsOutcome{at(1798783200), {}};
    const Outcome none = run({"run"}, client);
    CHECK(none.code == kExitOk);
    CHECK(none.out == "No enabled jobs to run.\n");
}

TEST_CASE("chiefctl run --respect-schedule: chiefd decides, not due is said and exits 0", "[ctl-bus]") {
    FakeClient client;
    client.jobsAnswer = bus::RunJobsOutcome{at(1798783200), {request("report", "", "not-due")}};
    const Outcome r = run({"run", "--job", "report", "--respect-schedule"}, client);
    CHECK(client.calls == std::vector<std::string>{"watchRuns report", "runJobs [report] respect-schedule"});
    CHECK(r.code == kExitOk);
    CHECK(r.out == "report: not due at 2027-01-01 06:00:00 UTC; not run.\n");
    const auto j = run({"run", "--job", "report", "--respect-schedule", "--json"}, client).json();
    CHECK(j == nlohmann::json{{"minute", "2027-01-01T06:00:00Z"},
                              {"respect_schedule", true},
                              {"runs", {{{"job", "report"}, {"run_id", nullptr}, {"outcome", "not-due"},
                                         {"reason", nullptr}}}}});

    client.calls.clear();
    client.jobsAnswer = threeJobs();
    const Outcome all = run({"run", "--respect-schedule", "--json"}, client);
    CHECK(client.calls[1] == "runJobs [] respect-schedule");
    CHECK(all.code == kExitOk);
    const auto runs = all.json()["runs"];
    REQUIRE(runs.size() == 3);
    CHECK(runs[0]["run_id"] == "backup-1");
    CHECK(runs[0]["result"] == "succeeded");
    CHECK(runs[0]["duration_ms"] == 1500);
    CHECK(runs[0]["scripts"].size() == 2);
    CHECK(runs[1]["outcome"] == "not-due");
    CHECK_FALSE(runs[1].contains("result"));
    CHECK(runs[2]["outcome"] == "queued");
    CHECK(runs[2]["reason"] == "waiting for a free slot (max_parallel_jobs: 1)");
}

TEST_CASE("chiefctl run --no-wait without --job: run ids on stdout, the rest on stderr", "[ctl-bus]") {
    FakeClient client;
    client.jobsAnswer = threeJobs();
    const Outcome r = run({"run", "--no-wait", "--respect-schedule"}, client);
    CHECK(client.calls == std::vector<std::string>{"runJobs [] respect-schedule"});
    CHECK(r.code == kExitOk);
    CHECK(r.out == "backup-1\ncleanup-1\n");
    CHECK(r.err == "report: not due at 2027-01-01 06:00:00 UTC; not run.\n");
    const auto j = run({"run", "--no-wait", "--json"}, client).json();
    CHECK(j["respect_schedule"] == false);
    REQUIRE(j["runs"].size() == 3);
    CHECK(j["runs"][0] == nlohmann::json{{"job", "backup"}, {"run_id", "backup-1"}, {"outcome", "started"},
                                         {"reason", nullptr}});
}

TEST_CASE("chiefctl run via RunJobs: overlap skips exit 5, refusals keep their status, an old chiefd is named",
          "[ctl-bus]") {
    FakeClient client;
    client.jobsAnswer = bus::RunJobsOutcome{
        at(1798783200),
        {request("backup", "", "skipped", "still running (overlap: skip)"), request("cleanup", "cleanup-1", "started")}};
    const Outcome skipped = run({"run"}, client);
    CHECK(skipped.code == kExitNotStarted);
    CHECK(contains(skipped.out, "backup: not started: still running (overlap: skip).\n"));
    CHECK(contains(skipped.out, "Run cleanup-1 of cleanup started"));
    client.end = bus::RunEnd{"cleanup-1", "", "failed", Millis{100}};
    CHECK(run({"run"}, client).code == kExitFailed);  // a failure outranks a skip

    for (const bus::ErrorEntry& entry : {bus::kNoSuchJob, bus::kJobDisabled, bus::kAccessDenied, bus::kStopping}) {
        FakeClient refused;
        refused.failWith = daemonError(entry, "refused");
        INFO(entry.name);
        CHECK(run({"run", "--respect-schedule"}, refused).code == entry.exitStatus);
    }

    FakeClient old;
    old.failWith = ClientError{ClientError::Kind::Daemon, "org.freedesktop.DBus.Error.UnknownMethod",
                               "Unknown method RunJobs or interface org.chief.Scheduler1.Manager."};
    const Outcome r = run({"run", "--no-wait"}, old);
    CHECK(r.code == kExitFailed);
    CHECK(contains(r.err, "chiefctl: this chiefd has no RunJobs method (it is older than chiefctl)"));

    FakeClient lost;
    lost.jobsAnswer = threeJobs();
    lost.waitError = ClientError{ClientError::Kind::Lost, "", "chiefd left the system bus"};
    const Outcome gone = run({"run"}, lost);
    CHECK(gone.code == kExitUnreachable);
    CHECK(gone.err == "chiefctl: chiefd left the system bus (run backup-1; see chiefctl history backup)\n");
    CHECK(lost.calls.back() == "waitForRun backup-1");  // no waiting for the later runs
}

TEST_CASE("chiefctl cancel and reload: confirmations, and a refused reload exits 1", "[ctl-bus]") {
    FakeClient client;
    const std::string id = "20261129T020000.004Z-0007";
    const Outcome cancel = run({"cancel", "20261129T020000.004Z-0007"}, client);
    CHECK(cancel.code == kExitOk);
    CHECK(client.calls.back() == "cancelRun " + id);
    CHECK(cancel.out == "Cancelled run " + id + ".\n");
    CHECK(run({"cancel", "20261129T020000.004Z-0007", "--json"}, client).json() ==
          nlohmann::json{{"run_id", id}, {"cancelled", true}});
    // `chiefd --once` ids carry the pid after the sequence number.
    run({"cancel", "20261129T020000.004Z-0007-o4242"}, client);
    CHECK(client.calls.back() == "cancelRun " + id + "-o4242");
    const Outcome reload = run({"reload"}, client);
    CHECK(reload.code == kExitOk);
    CHECK(reload.out == "chiefd reloaded its config.\n");
    CHECK(run({"reload", "--json"}, client).json() == nlohmann::json{{"reloaded", true}});
    client.failWith = daemonError(bus::kInvalidConfig,
                                  "reload refused; still running the previous config:\n/etc/chief/chief.yaml:3:5: bad");
    const Outcome refused = run({"reload"}, client);
    CHECK(refused.code == kExitInvalid);
    CHECK(refused.err == "chiefctl: reload refused; still running the previous config:\n/etc/chief/chief.yaml:3:5: bad\n");
}

TEST_CASE("chiefctl cancel JOB: every run of the job in progress and its queued one, or a clear none", "[ctl-bus]") {
    FakeClient client;
    client.cancelledIds = {"20261129T020000.004Z-0007", "20261129T020100.001Z-0008"};
    const Outcome cancel = run({"cancel", "backup"}, client);
    CHECK(cancel.code == kExitOk);
    CHECK(client.calls.back() == "cancelJob backup");
    CHECK(cancel.out == "Cancelled run 20261129T020000.004Z-0007 of backup.\nCancelled run 20261129T020100.001Z-0008 of backup.\n");
    CHECK(run({"cancel", "backup", "--json"}, client).json() ==
          nlohmann::json{{"job", "backup"}, {"cancelled", client.cancelledIds}});
    client.cancelledIds.clear();
    const Outcome none = run({"cancel", "backup"}, client);
    CHECK(none.code == kExitOk);
    CHECK(none.out == "No run of backup was running or queued.\n");
    client.failWith = daemonError(bus::kNoSuchJob, "no job named \"nope\"");
    CHECK(run({"cancel", "nope"}, client).code == kExitUsage);
}

TEST_CASE("Run ids have one shape: what cancel tells from a job name", "[ctl-bus]") {
    CHECK(hasRunIdShape("20261129T020000.004Z-0007"));
    CHECK(hasRunIdShape("20261129T020000.004Z-0007-o4242"));
    CHECK_FALSE(hasRunIdShape("backup"));
    CHECK_FALSE(hasRunIdShape("20261129T020000.004Z-0007-"));
    CHECK_FALSE(hasRunIdShape("20261129T020000.004Z-007"));
    CHECK_FALSE(hasRunIdShape("2026112xT020000.004Z-0007"));
}

// ---- exit codes ---------------------------------------------------------------------------

TEST_CASE("chiefctl bus: every error name of the shared table exits with its status", "[ctl-bus]") {
    for (const bus::ErrorEntry& entry : bus::kErrors) {
        FakeClient client;
        client.failWith = daemonError(entry, "refused");
        INFO(entry.name);
        CHECK(run({"list"}, client).code == entry.exitStatus);
        CHECK(run({"reload", "--json"}, client).json()["error"]["name"] == entry.name);
    }
    FakeClient client;
    client.failWith = ClientError{ClientError::Kind::Daemon, "org.freedesktop.DBus.Error.UnknownMethod", "no"};
    CHECK(run({"list"}, client).code == kExitFailed);
    for (auto kind : {ClientError::Kind::NoBus, ClientError::Kind::NotRunning, ClientError::Kind::Lost}) {
        client.failWith = ClientError{kind, "", "unreachable"};
        CHECK(run({"status"}, client).code == kExitUnreachable);
    }
}

TEST_CASE("chiefctl bus: unreachable chiefd and bus errors are said plainly", "[ctl-bus]") {
    const BusTarget system{BusKind::System, std::nullopt};
    const BusTarget user{BusKind::User, std::nullopt};
    const BusTarget remote{BusKind::System, std::string("admin@db1")};
    const std::string unknown = "org.freedesktop.DBus.Error.ServiceUnknown";

    const ClientError notRunning = classifyCallError(system, -EHOSTUNREACH, unknown, "not provided", true);
    CHECK(notRunning.kind == ClientError::Kind::NotRunning);
    CHECK(exitStatusFor(notRunning) == kExitUnreachable);
    CHECK(notRunning.message ==
          "chiefd is not running (org.chief.Scheduler1 is not on the system bus): start it with systemctl start "
          "chiefd, or use --config PATH to read a config file offline");
    CHECK(contains(classifyCallError(user, -1, unknown, "", true).message,
                   "not on the session bus): start it with systemctl --user start chiefd"));
    CHECK(contains(classifyCallError(remote, -1, "org.freedesktop.DBus.Error.NameHasNoOwner", "", true).message,
                   "not on the system bus of admin@db1): start it with systemctl -H admin@db1 start chiefd"));
    CHECK(classifyCallError(system, -1, "org.freedesktop.DBus.Error.Spawn.ChildExited", "exit 1", true).kind ==
          ClientError::Kind::NotRunning);

    const ClientError policy =
        classifyCallError(system, -EACCES, "org.freedesktop.DBus.Error.AccessDenied", "Rejected send message", true);
    CHECK(exitStatusFor(policy) == kExitAccessDenied);
    CHECK(contains(policy.message, "need root or membership in the \"chief\" group"));

    const ClientError noBus = noBusError(system, -ENOENT);
    CHECK(noBus.kind == ClientError::Kind::NoBus);
    CHECK(exitStatusFor(noBus) == kExitUnreachable);
    CHECK(noBus.message ==
          "cannot connect to the system bus (No such file or directory): D-Bus is not running here (a container "
          "without D-Bus?); use --config PATH to read a config file offline");
    CHECK(contains(noBusError(user, -ENOMEDIUM).message, "drop --user"));
    CHECK(contains(noBusError(remote, -ECONNRESET).message, "cannot reach the system bus of admin@db1 over ssh"));

    // A local failure before anything worked is an unreachable bus; after, a lost connection.
    CHECK(classifyCallError(remote, -ECONNRESET, "System.Error.ECONNRESET", "reset", false).kind ==
          ClientError::Kind::NoBus);
    CHECK(classifyCallError(system, -ECONNRESET, "System.Error.ECONNRESET", "reset", true).kind ==
          ClientError::Kind::Lost);
    CHECK(classifyCallError(system, -ETIMEDOUT, "org.freedesktop.DBus.Error.NoReply", "no reply", true).kind ==
          ClientError::Kind::Lost);

    const ClientError chief = classifyCallError(system, -ENOENT, bus::kNoSuchRun.name, "no run with id \"x\"", true);
    CHECK(chief.kind == ClientError::Kind::Daemon);
    CHECK(chief.message == "no run with id \"x\"");
    CHECK(exitStatusFor(chief) == kExitUsage);
}

// ---- offline list and show ----------------------------------------------------------------

TEST_CASE("chiefctl list and show --config: the same shapes from the file, run-time fields unknown", "[ctl-bus]") {
    const LoadResult loaded = testing::loadYaml(R"(
jobs:
  - name: backup
    description: Nightly backup
    schedule: {frequency: daily, time: "06:00"}
    scripts: [{path: run.sh}]
)");
    auto exec = [&](std::vector<std::string> args) {
        auto command = parseCommandLine(args);
        REQUIRE(command);
        REQUIRE(runsOffline(command.value()));
        std::ostringstream out, err;
        const int code = runOffline(command.value(), loaded, OfflineClient::Host{at(1798761600), "UTC"}, VerbContext{"UTC", false, at(1798761600)}, out, err);
        return Outcome{code, out.str(), err.str()};
    };
    const Outcome list = exec({"list", "--config", "x.yaml"});
    CHECK(list.code == kExitOk);
    CHECK(contains(list.out, "2027-01-01 06:00:00 UTC  6h    -     -       -       backup  every day at 06:00\n"));
    const auto j = exec({"list", "--config", "x.yaml", "--json"}).json();
    CHECK(j["jobs"][0]["running"].is_null());
    CHECK(j["jobs"][0]["next_run"] == "2027-01-01T06:00:00Z");
    const Outcome show = exec({"show", "backup", "--config", "x.yaml"});
    CHECK(show.out ==
          "backup - Nightly backup\n"
          "  enabled:   yes\n"
          "  schedule:  every day at 06:00\n"
          "  timezone:  UTC\n"
          "  mode:      pure_cron  (cron: 0 6 * * *)\n"
          "  next run:  2027-01-01 06:00:00 UTC\n");
    const auto details = exec({"show", "backup", "--config", "x.yaml", "--json"}).json();
    CHECK(details["cron"] == "0 6 * * *");
    CHECK(details["last_run_id"].is_null());
    const Outcome missing = exec({"show", "bakcup", "--config", "x.yaml"});
    CHECK(missing.code == kExitUsage);
    CHECK(contains(missing.err, "(did you mean \"backup\"?)"));
}

TEST_CASE("chiefctl picks the bus: the system bus, else a non-root user's own, --system and --user decide alone",
          "[ctl-bus][user]") {
    std::vector<std::string> probed;
    auto probe = [&](bool systemHas, bool userHas) {
        return [&probed, systemHas, userHas](const BusTarget& t) {
            probed.push_back(t.describe());
            return t.kind == BusKind::System ? systemHas : userHas;
        };
    };
    // Root, or a user who named a bus, or -H: no looking around.
    CHECK(chooseBusTarget(BusKind::System, false, std::nullopt, true, probe(false, true)).kind == BusKind::System);
    CHECK(chooseBusTarget(BusKind::System, true, std::nullopt, false, probe(false, true)).kind == BusKind::System);
    CHECK(chooseBusTarget(BusKind::User, true, std::nullopt, false, probe(true, false)).kind == BusKind::User);
    CHECK(chooseBusTarget(BusKind::System, false, std::string("host"), false, probe(false, true)).host == "host");
    CHECK(probed.empty());
    // A user without --system/--user: the system daemon if there is one, else their own.
    CHECK(chooseBusTarget(BusKind::System, false, std::nullopt, false, probe(true, true)).kind == BusKind::System);
    CHECK(chooseBusTarget(BusKind::System, false, std::nullopt, false, probe(false, true)).kind == BusKind::User);
    const BusTarget neither = chooseBusTarget(BusKind::System, false, std::nullopt, false, probe(false, false));
    CHECK(neither.kind == BusKind::System);
    CHECK(neither.userBusTriedToo);
    CHECK(classifyCallError(neither, -ENOENT, "org.freedesktop.DBus.Error.ServiceUnknown", "", false).message.find(
              "neither on the system bus nor on your session bus") != std::string::npos);
}

TEST_CASE("chiefctl: a non-root user refused by the system chiefd is pointed to --user", "[ctl-bus][user]") {
    FakeClient client;
    client.failWith = ClientError{ClientError::Kind::Daemon, bus::kAccessDenied.name, "running a job needs root"};
    auto command = parseCommandLine({"run", "--job", "backup"});
    REQUIRE(command);
    std::ostringstream out, err;
    CHECK(runVerb(command.value(), client, VerbContext{"UTC", true, std::nullopt}, out, err) == bus::kExitAccessDenied);
    CHECK(err.str().find("to use your own (chiefd --user), add --user") != std::string::npos);
    std::ostringstream out2, err2;
    runVerb(command.value(), client, VerbContext{"UTC", false, std::nullopt}, out2, err2);
    CHECK(err2.str().find("--user") == std::string::npos);
}

TEST_CASE("chiefctl status: telemetry's state when it is on", "[ctl-bus][telemetry]") {
    FakeClient client;
    client.manager.telemetry = bus::TelemetryState{true, false, 2, 40, 1, 0, "HTTP 503"};
    const Outcome r = run({"status"}, client);
    CHECK(r.out.find(" telemetry: not connected, 42 pending (40 in the spool), 1 dead, 0 dropped\n"
                     "            last error: HTTP 503\n") != std::string::npos);
    const auto j = run({"status", "--json"}, client).json();
    CHECK(j["daemon"]["telemetry"]["pending_spool"] == 40);
    CHECK(j["daemon"]["telemetry"]["last_error"] == "HTTP 503");
}

TEST_CASE("chiefctl list: spans as list-timers shows them, soonest first, never-due last", "[ctl-bus]") {
    CHECK(formatSpan(Seconds{0}) == "0s");
    CHECK(formatSpan(Seconds{59}) == "59s");
    CHECK(formatSpan(Seconds{61}) == "1min 1s");
    CHECK(formatSpan(Seconds{3600}) == "1h");
    CHECK(formatSpan(Seconds{3 * 3600 + 120 + 5}) == "3h 2min");
    CHECK(formatSpan(Seconds{86400 + 4 * 3600}) == "1 day 4h");
    CHECK(formatSpan(Seconds{2 * 86400}) == "2 days");
    CHECK(formatSpan(Seconds{-5}) == "0s");  // a due time just passed
    std::vector<bus::JobSummary> jobs(4);
    jobs[0].name = "never";
    jobs[1].name = "late";
    jobs[1].nextRun = at(2000);
    jobs[2].name = "b-soon";
    jobs[2].nextRun = at(1000);
    jobs[3].name = "a-soon";
    jobs[3].nextRun = at(1000);
    sortByNextRun(jobs);
    CHECK(jobs[0].name == "a-soon");
    CHECK(jobs[1].name == "b-soon");
    CHECK(jobs[2].name == "late");
    CHECK(jobs[3].name == "never");
}

// ---- logs ------------------------------------------------------------------------------------

namespace {

// The journal as the logs verb sees it: canned entries, and what it was asked.
struct FakeJournal final : JournalSource {
    std::string unavailable;              // unavailableReason()
    std::vector<JournalEntry> entries;    // read()'s answer
    std::vector<JournalEntry> later;      // what follow() passes on, then it returns
    std::optional<JournalQuery> asked;
    bool followed = false;
    int availabilityAsked = 0;  // asked once: the verb decides from one answer
    std::string unavailableReason() override {
        ++availabilityAsked;
        return unavailable;
    }
    Result<std::size_t> read(const JournalQuery& query, const std::function<void(const JournalEntry&)>& each) override {
        asked = query;
        for (const JournalEntry& entry : entries) each(entry);
        return entries.size();
    }
    Result<bus::Done> follow(const std::function<bool(const JournalEntry&)>& each) override {
        followed = true;
        for (const JournalEntry& entry : later)
            if (!each(entry)) break;
        return bus::Done{};
    }
};

JournalEntry entryAt(std::int64_t unixSeconds, std::string identifier, long long pid, std::string message, int priority = 6) {
    JournalEntry entry;
    entry.time = SysMicros{std::chrono::seconds{unixSeconds} + std::chrono::microseconds{123456}};
    entry.identifier = std::move(identifier);
    entry.pid = pid;
    entry.job = "backup";
    entry.runId = "20270101T060000.002Z-0004";
    entry.message = std::move(message);
    entry.priority = priority;
    return entry;
}

Outcome logs(std::initializer_list<const char*> args, FakeClient& client, JournalSource* journal,
             const std::string& zone = "UTC", std::optional<std::string> host = std::nullopt) {
    auto command = parseCommandLine(std::vector<std::string>(args.begin(), args.end()));
    REQUIRE(command);
    REQUIRE(command.value().verb == Verb::Logs);
    std::ostringstream out, err;
    const LogsContext context{VerbContext{zone, false, at(1798761600)}, 0, std::move(host)};
    const int code = runLogs(command.value(), client, journal, context, out, err);
    return {code, out.str(), err.str()};
}

SysSeconds sinceOf(const std::string& text, const std::string& zone = "UTC") {
    auto rules = ZoneRules::locate(zone);
    REQUIRE(rules);
    const auto parsed = parseSince(text, at(1798761600), *rules.value());  // 2027-01-01T00:00:00Z
    REQUIRE(parsed);
    return parsed.value();
}

}  // namespace

TEST_CASE("chiefctl logs: --since reads ISO times, today, yesterday and a time ago", "[ctl-bus][logs]") {
    CHECK(sinceOf("now") == at(1798761600));
    CHECK(sinceOf("2h") == at(1798761600 - 7200));
    CHECK(sinceOf("-30min") == at(1798761600 - 1800));
    CHECK(sinceOf("1d ago") == at(1798761600 - 86400));
    CHECK(sinceOf("2 hours ago") == at(1798761600 - 7200));
    CHECK(sinceOf("90s") == at(1798761600 - 90));
    CHECK(sinceOf("1w") == at(1798761600 - 7 * 86400));
    // In the viewer's zone: at 2027-01-01T00:00Z it is 01:00 in Berlin, so today began at 23:00Z.
    CHECK(sinceOf("today", "Europe/Berlin") == at(1798761600 - 3600));
    CHECK(sinceOf("yesterday", "Europe/Berlin") == at(1798761600 - 3600 - 86400));
    CHECK(sinceOf("today") == at(1798761600));
    CHECK(sinceOf("2026-12-31 06:00", "Europe/Berlin") == at(1798696800 - 3600));
    CHECK(sinceOf("2026-12-31T06:00Z") == at(1798696800));
    CHECK(sinceOf("2026-12-31") == at(1798675200));
    auto utc = ZoneRules::locate("UTC");
    for (const char* bad : {"soon", "5x", "-", "-2026-12-31", "2h later", "", "99999999999d", "2026-13-01"}) {
        INFO(bad);
        const auto parsed = parseSince(bad, at(1798761600), *utc.value());
        REQUIRE_FALSE(parsed);
        CHECK(contains(parsed.error(), "expected an ISO 8601 time"));
    }
}

TEST_CASE("chiefctl logs: the command line", "[ctl-bus][logs]") {
    auto all = parseCommandLine({"logs", "backup", "-n", "5", "-f", "--since", "-2h"});
    REQUIRE(all);
    CHECK(all.value().verb == Verb::Logs);
    CHECK(all.value().argument == "backup");
    CHECK(all.value().lines == 5u);
    CHECK(all.value().follow);
    CHECK(all.value().since == "-2h");
    CHECK_FALSE(pagesOutput(all.value()));  // followed output is never paged
    auto longForms = parseCommandLine({"logs", "--lines=0", "--follow", "--since=today", "20270101T060000.002Z-0004"});
    REQUIRE(longForms);
    CHECK(longForms.value().lines == 0u);
    CHECK(longForms.value().argument == "20270101T060000.002Z-0004");
    auto plain = parseCommandLine({"logs", "backup"});
    REQUIRE(plain);
    CHECK_FALSE(plain.value().lines);
    CHECK_FALSE(plain.value().follow);
    CHECK(pagesOutput(plain.value()));
    CHECK_FALSE(pagesOutput(parseCommandLine({"logs", "backup", "--json"}).value()));
    CHECK(parseError({"logs"}) == "logs needs a job or a run id: chiefctl logs JOB|RUN_ID");
    CHECK(parseError({"logs", "a", "b"}) == "unexpected argument 'b'");
    CHECK(parseError({"logs", "a", "-n", "x"}) == "--lines must be a whole number >= 0, got 'x'");
    CHECK(parseError({"logs", "a", "-n", "-3"}) == "--lines must be a whole number >= 0, got '-3'");
    CHECK(parseError({"logs", "a", "-f=1"}) == "unknown option '-f=1'");
    CHECK(parseError({"logs", "a", "--follow=yes"}) == "--follow takes no value");
    CHECK(parseError({"history", "-f"}) == "option '--follow' does not apply to this command");
    CHECK(parseError({"status", "--since", "2h"}) == "option '--since' does not apply to this command");
    CHECK(contains(parseError({"logs", "a", "--config", "x.yaml"}), "'logs' asks chiefd and has no offline form"));
    CHECK(parseError({"logs", "a", "--lnes", "3"}) == "unknown option '--lnes' (did you mean '--lines'?)");
}

TEST_CASE("chiefctl logs: a journal line as journalctl's short format, in the viewer's zone, and as JSON",
          "[ctl-bus][logs]") {
    auto berlin = ZoneRules::locate("Europe/Berlin");
    REQUIRE(berlin);
    JournalEntry entry = entryAt(1798696800, "backup", 812, "hello\x1b[2J");
    entry.stream = "stdout";
    CHECK(formatJournalEntry(entry, *berlin.value(), TerminalStyle()) ==
          "2026-12-31 07:00:00 CET backup[812]: hello\\x1b[2J\n");
    JournalEntry failed = entryAt(1798696800, "chiefd", 40, "backup: run x failed", 3);
    failed.pid.reset();
    CHECK(formatJournalEntry(failed, *berlin.value(), TerminalStyle(true)) ==
          "2026-12-31 07:00:00 CET chiefd: \x1b[0;1;31mbackup: run x failed\x1b[0m\n");
    const JournalEntry warning = entryAt(1798696800, "backup", 812, "disk low", 4);
    CHECK(contains(formatJournalEntry(warning, *berlin.value(), TerminalStyle(true)), "\x1b[0;33mdisk low\x1b[0m"));
    const nlohmann::json json = journalEntryJson(entry);
    CHECK(json == nlohmann::json{{"source", "journal"},
                                 {"time", "2026-12-31T06:00:00.123456Z"},
                                 {"priority", 6},
                                 {"identifier", "backup"},
                                 {"pid", 812},
                                 {"job", "backup"},
                                 {"run_id", "20270101T060000.002Z-0004"},
                                 {"stream", "stdout"},
                                 {"message", "hello\x1b[2J"}});
    CHECK(journalEntryJson(failed)["stream"].is_null());
    CHECK(journalEntryJson(failed)["pid"].is_null());
}

TEST_CASE("chiefctl logs JOB: the journal entries chiefd wrote, oldest first, and no call to chiefd", "[ctl-bus][logs]") {
    FakeClient client;
    FakeJournal journal;
    journal.entries = {entryAt(1798696800, "chiefd", 40, "backup: run 20270101T060000.002Z-0004 started"),
                       entryAt(1798696801, "backup", 40, "copied 3 files")};
    const Outcome out = logs({"logs", "backup", "--since", "2h", "-n", "50"}, client, &journal);
    CHECK(out.code == kExitOk);
    CHECK(out.out == "2026-12-31 06:00:00 UTC chiefd[40]: backup: run 20270101T060000.002Z-0004 started\n"
                     "2026-12-31 06:00:01 UTC backup[40]: copied 3 files\n");
    CHECK(out.err.empty());
    REQUIRE(journal.asked);
    CHECK(journal.asked->field == "CHIEF_JOB");
    CHECK(journal.asked->value == "backup");
    CHECK(journal.asked->senderUid == 0u);
    CHECK(journal.asked->since == at(1798761600 - 7200));
    CHECK(journal.asked->last == 50u);
    CHECK_FALSE(journal.followed);
    CHECK(client.calls.empty());
    CHECK(client.outputRequests.empty());

    const Outcome byRun = logs({"logs", "20270101T060000.002Z-0004", "--json"}, client, &journal);
    CHECK(byRun.code == kExitOk);
    CHECK(journal.asked->field == "CHIEF_RUN_ID");
    CHECK_FALSE(journal.asked->last);
    CHECK_FALSE(journal.asked->since);
    // JSON Lines: one object per entry.
    std::istringstream lines(byRun.out);
    std::string line;
    std::vector<nlohmann::json> objects;
    while (std::getline(lines, line)) objects.push_back(nlohmann::json::parse(line));
    REQUIRE(objects.size() == 2);
    CHECK(objects[1]["message"] == "copied 3 files");
    CHECK(objects[1]["source"] == "journal");

    const Outcome badSince = logs({"logs", "backup", "--since", "soon"}, client, &journal);
    CHECK(badSince.code == kExitUsage);
    CHECK(contains(badSince.err, "chiefctl: invalid --since 'soon': expected an ISO 8601 time"));
}

TEST_CASE("chiefctl logs -f: the last 10 entries, then each new one as it comes", "[ctl-bus][logs]") {
    FakeClient client;
    FakeJournal journal;
    journal.entries = {entryAt(1798696800, "backup", 40, "one")};
    journal.later = {entryAt(1798696900, "backup", 40, "two"), entryAt(1798697000, "chiefd", 40, "three")};
    const Outcome out = logs({"logs", "backup", "-f"}, client, &journal);
    CHECK(out.code == kExitOk);
    REQUIRE(journal.asked);
    CHECK(journal.asked->last == 10u);
    CHECK(journal.followed);
    CHECK(out.out == "2026-12-31 06:00:00 UTC backup[40]: one\n2026-12-31 06:01:40 UTC backup[40]: two\n"
                     "2026-12-31 06:03:20 UTC chiefd[40]: three\n");
    const Outcome counted = logs({"logs", "backup", "-f", "-n", "3"}, client, &journal);
    CHECK(journal.asked->last == 3u);
}

TEST_CASE("chiefctl logs: without journal entries, the output chiefd kept of each run, and says so", "[ctl-bus][logs]") {
    FakeClient client;
    bus::RunEntry older = client.runs.front();
    older.id = "20261231T060000.000Z-0001";
    older.result = "failed";
    older.scripts = {bus::ScriptEntry{0, "/etc/chief/run.sh", "exited", 3, 0, Millis{20}},
                     bus::ScriptEntry{1, "/etc/chief/missing.sh", "spawn-failed", -1, 0, Millis{0}}};
    bus::RunEntry newer = client.runs.front();
    newer.id = "20270101T060000.002Z-0004";
    newer.startedAt = atMs(1798783200002);  // 2027-01-01T06:00:00.002Z
    newer.scripts = older.scripts;
    client.runs = {newer, older};  // ListRuns: newest first
    client.outputs = {bus::ScriptOutput{0, "", "first\nsecond\n"}, bus::ScriptOutput{1, "No such file or directory", ""}};
    FakeJournal journal;  // readable, but nothing of this job in it
    const Outcome out = logs({"logs", "backup"}, client, &journal);
    CHECK(out.code == kExitOk);
    CHECK(contains(out.err, "chiefctl: no journal entries of backup written by chiefd (uid 0) are readable here"));
    CHECK(contains(out.err, "; showing the output chiefd kept\n"));
    CHECK(client.runsJob == "backup");
    CHECK(client.runsLimit == 0u);
    CHECK(client.outputRequests == std::vector<std::string>{"20270101T060000.002Z-0004", "20261231T060000.000Z-0001"});
    CHECK(out.out ==
          "-- run 20261231T060000.000Z-0001 of backup, started 2026-12-31 06:00:00 UTC, failed --\n"
          "script 1 (/etc/chief/run.sh):\n"
          "    first\n"
          "    second\n"
          "script 2 (/etc/chief/missing.sh) could not start: No such file or directory\n"
          "-- run 20270101T060000.002Z-0004 of backup, started 2027-01-01 06:00:00 UTC, succeeded --\n"
          "script 1 (/etc/chief/run.sh):\n"
          "    first\n"
          "    second\n"
          "script 2 (/etc/chief/missing.sh) could not start: No such file or directory\n");

    // -n 2: the last two lines, and only the runs needed for them are asked for.
    client.outputRequests.clear();
    const Outcome last = logs({"logs", "backup", "-n", "2"}, client, &journal);
    CHECK(client.outputRequests == std::vector<std::string>{"20270101T060000.002Z-0004"});
    CHECK(last.out ==
          "-- run 20270101T060000.002Z-0004 of backup, started 2027-01-01 06:00:00 UTC, succeeded --\n"
          "script 1 (/etc/chief/run.sh):\n"
          "    second\n"
          "script 2 (/etc/chief/missing.sh) could not start: No such file or directory\n");

    // --since: runs started from then on.
    client.outputRequests.clear();
    const Outcome since = logs({"logs", "backup", "--since", "2027-01-01"}, client, &journal);
    CHECK(client.outputRequests == std::vector<std::string>{"20270101T060000.002Z-0004"});
    CHECK_FALSE(contains(since.out, "20261231T060000.000Z-0001"));

    // --json: one object per kept line.
    const Outcome json = logs({"logs", "backup", "--json", "-n", "1"}, client, &journal);
    CHECK(nlohmann::json::parse(json.out) == nlohmann::json{{"source", "kept"},
                                                            {"job", "backup"},
                                                            {"run_id", "20270101T060000.002Z-0004"},
                                                            {"started_at", "2027-01-01T06:00:00.002Z"},
                                                            {"result", "succeeded"},
                                                            {"script_index", 1},
                                                            {"script", "/etc/chief/missing.sh"},
                                                            {"error", "No such file or directory"},
                                                            {"message", nullptr}});

    // A run id: that run only, through GetRun.
    client.calls.clear();
    const Outcome run = logs({"logs", "20261231T060000.000Z-0001"}, client, &journal);
    CHECK(client.calls == std::vector<std::string>{"getRun 20261231T060000.000Z-0001"});
    CHECK(contains(run.err, "no journal entries of run 20261231T060000.000Z-0001"));

    // Nothing anywhere.
    client.outputs = {};
    const Outcome nothing = logs({"logs", "backup"}, client, &journal);
    CHECK(nothing.code == kExitOk);
    CHECK(nothing.out.empty());
    CHECK(contains(nothing.err, "No journal entries and no kept output for backup.\n"));
}

TEST_CASE("chiefctl logs: no journal at all, -H, --follow without a journal, and chiefd's refusals", "[ctl-bus][logs]") {
    FakeClient client;
    client.outputs = {bus::ScriptOutput{0, "", "done\n"}};
    FakeJournal none;
    none.unavailable = "there is no journal here that you may read";
    const Outcome out = logs({"logs", "backup"}, client, &none);
    CHECK(out.code == kExitOk);
    CHECK(out.err == "chiefctl: there is no journal here that you may read; showing the output chiefd kept\n");
    CHECK(contains(out.out, "    done\n"));
    CHECK_FALSE(none.asked);

    const Outcome followed = logs({"logs", "backup", "-f"}, client, &none);
    CHECK(followed.code == kExitFailed);
    CHECK(contains(followed.out, "    done\n"));
    CHECK(contains(followed.err, "chiefctl: cannot follow backup: --follow reads the journal, and there is none here\n"));
    CHECK_FALSE(none.followed);

    // A readable journal without the job's entries yet: the kept output, then the journal is followed.
    FakeJournal empty;
    empty.later = {entryAt(1798696900, "backup", 40, "new run")};
    const Outcome waits = logs({"logs", "backup", "-f"}, client, &empty);
    CHECK(waits.code == kExitOk);
    CHECK(empty.followed);
    CHECK(empty.availabilityAsked == 1);
    CHECK(contains(waits.out, "    done\n2026-12-31 06:01:40 UTC backup[40]: new run\n"));

    const Outcome remote = logs({"logs", "backup"}, client, nullptr, "UTC", "admin@db1");
    CHECK(remote.code == kExitOk);
    CHECK(contains(remote.err, "the journal of admin@db1 is not read over -H (ssh there and run journalctl -u chiefd "
                               "CHIEF_JOB=backup); showing the output chiefd kept"));

    client.failWith = daemonError(bus::kNoSuchJob, "no job named \"nope\"");
    const Outcome unknown = logs({"logs", "nope"}, client, &none);
    CHECK(unknown.code == kExitUsage);
    CHECK(contains(unknown.err, "chiefctl: no job named \"nope\"\n"));
    client.failWith = ClientError{ClientError::Kind::NotRunning, "", "chiefd is not running"};
    CHECK(logs({"logs", "backup"}, client, &none).code == kExitUnreachable);
}
