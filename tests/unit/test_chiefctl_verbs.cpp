#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "command_line.h"
#include "config_fixture.h"
#include "exit_codes.h"
#include "verbs.h"

using namespace chief;
using namespace chief::ctl;
using namespace chief::testing;

namespace {

Result<CommandLine> parse(std::initializer_list<const char*> args) {
    return parseCommandLine(std::vector<std::string>(args.begin(), args.end()));
}

struct Run {
    int code;
    std::string out;
    std::string err;
};

Run run(std::initializer_list<const char*> args, const LoadResult& loaded) {
    auto command = parse(args);
    REQUIRE(command);
    std::ostringstream out, err;
    const SysSeconds now{Seconds{1798761600}};  // 2027-01-01T00:00:00Z
    const int code = runOffline(command.value(), loaded, OfflineClient::Host{now, "UTC"}, VerbContext{"UTC", false, std::nullopt}, out, err);
    return {code, out.str(), err.str()};
}

const char* kTwoJobs = R"(
jobs:
  - name: backup
    schedule: {frequency: daily, time: "06:00"}
    scripts: [{path: run.sh}]
  - name: report
    schedule: {frequency: weekly, day: monday, time: "09:00"}
    scripts: [{path: run.sh}]
)";

}  // namespace

TEST_CASE("chiefctl: --config works before or after the verb, with = or a space", "[ctl]") {
    for (auto args : {std::vector<std::string>{"--config", "a.yaml", "validate"}, std::vector<std::string>{"validate", "--config", "a.yaml"},
                      std::vector<std::string>{"validate", "--config=a.yaml"}}) {
        auto cl = parseCommandLine(args);
        REQUIRE(cl);
        CHECK(cl.value().verb == Verb::Validate);
        CHECK(cl.value().configPath == "a.yaml");
    }
    auto defaults = parse({"preview"});
    REQUIRE(defaults);
    CHECK(defaults.value().configPath == "chief.yaml");
    CHECK(defaults.value().count == 5);
}

TEST_CASE("chiefctl: usage errors are precise", "[ctl]") {
    CHECK(parse({"valdate"}).error() == "unknown command 'valdate' (did you mean 'validate'?)");
    CHECK(parse({"preview", "--cuont", "3"}).error() == "unknown option '--cuont' (did you mean '--count'?)");
    CHECK(parse({"preview", "--count", "0"}).error() == "--count must be a whole number >= 1, got '0'");
    CHECK(parse({"preview", "--count", "three"}).error() == "--count must be a whole number >= 1, got 'three'");
    CHECK(parse({"preview", "--count"}).error() == "--count needs a value");
    CHECK(parse({"validate", "--job", "x"}).error() == "option '--job' does not apply to this command");
    CHECK(parse({"export-cron", "--count", "2"}).error() == "option '--count' does not apply to this command");
    CHECK(parse({}).error() == "no command given");
    CHECK(parse({"validate", "extra"}).error() == "unexpected argument 'extra'");
    CHECK(parse({"--help"}).value().verb == Verb::Help);
    CHECK(parse({"preview", "-h"}).value().verb == Verb::Help);
}

TEST_CASE("chiefctl validate: exit 0 with a job table, exit 1 with positioned errors", "[ctl]") {
    const Run ok = run({"validate"}, loadYaml(kTwoJobs));
    CHECK(ok.code == kExitOk);
    CHECK(ok.out.find("/etc/chief/chief.yaml: valid, 2 jobs") != std::string::npos);
    CHECK(ok.out.find("  backup  yes       pure_cron     0 6 * * *  UTC\n") != std::string::npos);
    const Run bad = run({"validate"}, loadYaml(jobWithSchedule("      frequency: daily\n      time: \"6\"\n")));
    CHECK(bad.code == kExitInvalid);
    CHECK(bad.err ==
          "/etc/chief/chief.yaml:5:13: jobs[0].schedule.time: invalid time \"6\": expected HH:MM in 24-hour form (00:00 "
          "to 23:59)\n1 error; the config is not valid.\n");
    const Run json = run({"validate", "--json"}, loadYaml(jobWithSchedule("      frequency: daily\n      time: \"6\"\n")));
    CHECK(json.code == kExitInvalid);
    const auto j = nlohmann::json::parse(json.out);
    CHECK(j["valid"] == false);
    CHECK(j["errors"][0]["line"] == 5);
}

TEST_CASE("chiefctl preview: unknown job is a usage error naming the closest job", "[ctl]") {
    const Run r = run({"preview", "--job", "bakcup"}, loadYaml(kTwoJobs));
    CHECK(r.code == kExitUsage);
    // One wording for every caller (chief/job_selection.h), online and offline alike.
    CHECK(r.err == "chiefctl: no job named \"bakcup\" (did you mean \"backup\"?)\n");
}

TEST_CASE("chiefctl preview: --from and --count pick the window, JSON is parseable", "[ctl]") {
    const Run r = run({"preview", "--job", "report", "--count", "2", "--from", "2026-03-01T00:00Z", "--json"}, loadYaml(kTwoJobs));
    REQUIRE(r.code == kExitOk);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["from"] == "2026-03-01T00:00:00Z");
    REQUIRE(j["jobs"].size() == 1);
    CHECK(j["jobs"][0]["next_runs"] == nlohmann::json::array({"2026-03-02T09:00:00+00:00", "2026-03-09T09:00:00+00:00"}));
    const Run text = run({"preview", "--job", "backup", "--count", "1", "--from", "2026-03-01T00:00Z"}, loadYaml(kTwoJobs));
    CHECK(text.out.find("next runs:\n    Sun 2026-03-01 06:00 UTC (+00:00)\n") != std::string::npos);
    const Run badFrom = run({"preview", "--from", "yesterday"}, loadYaml(kTwoJobs));
    CHECK(badFrom.code == kExitUsage);
    CHECK(badFrom.err.starts_with("chiefctl: invalid --from 'yesterday': expected an ISO date-time"));
}

TEST_CASE("chiefctl preview and export-cron refuse an invalid config with exit 1", "[ctl]") {
    const LoadResult bad = loadYaml("jobs: []\n");
    CHECK(run({"preview"}, bad).code == kExitInvalid);
    CHECK(run({"export-cron"}, bad).code == kExitInvalid);
    CHECK(run({"export-cron"}, bad).err == "/etc/chief/chief.yaml:1:7: jobs: \"jobs\" must not be empty\n1 error; the config is not valid.\n");
}

TEST_CASE("chiefctl export-cron --job limits the output, --json carries the crontab", "[ctl]") {
    const Run r = run({"export-cron", "--job", "report"}, loadYaml(kTwoJobs));
    CHECK(r.code == kExitOk);
    CHECK(r.out.find("--job report") != std::string::npos);
    CHECK(r.out.find("--job backup") == std::string::npos);
    const Run j = run({"export-cron", "--json"}, loadYaml(kTwoJobs));
    const auto doc = nlohmann::json::parse(j.out);
    CHECK(doc["jobs"].size() == 2);
    CHECK(doc["jobs"][1]["cron"] == "0 9 * * 1");
    CHECK(doc["crontab"].get<std::string>().find("CRON_TZ=UTC") != std::string::npos);
}
