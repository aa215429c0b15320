#pragma once
// KubernetesExporter: renders jobs as batch/v1 CronJob manifests (YAML text written here, with
// its own quoting). Pure: a loaded Config in, documents out.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chief/config_model.h"
#include "chief/yaml_text.h"

namespace chief {

struct KubernetesExportOptions {
    // The container image; it must hold the scripts (and their interpreters) at the paths the
    // config names, since the pod runs them there.
    std::string image;
    std::string namespaceName;  // metadata.namespace; empty: none (kubectl's current namespace)
    // Write env: values (they may be secrets; only the names are listed otherwise).
    bool includeEnvironment = false;
    // A hybrid schedule (a cron line that fires at a superset, plus a runtime guard) needs chiefd
    // to decide. Empty: such jobs are refused. Otherwise chiefd's path in the image, which must
    // also hold the config at its path: the container then runs chiefd --once --respect-schedule,
    // as an exported cron line does.
    std::string chiefdInImage;
    std::string namePrefix = "chief-";
};

// What one job became: a document, or a refusal with its reason.
struct KubernetesJobExport {
    std::string job;
    std::string name;      // metadata.name (a DNS-1123 name of at most 52 characters)
    bool exported = false;
    std::string refusal;   // why not, when !exported
    std::string document;  // the CronJob as YAML (starts with "# ..." comments, no "---")
    std::vector<std::string> notes;  // what differs from chiefd, one sentence each (also comments)
};

struct KubernetesExport {
    std::vector<KubernetesJobExport> jobs;
    // Every exported document as one multi-document stream ("---" between documents), with a
    // comment for each refused job; what --output - prints.
    std::string yaml;
};

KubernetesJobExport exportKubernetesJob(const Config& config, const Job& job, const KubernetesExportOptions& options);

// `jobs` (every job of config when empty), in order.
KubernetesExport exportKubernetes(const Config& config, const std::vector<const Job*>& jobs,
                                  const KubernetesExportOptions& options);

// A CronJob name for a job: lowercase, '_' and '@' as '-', at most 52 characters (Kubernetes
// adds 11 for the Jobs it creates); when that changes the name, a hash of the original keeps
// names distinct ("chief-etl-daily-3f9a1c").
std::string kubernetesName(std::string_view prefix, std::string_view jobName);

// Why `options` cannot make manifests (no image, an image reference with spaces or control
// characters, a namespace that is not a DNS-1123 label), or nullopt. chiefctl and chiefd both
// refuse such a request before exporting anything.
std::optional<std::string> kubernetesOptionsProblem(const KubernetesExportOptions& options);

}  // namespace chief
