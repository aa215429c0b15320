#include "command_line.h"

#include <charconv>

#include "chief/key_suggester.h"

namespace chief::ctl {

namespace {

const std::vector<std::string_view> kVerbs = {"validate", "preview", "export-cron", "help"};
const std::vector<std::string_view> kFlags = {"--config", "--json", "--job", "--count", "--from", "--help", "--version"};

std::optional<Verb> verbFromName(const std::string& name) {
    if (name == "validate") return Verb::Validate;
    if (name == "preview") return Verb::Preview;
    if (name == "export-cron") return Verb::ExportCron;
    if (name == "help") return Verb::Help;
    return std::nullopt;
}

bool verbTakes(Verb verb, const std::string& flag) {
    if (flag == "--job") return verb == Verb::Preview || verb == Verb::ExportCron;
    if (flag == "--count" || flag == "--from") return verb == Verb::Preview;
    return true;
}

}  // namespace

std::string helpText() {
    return R"(Usage: chiefctl [--config PATH] [--json] COMMAND [OPTIONS]

Inspect a Chief configuration (chief.yaml) without the daemon.

Commands:
  validate                 Check the config; list each job's compiled mode and cron line.
  preview                  Show each job's schedule, scripts and next run times, with DST notes.
      --job NAME           Only this job (disabled jobs can be previewed too).
      --count N            How many run times to show (default 5, at least 1).
      --from TIMESTAMP     Start from this instant instead of now (ISO 8601: 2026-03-08T01:00,
                           2026-03-08T06:00Z, 2026-03-08T01:00-05:00; no offset = system zone).
  export-cron              Print crontab lines that run jobs through chiefd's one-shot mode.
      --job NAME           Only this job.

Global options:
  --config PATH            Config file (default: chief.yaml). Accepted before or after COMMAND.
  --json                   Machine-readable output (see docs/json-output.md).
  -h, --help               Show this help.
  --version                Show the version.

Exit status:
  0  success
  1  the config is invalid
  2  usage error (unknown command or flag, bad value, unknown job)
)";
}

Result<CommandLine> parseCommandLine(const std::vector<std::string>& args) {
    CommandLine cl;
    std::optional<Verb> verb;
    bool helpRequested = false;
    std::vector<std::pair<std::string, std::string>> flags;  // verb-specific, checked once the verb is known
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        std::optional<std::string> inlineValue;
        if (arg.starts_with("--")) {
            if (const auto eq = arg.find('='); eq != std::string::npos) {
                inlineValue = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
            }
        }
        auto value = [&](const std::string& flag) -> Result<std::string> {
            if (inlineValue) return *inlineValue;
            if (i + 1 >= args.size()) return makeError(flag + " needs a value");
            return args[++i];
        };
        if (arg == "-h" || arg == "--help") {
            helpRequested = true;
        } else if (arg == "--version") {
            cl.verb = Verb::Version;
            return cl;
        } else if (arg == "--json") {
            cl.json = true;
        } else if (arg == "--config" || arg == "--job" || arg == "--count" || arg == "--from") {
            auto v = value(arg);
            if (!v) return makeError(v.error());
            if (arg == "--config") {
                if (v.value().empty()) return makeError("--config needs a file path");
                cl.configPath = v.value();
            } else {
                flags.emplace_back(arg, v.value());
            }
        } else if (arg.starts_with("-") && arg != "-") {
            std::string message = "unknown option '" + arg + "'";
            if (auto s = suggestClosest(arg, kFlags)) message += " (did you mean '" + *s + "'?)";
            return makeError(message);
        } else if (!verb) {
            verb = verbFromName(arg);
            if (!verb) {
                std::string message = "unknown command '" + arg + "'";
                if (auto s = suggestClosest(arg, kVerbs)) message += " (did you mean '" + *s + "'?)";
                return makeError(message);
            }
        } else {
            return makeError("unexpected argument '" + arg + "'");
        }
    }
    if (helpRequested || !verb) {
        cl.verb = Verb::Help;
        if (!helpRequested && !verb) return makeError("no command given");
        return cl;
    }
    cl.verb = *verb;
    for (const auto& [flag, v] : flags) {
        if (!verbTakes(cl.verb, flag))
            return makeError("option '" + flag + "' does not apply to this command");
        if (flag == "--job") {
            cl.job = v;
        } else if (flag == "--from") {
            cl.from = v;
        } else if (flag == "--count") {
            int n = 0;
            const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc{} || ptr != v.data() + v.size() || n < 1)
                return makeError("--count must be a whole number >= 1, got '" + v + "'");
            if (n > 100000) return makeError("--count is at most 100000, got '" + v + "'");
            cl.count = n;
        }
    }
    return cl;
}

}  // namespace chief::ctl
