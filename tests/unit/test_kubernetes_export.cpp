// The Kubernetes export: every CronJob document is read back with libyaml (chief/yaml_tree.h)
// and its fields checked; its cron expression must be the one export-cron writes. No Kubernetes
// schema is available offline, so the fields are checked against batch/v1 as documented.
#include <catch2/catch.hpp>

#include "chief/kubernetes_exporter.h"
#include "chief/yaml_tree.h"
#include "config_fixture.h"

using namespace chief;
using namespace chief::testing;

namespace {

Config configOf(const std::string& yaml, const FakeHostProbe& files = FakeHostProbe()) {
    const LoadResult result = loadYaml(yaml, files);
    INFO((result.diagnostics.empty() ? std::string() : formatDiagnostic(result.diagnostics.front())));
    REQUIRE(result.ok());
    return *result.config;
}

// The node at a dotted path ("spec.jobTemplate.spec"); "containers.0" indexes a list.
std::optional<YamlNode> at(YamlNode node, const std::string& path) {
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t dot = path.find('.', start);
        const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (node.isSequence()) {
            const std::size_t index = std::stoul(part);
            if (index >= node.size()) return std::nullopt;
            node = node.item(index);
        } else if (node.isMapping()) {
            bool found = false;
            for (std::size_t i = 0; i < node.size(); ++i) {
                if (node.key(i).text() == part) {
                    node = node.value(i);
                    found = true;
                    break;
                }
            }
            if (!found) return std::nullopt;
        } else {
            return std::nullopt;
        }
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return node;
}

std::string text(YamlNode root, const std::string& path) {
    const auto node = at(root, path);
    INFO("path " << path);
    REQUIRE(node);
    REQUIRE(node->isScalar());
    return std::string(node->text());
}

bool has(YamlNode root, const std::string& path) { return at(root, path).has_value(); }

const std::string kConfig = R"(jobs:
  - name: ga_daily
    working_dir: /srv/ga
    user: "1000"
    group: "1000"
    environment: {API_KEY: "k\"ey: #1", EMPTY: ""}
    schedule: {frequency: daily, time: "06:00", timezone: America/New_York}
    scripts:
      - {path: fetch.py, args: ["--date", "it's today", "100%"], timeout: 1800}
      - {path: /opt/ga/load.bin, timeout: 600}
  - name: sweep
    overlap: parallel
    stop_on_failure: false
    user: nobody
    enabled: false
    schedule: {frequency: custom, minute: 0, hour: 9, day_of_month: "*/2", day_of_week: sat, day_match: any}
    scripts: [{path: a.sh}, {path: b.sh}]
  - name: month-end
    overlap: queue
    schedule: {frequency: monthly, day_of_month: last, time: "23:00", timezone: Europe/Berlin}
    scripts: [{path: a.sh}]
  - name: rolling
    schedule: {frequency: interval, every: 90m}
    scripts: [{path: a.sh}]
)";

Config theConfig() {
    FakeHostProbe files;
    files.set("/srv/ga/fetch.py", FakeHostProbe::Kind::File);  // not executable: python3
    files.addUser("1000");
    files.addGroup("1000");
    return configOf(kConfig, files);
}

}  // namespace

TEST_CASE("a pure_cron job becomes a CronJob that libyaml reads back with the expected fields", "[kubernetes]") {
    const Config config = theConfig();
    KubernetesExportOptions options;
    options.image = "registry.example/etl:1.2";
    options.namespaceName = "batch";
    options.includeEnvironment = true;
    const KubernetesJobExport e = exportKubernetesJob(config, config.jobs[0], options);
    REQUIRE(e.exported);
    INFO(e.document);
    auto [tree, error] = YamlTree::parse(e.document);
    REQUIRE(tree);
    REQUIRE(tree->documentCount() == 1);
    const YamlNode root = tree->document(0);
    CHECK(text(root, "apiVersion") == "batch/v1");
    CHECK(text(root, "kind") == "CronJob");
    CHECK(text(root, "metadata.name") == e.name);
    CHECK(e.name.starts_with("chief-ga-daily-"));  // '_' is not allowed: mapped, with a hash
    CHECK(text(root, "metadata.namespace") == "batch");
    CHECK(text(root, "metadata.annotations.chief/job") == "ga_daily");
    CHECK(text(root, "spec.schedule") == config.jobs[0].schedule.cron);  // what export-cron writes
    CHECK(text(root, "spec.schedule") == "0 6 * * *");
    CHECK(text(root, "spec.timeZone") == "America/New_York");
    CHECK(text(root, "spec.concurrencyPolicy") == "Forbid");
    CHECK(text(root, "spec.startingDeadlineSeconds") == "60");
    CHECK(text(root, "spec.suspend") == "false");
    CHECK(text(root, "spec.jobTemplate.spec.backoffLimit") == "0");
    CHECK(text(root, "spec.jobTemplate.spec.activeDeadlineSeconds") == "2400");
    const std::string pod = "spec.jobTemplate.spec.template.spec.";
    CHECK(text(root, pod + "restartPolicy") == "Never");
    CHECK(text(root, pod + "terminationGracePeriodSeconds") == "10");
    CHECK(text(root, pod + "securityContext.runAsUser") == "1000");
    CHECK(text(root, pod + "securityContext.runAsGroup") == "1000");
    CHECK(text(root, pod + "containers.0.name") == "job");
    CHECK(text(root, pod + "containers.0.image") == "registry.example/etl:1.2");
    CHECK(text(root, pod + "containers.0.workingDir") == "/srv/ga");
    CHECK(text(root, pod + "containers.0.command.0") == "/bin/sh");
    CHECK(text(root, pod + "containers.0.command.1") == "-c");
    CHECK(text(root, pod + "containers.0.command.2") ==
          "python3 /srv/ga/fetch.py --date 'it'\\''s today' 100% || exit $?\n/opt/ga/load.bin || exit $?\n");
    CHECK_FALSE(has(root, pod + "containers.0.command.3"));
    CHECK(text(root, pod + "containers.0.env.0.name") == "API_KEY");
    CHECK(text(root, pod + "containers.0.env.0.value") == "k\"ey: #1");
    CHECK(text(root, pod + "containers.0.env.1.name") == "EMPTY");
    CHECK(text(root, pod + "containers.0.env.1.value") == "");
}

TEST_CASE("environment values only when asked, names always said", "[kubernetes]") {
    const Config config = theConfig();
    KubernetesExportOptions options;
    options.image = "etl";
    const KubernetesJobExport e = exportKubernetesJob(config, config.jobs[0], options);
    auto [tree, error] = YamlTree::parse(e.document);
    REQUIRE(tree);
    CHECK_FALSE(has(tree->document(0), "spec.jobTemplate.spec.template.spec.containers.0.env"));
    CHECK(e.document.find("k\\\"ey") == std::string::npos);
    CHECK(e.document.find("# environment not written (values may be secrets; export with --include-environment): "
                          "API_KEY, EMPTY.\n") != std::string::npos);
    CHECK_FALSE(has(tree->document(0), "metadata.namespace"));
}

TEST_CASE("overlap, stop_on_failure, names as users and disabled jobs map with comments", "[kubernetes]") {
    const Config config = theConfig();
    KubernetesExportOptions options;
    options.image = "etl";
    const KubernetesJobExport e = exportKubernetesJob(config, config.jobs[1], options);
    REQUIRE(e.exported);
    auto [tree, error] = YamlTree::parse(e.document);
    REQUIRE(tree);
    const YamlNode root = tree->document(0);
    CHECK(text(root, "metadata.name") == "chief-sweep");
    CHECK(text(root, "spec.concurrencyPolicy") == "Allow");
    CHECK(text(root, "spec.suspend") == "true");
    // Kubernetes (robfig/cron) ORs the day fields only when neither is "*": the line has none.
    CHECK(text(root, "spec.schedule") == "0 9 1-31/2 * 6");
    CHECK_FALSE(has(root, "spec.jobTemplate.spec.template.spec.securityContext"));
    CHECK(text(root, "spec.jobTemplate.spec.template.spec.containers.0.command.2") ==
          "status=0\n/etc/chief/a.sh || status=1\n/etc/chief/b.sh || status=1\nexit $status\n");
    CHECK(e.document.find("# user nobody is a name: Kubernetes takes numeric ids only") != std::string::npos);
    CHECK(e.document.find("# disabled in the config: exported with suspend: true.") != std::string::npos);
}

TEST_CASE("hybrid jobs are refused, or guarded by chiefd in the image, runtime_only jobs are refused", "[kubernetes]") {
    const Config config = theConfig();
    KubernetesExportOptions options;
    options.image = "etl";
    const KubernetesJobExport refused = exportKubernetesJob(config, config.jobs[2], options);
    CHECK_FALSE(refused.exported);
    CHECK(refused.refusal ==
          "hybrid: the cron line '0 23 28-31 * *' fires at a superset and a runtime guard runs it only on the last day of "
          "the month, which Kubernetes cannot say; export with chiefd in the image to guard it, or run it under chiefd");
    const KubernetesJobExport interval = exportKubernetesJob(config, config.jobs[3], options);
    CHECK_FALSE(interval.exported);
    CHECK(interval.refusal == "runtime_only: no cron expression fires on this schedule (every 90 minutes, aligned to local "
                              "midnight), and Kubernetes CronJobs only take one; run it under chiefd");

    options.chiefdInImage = "/usr/sbin/chiefd";
    const KubernetesJobExport guarded = exportKubernetesJob(config, config.jobs[2], options);
    REQUIRE(guarded.exported);
    auto [tree, error] = YamlTree::parse(guarded.document);
    REQUIRE(tree);
    const YamlNode root = tree->document(0);
    CHECK(text(root, "spec.schedule") == "0 23 28-31 * *");
    CHECK(text(root, "spec.timeZone") == "Europe/Berlin");
    CHECK(text(root, "spec.concurrencyPolicy") == "Forbid");
    CHECK(guarded.document.find("# overlap: queue has no Kubernetes equivalent") != std::string::npos);
    const std::string command = "spec.jobTemplate.spec.template.spec.containers.0.command.";
    CHECK(text(root, command + "0") == "/usr/sbin/chiefd");
    CHECK(text(root, command + "1") == "--once");
    CHECK(text(root, command + "3") == "/etc/chief/chief.yaml");
    CHECK(text(root, command + "5") == "month-end");
    CHECK(text(root, command + "6") == "--respect-schedule");
    CHECK_FALSE(has(root, "spec.jobTemplate.spec.activeDeadlineSeconds"));  // chiefd keeps each script's timeout
}

TEST_CASE("the whole export is one multi-document stream that libyaml reads", "[kubernetes]") {
    Config config = theConfig();
    config.sourcePath = "/etc/chief/odd\nname.yaml";  // a line break must not escape a comment
    KubernetesExportOptions options;
    options.image = "etl";
    const KubernetesExport all = exportKubernetes(config, {}, options);
    REQUIRE(all.jobs.size() == 4);
    auto [tree, error] = YamlTree::parse(all.yaml);
    INFO(all.yaml);
    REQUIRE(tree);
    REQUIRE(tree->documentCount() == 2);
    CHECK(text(tree->document(0), "metadata.annotations.chief/job") == "ga_daily");
    CHECK(text(tree->document(0), "metadata.annotations.chief/config") == "/etc/chief/odd\nname.yaml");
    CHECK(text(tree->document(1), "metadata.annotations.chief/job") == "sweep");
    CHECK(all.yaml.find("# Chief job \"month-end\" not exported: hybrid: ") != std::string::npos);
    CHECK(all.yaml.find("# Chief job \"rolling\" not exported: runtime_only: ") != std::string::npos);
    const KubernetesExport one = exportKubernetes(config, {&config.jobs[1]}, options);
    REQUIRE(one.jobs.size() == 1);
    CHECK(one.jobs[0].job == "sweep");
}

TEST_CASE("quoteYamlString and kubernetesName", "[kubernetes]") {
    for (const std::string& value : {std::string("plain"), std::string("a: b # c"), std::string("tab\there\nline"),
                                    std::string("quote \" and \\ backslash"), std::string("yes"), std::string("0755"),
                                    std::string("\x01\x7f"), std::string("é ✓"), std::string("")}) {
        auto [tree, error] = YamlTree::parse("v: " + quoteYamlString(value) + "\n");
        INFO(quoteYamlString(value));
        REQUIRE(tree);
        CHECK(text(tree->document(0), "v") == value);
        CHECK(tree->document(0).value(0).isQuoted());
    }
    CHECK(kubernetesName("chief-", "backup") == "chief-backup");
    CHECK(kubernetesName("chief-", "db.nightly-2") == "chief-db.nightly-2");
    const std::string mapped = kubernetesName("chief-", "Backup");
    CHECK(mapped.starts_with("chief-backup-"));
    CHECK(mapped.size() == std::string("chief-backup-").size() + 6);
    CHECK(kubernetesName("chief-", "a_b") != kubernetesName("chief-", "a@b"));
    const std::string longName = kubernetesName("chief-", std::string(120, 'x'));
    CHECK(longName.size() <= 52);
}
