#pragma once
// Helpers to load YAML text in tests with a fake file system and a fixed config location.

#include <algorithm>
#include <string>
#include <vector>

#include "chief/config_loader.h"
#include "fake_host_probe.h"

namespace chief::testing {

inline constexpr const char* kConfigPath = "/etc/chief/chief.yaml";

// Loads `yaml` as if it were /etc/chief/chief.yaml; scripts exist and are executable unless
// `files` says otherwise.
inline LoadResult loadYaml(const std::string& yaml, const FakeHostProbe& files = FakeHostProbe(),
                           const std::string& systemTimezone = "UTC") {
    LoadContext context;
    context.sourcePath = kConfigPath;
    context.files = &files;
    context.systemTimezone = systemTimezone;
    return loadConfig(yaml, context);
}

inline std::vector<Diagnostic> errorsOf(const LoadResult& result) {
    std::vector<Diagnostic> out;
    std::copy_if(result.diagnostics.begin(), result.diagnostics.end(), std::back_inserter(out),
                 [](const Diagnostic& d) { return d.severity == Severity::Error; });
    return out;
}

// A minimal valid job with the given schedule block (indented under "schedule:").
inline std::string jobWithSchedule(const std::string& scheduleBody, const std::string& name = "job") {
    return "jobs:\n  - name: " + name + "\n    schedule:\n" + scheduleBody + "    scripts:\n      - path: run.sh\n";
}

}  // namespace chief::testing
