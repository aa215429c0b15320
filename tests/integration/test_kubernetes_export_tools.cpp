// The Kubernetes export read by a second YAML implementation, PyYAML (python3-yaml, Debian's
// /usr/bin/python3), which resolves YAML 1.1 types as kubectl's reader would see them: numbers
// are numbers, booleans booleans, and every quoted value a string. No Kubernetes schema is
// available offline, so the fields are checked against batch/v1 as documented. Without
// python3-yaml this fails under CHIEF_TESTS_NO_SKIP (tests/support/test_skip.h).
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "chief/kubernetes_exporter.h"
#include "chief/shell_words.h"
#include "config_fixture.h"
#include "test_skip.h"

using namespace chief;
using namespace chief::testing;

namespace {

const std::string kPython = "/usr/bin/python3";

// PyYAML's reading of a multi-document stream, as JSON (a list of documents).
nlohmann::json readWithPyYaml(const std::string& yaml) {
    const std::filesystem::path file =
        std::filesystem::temp_directory_path() / ("chief-k8s-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(file, std::ios::binary) << yaml;
    const std::string command = kPython +
                                " -c 'import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))' " +
                                quoteShellWord(file.string()) + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string output;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    std::filesystem::remove(file);
    INFO(output);
    REQUIRE(status == 0);
    return nlohmann::json::parse(output);
}

}  // namespace

TEST_CASE("exported CronJobs read with PyYAML have batch/v1's fields and types", "[kubernetes-tools]") {
    if (std::system((kPython + " -c 'import yaml' >/dev/null 2>&1").c_str()) != 0)
        CHIEF_SKIP_TEST(kPython + " with python3-yaml is not installed");
    FakeHostProbe files;
    files.addUser("1000");
    const LoadResult loaded = loadYaml(R"(jobs:
  - name: yes
    user: "1000"
    environment: {ON: "no", COUNT: "0755", EMPTY: ""}
    schedule: {frequency: weekly, day: "monday,friday", time: "07:05", timezone: Europe/Berlin}
    scripts: [{path: a.sh, args: ["null", "~", "true"], timeout: 120}, {path: b.sh, timeout: 60}]
  - name: off
    enabled: false
    overlap: parallel
    schedule: {frequency: custom, minute: "*/5", hour: "9-17", day_of_week: mon-fri}
    scripts: [{path: a.sh}]
)",
                                       files);
    REQUIRE(loaded.ok());
    KubernetesExportOptions options;
    options.image = "registry.example/jobs:1";
    options.namespaceName = "on";
    options.includeEnvironment = true;
    const KubernetesExport exported = exportKubernetes(*loaded.config, {}, options);
    const nlohmann::json docs = readWithPyYaml(exported.yaml);
    REQUIRE(docs.size() == 2);
    const nlohmann::json& a = docs[0];
    CHECK(a["apiVersion"] == "batch/v1");
    CHECK(a["kind"] == "CronJob");
    CHECK(a["metadata"]["name"] == "chief-yes");
    CHECK(a["metadata"]["namespace"] == "on");  // a string, not YAML 1.1's true
    CHECK(a["metadata"]["annotations"]["chief/job"] == "yes");
    CHECK(a["spec"]["schedule"] == "5 7 * * 1,5");
    CHECK(a["spec"]["timeZone"] == "Europe/Berlin");
    CHECK(a["spec"]["concurrencyPolicy"] == "Forbid");
    CHECK(a["spec"]["startingDeadlineSeconds"] == 60);
    CHECK(a["spec"]["suspend"] == false);
    const nlohmann::json& job = a["spec"]["jobTemplate"]["spec"];
    CHECK(job["backoffLimit"] == 0);
    CHECK(job["activeDeadlineSeconds"] == 180);
    const nlohmann::json& pod = job["template"]["spec"];
    CHECK(pod["restartPolicy"] == "Never");
    CHECK(pod["securityContext"]["runAsUser"] == 1000);
    const nlohmann::json& container = pod["containers"][0];
    CHECK(container["image"] == "registry.example/jobs:1");
    CHECK(container["command"] == nlohmann::json::array({"/bin/sh", "-c",
                                                         "/etc/chief/a.sh null '~' true || exit $?\n/etc/chief/b.sh || exit $?\n"}));
    CHECK(container["env"] == nlohmann::json::array({{{"name", "ON"}, {"value", "no"}},
                                                     {{"name", "COUNT"}, {"value", "0755"}},
                                                     {{"name", "EMPTY"}, {"value", ""}}}));
    const nlohmann::json& b = docs[1];
    CHECK(b["spec"]["schedule"] == "*/5 9-17 * * 1-5");
    CHECK(b["spec"]["concurrencyPolicy"] == "Allow");
    CHECK(b["spec"]["suspend"] == true);
    // The cron expressions are export-cron's.
    CHECK(a["spec"]["schedule"] == loaded.config->jobs[0].schedule.cron);
    CHECK(b["spec"]["schedule"] == loaded.config->jobs[1].schedule.cron);
}
