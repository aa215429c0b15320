#include <catch2/catch.hpp>

#include "config_fixture.h"

using namespace chief;
using namespace chief::testing;

namespace {

std::vector<std::string> rendered(const LoadResult& result) {
    std::vector<std::string> out;
    for (const Diagnostic& d : result.diagnostics) out.push_back(formatDiagnostic(d));
    return out;
}

const char* kTail = "    schedule: {frequency: daily, time: \"06:00\"}\n    scripts: [{path: run.sh}]\n";

}  // namespace

TEST_CASE("daemon keys: defaults and job values load and inherit", "[validation][daemon-keys]") {
    const std::string yaml = std::string(R"(defaults:
  max_parallel_jobs: 3
  kill_grace_seconds: 4
  environment:
    LANG: C.UTF-8
    MODE: default
jobs:
  - name: a
    description: nightly export
    user: nobody
    group: nogroup
    kill_grace_seconds: 0
    environment: {MODE: job, RETRIES: 3, EMPTY: }
)") + kTail + "  - name: b\n" + kTail;
    const LoadResult r = loadYaml(yaml);
    INFO((rendered(r).empty() ? std::string() : rendered(r).front()));
    REQUIRE(r.ok());
    const Config& c = *r.config;
    CHECK(c.defaults.maxParallelJobs == 3);
    const Job& a = c.jobs[0];
    CHECK(a.description == "nightly export");
    CHECK(a.user == "nobody");
    CHECK(a.group == "nogroup");
    CHECK(a.killGraceSeconds == 0);
    CHECK(a.environment == EnvironmentList{{"LANG", "C.UTF-8"}, {"MODE", "job"}, {"RETRIES", "3"}, {"EMPTY", ""}});
    const Job& b = c.jobs[1];
    CHECK(b.killGraceSeconds == 4);
    CHECK(b.environment == EnvironmentList{{"LANG", "C.UTF-8"}, {"MODE", "default"}});
    CHECK(b.user.empty());
}

TEST_CASE("daemon keys: defaults when absent", "[validation][daemon-keys]") {
    const LoadResult r = loadYaml(std::string("jobs:\n  - name: a\n") + kTail);
    REQUIRE(r.ok());
    CHECK(r.config->defaults.maxParallelJobs == 1);
    CHECK(r.config->jobs[0].killGraceSeconds == 10);
    CHECK(r.config->jobs[0].environment.empty());
}

TEST_CASE("daemon keys: each rule reports its position", "[validation][daemon-keys]") {
    const std::string yaml = std::string(R"(defaults:
  max_parallel_jobs: 0
  kill_grace_seconds: -1
jobs:
  - name: a
    user: ghost
    group: phantoms
    environment:
      1BAD: x
      CHIEF_RUN_ID: y
      LIST: [1, 2]
)") + kTail;
    CHECK(rendered(loadYaml(yaml)) ==
          std::vector<std::string>{
              "/etc/chief/chief.yaml:2:22: defaults.max_parallel_jobs: must be greater than 0",
              "/etc/chief/chief.yaml:3:23: defaults.kill_grace_seconds: must be 0 or more",
              "/etc/chief/chief.yaml:6:11: jobs[0].user: user \"ghost\" does not exist on this host",
              "/etc/chief/chief.yaml:7:12: jobs[0].group: group \"phantoms\" does not exist on this host",
              "/etc/chief/chief.yaml:9:7: jobs[0].environment.1BAD: invalid environment variable name \"1BAD\": use letters, "
              "digits and '_', not starting with a digit",
              "/etc/chief/chief.yaml:10:7: jobs[0].environment.CHIEF_RUN_ID: \"CHIEF_RUN_ID\" is set by chiefd for each run "
              "and cannot be overridden (chiefd reserves CHIEF_RUN_ID, CHIEF_JOB_NAME, CHIEF_SCRIPT_PATH, "
              "CHIEF_SCHEDULED_FOR, CHIEF_MONITOR_ENDPOINT, CHIEF_MONITOR_API_KEY; other CHIEF_ names are yours)",
              "/etc/chief/chief.yaml:11:13: jobs[0].environment.LIST: expected a text value, got a list",
          });
    // Only the names chiefd sets are reserved: chief.py users set CHIEF_ENVIRONMENT and the like.
    const LoadResult own = loadYaml(std::string("jobs:\n  - name: a\n    environment: {CHIEF_ENVIRONMENT: prod}\n") + kTail);
    CHECK(rendered(own).empty());
    CHECK(rendered(loadYaml(std::string("jobs:\n  - name: a\n    environment: [A=1]\n") + kTail)) ==
          std::vector<std::string>{"/etc/chief/chief.yaml:3:18: jobs[0].environment: expected a mapping of variable names "
                                   "to values, got a list"});
}

TEST_CASE("telemetry keys: monitor.ca_file, buffer.spool_max_bytes, check.max_runtime_seconds", "[validation][telemetry]") {
    const std::string yaml = std::string(R"(monitor:
  enabled: true
  endpoint: https://monitor.example:7410
  ca_file: certs/ca.pem
  buffer: {spool_file: spool.jsonl, spool_max_bytes: 1048576}
jobs:
  - name: a
    monitor: {check: {max_runtime_seconds: 900}}
)") + kTail + "  - name: b\n" + kTail;
    const LoadResult r = loadYaml(yaml);
    INFO((rendered(r).empty() ? std::string() : rendered(r).front()));
    REQUIRE(r.ok());
    CHECK(r.config->monitor.caFile == "/etc/chief/certs/ca.pem");  // relative to the config's folder
    CHECK(r.config->monitor.buffer.spoolFile == "/etc/chief/spool.jsonl");
    CHECK(r.config->monitor.buffer.spoolMaxBytes == 1048576);
    CHECK(r.config->jobs[0].monitor.check.maxRuntimeSeconds == 900);
    CHECK_FALSE(r.config->jobs[1].monitor.check.maxRuntimeSeconds.has_value());
    const LoadResult defaults = loadYaml(std::string("jobs:\n  - name: a\n") + kTail);
    REQUIRE(defaults.ok());
    CHECK(defaults.config->monitor.buffer.spoolMaxBytes == 64LL * 1024 * 1024);
    CHECK(defaults.config->monitor.caFile.empty());
    const LoadResult bad = loadYaml(std::string("monitor: {buffer: {spool_max_bytes: 0}}\njobs:\n  - name: a\n    monitor: "
                                                "{check: {max_runtime_seconds: 0}}\n") + kTail);
    CHECK(errorsOf(bad).size() == 2);
}
