#include "chief/kubernetes_exporter.h"

#include <algorithm>
#include <cstdio>

#include "chief/shell_words.h"

namespace chief {

namespace {

// Kubernetes adds an 11-character suffix to the Jobs a CronJob creates; Job names are at most 63.
constexpr std::size_t kMaxCronJobName = 52;

std::uint32_t fnv1a(std::string_view text) {
    std::uint32_t hash = 2166136261U;
    for (char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 16777619U;
    }
    return hash;
}

bool isDigits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The scripts as one POSIX sh program, in order, with chiefd's failure rule.
std::string scriptProgram(const Job& job) {
    std::string program;
    if (!job.stopOnFailure) program += "status=0\n";
    for (const Script& script : job.scripts) {
        std::vector<std::string> words = script.interpreter;
        words.push_back(script.resolvedPath);
        words.insert(words.end(), script.args.begin(), script.args.end());
        program += joinShellWords(words) + (job.stopOnFailure ? " || exit $?\n" : " || status=1\n");
    }
    if (!job.stopOnFailure) program += "exit $status\n";
    return program;
}

// Comment text on one line: a line break in a path would end the comment and start YAML.
std::string oneLine(std::string_view text) {
    std::string out(text);
    std::replace(out.begin(), out.end(), '\n', ' ');
    std::replace(out.begin(), out.end(), '\r', ' ');
    return out;
}

void commentLines(std::string& out, const std::vector<std::string>& notes) {
    for (const std::string& note : notes) out += "# " + oneLine(note) + "\n";
}

std::string concurrencyPolicy(OverlapPolicy overlap, std::vector<std::string>& notes) {
    switch (overlap) {
        case OverlapPolicy::Skip: return "Forbid";
        case OverlapPolicy::Parallel: return "Allow";
        case OverlapPolicy::Queue:
            notes.push_back("overlap: queue has no Kubernetes equivalent (Forbid skips a run while one is active, "
                            "Replace ends the active one): Forbid, so a run due while one is active is skipped.");
            return "Forbid";
    }
    return "Forbid";
}

}  // namespace

std::string kubernetesName(std::string_view prefix, std::string_view jobName) {
    const std::string original = std::string(prefix) + std::string(jobName);
    std::string name;
    for (char c : original) {
        if (c >= 'A' && c <= 'Z')
            name += static_cast<char>(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')
            name += c;
        else
            name += '-';
    }
    while (!name.empty() && (name.front() == '-' || name.front() == '.')) name.erase(name.begin());
    while (!name.empty() && (name.back() == '-' || name.back() == '.')) name.pop_back();
    if (name == original && name.size() <= kMaxCronJobName) return name;
    // Changed or too long: a hash of the original name keeps two jobs that map alike apart.
    char hash[16];
    std::snprintf(hash, sizeof hash, "-%06x", fnv1a(original) & 0xFFFFFFU);
    name = name.substr(0, kMaxCronJobName - 7);
    while (!name.empty() && (name.back() == '-' || name.back() == '.')) name.pop_back();
    return (name.empty() ? std::string("chief") : name) + hash;
}

KubernetesJobExport exportKubernetesJob(const Config& config, const Job& job, const KubernetesExportOptions& options) {
    KubernetesJobExport out;
    out.job = job.name;
    out.name = kubernetesName(options.namePrefix, job.name);
    const CompiledSchedule& s = job.schedule;
    if (s.mode == ScheduleMode::RuntimeOnly) {
        out.refusal = "runtime_only: no cron expression fires on this schedule (" + s.description +
                      "), and Kubernetes CronJobs only take one; run it under chiefd";
        return out;
    }
    const bool guarded = s.mode == ScheduleMode::Hybrid;
    if (guarded && options.chiefdInImage.empty()) {
        out.refusal = "hybrid: the cron line " + quoteShellWord(s.cron) + " fires at a superset and a runtime guard runs it " +
                      s.guard + ", which Kubernetes cannot say; export with chiefd in the image to guard it, or run it "
                      "under chiefd";
        return out;
    }

    std::vector<std::string> notes;
    const std::string policy = concurrencyPolicy(job.overlap, notes);
    int totalTimeout = 0;
    for (const Script& script : job.scripts) totalTimeout += script.timeoutSeconds;
    std::vector<std::string> command;
    if (guarded) {
        command = {options.chiefdInImage, "--once", "--config", config.sourcePath, "--job", job.name, "--respect-schedule"};
        notes.push_back("guarded like a cron line: the pod runs chiefd --once --respect-schedule, which runs the job only "
                        "if the minute the container starts in is a fire time (" + s.guard +
                        "); the image must hold chiefd and the config at " + config.sourcePath +
                        ", and a pod that starts in a later minute than it was scheduled for runs nothing.");
    } else {
        command = {"/bin/sh", "-c", scriptProgram(job)};
        notes.push_back("the scripts run in order in one container through /bin/sh, " +
                        std::string(job.stopOnFailure ? "stopping at the first failure (stop_on_failure: true)"
                                                      : "all of them, failing the pod if any failed (stop_on_failure: false)") +
                        "; per-script timeouts become one deadline for the pod (activeDeadlineSeconds, their sum).");
        notes.push_back("no CHIEF_RUN_ID, CHIEF_JOB_NAME, CHIEF_SCRIPT_PATH, CHIEF_SCHEDULED_FOR or monitor variables, and "
                        "no run history in chiefd.");
    }
    std::string userLine, groupLine;
    if (!guarded) {
        if (!job.user.empty()) {
            if (isDigits(job.user))
                userLine = "runAsUser: " + job.user;
            else
                notes.push_back("user " + quoteShellWord(job.user) +
                                " is a name: Kubernetes takes numeric ids only, so runAsUser is not set; set it to that "
                                "user's uid in the image.");
        }
        if (!job.group.empty()) {
            if (isDigits(job.group))
                groupLine = "runAsGroup: " + job.group;
            else
                notes.push_back("group " + quoteShellWord(job.group) +
                                " is a name: Kubernetes takes numeric ids only, so runAsGroup is not set.");
        }
    } else if (!job.user.empty() || !job.group.empty()) {
        notes.push_back("chiefd --once switches to the job's user and group itself, so the container runs as the image's "
                        "user (root, for chiefd to switch).");
    }
    if (!guarded && !job.environment.empty() && !options.includeEnvironment) {
        std::string names;
        for (const auto& entry : job.environment) names += (names.empty() ? "" : ", ") + entry.first;
        notes.push_back("environment not written (values may be secrets; export with --include-environment): " + names + ".");
    }
    if (!job.enabled) notes.push_back("disabled in the config: exported with suspend: true.");

    std::string doc;
    doc += "# Chief job \"" + job.name + "\" from " + oneLine(config.sourcePath) + ": " + s.description + " [" +
           modeName(s.mode) + "]\n";
    commentLines(doc, notes);
    doc += "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n";
    doc += "  name: " + out.name + "\n";
    if (!options.namespaceName.empty()) doc += "  namespace: " + quoteYamlString(options.namespaceName) + "\n";
    doc += "  labels:\n    app.kubernetes.io/managed-by: chief\n";
    doc += "  annotations:\n    chief/job: " + quoteYamlString(job.name) + "\n    chief/config: " +
           quoteYamlString(config.sourcePath) + "\n";
    doc += "spec:\n";
    doc += "  schedule: " + quoteYamlString(s.cron) + "\n";
    doc += "  timeZone: " + quoteYamlString(job.timezone) + "\n";
    doc += "  concurrencyPolicy: " + policy + "\n";
    doc += "  # chiefd's own rule: a run more than a minute late is missed, not started late.\n";
    doc += "  startingDeadlineSeconds: 60\n";
    doc += std::string("  suspend: ") + (job.enabled ? "false" : "true") + "\n";
    doc += "  jobTemplate:\n    spec:\n";
    doc += "      # chiefd never retries a run.\n      backoffLimit: 0\n";
    if (!guarded) doc += "      activeDeadlineSeconds: " + std::to_string(totalTimeout) + "\n";
    doc += "      template:\n        spec:\n          restartPolicy: Never\n";
    doc += "          terminationGracePeriodSeconds: " + std::to_string(job.killGraceSeconds) + "\n";
    if (!userLine.empty() || !groupLine.empty()) {
        doc += "          securityContext:\n";
        if (!userLine.empty()) doc += "            " + userLine + "\n";
        if (!groupLine.empty()) doc += "            " + groupLine + "\n";
    }
    doc += "          containers:\n            - name: job\n";
    doc += "              image: " + quoteYamlString(options.image) + "\n";
    doc += "              workingDir: " + quoteYamlString(job.workingDir) + "\n";
    doc += "              command:\n";
    for (const std::string& word : command) doc += "                - " + quoteYamlString(word) + "\n";
    if (!guarded && options.includeEnvironment && !job.environment.empty()) {
        doc += "              env:\n";
        for (const auto& [name, value] : job.environment)
            doc += "                - name: " + quoteYamlString(name) + "\n                  value: " + quoteYamlString(value) + "\n";
    }
    out.exported = true;
    out.document = std::move(doc);
    out.notes = std::move(notes);
    return out;
}

KubernetesExport exportKubernetes(const Config& config, const std::vector<const Job*>& jobs,
                                  const KubernetesExportOptions& options) {
    std::vector<const Job*> selected = jobs;
    if (selected.empty())
        for (const Job& job : config.jobs) selected.push_back(&job);
    KubernetesExport out;
    bool first = true;
    for (const Job* job : selected) {
        KubernetesJobExport e = exportKubernetesJob(config, *job, options);
        if (e.exported) {
            out.yaml += (first ? "---\n" : "\n---\n") + e.document;
            first = false;
        } else {
            out.yaml += (first ? "" : "\n") + std::string("# Chief job \"") + job->name + "\" not exported: " + oneLine(e.refusal) + ".\n";
        }
        out.jobs.push_back(std::move(e));
    }
    return out;
}

std::optional<std::string> kubernetesOptionsProblem(const KubernetesExportOptions& options) {
    if (options.image.empty()) return "an image is needed (--image IMAGE): the container image that holds the scripts";
    // The reference is written into the manifest as one YAML string; a space or control character
    // would make a manifest Kubernetes rejects only at apply time.
    if (std::any_of(options.image.begin(), options.image.end(),
                    [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; }))
        return "the image reference must not contain spaces or control characters";
    const std::string& ns = options.namespaceName;
    if (ns.empty()) return std::nullopt;
    const auto lowerAlnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (ns.size() > 63 || !lowerAlnum(ns.front()) || !lowerAlnum(ns.back()) ||
        !std::all_of(ns.begin(), ns.end(), [&](char c) { return lowerAlnum(c) || c == '-'; }))
        return "the namespace must be a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and "
               "ending with a letter or digit";
    return std::nullopt;
}

}  // namespace chief
