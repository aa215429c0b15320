#pragma once
// ConfigLoader: parses chief.yaml text, validates every rule, and reports all problems at once.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chief/config_model.h"
#include "chief/diagnostic.h"
#include "chief/host_probe.h"

namespace chief {

// What the loader needs from outside: where the file lives and how to inspect paths.
struct LoadContext {
    std::string sourcePath;    // absolute path of the config, used in messages and to resolve paths
    const HostProbe* files = nullptr;
    std::string systemTimezone = "UTC";  // used when neither schedule nor defaults name a zone
    // The config file's permission bits as read (st_mode & 07777), for the warning about an API
    // key others can read; nullopt when the text did not come from a file.
    std::optional<std::uint32_t> sourceMode;
};

// The outcome: a config when there are no errors, and every diagnostic either way.
struct LoadResult {
    std::optional<Config> config;
    std::vector<Diagnostic> diagnostics;
    bool ok() const { return config.has_value(); }
};

LoadResult loadConfig(std::string_view yamlText, const LoadContext& context);

}  // namespace chief
