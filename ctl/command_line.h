#pragma once
// CommandLine: chiefctl's argv parsed into a verb and its options.

#include <optional>
#include <string>
#include <vector>

#include "chief/result.h"

namespace chief::ctl {

enum class Verb { Help, Version, Validate, Preview, ExportCron };

// Everything chiefctl was asked to do.
struct CommandLine {
    Verb verb = Verb::Help;
    std::string configPath = "chief.yaml";
    bool json = false;
    std::optional<std::string> job;
    int count = 5;
    std::optional<std::string> from;  // preview start instant, as written
};

// Parses argv (without argv[0]); global flags may come before or after the verb.
Result<CommandLine> parseCommandLine(const std::vector<std::string>& args);

// The full --help text.
std::string helpText();

}  // namespace chief::ctl
