// Config validation: every rule of chief-guide.md, each checked for its exact message, position
// (line and column) and field path, plus the values that valid configs load to.
#include <catch2/catch.hpp>

#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "config_fixture.h"

using namespace chief;
using namespace chief::testing;

namespace {

// The parts of a diagnostic a test pins down (the file is always kConfigPath).
struct Diag {
    Severity severity = Severity::Error;
    int line = 0;
    int column = 0;
    std::string path;
    std::string message;

    bool operator==(const Diag& other) const {
        return std::tie(severity, line, column, path, message) ==
               std::tie(other.severity, other.line, other.column, other.path, other.message);
    }
};

Diag E(int line, int column, std::string path, std::string message) {
    return {Severity::Error, line, column, std::move(path), std::move(message)};
}

Diag W(int line, int column, std::string path, std::string message) {
    return {Severity::Warning, line, column, std::move(path), std::move(message)};
}

std::vector<Diag> diagsOf(const LoadResult& result) {
    std::vector<Diag> out;
    for (const Diagnostic& d : result.diagnostics) {
        CHECK(d.file == kConfigPath);
        out.push_back({d.severity, d.position.line, d.position.column, d.path, d.message});
    }
    return out;
}

// Raw string literals start with a newline so the YAML lines up in the source; drop it, so
// line 1 of the config is the first line written.
std::string yaml(const char* text) { return text[0] == '\n' ? std::string(text + 1) : std::string(text); }

// Lines 1-2 of a job; tests append the rest.
const std::string kJobHead = "jobs:\n  - name: job\n";
// A schedule and a script that are valid, for jobs whose other keys are under test.
const std::string kJobTail = "    schedule: {frequency: daily, time: \"06:00\"}\n    scripts: [{path: run.sh}]\n";
// A complete valid "jobs" section (4 lines).
const std::string kValidJobs = kJobHead + kJobTail;
// Lines 1-5: a job with a valid schedule; tests append its scripts from line 6.
const std::string kScriptsHead = "jobs:\n  - name: job\n    schedule:\n      frequency: daily\n      time: \"06:00\"\n";

LoadResult loadOk(const std::string& text, const FakeHostProbe& files = FakeHostProbe(),
                  const std::string& systemTimezone = "UTC") {
    LoadResult result = loadYaml(text, files, systemTimezone);
    for (const Diagnostic& d : result.diagnostics) UNSCOPED_INFO(formatDiagnostic(d));
    REQUIRE(result.ok());
    CHECK(result.diagnostics.empty());
    return result;
}

const CalendarRule& calendarOf(const Job& job) { return std::get<CalendarRule>(job.schedule.schedule.rule); }

}  // namespace

namespace Catch {
template <>
struct StringMaker<Diag> {
    static std::string convert(const Diag& d) {
        return std::string(d.severity == Severity::Error ? "E(" : "W(") + std::to_string(d.line) + ", " +
               std::to_string(d.column) + ", \"" + d.path + "\", \"" + d.message + "\")";
    }
};
}  // namespace Catch

// ---- the document ------------------------------------------------------------------------

TEST_CASE("malformed YAML reports the parser's position and message", "[validation]") {
    SECTION("unterminated flow sequence") {
        const auto r = loadYaml("jobs: [\n");
        CHECK_FALSE(r.ok());
        CHECK(diagsOf(r) == std::vector<Diag>{E(2, 1, "", "YAML syntax error: did not find expected node content (while parsing a flow node)")});
    }
    SECTION("alias of an undefined anchor") {
        const auto r = loadYaml("jobs:\n  - name: a\n    <<: *nope\n");
        CHECK_FALSE(r.ok());
        CHECK(diagsOf(r) == std::vector<Diag>{E(3, 9, "", "YAML syntax error: alias *nope has no anchor &nope before it")});
    }
    SECTION("unterminated flow mapping inside a list") {
        const auto r = loadYaml("jobs: [\n  {name: a,\n");
        CHECK_FALSE(r.ok());
        CHECK(diagsOf(r) == std::vector<Diag>{E(3, 1, "", "YAML syntax error: did not find expected node content (while parsing a flow node)")});
    }
}

TEST_CASE("an empty config is rejected", "[validation]") {
    const std::string text = GENERATE(as<std::string>{}, "", "# nothing but a comment\n", "---\n", "\n\n");
    const auto r = loadYaml(text);
    CHECK_FALSE(r.ok());
    CHECK(diagsOf(r) ==
          std::vector<Diag>{E(1, 1, "", "the config is empty: expected a mapping with a \"jobs\" list")});
}

TEST_CASE("the top level must be a mapping", "[validation]") {
    SECTION("a list") {
        const auto r = loadYaml("# jobs\n- name: a\n- name: b\n");
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(2, 1, "", "the config must be a mapping with a \"jobs\" list, not a list")});
    }
    SECTION("a scalar") {
        const auto r = loadYaml("just some text\n");
        CHECK(diagsOf(r) == std::vector<Diag>{
                                E(1, 1, "", "the config must be a mapping with a \"jobs\" list, not \"just some text\"")});
    }
}

TEST_CASE("only one YAML document is allowed, reported at the second one's start", "[validation]") {
    SECTION("two documents") {
        const auto r = loadYaml(kValidJobs + "---\n" + kValidJobs);
        CHECK_FALSE(r.ok());
        CHECK(diagsOf(r) == std::vector<Diag>{E(5, 1, "", "expected one YAML document, found 2")});
    }
    SECTION("a trailing separator opens an empty second document") {
        const auto r = loadYaml(kValidJobs + "--- # end\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(5, 1, "", "expected one YAML document, found 2")});
    }
    SECTION("an explicit start marker on the first document is not the second one") {
        const auto r = loadYaml("---\n" + kValidJobs + "---\njobs: []\n---\njobs: []\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(6, 1, "", "expected one YAML document, found 3")});
    }
    SECTION("content after an end marker needs its own start marker (YAML 1.1)") {
        const auto r = loadYaml(kValidJobs + "...\n# next\njobs: []\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(7, 1, "", "YAML syntax error: did not find expected <document start>")});
    }
}

// ---- top-level keys ------------------------------------------------------------------------

TEST_CASE("version must be 1", "[validation]") {
    SECTION("2") {
        const auto r = loadYaml("version: 2\n" + kValidJobs);
        CHECK_FALSE(r.ok());
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(1, 10, "version", "unsupported version 2 (this Chief reads version 1)")});
    }
    SECTION("0") {
        const auto r = loadYaml("version: 0\n" + kValidJobs);
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(1, 10, "version", "unsupported version 0 (this Chief reads version 1)")});
    }
    SECTION("-1") {
        const auto r = loadYaml("version: -1\n" + kValidJobs);
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(1, 10, "version", "unsupported version -1 (this Chief reads version 1)")});
    }
    SECTION("quoted") {
        const auto r = loadYaml("version: \"1\"\n" + kValidJobs);
        CHECK(diagsOf(r) == std::vector<Diag>{E(1, 10, "version",
                                                "expected a whole number, got the string \"1\" (remove the quotes)")});
    }
    SECTION("1.0") {
        const auto r = loadYaml("version: 1.0\n" + kValidJobs);
        CHECK(diagsOf(r) == std::vector<Diag>{E(1, 10, "version", "expected a whole number, got \"1.0\"")});
    }
    SECTION("1 loads") {
        const auto r = loadOk("version: 1\n" + kValidJobs);
        CHECK(r.config->version == 1);
    }
}

TEST_CASE("jobs must be a non-empty list of mappings", "[validation]") {
    SECTION("missing") {
        const auto r = loadYaml("version: 1\n");
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(1, 1, "jobs", "\"jobs\" is required: a non-empty list of job definitions")});
    }
    SECTION("empty") {
        const auto r = loadYaml("version: 1\njobs: []\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(2, 7, "jobs", "\"jobs\" must not be empty")});
    }
    SECTION("no value") {
        const auto r = loadYaml("version: 1\njobs:\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(2, 1, "jobs", "expected a list of jobs, got nothing")});
    }
    SECTION("a mapping") {
        const auto r = loadYaml("jobs:\n  name: a\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(2, 3, "jobs", "expected a list of jobs, got a mapping")});
    }
    SECTION("a scalar") {
        const auto r = loadYaml("jobs: backup\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(1, 7, "jobs", "expected a list of jobs, got \"backup\"")});
    }
    SECTION("items that are not mappings") {
        const auto r = loadYaml("jobs:\n  - backup\n  - [a, b]\n");
        CHECK(diagsOf(r) ==
              std::vector<Diag>{
                  E(2, 5, "jobs[0]", "expected a job (a mapping with name, schedule and scripts), got \"backup\""),
                  E(3, 5, "jobs[1]", "expected a job (a mapping with name, schedule and scripts), got a list")});
    }
    SECTION("an empty item is reported on its own line, not the next item's") {
        const auto r = loadYaml("jobs:\n  -\n    # nothing yet\n  - name: job\n" + kJobTail);
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(2, 3, "jobs[0]", "expected a job (a mapping with name, schedule and scripts), got nothing")});
    }
    SECTION("name, schedule and scripts are required") {
        const auto r = loadYaml("jobs:\n  - enabled: true\n");
        CHECK(diagsOf(r) == std::vector<Diag>{
                                E(2, 5, "jobs[0].name", "\"name\" is required"),
                                E(2, 5, "jobs[0].schedule", "\"schedule\" is required"),
                                E(2, 5, "jobs[0].scripts", "\"scripts\" is required: a non-empty list of scripts")});
    }
}

// ---- unknown keys --------------------------------------------------------------------------

TEST_CASE("unknown keys are reported with a suggestion or a hint", "[validation]") {
    SECTION("top level, close to a known key") {
        const auto r = loadYaml("defualts:\n  overlap: skip\n" + kValidJobs);
        CHECK(diagsOf(r) == std::vector<Diag>{E(1, 1, "defualts", "unknown key \"defualts\" (did you mean \"defaults\"?)")});
    }
    SECTION("top level, a job key") {
        const auto r = loadYaml(kValidJobs + "name: stray\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(5, 1, "name",
                                                "unknown key \"name\" (job keys belong under an item of \"jobs\")")});
    }
    SECTION("top level, nothing close") {
        const auto r = loadYaml("colour: red\n" + kValidJobs);
        CHECK(diagsOf(r) == std::vector<Diag>{E(1, 1, "colour", "unknown key \"colour\"")});
    }
    SECTION("defaults") {
        const auto r = loadYaml("defaults:\n  timezon: UTC\n" + kValidJobs);
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(2, 3, "defaults.timezon", "unknown key \"timezon\" (did you mean \"timezone\"?)")});
    }
    SECTION("monitor") {
        const auto r = loadYaml("monitor:\n  endpont: http://127.0.0.1:7410\n" + kValidJobs);
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(2, 3, "monitor.endpont", "unknown key \"endpont\" (did you mean \"endpoint\"?)")});
    }
    SECTION("monitor.buffer") {
        const auto r = loadYaml("monitor:\n  buffer:\n    max_event: 10\n" + kValidJobs);
        CHECK(diagsOf(r) == std::vector<Diag>{E(3, 5, "monitor.buffer.max_event",
                                                "unknown key \"max_event\" (did you mean \"max_events\"?)")});
    }
    SECTION("job") {
        const auto r = loadYaml(yaml(R"(
jobs:
  - name: job
    overlpa: queue
    time: "06:00"
    args: --x
    alert_on_miss: true
    colour: red
    schedule: {frequency: daily, time: "06:00"}
    scripts: [{path: run.sh}]
)"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{
                  E(3, 5, "jobs[0].overlpa", "unknown key \"overlpa\" (did you mean \"overlap\"?)"),
                  E(4, 5, "jobs[0].time", "unknown key \"time\" (it belongs under \"schedule\")"),
                  E(5, 5, "jobs[0].args", "unknown key \"args\" (it belongs under an item of \"scripts\")"),
                  E(6, 5, "jobs[0].alert_on_miss", "unknown key \"alert_on_miss\" (it belongs under \"monitor.check\")"),
                  E(7, 5, "jobs[0].colour", "unknown key \"colour\"")});
    }
    SECTION("every schedule key placed on the job gets the schedule hint") {
        const std::string key = GENERATE(as<std::string>{}, "frequency", "every", "day_of_week", "exclude", "start");
        const auto r = loadYaml(kValidJobs + "    " + key + ": x\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(5, 5, "jobs[0]." + key,
                                                "unknown key \"" + key + "\" (it belongs under \"schedule\")")});
    }
    SECTION("job.monitor and check") {
        const auto r = loadYaml(yaml(R"(
jobs:
  - name: job
    monitor:
      enabeld: true
      api_key: k
      grace_seconds: 5
      check:
        grace_second: 5
        alert_on_mis: true
    schedule: {frequency: daily, time: "06:00"}
    scripts: [{path: run.sh}]
)"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{
                  E(4, 7, "jobs[0].monitor.enabeld", "unknown key \"enabeld\" (did you mean \"enabled\"?)"),
                  E(5, 7, "jobs[0].monitor.api_key",
                    "unknown key \"api_key\" (the API key is set once, in the top-level \"monitor\")"),
                  E(6, 7, "jobs[0].monitor.grace_seconds", "unknown key \"grace_seconds\" (it belongs under \"check\")"),
                  E(8, 9, "jobs[0].monitor.check.grace_second",
                    "unknown key \"grace_second\" (did you mean \"grace_seconds\"?)"),
                  E(9, 9, "jobs[0].monitor.check.alert_on_mis",
                    "unknown key \"alert_on_mis\" (did you mean \"alert_on_miss\"?)")});
    }
    SECTION("schedule") {
        const auto r = loadYaml(yaml(R"(
jobs:
  - name: job
    schedule:
      frequency: daily
      time: "06:00"
      weekdays_onyl: true
      scripts: []
    scripts:
      - path: run.sh
)"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{
                  E(6, 7, "jobs[0].schedule.weekdays_onyl", "unknown key \"weekdays_onyl\" (did you mean \"weekdays_only\"?)"),
                  E(7, 7, "jobs[0].schedule.scripts", "unknown key \"scripts\" (it belongs to the job, not the schedule)")});
    }
    SECTION("script") {
        const auto r = loadYaml(kScriptsHead + yaml(R"(
    scripts:
      - path: run.sh
        timout: 60
        interpeter: sh
)"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{
                  E(8, 9, "jobs[0].scripts[0].timout", "unknown key \"timout\" (did you mean \"timeout\"?)"),
                  E(9, 9, "jobs[0].scripts[0].interpeter", "unknown key \"interpeter\" (did you mean \"interpreter\"?)")});
    }
}

TEST_CASE("duplicate keys in one mapping are rejected", "[validation]") {
    SECTION("job") {
        const auto r = loadYaml(yaml(R"(
jobs:
  - name: a
    enabled: true
    enabled: false
    schedule: {frequency: daily, time: "06:00"}
    scripts: [{path: run.sh}]
)"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(4, 5, "jobs[0].enabled", "duplicate key \"enabled\" (first set at line 3)")});
    }
    SECTION("top level") {
        const auto r = loadYaml("version: 1\n" + kValidJobs + "version: 1\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(6, 1, "version", "duplicate key \"version\" (first set at line 1)")});
    }
    SECTION("flow mapping") {
        const auto r = loadYaml(kJobHead + "    schedule: {frequency: daily, time: \"06:00\", time: \"07:00\"}\n"
                                           "    scripts: [{path: run.sh}]\n");
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(3, 49, "jobs[0].schedule.time", "duplicate key \"time\" (first set at line 3)")});
    }
}

TEST_CASE("job names are unique and well-formed", "[validation]") {
    SECTION("duplicate names name the first job's line") {
        const auto r = loadYaml(yaml(R"(
jobs:
  - name: backup
    schedule: {frequency: daily, time: "06:00"}
    scripts: [{path: run.sh}]
  - enabled: false
    name: backup
    schedule: {frequency: daily, time: "06:00"}
    scripts: [{path: run.sh}]
  - name: backup
    schedule: {frequency: daily, time: "06:00"}
    scripts: [{path: run.sh}]
)"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(6, 11, "jobs[1].name", "duplicate job name \"backup\" (first defined at line 2)"),
                                E(9, 11, "jobs[2].name", "duplicate job name \"backup\" (first defined at line 2)")});
    }
    SECTION("invalid characters") {
        const std::string name = GENERATE(as<std::string>{}, "my job", "-backup", "a/b", "backup!", "caf\xc3\xa9");
        const auto r = loadYaml("jobs:\n  - name: \"" + name + "\"\n" + kJobTail);
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(2, 11, "jobs[0].name",
                                  "invalid job name \"" + name +
                                      "\": use letters, digits, '.', '_', '-' and '@' (at most 128), starting with a "
                                      "letter or digit")});
    }
    SECTION("too long") {
        const std::string name(129, 'a');
        const auto r = loadYaml("jobs:\n  - name: " + name + "\n" + kJobTail);
        REQUIRE(diagsOf(r).size() == 1);
        // Echoed names are cut at 64 characters, with their length.
        CHECK(diagsOf(r)[0].message.starts_with("invalid job name \"" + name.substr(0, 64) + "\xE2\x80\xA6\" (129 characters)"));
        loadOk("jobs:\n  - name: " + std::string(128, 'a') + "\n" + kJobTail);
    }
    SECTION("empty") {
        const auto r = loadYaml("jobs:\n  - name: \"\"\n" + kJobTail);
        CHECK(diagsOf(r) == std::vector<Diag>{E(2, 11, "jobs[0].name", "must not be empty")});
    }
    SECTION("every allowed character") {
        const auto r = loadOk("jobs:\n  - name: Nightly.backup@db_1-x\n" + kJobTail);
        CHECK(r.config->jobs[0].name == "Nightly.backup@db_1-x");
    }
}

// ---- wrong types ---------------------------------------------------------------------------

TEST_CASE("values of the wrong type are rejected", "[validation]") {
    SECTION("booleans, integers and lists") {
        const auto r = loadYaml(yaml(R"(
jobs:
  - name: job
    enabled: maybe
    stop_on_failure: "true"
    schedule:
      frequency: daily
      time: "06:00"
      weekdays_only: [true]
    scripts:
      - path: run.sh
        timeout: abc
      - path: run.sh
        timeout: 1.5
      - path: run.sh
        timeout: "5"
      - path: run.sh
        args: {a: b}
      - path: run.sh
        timeout: 99999999999
)"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{
                  E(3, 14, "jobs[0].enabled", "expected true or false, got \"maybe\""),
                  E(4, 22, "jobs[0].stop_on_failure", "expected true or false, got the string \"true\" (remove the quotes)"),
                  E(8, 22, "jobs[0].schedule.weekdays_only", "expected true or false, got a list"),
                  E(11, 18, "jobs[0].scripts[0].timeout", "expected a whole number, got \"abc\""),
                  E(13, 18, "jobs[0].scripts[1].timeout", "expected a whole number, got \"1.5\""),
                  E(15, 18, "jobs[0].scripts[2].timeout", "expected a whole number, got the string \"5\" (remove the quotes)"),
                  E(17, 15, "jobs[0].scripts[3].args", "expected a list, got a mapping"),
                  E(19, 18, "jobs[0].scripts[4].timeout", "\"99999999999\" is too large")});
    }
    SECTION("a scalar or mapping where a mapping or list is expected") {
        const auto r = loadYaml("jobs:\n  - name: job\n    schedule: daily\n    scripts: {path: run.sh}\n");
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(3, 15, "jobs[0].schedule", "expected a mapping of keys, got \"daily\""),
                                E(4, 14, "jobs[0].scripts", "expected a list of scripts, got a mapping")});
    }
    SECTION("a list where a mapping is expected") {
        const auto r = loadYaml("defaults:\n  - working_dir: /srv\nmonitor: true\n" + kValidJobs);
        CHECK(diagsOf(r) == std::vector<Diag>{E(2, 3, "defaults", "expected a mapping of keys, got a list"),
                                              E(3, 10, "monitor", "expected a mapping of keys, got \"true\"")});
    }
    SECTION("a list where text is expected") {
        const auto r = loadYaml("jobs:\n  - name: [a]\n" + kJobTail);
        CHECK(diagsOf(r) == std::vector<Diag>{E(2, 11, "jobs[0].name", "expected a text value, got a list")});
    }
    SECTION("explicit tags: core tags read as written, !!str is text") {
        const auto r = loadYaml(yaml(R"(
jobs:
  - name: job
    enabled: !!bool no
    schedule: {frequency: daily, time: "06:00"}
    scripts:
      - path: run.sh
        timeout: !!int 90
      - path: run.sh
        timeout: !!str 90
)"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(9, 18, "jobs[0].scripts[1].timeout",
                                                "expected a whole number, got \"90\" (remove the tag !!str)")});
        const auto ok = loadOk(kJobHead + "    enabled: !!bool no\n" +
                               "    schedule: {frequency: daily, time: \"06:00\"}\n"
                               "    scripts: [{path: run.sh, timeout: !!int 90}]\n");
        CHECK_FALSE(ok.config->jobs[0].enabled);
        CHECK(ok.config->jobs[0].scripts[0].timeoutSeconds == 90);
    }
    SECTION("a key that is not a plain name") {
        const auto r = loadYaml("jobs:\n  - name: job\n    ? [a]\n    : 1\n" + kJobTail);
        CHECK(diagsOf(r) == std::vector<Diag>{E(3, 7, "jobs[0]", "keys must be plain names, not a list")});
    }
}

// ---- defaults ------------------------------------------------------------------------------

TEST_CASE("defaults are validated", "[validation]") {
    SECTION("overlap with a suggestion") {
        const auto r = loadYaml("defaults:\n  overlap: skp\n" + kValidJobs);
        CHECK(diagsOf(r) == std::vector<Diag>{E(2, 12, "defaults.overlap",
                                                "invalid overlap \"skp\": expected one of skip, queue, parallel (did "
                                                "you mean \"skip\"?)")});
    }
    SECTION("overlap without a suggestion") {
        const auto r = loadYaml("defaults:\n  overlap: sometimes\n" + kValidJobs);
        CHECK(diagsOf(r) == std::vector<Diag>{E(2, 12, "defaults.overlap",
                                                "invalid overlap \"sometimes\": expected one of skip, queue, parallel")});
    }
    SECTION("job overlap") {
        const auto r = loadYaml(kJobHead + "    overlap: paralel\n" + kJobTail);
        CHECK(diagsOf(r) == std::vector<Diag>{E(3, 14, "jobs[0].overlap",
                                                "invalid overlap \"paralel\": expected one of skip, queue, parallel "
                                                "(did you mean \"parallel\"?)")});
    }
    SECTION("timezone with a suggestion") {
        const auto r = loadYaml("defaults:\n  timezone: America/New_Yrok\n" + kValidJobs);
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(2, 13, "defaults.timezone",
                                  "invalid timezone \"America/New_Yrok\": expected an IANA name such as "
                                  "\"America/New_York\" (did you mean \"America/New_York\"?)")});
    }
    SECTION("timezone empty") {
        const auto r = loadYaml("defaults:\n  timezone: \"\"\n" + kValidJobs);
        CHECK(diagsOf(r) == std::vector<Diag>{E(2, 13, "defaults.timezone", "must not be empty")});
    }
    SECTION("working_dir missing, absolute") {
        FakeHostProbe files;
        files.set("/srv/missing", FakeHostProbe::Kind::Missing);
        const auto r = loadYaml("defaults:\n  working_dir: /srv/missing\n" + kValidJobs, files);
        // Scripts under a missing directory are not reported on top.
        CHECK(diagsOf(r) == std::vector<Diag>{E(2, 16, "defaults.working_dir",
                                                "working directory \"/srv/missing\" does not exist or is not a directory")});
    }
    SECTION("working_dir missing, relative to the config's folder") {
        FakeHostProbe files;
        files.set("/etc/chief/data", FakeHostProbe::Kind::Missing);
        const auto r = loadYaml("defaults:\n  working_dir: data/\n" + kValidJobs, files);
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(2, 16, "defaults.working_dir",
                                  "working directory \"data/\" (resolved to /etc/chief/data) does not exist or is not a "
                                  "directory")});
    }
    SECTION("working_dir is a file") {
        FakeHostProbe files;
        files.set("/srv/app/config", FakeHostProbe::Kind::File);
        const auto r = loadYaml(kJobHead + "    working_dir: /srv/app/config\n" + kJobTail, files);
        CHECK(diagsOf(r) == std::vector<Diag>{E(3, 18, "jobs[0].working_dir",
                                                "working directory \"/srv/app/config\" does not exist or is not a "
                                                "directory")});
    }
}

// ---- monitor -------------------------------------------------------------------------------

TEST_CASE("monitor settings are validated", "[validation]") {
    SECTION("endpoint with another scheme") {
        const auto r = loadYaml("monitor:\n  endpoint: ftp://monitor.local\n" + kValidJobs);
        CHECK(diagsOf(r) == std::vector<Diag>{E(2, 13, "monitor.endpoint",
                                                "endpoint \"ftp://monitor.local\" must start with http:// or https://")});
    }
    SECTION("endpoint without a scheme") {
        const auto r = loadYaml("monitor:\n  endpoint: 127.0.0.1:7410\n" + kValidJobs);
        CHECK(diagsOf(r) == std::vector<Diag>{E(2, 13, "monitor.endpoint",
                                                "endpoint \"127.0.0.1:7410\" must start with http:// or https://")});
    }
    SECTION("endpoint with an empty host") {
        const std::string endpoint = GENERATE(as<std::string>{}, "http://", "https://", "http://:7410", "https:///v1");
        const auto r = loadYaml("monitor:\n  endpoint: \"" + endpoint + "\"\n" + kValidJobs);
        CHECK(diagsOf(r) == std::vector<Diag>{E(2, 13, "monitor.endpoint",
                                                "endpoint \"" + endpoint +
                                                    "\" has no host (for example http://127.0.0.1:7410)")});
    }
    SECTION("timeout_ms must be positive") {
        const std::string value = GENERATE(as<std::string>{}, "0", "-400");
        const auto r = loadYaml("monitor:\n  timeout_ms: " + value + "\n" + kValidJobs);
        CHECK(diagsOf(r) == std::vector<Diag>{E(2, 15, "monitor.timeout_ms", "must be greater than 0")});
    }
    SECTION("heartbeat_seconds must be positive") {
        const std::string value = GENERATE(as<std::string>{}, "0", "-1");
        const auto r = loadYaml("monitor:\n  heartbeat_seconds: " + value + "\n" + kValidJobs);
        CHECK(diagsOf(r) == std::vector<Diag>{E(2, 22, "monitor.heartbeat_seconds", "must be greater than 0")});
    }
    SECTION("heartbeat_seconds defaults to 15 and can be set") {
        CHECK(loadOk(kValidJobs).config->monitor.heartbeatSeconds == 15);
        CHECK(loadOk("monitor:\n  heartbeat_seconds: 60\n" + kValidJobs).config->monitor.heartbeatSeconds == 60);
    }
    SECTION("buffer sizes must be positive") {
        const auto r = loadYaml("monitor:\n  buffer:\n    max_events: 0\n    flush_interval_ms: -5\n" + kValidJobs);
        CHECK(diagsOf(r) == std::vector<Diag>{E(3, 17, "monitor.buffer.max_events", "must be greater than 0"),
                                              E(4, 24, "monitor.buffer.flush_interval_ms", "must be greater than 0")});
    }
    SECTION("check.grace_seconds may be 0 but not negative") {
        const std::string head = kJobHead + "    monitor:\n      check:\n        grace_seconds: ";
        const auto r = loadYaml(head + "-1\n" + kJobTail);
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(5, 24, "jobs[0].monitor.check.grace_seconds", "must be 0 or more")});
        CHECK(loadOk(head + "0\n" + kJobTail).config->jobs[0].monitor.check.graceSeconds == 0);
    }
}

// ---- schedule ------------------------------------------------------------------------------
// jobWithSchedule() puts the schedule body at line 4, indented 6 (values of "key: " start at
// column 7 + the key's length + 2).

TEST_CASE("schedule frequency is required and must be valid", "[validation]") {
    SECTION("missing") {
        const auto r = loadYaml(jobWithSchedule("      time: \"06:00\"\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(4, 7, "jobs[0].schedule.frequency",
                                  "\"frequency\" is required (one of daily, weekly, monthly, yearly, interval, custom)")});
    }
    SECTION("misspelt") {
        const auto r = loadYaml(jobWithSchedule("      frequency: dayly\n      time: \"06:00\"\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(4, 18, "jobs[0].schedule.frequency",
                                  "invalid frequency \"dayly\": expected one of daily, weekly, monthly, yearly, interval, "
                                  "custom (did you mean \"daily\"?)")});
    }
    SECTION("nothing close") {
        const auto r = loadYaml(jobWithSchedule("      frequency: hourly\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(4, 18, "jobs[0].schedule.frequency",
                                                "invalid frequency \"hourly\": expected one of daily, weekly, monthly, "
                                                "yearly, interval, custom")});
    }
}

TEST_CASE("daily schedules need a valid HH:MM time", "[validation]") {
    SECTION("time missing") {
        const auto r = loadYaml(jobWithSchedule("      frequency: daily\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(4, 7, "jobs[0].schedule.time", "\"daily\" requires \"time\" (HH:MM, 24-hour)")});
    }
    SECTION("invalid HH:MM") {
        const auto [written, shown] = GENERATE(table<std::string, std::string>({{"\"25:00\"", "25:00"},
                                                                               {"\"6\"", "6"},
                                                                               {"6", "6"},
                                                                               {"\"06:60\"", "06:60"},
                                                                               {"aa:bb", "aa:bb"},
                                                                               {"\"06:0\"", "06:0"},
                                                                               {"\"006:00\"", "006:00"},
                                                                               {"\"-1:00\"", "-1:00"}}));
        const auto r = loadYaml(jobWithSchedule("      frequency: daily\n      time: " + written + "\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(5, 13, "jobs[0].schedule.time",
                                                "invalid time \"" + shown +
                                                    "\": expected HH:MM in 24-hour form (00:00 to 23:59)")});
    }
    SECTION("a list") {
        const auto r = loadYaml(jobWithSchedule("      frequency: daily\n      time: [\"06:00\"]\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(5, 13, "jobs[0].schedule.time", "expected a time as \"HH:MM\", got a list")});
    }
    SECTION("edges of the day load") {
        CHECK(loadOk(jobWithSchedule("      frequency: daily\n      time: \"23:59\"\n")).config->jobs[0].schedule.cron ==
              "59 23 * * *");
        CHECK(loadOk(jobWithSchedule("      frequency: daily\n      time: \"0:00\"\n")).config->jobs[0].schedule.cron ==
              "0 0 * * *");
    }
}

TEST_CASE("weekly schedules need a valid day", "[validation]") {
    SECTION("day missing") {
        const auto r = loadYaml(jobWithSchedule("      frequency: weekly\n      time: \"06:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(4, 7, "jobs[0].schedule.day",
                                                "\"weekly\" requires \"day\" (for example monday or monday-friday)")});
    }
    SECTION("time missing") {
        const auto r = loadYaml(jobWithSchedule("      frequency: weekly\n      day: monday\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(4, 7, "jobs[0].schedule.time", "\"weekly\" requires \"time\" (HH:MM, 24-hour)")});
    }
    const std::string kBadDay =
        "\": expected a weekday name such as monday (or mon), a comma list or a range like monday-friday";
    SECTION("invalid day") {
        const auto r = loadYaml(jobWithSchedule("      frequency: weekly\n      day: funday\n      time: \"06:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(5, 12, "jobs[0].schedule.day", "invalid day \"funday" + kBadDay)});
    }
    SECTION("invalid day in a comma list keeps the user's spelling") {
        const auto r =
            loadYaml(jobWithSchedule("      frequency: weekly\n      day: monday, Fryday\n      time: \"06:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(5, 12, "jobs[0].schedule.day", "invalid day \"Fryday" + kBadDay)});
    }
    SECTION("invalid range end") {
        const auto r =
            loadYaml(jobWithSchedule("      frequency: weekly\n      day: monday-fri-day\n      time: \"06:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(5, 12, "jobs[0].schedule.day", "invalid day \"fri-day" + kBadDay)});
    }
    SECTION("empty list item and open range") {
        const auto r = loadYaml(jobWithSchedule(
            "      frequency: weekly\n      day: [\"monday,,friday\", monday-]\n      time: \"06:00\"\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{
                  E(5, 13, "jobs[0].schedule.day[0]", "day \"monday,,friday\" has an empty list item"),
                  E(5, 31, "jobs[0].schedule.day[1]",
                    "invalid day range \"monday-\": expected two weekdays such as monday-friday")});
    }
    SECTION("invalid item of a YAML list is reported at the item") {
        const auto r = loadYaml(jobWithSchedule(
            "      frequency: weekly\n      day: [monday, Fryday, {x: 1}]\n      time: \"06:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(5, 21, "jobs[0].schedule.day[1]", "invalid day \"Fryday" + kBadDay),
                                              E(5, 29, "jobs[0].schedule.day[2]", "expected a weekday, got a mapping")});
    }
    SECTION("empty list") {
        const auto r = loadYaml(jobWithSchedule("      frequency: weekly\n      day: []\n      time: \"06:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(5, 12, "jobs[0].schedule.day", "the list of days is empty")});
    }
    SECTION("empty text") {
        const auto r = loadYaml(jobWithSchedule("      frequency: weekly\n      day: \"\"\n      time: \"06:00\"\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(5, 12, "jobs[0].schedule.day", "day is empty: expected a weekday such as monday")});
    }
}

TEST_CASE("monthly schedules take exactly one of day_of_month or ordinal + day", "[validation]") {
    SECTION("neither form: the guide's exact text") {
        const auto r = loadYaml(jobWithSchedule("      frequency: monthly\n      time: \"08:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(4, 7, "jobs[0].schedule",
                                                "\"monthly\" requires either \"day_of_month\" or \"ordinal + day\".")});
    }
    SECTION("both forms") {
        const auto r = loadYaml(jobWithSchedule(
            "      frequency: monthly\n      day_of_month: 15\n      ordinal: last\n      day: friday\n      time: \"08:00\"\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(6, 7, "jobs[0].schedule.ordinal",
                                  "\"monthly\" takes either \"day_of_month\" or \"ordinal + day\", not both")});
    }
    SECTION("day_of_month with day") {
        const auto r = loadYaml(
            jobWithSchedule("      frequency: monthly\n      day_of_month: 15\n      day: friday\n      time: \"08:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(6, 7, "jobs[0].schedule.day",
                                                "\"monthly\" takes either \"day_of_month\" or \"ordinal + day\", not both")});
    }
    SECTION("ordinal without day") {
        const auto r = loadYaml(jobWithSchedule("      frequency: monthly\n      ordinal: last\n      time: \"08:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(5, 7, "jobs[0].schedule",
                                                "\"monthly\" requires either \"day_of_month\" or \"ordinal + day\".")});
    }
    SECTION("day without ordinal") {
        const auto r = loadYaml(jobWithSchedule("      frequency: monthly\n      day: friday\n      time: \"08:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(5, 7, "jobs[0].schedule",
                                                "\"monthly\" requires either \"day_of_month\" or \"ordinal + day\".")});
    }
    SECTION("invalid ordinal") {
        const auto r = loadYaml(
            jobWithSchedule("      frequency: monthly\n      ordinal: fifth\n      day: friday\n      time: \"08:00\"\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(5, 16, "jobs[0].schedule.ordinal",
                                  "invalid ordinal \"fifth\": expected one of first, second, third, fourth, last")});
    }
    SECTION("day_of_month out of range") {
        const std::string day = GENERATE(as<std::string>{}, "0", "32", "-1");
        const auto r = loadYaml(jobWithSchedule("      frequency: monthly\n      day_of_month: " + day + "\n      time: \"08:00\"\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(5, 21, "jobs[0].schedule.day_of_month", "day_of_month must be between 1 and 31")});
    }
    SECTION("several days with an ordinal") {
        const std::string day = GENERATE(as<std::string>{}, "monday,friday", "monday-friday", "[monday, friday]");
        const auto r = loadYaml(
            jobWithSchedule("      frequency: monthly\n      ordinal: last\n      day: " + day + "\n      time: \"08:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(6, 12, "jobs[0].schedule.day",
                                                "with \"ordinal\", \"day\" must be a single weekday such as friday")});
    }
    SECTION("an ordinal's invalid day") {
        const auto r = loadYaml(
            jobWithSchedule("      frequency: monthly\n      ordinal: first\n      day: fryday\n      time: \"08:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{
                                E(6, 12, "jobs[0].schedule.day",
                                  "invalid day \"fryday\": expected a weekday name such as monday (or mon), a comma list "
                                  "or a range like monday-friday")});
    }
}

TEST_CASE("yearly schedules need a month and a day that exists", "[validation]") {
    SECTION("month missing") {
        const auto r = loadYaml(jobWithSchedule("      frequency: yearly\n      day_of_month: 1\n      time: \"00:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(4, 7, "jobs[0].schedule.month",
                                                "\"yearly\" requires \"month\" (a name such as january, or 1-12)")});
    }
    SECTION("invalid month name") {
        const auto r = loadYaml(
            jobWithSchedule("      frequency: yearly\n      month: janvier\n      day_of_month: 1\n      time: \"00:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(5, 14, "jobs[0].schedule.month",
                                                "invalid month \"janvier\": expected a name such as january (or jan) or "
                                                "a number 1-12")});
    }
    SECTION("month number out of range") {
        const std::string month = GENERATE(as<std::string>{}, "13", "0");
        const auto r = loadYaml(jobWithSchedule("      frequency: yearly\n      month: " + month +
                                                "\n      day_of_month: 1\n      time: \"00:00\"\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(5, 14, "jobs[0].schedule.month", "month " + month + " is out of range 1-12")});
    }
    SECTION("day_of_month missing") {
        const auto r = loadYaml(jobWithSchedule("      frequency: yearly\n      month: march\n      time: \"00:00\"\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(4, 7, "jobs[0].schedule.day_of_month", "\"yearly\" requires \"day_of_month\"")});
    }
    SECTION("february 30 never comes") {
        const auto r = loadYaml(
            jobWithSchedule("      frequency: yearly\n      month: february\n      day_of_month: 30\n      time: \"00:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(6, 21, "jobs[0].schedule.day_of_month",
                                                "February has at most 29 days, so day 30 never comes")});
    }
    SECTION("april 31 never comes, by name or number") {
        const std::string month = GENERATE(as<std::string>{}, "april", "4", "Apr");
        const auto r = loadYaml(jobWithSchedule("      frequency: yearly\n      month: " + month +
                                                "\n      day_of_month: 31\n      time: \"00:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(6, 21, "jobs[0].schedule.day_of_month",
                                                "April has at most 30 days, so day 31 never comes")});
    }
    SECTION("february 29 is allowed") {
        const auto r = loadOk(
            jobWithSchedule("      frequency: yearly\n      month: february\n      day_of_month: 29\n      time: \"00:00\"\n"));
        CHECK(calendarOf(r.config->jobs[0]).months == 1U << 2);
        CHECK(calendarOf(r.config->jobs[0]).daysOfMonth == 1U << 29);
    }
}

TEST_CASE("interval schedules need every as <number><unit>", "[validation]") {
    SECTION("every missing") {
        const auto r = loadYaml(jobWithSchedule("      frequency: interval\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(4, 7, "jobs[0].schedule.every",
                                                "\"interval\" requires \"every\" (for example 5m, 2h or 1d)")});
    }
    const auto every = [](const std::string& value) {
        return loadYaml(jobWithSchedule("      frequency: interval\n      every: " + value + "\n"));
    };
    SECTION("unknown unit") {
        CHECK(diagsOf(every("5x")) ==
              std::vector<Diag>{E(5, 14, "jobs[0].schedule.every",
                                  "invalid interval \"5x\": expected <number><unit> with unit m, h or d (for example 5m, "
                                  "2h, 1d)")});
    }
    SECTION("seconds are unsupported") {
        CHECK(diagsOf(every("30s")) ==
              std::vector<Diag>{E(5, 14, "jobs[0].schedule.every",
                                  "seconds intervals are unsupported in v1; use minutes (m), hours (h) or days (d)")});
    }
    SECTION("zero") {
        CHECK(diagsOf(every("0m")) ==
              std::vector<Diag>{E(5, 14, "jobs[0].schedule.every", "interval \"0m\" must be greater than 0")});
    }
    SECTION("no unit") {
        CHECK(diagsOf(every("5")) == std::vector<Diag>{E(5, 14, "jobs[0].schedule.every",
                                                        "interval \"5\" has no unit: write it as 5m, 5h or 5d")});
    }
    SECTION("too long") {
        CHECK(diagsOf(every("3661d")) ==
              std::vector<Diag>{E(5, 14, "jobs[0].schedule.every", "interval \"3661d\" is too long (at most 3660d)")});
    }
    SECTION("time is not allowed") {
        const auto r = loadYaml(jobWithSchedule("      frequency: interval\n      every: 5m\n      time: \"06:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(6, 7, "jobs[0].schedule.time", "interval mode cannot include \"time\"")});
    }
    SECTION("valid intervals load") {
        const auto r = loadOk(jobWithSchedule("      frequency: interval\n      every: 90m\n"));
        CHECK(std::get<IntervalRule>(r.config->jobs[0].schedule.schedule.rule).everyMinutes == 90);
        CHECK(r.config->jobs[0].schedule.mode == ScheduleMode::RuntimeOnly);
        CHECK(std::get<IntervalRule>(loadOk(jobWithSchedule("      frequency: interval\n      every: 2h\n"))
                                         .config->jobs[0]
                                         .schedule.schedule.rule)
                  .everyMinutes == 120);
    }
}

TEST_CASE("interval units are lowercase, uppercase is refused with a hint", "[validation][interval]") {
    // Deliberately changed (issue 8): 5M and 1D were accepted, case-insensitively, before.
    const auto every = [](const std::string& value) {
        return loadYaml(jobWithSchedule("      frequency: interval\n      every: " + value + "\n"));
    };
    CHECK(diagsOf(every("5M")) ==
          std::vector<Diag>{E(5, 14, "jobs[0].schedule.every",
                              "invalid interval \"5M\": units are lowercase, and M is not months: write 5m for minutes "
                              "(for a monthly run use frequency: monthly)")});
    CHECK(diagsOf(every("1D")) ==
          std::vector<Diag>{E(5, 14, "jobs[0].schedule.every", "invalid interval \"1D\": units are lowercase: write 1d")});
    CHECK(diagsOf(every("2H")) ==
          std::vector<Diag>{E(5, 14, "jobs[0].schedule.every", "invalid interval \"2H\": units are lowercase: write 2h")});
    CHECK(diagsOf(every("30S")) ==
          std::vector<Diag>{E(5, 14, "jobs[0].schedule.every",
                              "seconds intervals are unsupported in v1; use minutes (m), hours (h) or days (d)")});
    CHECK(std::get<IntervalRule>(loadOk(jobWithSchedule("      frequency: interval\n      every: 5m\n"))
                                     .config->jobs[0]
                                     .schedule.schedule.rule)
              .everyMinutes == 5);
    CHECK(std::get<IntervalRule>(loadOk(jobWithSchedule("      frequency: interval\n      every: \" 1d \"\n"))
                                     .config->jobs[0]
                                     .schedule.schedule.rule)
              .everyMinutes == 1440);
}

TEST_CASE("custom field errors quote the token as the user wrote it", "[validation]") {
    const auto custom = [](const std::string& field) {
        return loadYaml(jobWithSchedule("      frequency: custom\n      " + field + "\n"));
    };
    CHECK(diagsOf(custom("minute: L")) ==
          std::vector<Diag>{E(5, 15, "jobs[0].schedule.minute", "invalid minute value \"L\": expected a number 0-59")});
    CHECK(diagsOf(custom("month: [Jan, FEBX]")) ==
          std::vector<Diag>{E(5, 14, "jobs[0].schedule.month",
                              "invalid month value \"FEBX\": expected a number 1-12 or a month name")});
    CHECK(diagsOf(custom("day_of_week: MON-Funday")) ==
          std::vector<Diag>{E(5, 20, "jobs[0].schedule.day_of_week",
                              "invalid day_of_week value \"Funday\": expected a number 0-7 or a weekday name")});
    CHECK(diagsOf(custom("minute: \"*/X\"")) ==
          std::vector<Diag>{E(5, 15, "jobs[0].schedule.minute",
                              "invalid step in minute \"*/X\": expected a positive number after /")});
    CHECK(diagsOf(custom("day_of_month: l")) ==
          std::vector<Diag>{E(5, 21, "jobs[0].schedule.day_of_month",
                              "invalid day_of_month value \"l\": expected a number 1-31, L or last (the last day of the "
                              "month) (L is written in uppercase)")});
    CHECK(diagsOf(custom("day_of_month: L-3")) ==
          std::vector<Diag>{E(5, 21, "jobs[0].schedule.day_of_month",
                              "invalid day_of_month \"L-3\": L (the last day of the month) stands alone, not in a range "
                              "or step; list it, as in 1,15,L")});
    CHECK(diagsOf(custom("day_of_week: L")) ==
          std::vector<Diag>{E(5, 20, "jobs[0].schedule.day_of_week",
                              "invalid day_of_week value \"L\": expected a number 0-7 or a weekday name")});
}

TEST_CASE("day_of_month: last in monthly and yearly, L or last in custom", "[validation][last]") {
    SECTION("monthly") {
        const auto r = loadOk(jobWithSchedule("      frequency: monthly\n      day_of_month: last\n      time: \"08:00\"\n"));
        CHECK(calendarOf(r.config->jobs[0]).daysOfMonth == kLastDayOfMonthBit);
    }
    SECTION("yearly in February") {
        const auto r = loadOk(jobWithSchedule(
            "      frequency: yearly\n      month: february\n      day_of_month: \"last\"\n      time: \"08:00\"\n"));
        CHECK(calendarOf(r.config->jobs[0]).daysOfMonth == kLastDayOfMonthBit);
        CHECK(calendarOf(r.config->jobs[0]).months == 1U << 2);
    }
    SECTION("custom, alone or in a list") {
        const auto r = loadOk(jobWithSchedule("      frequency: custom\n      minute: 0\n      day_of_month: [1, L]\n"));
        CHECK(calendarOf(r.config->jobs[0]).daysOfMonth == (kLastDayOfMonthBit | 1U << 1));
        // February has a last day, so this can fire (day 30 alone could not).
        loadOk(jobWithSchedule("      frequency: custom\n      minute: 0\n      day_of_month: L\n      month: february\n"));
    }
    SECTION("L is custom's spelling") {
        const auto r = loadYaml(jobWithSchedule("      frequency: monthly\n      day_of_month: L\n      time: \"08:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(5, 21, "jobs[0].schedule.day_of_month",
                                                "invalid day_of_month \"L\": write last for the last day of the month "
                                                "(L is the spelling of custom's day_of_month)")});
    }
    SECTION("other words are still not days") {
        const auto r = loadYaml(jobWithSchedule("      frequency: monthly\n      day_of_month: first\n      time: \"08:00\"\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(5, 21, "jobs[0].schedule.day_of_month",
                                                "expected a whole number, got \"first\"")});
    }
}

TEST_CASE("day_match belongs to custom and takes all or any", "[validation][day_match]") {
    SECTION("with another frequency") {
        const auto r = loadYaml(jobWithSchedule(
            "      frequency: monthly\n      day_of_month: 1\n      time: \"08:00\"\n      day_match: any\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(7, 7, "jobs[0].schedule.day_match",
                                                "\"day_match\" is only for frequency \"custom\" (it says whether "
                                                "day_of_month and day_of_week must both match), not \"monthly\"")});
    }
    SECTION("an invalid value") {
        const auto r = loadYaml(jobWithSchedule(
            "      frequency: custom\n      day_of_month: 1\n      day_of_week: mon\n      day_match: either\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(7, 18, "jobs[0].schedule.day_match",
                                                "invalid day_match \"either\": expected all (day_of_month and day_of_week "
                                                "must both match; the default) or any (either may match, as in cron)")});
    }
    SECTION("a near miss gets a suggestion") {
        const auto r = loadYaml(jobWithSchedule(
            "      frequency: custom\n      day_of_month: 1\n      day_of_week: mon\n      day_match: anny\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(7, 18, "jobs[0].schedule.day_match",
                                                "invalid day_match \"anny\": expected all (day_of_month and day_of_week "
                                                "must both match; the default) or any (either may match, as in cron) "
                                                "(did you mean \"any\"?)")});
    }
    SECTION("with one day field it is harmless") {
        const auto r = loadOk(jobWithSchedule("      frequency: custom\n      day_of_week: mon\n      day_match: any\n"));
        CHECK_FALSE(calendarOf(r.config->jobs[0]).dayMatchAny);
    }
    SECTION("any and all") {
        const std::string both = "      frequency: custom\n      minute: 0\n      day_of_month: 1-7\n      day_of_week: mon\n";
        CHECK(calendarOf(loadOk(jobWithSchedule(both + "      day_match: any\n")).config->jobs[0]).dayMatchAny);
        CHECK_FALSE(calendarOf(loadOk(jobWithSchedule(both + "      day_match: all\n")).config->jobs[0]).dayMatchAny);
    }
}

TEST_CASE("a custom schedule restricting both day fields without day_match is a warning naming the job",
          "[validation][day_match]") {
    const auto r = loadYaml(jobWithSchedule(
        "      frequency: custom\n      minute: 30\n      hour: 4\n      day_of_month: \"1,15\"\n      day_of_week: fri\n",
        "payroll"));
    CHECK(r.ok());
    CHECK(diagsOf(r) ==
          std::vector<Diag>{W(4, 7, "jobs[0].schedule",
                              "job \"payroll\" restricts both day_of_month and day_of_week, which cron and chief.py read "
                              "differently: Chief runs it at 04:30 on day 1,15 of the month if it is a Friday (both must "
                              "match), cron and chief.py at 04:30 on day 1,15 of the month or on Friday (either may "
                              "match); add day_match: all to keep Chief's reading or day_match: any for cron's")});
    // One warning per job.
    const auto two = loadYaml(R"(jobs:
  - name: a
    schedule: {frequency: custom, minute: 0, day_of_month: 1, day_of_week: mon}
    scripts: [{path: run.sh}]
  - name: b
    schedule: {frequency: custom, minute: 0, day_of_month: 1}
    scripts: [{path: run.sh}]
  - name: c
    schedule: {frequency: custom, minute: 0, day_of_month: 13, day_of_week: fri}
    scripts: [{path: run.sh}]
)");
    CHECK(two.ok());
    REQUIRE(two.diagnostics.size() == 2);
    CHECK(two.diagnostics[0].message.starts_with("job \"a\" restricts both"));
    CHECK(two.diagnostics[1].message.starts_with("job \"c\" restricts both"));
    CHECK(two.diagnostics[1].position.line == 9);
}

TEST_CASE("keys of another frequency are conflicts", "[validation]") {
    SECTION("day with daily") {
        const auto r = loadYaml(jobWithSchedule("      frequency: daily\n      time: \"06:00\"\n      day: monday\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(6, 7, "jobs[0].schedule.day",
                                                "\"day\" is not allowed with frequency \"daily\"")});
    }
    SECTION("weekdays_only and every with weekly") {
        const auto r = loadYaml(jobWithSchedule(
            "      frequency: weekly\n      day: monday\n      time: \"06:00\"\n      weekdays_only: true\n      every: 5m\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{
                  E(7, 7, "jobs[0].schedule.weekdays_only", "\"weekdays_only\" is not allowed with frequency \"weekly\""),
                  E(8, 7, "jobs[0].schedule.every", "\"every\" is not allowed with frequency \"weekly\"")});
    }
    SECTION("hour with yearly") {
        const auto r = loadYaml(jobWithSchedule(
            "      frequency: yearly\n      month: 1\n      day_of_month: 1\n      time: \"06:00\"\n      hour: 6\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(8, 7, "jobs[0].schedule.hour", "\"hour\" is not allowed with frequency \"yearly\"")});
    }
}

TEST_CASE("custom schedules need valid cron-like fields", "[validation]") {
    SECTION("no field") {
        const auto r = loadYaml(jobWithSchedule("      frequency: custom\n      timezone: UTC\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(4, 7, "jobs[0].schedule",
                                  "\"custom\" requires at least one of minute, hour, day_of_month, month, day_of_week")});
    }
    const auto custom = [](const std::string& field) {
        return loadYaml(jobWithSchedule("      frequency: custom\n      " + field + "\n"));
    };
    SECTION("minute 60") {
        CHECK(diagsOf(custom("minute: 60")) ==
              std::vector<Diag>{E(5, 15, "jobs[0].schedule.minute", "minute value 60 is out of range 0-59")});
    }
    SECTION("hour 24") {
        CHECK(diagsOf(custom("hour: 24")) ==
              std::vector<Diag>{E(5, 13, "jobs[0].schedule.hour", "hour value 24 is out of range 0-23")});
    }
    SECTION("day_of_week 8") {
        CHECK(diagsOf(custom("day_of_week: 8")) ==
              std::vector<Diag>{E(5, 20, "jobs[0].schedule.day_of_week", "day_of_week value 8 is out of range 0-7")});
    }
    SECTION("day_of_month 0") {
        CHECK(diagsOf(custom("day_of_month: 0")) ==
              std::vector<Diag>{E(5, 21, "jobs[0].schedule.day_of_month", "day_of_month value 0 is out of range 1-31")});
    }
    SECTION("step 0") {
        CHECK(diagsOf(custom("minute: \"*/0\"")) ==
              std::vector<Diag>{E(5, 15, "jobs[0].schedule.minute",
                                  "invalid step in minute \"*/0\": expected a positive number after /")});
    }
    SECTION("backwards range") {
        CHECK(diagsOf(custom("minute: 10-5")) ==
              std::vector<Diag>{E(5, 15, "jobs[0].schedule.minute", "minute range \"10-5\" runs backwards (10 is after 5)")});
    }
    SECTION("unknown month name in a list") {
        CHECK(diagsOf(custom("month: [jan, febx]")) ==
              std::vector<Diag>{E(5, 14, "jobs[0].schedule.month",
                                  "invalid month value \"febx\": expected a number 1-12 or a month name")});
    }
    SECTION("empty list") {
        CHECK(diagsOf(custom("hour: []")) ==
              std::vector<Diag>{E(5, 13, "jobs[0].schedule.hour", "hour list is empty")});
    }
    SECTION("a day no selected month has") {
        const auto r = loadYaml(jobWithSchedule(
            "      frequency: custom\n      minute: 0\n      hour: 9\n      day_of_month: 30\n      month: february\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(7, 21, "jobs[0].schedule.day_of_month",
                                  "this schedule can never fire: none of the selected months has any of the selected "
                                  "days")});
    }
    SECTION("day 31 in months of 30 days") {
        const auto r = loadYaml(
            jobWithSchedule("      frequency: custom\n      day_of_month: 31\n      month: [april, june, 9, nov]\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(5, 21, "jobs[0].schedule.day_of_month",
                                  "this schedule can never fire: none of the selected months has any of the selected "
                                  "days")});
    }
    SECTION("valid fields load") {
        const auto r = loadOk(jobWithSchedule(
            "      frequency: custom\n      minute: \"*/15\"\n      hour: 9-17\n      day_of_week: mon-fri\n"));
        CHECK(r.config->jobs[0].schedule.cron == "*/15 9-17 * * 1-5");
    }
    SECTION("day_of_week 7 is Sunday, also where a range or step starts") {
        const auto [field, bits] = GENERATE(table<std::string, unsigned>({{"7", 0b0000001},
                                                                         {"\"7/2\"", 0b1010101},
                                                                         {"7-2", 0b0000111},
                                                                         {"7-0", 0b0000001},
                                                                         {"5-7", 0b1100001},
                                                                         {"sat-sun", 0b1000001}}));
        INFO("day_of_week: " << field);
        const auto r = loadOk(jobWithSchedule("      frequency: custom\n      minute: 0\n      day_of_week: " + field + "\n"));
        CHECK(calendarOf(r.config->jobs[0]).weekdays == bits);
    }
}

TEST_CASE("schedule modifiers are validated", "[validation]") {
    const std::string daily = "      frequency: daily\n      time: \"06:00\"\n";
    SECTION("timezone") {
        const auto r = loadYaml(jobWithSchedule(daily + "      timezone: Europe/Londn\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(6, 17, "jobs[0].schedule.timezone",
                                                "invalid timezone \"Europe/Londn\": expected an IANA name such as "
                                                "\"America/New_York\" (did you mean \"Europe/London\"?)")});
    }
    SECTION("start and end formats") {
        const auto r = loadYaml(jobWithSchedule(daily + "      start: tomorrow\n      end: 2026-13-01\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{
                  E(6, 14, "jobs[0].schedule.start",
                    "invalid start \"tomorrow\": expected an ISO date-time such as 2026-01-31T18:00, 2026-01-31 "
                    "18:00:00, 2026-01-31T18:00Z or 2026-01-31T18:00+01:00"),
                  E(7, 12, "jobs[0].schedule.end", "invalid end \"2026-13-01\": is not a real calendar date")});
    }
    SECTION("start after end (a bare end date means the end of that day)") {
        const auto r = loadYaml(jobWithSchedule(daily + "      start: 2026-06-02T00:00\n      end: 2026-06-01\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(6, 14, "jobs[0].schedule.start",
                                                "\"start\" (2026-06-02T00:00:00+00:00) is after \"end\" "
                                                "(2026-06-01T23:59:59+00:00)")});
    }
    SECTION("start after end, shown in the schedule's zone") {
        const auto r = loadYaml(jobWithSchedule(daily + "      timezone: America/New_York\n"
                                                        "      start: \"2026-06-02 10:00\"\n      end: 2026-06-01T12:00Z\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(7, 14, "jobs[0].schedule.start",
                                                "\"start\" (2026-06-02T10:00:00-04:00) is after \"end\" "
                                                "(2026-06-01T08:00:00-04:00)")});
    }
    SECTION("exclude dates are reported at their list item") {
        const auto r = loadYaml(jobWithSchedule(
            daily + "      exclude:\n        - 2026-01-01\n        - 2026-02-30\n        - 2026-13-01\n        - 26-1-1\n"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{
                  E(8, 11, "jobs[0].schedule.exclude[1]", "invalid date \"2026-02-30\": is not a real calendar date"),
                  E(9, 11, "jobs[0].schedule.exclude[2]", "invalid date \"2026-13-01\": is not a real calendar date"),
                  E(10, 11, "jobs[0].schedule.exclude[3]", "invalid date \"26-1-1\": expected a date as YYYY-MM-DD")});
    }
    SECTION("a single exclude date") {
        const auto r = loadYaml(jobWithSchedule(daily + "      exclude: 2026-02-30\n"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(6, 16, "jobs[0].schedule.exclude",
                                                "invalid date \"2026-02-30\": is not a real calendar date")});
    }
    SECTION("a warning when no run falls between start and end") {
        const auto r = loadYaml(jobWithSchedule(daily + "      start: 2026-01-01T07:00\n      end: 2026-01-01T08:00\n"));
        CHECK(r.ok());
        CHECK(diagsOf(r) == std::vector<Diag>{W(4, 7, "jobs[0].schedule",
                                                "no run falls between \"start\" and \"end\"; this job will never run")});
        CHECK(formatDiagnostic(r.diagnostics[0]) ==
              "/etc/chief/chief.yaml:4:7: jobs[0].schedule: warning: no run falls between \"start\" and \"end\"; this "
              "job will never run");
    }
    SECTION("a warning when every run in range is excluded") {
        const auto r = loadYaml(jobWithSchedule(daily + "      start: 2026-01-01\n      end: 2026-01-02\n"
                                                        "      exclude: [2026-01-01, 2026-01-02]\n"));
        CHECK(r.ok());
        CHECK(diagsOf(r) == std::vector<Diag>{W(4, 7, "jobs[0].schedule",
                                                "no run falls between \"start\" and \"end\"; this job will never run")});
    }
    SECTION("no warning when one run falls in range") {
        const auto r = loadOk(jobWithSchedule(daily + "      start: 2026-01-01\n      end: 2026-01-02\n"
                                                      "      exclude: [2026-01-01]\n"));
        CHECK(r.config->jobs[0].schedule.schedule.bounds.excludedDates.size() == 1);
    }
}

// ---- scripts -------------------------------------------------------------------------------
// kScriptsHead fills lines 1-5; "scripts:" is line 6 and its first item line 7.

TEST_CASE("scripts must be a non-empty list of runnable scripts", "[validation]") {
    SECTION("missing") {
        const auto r = loadYaml(kScriptsHead);
        CHECK(diagsOf(r) == std::vector<Diag>{
                                E(2, 5, "jobs[0].scripts", "\"scripts\" is required: a non-empty list of scripts")});
    }
    SECTION("empty list") {
        const auto r = loadYaml(kScriptsHead + "    scripts: []\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(6, 14, "jobs[0].scripts", "\"scripts\" must not be empty")});
    }
    SECTION("not a list") {
        const auto r = loadYaml(kScriptsHead + "    scripts: run.sh\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(6, 14, "jobs[0].scripts", "expected a list of scripts, got \"run.sh\"")});
    }
    SECTION("items that are not mappings, one of them empty") {
        const auto r = loadYaml(kScriptsHead + "    scripts:\n      - run.sh\n      -\n");
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(7, 9, "jobs[0].scripts[0]", "expected a script (a mapping with \"path\"), got \"run.sh\""),
                                E(8, 7, "jobs[0].scripts[1]", "expected a script (a mapping with \"path\"), got nothing")});
    }
    SECTION("path missing") {
        const auto r = loadYaml(kScriptsHead + "    scripts:\n      - args: --x\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(7, 9, "jobs[0].scripts[0].path", "\"path\" is required")});
    }
    SECTION("path empty") {
        const auto r = loadYaml(kScriptsHead + "    scripts:\n      - path: \"\"\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(7, 15, "jobs[0].scripts[0].path", "must not be empty")});
    }
    SECTION("file missing, relative") {
        FakeHostProbe files;
        files.set("/etc/chief/run.sh", FakeHostProbe::Kind::Missing);
        const auto r = loadYaml(kScriptsHead + "    scripts:\n      - path: run.sh\n", files);
        CHECK(diagsOf(r) == std::vector<Diag>{E(7, 15, "jobs[0].scripts[0].path",
                                                "script file \"run.sh\" (resolved to /etc/chief/run.sh) does not exist")});
    }
    SECTION("file missing, absolute") {
        FakeHostProbe files;
        files.set("/opt/jobs/run.sh", FakeHostProbe::Kind::Missing);
        const auto r = loadYaml(kScriptsHead + "    scripts:\n      - path: /opt/jobs/run.sh\n", files);
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(7, 15, "jobs[0].scripts[0].path", "script file \"/opt/jobs/run.sh\" does not exist")});
    }
    SECTION("a directory") {
        const auto r = loadYaml(kScriptsHead + "    scripts:\n      - path: bin\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(7, 15, "jobs[0].scripts[0].path",
                                                "script \"bin\" (resolved to /etc/chief/bin) is a directory, not a file")});
    }
    SECTION("not executable, unknown extension") {
        FakeHostProbe files;
        files.set("/etc/chief/tool.rb", FakeHostProbe::Kind::File);
        const auto r = loadYaml(kScriptsHead + "    scripts:\n      - path: tool.rb\n", files);
        CHECK(diagsOf(r) == std::vector<Diag>{E(7, 15, "jobs[0].scripts[0].path",
                                                "script \"tool.rb\" (resolved to /etc/chief/tool.rb) is not executable and "
                                                "has no known interpreter (.py or .sh): run chmod +x on it or set "
                                                "\"interpreter\"")});
    }
    SECTION(".py needs python3 when not executable") {
        FakeHostProbe files;
        files.set("/etc/chief/etl.py", FakeHostProbe::Kind::File);
        const std::string text = kScriptsHead + "    scripts:\n      - path: etl.py\n";
        CHECK(loadOk(text, files).config->jobs[0].scripts[0].interpreter == std::vector<std::string>{"python3"});
        files.removeProgram("python3");
        const auto r = loadYaml(text, files);
        CHECK(diagsOf(r) == std::vector<Diag>{E(7, 15, "jobs[0].scripts[0].path",
                                                "script \"etl.py\" (resolved to /etc/chief/etl.py) needs python3, which "
                                                "was not found in PATH")});
    }
    SECTION(".sh needs sh when not executable") {
        FakeHostProbe files;
        files.set("/etc/chief/run.sh", FakeHostProbe::Kind::File);
        files.removeProgram("sh");
        const auto r = loadYaml(kScriptsHead + "    scripts:\n      - path: run.sh\n", files);
        CHECK(diagsOf(r) == std::vector<Diag>{E(7, 15, "jobs[0].scripts[0].path",
                                                "script \"run.sh\" (resolved to /etc/chief/run.sh) needs sh, which was "
                                                "not found in PATH")});
    }
    SECTION("an executable script needs no interpreter") {
        FakeHostProbe files;
        files.removeProgram("python3");
        const auto r = loadOk(kScriptsHead + "    scripts:\n      - path: etl.py\n", files);
        CHECK(r.config->jobs[0].scripts[0].interpreter.empty());
    }
    SECTION("explicit interpreter not found is reported at the interpreter") {
        const auto r = loadYaml(kScriptsHead + "    scripts:\n      - path: etl.py\n        interpreter: python9 -u\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(8, 22, "jobs[0].scripts[0].interpreter",
                                                "interpreter \"python9\" was not found in PATH")});
    }
    SECTION("explicit interpreter by path, and alongside a missing script") {
        FakeHostProbe files;
        files.set("/etc/chief/etl.py", FakeHostProbe::Kind::Missing);
        files.set("/opt/py/bin/python", FakeHostProbe::Kind::File);
        const auto r = loadYaml(kScriptsHead + "    scripts:\n      - path: etl.py\n        interpreter: /opt/py/bin/python\n",
                                files);
        CHECK(diagsOf(r) ==
              std::vector<Diag>{
                  E(7, 15, "jobs[0].scripts[0].path", "script file \"etl.py\" (resolved to /etc/chief/etl.py) does not exist"),
                  E(8, 22, "jobs[0].scripts[0].interpreter",
                    "interpreter \"/opt/py/bin/python\" does not exist or is not executable")});
    }
    SECTION("explicit interpreter found") {
        FakeHostProbe files;
        files.set("/etc/chief/tool.rb", FakeHostProbe::Kind::File);
        files.addProgram("ruby", "/usr/bin/ruby");
        const auto r = loadOk(kScriptsHead + "    scripts:\n      - path: tool.rb\n        interpreter: [ruby, -w]\n", files);
        CHECK(r.config->jobs[0].scripts[0].interpreter == std::vector<std::string>{"ruby", "-w"});
    }
    SECTION("empty interpreter") {
        const auto r = loadYaml(kScriptsHead + "    scripts:\n      - path: run.sh\n        interpreter: \"\"\n");
        CHECK(diagsOf(r) ==
              std::vector<Diag>{E(8, 22, "jobs[0].scripts[0].interpreter", "must name a program, such as python3")});
    }
    SECTION("args with unbalanced quotes") {
        const auto r = loadYaml(kScriptsHead + yaml(R"(
    scripts:
      - path: run.sh
        args: --label "weekly run
      - path: run.sh
        args: --name 'it is
      - path: run.sh
        args: trailing \
)"));
        CHECK(diagsOf(r) ==
              std::vector<Diag>{
                  E(8, 15, "jobs[0].scripts[0].args", "unbalanced double quote starting at character 9"),
                  E(10, 15, "jobs[0].scripts[1].args", "unbalanced single quote starting at character 8"),
                  E(12, 15, "jobs[0].scripts[2].args", "trailing backslash with nothing to escape")});
    }
    SECTION("args list items must be text") {
        const auto r = loadYaml(kScriptsHead + "    scripts:\n      - path: run.sh\n        args: [a, [b]]\n");
        CHECK(diagsOf(r) == std::vector<Diag>{E(8, 19, "jobs[0].scripts[0].args[1]", "expected a text value, got a list")});
    }
    SECTION("timeout must be a positive whole number") {
        const auto r = loadYaml(kScriptsHead + yaml(R"(
    scripts:
      - path: run.sh
        timeout: 0
      - path: run.sh
        timeout: -5
      - path: run.sh
        timeout: ten
)"));
        CHECK(diagsOf(r) == std::vector<Diag>{E(8, 18, "jobs[0].scripts[0].timeout", "must be greater than 0"),
                                              E(10, 18, "jobs[0].scripts[1].timeout", "must be greater than 0"),
                                              E(12, 18, "jobs[0].scripts[2].timeout", "expected a whole number, got \"ten\"")});
    }
}

// ---- all at once ---------------------------------------------------------------------------

TEST_CASE("All errors are reported at once, sorted by line", "[validation]") {
    FakeHostProbe files;
    files.set("/etc/chief/missing.sh", FakeHostProbe::Kind::Missing);
    const auto r = loadYaml(yaml(R"(
jobs:
  - name: bad name
    enabled: maybe
    schedule:
      frequency: weekly
      day: funday
      time: "25:00"
    scripts:
      - path: missing.sh
        timeout: 0
  - name: second
    schedule:
      frequency: interval
      every: 30s
    scripts: []
monitor:
  timeout_ms: 0
defaults:
  overlap: sometimes
version: 2
)"),
                            files);
    CHECK_FALSE(r.ok());
    CHECK(diagsOf(r) ==
          std::vector<Diag>{
              E(2, 11, "jobs[0].name",
                "invalid job name \"bad name\": use letters, digits, '.', '_', '-' and '@' (at most 128), starting with a "
                "letter or digit"),
              E(3, 14, "jobs[0].enabled", "expected true or false, got \"maybe\""),
              E(6, 12, "jobs[0].schedule.day",
                "invalid day \"funday\": expected a weekday name such as monday (or mon), a comma list or a range like "
                "monday-friday"),
              E(7, 13, "jobs[0].schedule.time", "invalid time \"25:00\": expected HH:MM in 24-hour form (00:00 to 23:59)"),
              E(9, 15, "jobs[0].scripts[0].path",
                "script file \"missing.sh\" (resolved to /etc/chief/missing.sh) does not exist"),
              E(10, 18, "jobs[0].scripts[0].timeout", "must be greater than 0"),
              E(14, 14, "jobs[1].schedule.every",
                "seconds intervals are unsupported in v1; use minutes (m), hours (h) or days (d)"),
              E(15, 14, "jobs[1].scripts", "\"scripts\" must not be empty"),
              E(17, 15, "monitor.timeout_ms", "must be greater than 0"),
              E(19, 12, "defaults.overlap", "invalid overlap \"sometimes\": expected one of skip, queue, parallel"),
              E(20, 10, "version", "unsupported version 2 (this Chief reads version 1)")});
}

// ---- valid configs -------------------------------------------------------------------------

TEST_CASE("jobs inherit defaults and the top-level monitor", "[validation]") {
    const auto r = loadOk(yaml(R"(
defaults:
  working_dir: data
  overlap: queue
  stop_on_failure: false
  timezone: America/New_York
monitor:
  enabled: true
  endpoint: https://monitor.example:7443/base
  api_key: secret
jobs:
  - name: inherits
    schedule: {frequency: daily, time: "06:00"}
    scripts:
      - path: run.sh
      - path: /opt/tools/report.sh
      - path: ../shared/sync.sh
  - name: overrides
    working_dir: /srv/other
    overlap: parallel
    stop_on_failure: true
    monitor:
      enabled: false
      check:
        grace_seconds: 30
        alert_on_miss: false
    schedule: {frequency: daily, time: "06:00", timezone: Europe/Berlin}
    scripts:
      - path: bin/run.sh
)"));
    const Config& config = *r.config;
    CHECK(config.defaults.workingDir == "/etc/chief/data");
    CHECK(config.defaults.timezone == "America/New_York");
    REQUIRE(config.jobs.size() == 2);

    const Job& inherits = config.jobs[0];
    CHECK(inherits.workingDir == "/etc/chief/data");
    CHECK(inherits.overlap == OverlapPolicy::Queue);
    CHECK_FALSE(inherits.stopOnFailure);
    CHECK(inherits.enabled);
    CHECK(inherits.timezone == "America/New_York");
    REQUIRE(inherits.scripts.size() == 3);
    CHECK(inherits.scripts[0].path == "run.sh");
    CHECK(inherits.scripts[0].resolvedPath == "/etc/chief/data/run.sh");
    CHECK(inherits.scripts[0].timeoutSeconds == 3600);
    CHECK(inherits.scripts[1].resolvedPath == "/opt/tools/report.sh");
    CHECK(inherits.scripts[2].resolvedPath == "/etc/chief/shared/sync.sh");
    CHECK(inherits.monitor.enabled);
    CHECK(inherits.monitor.endpoint == "https://monitor.example:7443/base");
    CHECK(inherits.monitor.apiKey == "secret");
    CHECK(inherits.monitor.check.graceSeconds == 120);
    CHECK(inherits.monitor.check.alertOnMiss);

    const Job& overrides = config.jobs[1];
    CHECK(overrides.workingDir == "/srv/other");
    CHECK(overrides.overlap == OverlapPolicy::Parallel);
    CHECK(overrides.stopOnFailure);
    CHECK(overrides.timezone == "Europe/Berlin");
    CHECK(overrides.scripts[0].resolvedPath == "/srv/other/bin/run.sh");
    CHECK_FALSE(overrides.monitor.enabled);
    CHECK(overrides.monitor.endpoint == "https://monitor.example:7443/base");
    CHECK(overrides.monitor.apiKey == "secret");
    CHECK(overrides.monitor.check.graceSeconds == 30);
    CHECK_FALSE(overrides.monitor.check.alertOnMiss);
    CHECK(overrides.monitor.check.alertOnFailure);
}

TEST_CASE("without defaults, jobs use the config's folder, the system zone and built-in values", "[validation]") {
    const auto r = loadOk(kValidJobs, FakeHostProbe(), "Asia/Tokyo");
    const Config& config = *r.config;
    CHECK(config.sourcePath == kConfigPath);
    CHECK(config.defaults.workingDir == "/etc/chief");
    CHECK(config.defaults.timezone == "Asia/Tokyo");
    const Job& job = config.jobs[0];
    CHECK(job.workingDir == "/etc/chief");
    CHECK(job.timezone == "Asia/Tokyo");
    CHECK(job.overlap == OverlapPolicy::Skip);
    CHECK(job.stopOnFailure);
    CHECK(job.enabled);
    CHECK_FALSE(job.monitor.enabled);
    CHECK(job.monitor.endpoint == "http://127.0.0.1:7410");
    CHECK(job.monitor.apiKey.empty());
    CHECK(config.monitor.timeoutMs == 400);
    CHECK(config.monitor.buffer.maxEvents == 5000);
    CHECK(config.monitor.buffer.flushIntervalMs == 1000);
    CHECK(config.monitor.buffer.spoolFile.empty());
}

TEST_CASE("monitor buffer settings load, spool_file relative to the config's folder", "[validation]") {
    const auto r = loadOk("monitor:\n  timeout_ms: 250\n  buffer:\n    max_events: 10\n    flush_interval_ms: 50\n"
                          "    spool_file: .chief/spool.jsonl\n" +
                          kValidJobs);
    CHECK(r.config->monitor.timeoutMs == 250);
    CHECK(r.config->monitor.buffer.maxEvents == 10);
    CHECK(r.config->monitor.buffer.flushIntervalMs == 50);
    CHECK(r.config->monitor.buffer.spoolFile == "/etc/chief/.chief/spool.jsonl");
}

TEST_CASE("args load from a YAML list and from a shell-style string", "[validation]") {
    const auto r = loadOk(kScriptsHead + yaml(R"(
    scripts:
      - path: run.sh
        args:
          - --start-date
          - 2026-01-01
          - two words
          - "--x=\"q\""
      - path: run.sh
        args: --label "weekly run" --title 'single "keeps" \\ as is' plain\ space "esc \"q\" \\ \$HOME" ''
      - path: run.sh
        args: []
      - path: run.sh
        args: ""
        timeout: 1800
)"));
    const auto& scripts = r.config->jobs[0].scripts;
    REQUIRE(scripts.size() == 4);
    CHECK(scripts[0].args == std::vector<std::string>{"--start-date", "2026-01-01", "two words", "--x=\"q\""});
    CHECK(scripts[1].args == std::vector<std::string>{"--label", "weekly run", "--title", "single \"keeps\" \\\\ as is",
                                                      "plain space", "esc \"q\" \\ $HOME", ""});
    CHECK(scripts[2].args.empty());
    CHECK(scripts[3].args.empty());
    CHECK(scripts[3].timeoutSeconds == 1800);
}

TEST_CASE("YAML 1.1 booleans are accepted", "[validation]") {
    const auto r = loadOk(yaml(R"(
monitor:
  enabled: yes
jobs:
  - name: job
    enabled: no
    stop_on_failure: off
    monitor:
      check:
        alert_on_miss: No
        alert_on_failure: ON
    schedule:
      frequency: daily
      time: "06:00"
      weekdays_only: Yes
    scripts: [{path: run.sh}]
)"));
    const Job& job = r.config->jobs[0];
    CHECK(r.config->monitor.enabled);
    CHECK_FALSE(job.enabled);
    CHECK_FALSE(job.stopOnFailure);
    CHECK(job.monitor.enabled);
    CHECK_FALSE(job.monitor.check.alertOnMiss);
    CHECK(job.monitor.check.alertOnFailure);
    CHECK(job.schedule.cron == "0 6 * * 1-5");
}

TEST_CASE("merge keys work and explicit keys win", "[validation]") {
    const auto r = loadOk(yaml(R"(
jobs:
  - &base
    name: base
    overlap: queue
    stop_on_failure: false
    schedule: &early {frequency: daily, time: "05:00"}
    scripts: [{path: run.sh}]
  - overlap: parallel
    <<: *base
    name: derived
  - <<: *base
    name: merged-schedules
    schedule:
      <<: [*early, {time: "07:00", weekdays_only: true}]
)"));
    const auto& jobs = r.config->jobs;
    REQUIRE(jobs.size() == 3);
    CHECK(jobs[0].overlap == OverlapPolicy::Queue);
    CHECK(jobs[1].name == "derived");
    CHECK(jobs[1].overlap == OverlapPolicy::Parallel);
    CHECK_FALSE(jobs[1].stopOnFailure);
    CHECK(jobs[1].schedule.cron == "0 5 * * *");
    CHECK(jobs[1].scripts[0].resolvedPath == "/etc/chief/run.sh");
    // In a list of merged mappings the first one wins, but every key is taken.
    CHECK(jobs[2].schedule.cron == "0 5 * * 1-5");
}

TEST_CASE("a mapping that merges itself is refused, not followed forever", "[validation]") {
    const auto r = loadYaml(yaml(R"(
jobs:
  - &self
    <<: *self
    name: self-merge
)"));
    CHECK(diagsOf(r) == std::vector<Diag>{E(3, 9, "", "YAML syntax error: alias *self refers to the node it is part of "
                                                      "(&self); recursive structures are not allowed")});
}

TEST_CASE("a merge key that is not a mapping is rejected", "[validation]") {
    const auto r = loadYaml(kJobHead + "    <<: 5\n    <<: [x]\n" + kJobTail);
    CHECK(diagsOf(r) ==
          std::vector<Diag>{E(3, 9, "jobs[0]", "a merge key (<<) takes a mapping or a list of mappings"),
                            E(4, 10, "jobs[0]", "a merge key (<<) takes mappings only")});
}

TEST_CASE("weekly day forms", "[validation]") {
    const auto [day, bits] = GENERATE(table<std::string, unsigned>({
        {"monday", 0b0000010},
        {"Mon", 0b0000010},
        {"sun", 0b0000001},
        {"monday,wednesday,friday", 0b0101010},
        {"\"monday, wednesday\"", 0b0001010},
        {"monday-friday", 0b0111110},
        {"[monday, wednesday, friday]", 0b0101010},
        {"[monday-tuesday, saturday]", 0b1000110},
        {"friday-monday", 0b1100011},
        {"sunday-saturday", 0b1111111},
    }));
    INFO("day: " << day);
    const auto r = loadOk(jobWithSchedule("      frequency: weekly\n      day: " + day + "\n      time: \"09:00\"\n"));
    CHECK(calendarOf(r.config->jobs[0]).weekdays == bits);
}

TEST_CASE("yearly month by name or number", "[validation]") {
    const std::string month = GENERATE(as<std::string>{}, "march", "March", "mar", "3", "03");
    INFO("month: " << month);
    const auto r = loadOk(jobWithSchedule("      frequency: yearly\n      month: " + month +
                                          "\n      day_of_month: 15\n      time: \"00:00\"\n"));
    CHECK(calendarOf(r.config->jobs[0]).months == 1U << 3);
    CHECK(calendarOf(r.config->jobs[0]).daysOfMonth == 1U << 15);
    CHECK(r.config->jobs[0].schedule.cron == "0 0 15 3 *");
}

TEST_CASE("monthly forms load", "[validation]") {
    SECTION("day of month") {
        const auto r = loadOk(jobWithSchedule("      frequency: monthly\n      day_of_month: 15\n      time: \"08:00\"\n"));
        CHECK(r.config->jobs[0].schedule.cron == "0 8 15 * *");
        CHECK(r.config->jobs[0].schedule.mode == ScheduleMode::PureCron);
    }
    SECTION("ordinal weekday") {
        const auto r =
            loadOk(jobWithSchedule("      frequency: monthly\n      ordinal: last\n      day: friday\n      time: \"18:00\"\n"));
        const CalendarRule& rule = calendarOf(r.config->jobs[0]);
        REQUIRE(rule.ordinal.has_value());
        CHECK(rule.ordinal->ordinal == Ordinal::Last);
        CHECK(rule.ordinal->weekday == 5);
        CHECK(r.config->jobs[0].schedule.mode == ScheduleMode::Hybrid);
    }
}
