#pragma once
// CommandLine: chiefctl's argv parsed into a verb and its options.

#include <optional>
#include <string>
#include <vector>

#include "chief/bus_api.h"
#include "chief/result.h"

namespace chief::ctl {

enum class Verb {
    Help, Version, Validate, Preview, ExportCron, ExportSystemd, ExportKubernetes, ImportCron,
    Status, List, Show, Run, Cancel, Reload, History, Emit, Telemetry, Pause, Resume, Logs
};

using bus::BusKind;

// Everything chiefctl was asked to do.
struct CommandLine {
    Verb verb = Verb::Help;
    std::string configPath = "chief.yaml";
    bool configGiven = false;  // --config was given: the read-only verbs work on the file, offline
    bool json = false;
    bool noPager = false;  // --no-pager: long text goes straight to standard output
    std::optional<std::string> job;
    int count = 5;
    std::optional<std::string> from;      // preview start instant, as written
    std::optional<std::string> argument;  // show JOB, cancel RUN_ID, history [JOB], import-cron [FILE|-], telemetry ACTION, logs JOB|RUN_ID
    bool noWait = false;                  // run --no-wait
    bool respectSchedule = false;         // run --respect-schedule: only the jobs due this minute
    unsigned limit = 20;                  // history --limit (0 = every run chiefd keeps)
    bool all = false;                     // list --all: disabled jobs too
    bool follow = false;                  // logs -f/--follow
    std::optional<unsigned> lines;        // logs -n/--lines: only the last N entries
    std::optional<std::string> since;     // logs --since, as written
    std::string cronFlavor = "auto";      // export-cron --cron: cronie | debian | auto
    std::optional<std::string> output;    // export-systemd / export-kubernetes --output DIR
    bool force = false;                   // --force: replace files already in DIR
    std::string runner = "chiefd";        // export-systemd --runner: chiefd | native
    bool includeEnvironment = false;      // --include-environment (offline only)
    std::string image;                    // export-kubernetes --image
    std::string namespaceName;            // export-kubernetes --namespace
    std::string crontabFormat = "auto";   // import-cron --format: user | system | auto
    BusKind bus = BusKind::System;
    bool busNamed = false;            // --system or --user was given: no looking on the other bus
    std::optional<std::string> host;  // -H [user@]host: the system bus of that host, over ssh
    // emit: everything after the word, parsed by parseEmitArguments (emit_command.h), which has
    // its own grammar (a MESSAGE, KEY=VALUE pairs) and none of the options above.
    std::vector<std::string> emitArguments;
};

// Parses argv (without argv[0]); global flags may come before or after the verb.
Result<CommandLine> parseCommandLine(const std::vector<std::string>& args);

// Whether the verb reads a file instead of asking chiefd: validate and import-cron always;
// preview, the exports, list and show when --config is given.
bool runsOffline(const CommandLine& command);

// Whether the verb's output is long text for a reader, which a pager may show on a terminal:
// not with --no-pager or --json, nor for a verb that waits (run) or reads standard input.
bool pagesOutput(const CommandLine& command);

// The full --help text.
std::string helpText();

}  // namespace chief::ctl
