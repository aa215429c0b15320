#include "command_line.h"

#include <charconv>

#include "chief/key_suggester.h"

namespace chief::ctl {

namespace {

const std::vector<std::string_view> kVerbs = {"validate", "preview", "export-cron", "export-systemd",
                                              "export-kubernetes", "import-cron", "status", "list", "show",
                                              "run",      "cancel",  "reload",      "history", "help",
                                              "emit",     "telemetry", "pause",     "resume",   "logs"};
const std::vector<std::string_view> kFlags = {"--config", "--json",  "--job",     "--count",  "--from",
                                              "--help",   "--version", "--no-wait", "--respect-schedule",
                                              "--limit",  "--system", "--user",    "--host", "--cron",
                                              "--output", "--force", "--runner", "--include-environment",
                                              "--image",  "--namespace", "--format", "--all", "--no-pager",
                                              "--lines",  "--follow", "--since"};

std::optional<Verb> verbFromName(const std::string& name) {
    if (name == "validate") return Verb::Validate;
    if (name == "preview") return Verb::Preview;
    if (name == "export-cron") return Verb::ExportCron;
    if (name == "export-systemd") return Verb::ExportSystemd;
    if (name == "export-kubernetes") return Verb::ExportKubernetes;
    if (name == "import-cron") return Verb::ImportCron;
    if (name == "status") return Verb::Status;
    if (name == "list") return Verb::List;
    if (name == "show") return Verb::Show;
    if (name == "run") return Verb::Run;
    if (name == "cancel") return Verb::Cancel;
    if (name == "reload") return Verb::Reload;
    if (name == "history") return Verb::History;
    if (name == "telemetry") return Verb::Telemetry;
    if (name == "pause") return Verb::Pause;
    if (name == "resume") return Verb::Resume;
    if (name == "logs") return Verb::Logs;
    if (name == "help") return Verb::Help;
    return std::nullopt;
}

const char* verbName(Verb verb) {
    switch (verb) {
        case Verb::Validate: return "validate";
        case Verb::Preview: return "preview";
        case Verb::ExportCron: return "export-cron";
        case Verb::ExportSystemd: return "export-systemd";
        case Verb::ExportKubernetes: return "export-kubernetes";
        case Verb::ImportCron: return "import-cron";
        case Verb::Status: return "status";
        case Verb::List: return "list";
        case Verb::Show: return "show";
        case Verb::Run: return "run";
        case Verb::Cancel: return "cancel";
        case Verb::Reload: return "reload";
        case Verb::History: return "history";
        case Verb::Telemetry: return "telemetry";
        case Verb::Help: return "help";
        case Verb::Version: return "version";
        case Verb::Emit: return "emit";
        case Verb::Pause: return "pause";
        case Verb::Resume: return "resume";
        case Verb::Logs: return "logs";
    }
    return "";
}

bool verbTakes(Verb verb, const std::string& flag) {
    const bool exports = verb == Verb::ExportSystemd || verb == Verb::ExportKubernetes;
    if (flag == "--job") return verb == Verb::Preview || verb == Verb::ExportCron || verb == Verb::Run || exports;
    if (flag == "--force") return exports || verb == Verb::Run;
    if (flag == "--output" || flag == "--include-environment") return exports;
    if (flag == "--runner") return verb == Verb::ExportSystemd;
    if (flag == "--image" || flag == "--namespace") return verb == Verb::ExportKubernetes;
    if (flag == "--format") return verb == Verb::ImportCron;
    if (flag == "--count" || flag == "--from") return verb == Verb::Preview;
    if (flag == "--no-wait" || flag == "--respect-schedule") return verb == Verb::Run;
    if (flag == "--limit") return verb == Verb::History;
    if (flag == "--cron") return verb == Verb::ExportCron;
    if (flag == "--all") return verb == Verb::List;
    if (flag == "--lines" || flag == "--follow" || flag == "--since") return verb == Verb::Logs;
    return true;
}

// How many positional arguments follow the verb: {required, allowed}.
std::pair<int, int> verbArguments(Verb verb) {
    if (verb == Verb::Show || verb == Verb::Cancel || verb == Verb::Telemetry || verb == Verb::Pause ||
        verb == Verb::Resume || verb == Verb::Logs)
        return {1, 1};
    if (verb == Verb::History || verb == Verb::ImportCron) return {0, 1};
    return {0, 0};
}

bool asksDaemonOnly(Verb verb) {
    return verb == Verb::Status || verb == Verb::Run || verb == Verb::Cancel || verb == Verb::Reload ||
           verb == Verb::History || verb == Verb::Pause || verb == Verb::Resume || verb == Verb::Logs;
}

}  // namespace

std::string helpText() {
    return R"(Usage: chiefctl [OPTIONS] COMMAND [ARGS]

Control the Chief scheduler (chiefd) over D-Bus, or inspect a chief.yaml offline.

Commands answered by chiefd:
  status                   chiefd's state, and each job's next run and last result.
  list                     The enabled jobs by next run, as systemctl list-timers: NEXT, LEFT,
                           LAST, PASSED, RESULT, JOB, SCHEDULE (times in this machine's zone).
      -a, --all            Disabled jobs too.
  show JOB                 Everything chiefd knows about one job.
  preview                  Each job's schedule, scripts and next run times, with DST notes.
      --job NAME           Only this job (disabled jobs can be previewed too).
      --count N            How many run times to show (default 5, at least 1).
      --from TIMESTAMP     Start from this instant instead of now (ISO 8601: 2026-03-08T01:00,
                           2026-03-08T06:00Z, 2026-03-08T01:00-05:00; no offset = this
                           machine's time zone).
  export-cron              Print crontab lines that run jobs through chiefd's one-shot mode.
      --job NAME           Only this job.
      --cron FLAVOR        The cron that reads them: cronie (honours CRON_TZ), debian (Debian's
                           cron, which ignores CRON_TZ: lines in the system's zone, a superset
                           for jobs in other zones) or auto (default: the one installed).
  export-systemd           Write a .timer and a .service per job into DIR (guarded by
                           chiefd --check-due where the calendar cannot say the schedule).
      --output DIR         The directory to write into (it must exist).
      --job NAME           Only this job.
      --runner RUNNER      chiefd (default: ExecStart=chiefd --once, exactly chiefd's run) or
                           native (one ExecStart= per script; the units say what differs).
      --include-environment  Write the jobs' environment values (with --config only: values
                           may be secrets and are never sent over D-Bus).
      --force              Replace files already in DIR.
  export-kubernetes        Print a batch/v1 CronJob per job (multi-document YAML).
      --image IMAGE        The container image; it must hold the scripts at their paths.
      --namespace NS       metadata.namespace of every CronJob.
      --job NAME           Only this job.
      --output DIR         One NAME.yaml per job in DIR instead of standard output.
      --include-environment, --force  As for export-systemd.
  run                      Run every enabled job now, in config order, through chiefd (its
                           overlap policy and max_parallel_jobs apply). Waits for each run in
                           turn, printing each script as it ends; exits 1 if any run failed.
      --job NAME           Only this job.
      --respect-schedule   Only the selected job(s) due at the current minute, as chiefd decides
                           (hybrid guards included); the others are reported as not due.
      --no-wait            Print each accepted run id, and return.
      --force              With --job: run it even if it is disabled or paused.
  cancel RUN_ID|JOB        Stop a running or queued run, or every one of a job.
  pause JOB                Stop starting the job's scheduled runs (kept across reloads and
                           restarts); runs in progress go on.
  resume JOB               Schedule a paused job again, from its next fire time (no catch-up).
  logs JOB|RUN_ID          A job's or one run's journal entries, oldest first: chiefd's messages
                           about it and its scripts' output, as journalctl -u chiefd
                           CHIEF_JOB=JOB shows them (only entries chiefd wrote itself). Where the
                           journal has none (chiefd logs to a console, or you may not read the
                           journal), the output chiefd kept: each script's last 20 lines, per run.
      -n, --lines N        Only the last N entries (lines of kept output).
      -f, --follow         Go on printing entries as they arrive, until Ctrl-C (the last 10
                           first, unless -n says how many).
      --since TIME         Entries from TIME on (kept output: runs started from TIME on): an
                           ISO 8601 time as for --from, "now", "today", "yesterday", or a time
                           ago: "30min", "2h", "1d" (also written "-2h" or "2h ago").
  reload                   Make chiefd re-read its config; refused, with the errors, if invalid.
  history [JOB]            Recent runs, newest first (every job's without JOB).
      --limit N            How many runs (default 20; 0 = every run chiefd keeps).

In a job's script (no chiefd or D-Bus needed):
  emit LEVEL MESSAGE [KEY=VALUE ...]
                           Send a worker.message event to the monitor, with the run's ids
                           from the CHIEF_* variables; see chiefctl emit --help.

Offline (no chiefd needed):
  validate                 Check the config file; list each job's compiled mode and cron line.
  import-cron [FILE|-]     Read a crontab (standard input without FILE) and print the
                           chief.yaml that runs its lines; what does not map is a comment.
      --format FORMAT      user (crontab -e: no user column), system (/etc/crontab and
                           /etc/cron.d: a user column) or auto (default: system for
                           /etc/crontab and /etc/cron.d/*, user otherwise).
  With --config PATH, preview, export-cron, export-systemd, export-kubernetes, list and show
  read PATH instead of asking chiefd.
  telemetry replay-dead    Move the events the monitor refused (<spool>.dead) back into the
                           telemetry spool, for chiefd to send again (docs/telemetry.md). The
                           spool is the config's monitor.buffer.spool_file (--config, default
                           /etc/chief/chief.yaml), else telemetry_spool.jsonl in chiefd's state
                           directory.

Global options:
  --config PATH            Config file for the offline commands (validate reads chief.yaml
                           without it). Accepted before or after COMMAND.
  --json                   Machine-readable output (see docs/chiefctl.md).
  --system                 Ask chiefd on the system bus only.
  --user                   Ask chiefd on your session bus only (a per-user chiefd).
                           Without either, chiefctl asks the system bus, and a non-root user
                           whose system bus has no chiefd is answered by their own, if any.
  -H, --host [USER@]HOST   Ask chiefd on the system bus of HOST, over ssh.
  --no-pager               Do not pipe long output into a pager. On a terminal, status, list,
                           show, history, logs, preview, the exports, validate and this help go
                           through $SYSTEMD_PAGER, else $PAGER, else less (set either to "" or
                           "cat" for none); never with --json, nor for run or logs --follow.
  -h, --help               Show this help.
  --version                Show the version.

Environment:
  NO_COLOR                 Set and not empty: no colour. Otherwise results are coloured when
                           standard output is a terminal and TERM is set and not "dumb".
  SYSTEMD_COLORS           0, false or no: no colour; 1, true, yes, 16, 256 or 24bit: colour,
                           even when standard output is not a terminal (and despite NO_COLOR).
  SYSTEMD_PAGER, PAGER     The pager, the first one set ("" or "cat": none; default less, else
                           more).
  LESS, LESSCHARSET        Given to the pager as FRSXMK and utf-8 when unset.

Exit status:
  0  success
  1  the job failed or was cancelled; the config is invalid; chiefd refused a reload;
     a file could not be written; export-kubernetes refused a job; logs --follow without a
     journal to follow;
     emit --strict: the monitor did not take the event
  2  usage error (unknown command or option, bad value), no such job or run, job disabled;
     an export's DIR is missing or holds a file it would replace (without --force)
  3  chiefd is not running or cannot be reached, or it stopped while chiefctl waited
  4  access denied: run, cancel, pause, resume, reload and the kept output logs shows need root
     or membership in the chief group
  5  a run was not started because of the job's overlap policy
)";
}

bool pagesOutput(const CommandLine& command) {
    if (command.noPager || command.json) return false;
    switch (command.verb) {
        case Verb::Help: case Verb::Validate: case Verb::Preview: case Verb::ExportCron: case Verb::ExportSystemd:
        case Verb::ExportKubernetes: case Verb::Status: case Verb::List: case Verb::Show: case Verb::History:
            return true;
        // What is followed is read as it comes, like journalctl -f.
        case Verb::Logs:
            return !command.follow;
        // run waits (and is interrupted with Ctrl-C), import-cron may read the terminal, and the
        // others print a line or two.
        case Verb::Version: case Verb::ImportCron: case Verb::Run: case Verb::Cancel: case Verb::Reload:
        case Verb::Emit: case Verb::Telemetry: case Verb::Pause: case Verb::Resume:
            return false;
    }
    return false;
}

bool runsOffline(const CommandLine& command) {
    if (command.verb == Verb::Validate || command.verb == Verb::ImportCron || command.verb == Verb::Telemetry) return true;
    const bool readable = command.verb == Verb::Preview || command.verb == Verb::ExportCron ||
                          command.verb == Verb::ExportSystemd || command.verb == Verb::ExportKubernetes ||
                          command.verb == Verb::List || command.verb == Verb::Show;
    return readable && command.configGiven;
}

Result<CommandLine> parseCommandLine(const std::vector<std::string>& args) {
    CommandLine cl;
    std::optional<Verb> verb;
    bool helpRequested = false;
    bool busChosen = false;  // --user or -H: only meaningful when asking chiefd
    std::vector<std::string> positional;
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
        } else if (arg == "--no-pager") {
            if (inlineValue) return makeError("--no-pager takes no value");
            cl.noPager = true;
        } else if (arg == "--all" || arg == "-a") {
            cl.all = true;
        } else if (arg == "--system") {
            cl.bus = BusKind::System;
            cl.busNamed = true;
        } else if (arg == "--user") {
            cl.bus = BusKind::User;
            cl.busNamed = true;
            busChosen = true;
        } else if (arg == "-f" || arg == "--follow") {
            if (inlineValue) return makeError(arg + " takes no value");
            flags.emplace_back("--follow", "");
        } else if (arg == "-n" || arg == "--lines" || arg == "--since") {
            auto v = value(arg);
            if (!v) return makeError(v.error());
            flags.emplace_back(arg == "-n" ? "--lines" : arg, v.value());
        } else if (arg == "--no-wait" || arg == "--respect-schedule" || arg == "--force" ||
                   arg == "--include-environment") {
            if (inlineValue) return makeError(arg + " takes no value");
            flags.emplace_back(arg, "");
        } else if (arg == "-H" || arg == "--host") {
            auto v = value(arg);
            if (!v) return makeError(v.error());
            if (v.value().empty() || v.value() == "@") return makeError(arg + " needs a host: [USER@]HOST");
            cl.host = v.value();
            busChosen = true;
        } else if (arg == "--config" || arg == "--job" || arg == "--count" || arg == "--from" || arg == "--limit" ||
                   arg == "--cron" || arg == "--output" || arg == "--runner" || arg == "--image" ||
                   arg == "--namespace" || arg == "--format") {
            auto v = value(arg);
            if (!v) return makeError(v.error());
            if (arg == "--config") {
                if (v.value().empty()) return makeError("--config needs a file path");
                cl.configPath = v.value();
                cl.configGiven = true;
            } else {
                flags.emplace_back(arg, v.value());
            }
        } else if (arg.starts_with("-") && arg != "-") {
            std::string message = "unknown option '" + arg + "'";
            if (auto s = suggestClosest(arg, kFlags)) message += " (did you mean '" + *s + "'?)";
            return makeError(message);
        } else if (!verb && arg == "emit") {
            if (cl.json || cl.configGiven || cl.busNamed || cl.host)
                return makeError("emit takes none of chiefctl's global options (--config, --json, --system, --user, "
                                 "-H): it talks to the monitor, not to chiefd");
            if (helpRequested) return cl;  // chiefctl --help emit: the general help, which names emit
            cl.verb = Verb::Emit;
            cl.emitArguments.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
            return cl;
        } else if (!verb) {
            verb = verbFromName(arg);
            if (!verb) {
                std::string message = "unknown command '" + arg + "'";
                if (auto s = suggestClosest(arg, kVerbs)) message += " (did you mean '" + *s + "'?)";
                return makeError(message);
            }
        } else {
            positional.push_back(arg);
        }
    }
    if (helpRequested || !verb) {
        cl.verb = Verb::Help;
        if (!helpRequested && !verb) return makeError("no command given");
        return cl;
    }
    cl.verb = *verb;
    const std::string name = verbName(cl.verb);
    const auto [required, allowed] = verbArguments(cl.verb);
    if (static_cast<int>(positional.size()) > allowed)
        return makeError("unexpected argument '" + positional[static_cast<std::size_t>(allowed)] + "'");
    if (static_cast<int>(positional.size()) < required) {
        if (cl.verb == Verb::Show) return makeError("show needs a job name: chiefctl show JOB");
        if (cl.verb == Verb::Telemetry) return makeError("telemetry needs an action: chiefctl telemetry replay-dead");
        if (cl.verb == Verb::Pause || cl.verb == Verb::Resume)
            return makeError(name + " needs a job name: chiefctl " + name + " JOB");
        if (cl.verb == Verb::Logs) return makeError("logs needs a job or a run id: chiefctl logs JOB|RUN_ID");
        return makeError("cancel needs a run id or a job: chiefctl cancel RUN_ID|JOB (see chiefctl show JOB)");
    }
    if (!positional.empty()) {
        if (positional.front().empty()) return makeError(name + ": the argument must not be empty");
        cl.argument = positional.front();
        if (cl.verb == Verb::Telemetry && *cl.argument != "replay-dead")
            return makeError("telemetry: unknown action '" + *cl.argument + "' (expected replay-dead)");
    }
    for (const auto& [flag, v] : flags) {
        if (!verbTakes(cl.verb, flag))
            return makeError("option '" + flag + "' does not apply to this command");
        if (flag == "--job") {
            if (v.empty()) return makeError("--job needs a job name");
            cl.job = v;
        } else if (flag == "--from") {
            cl.from = v;
        } else if (flag == "--no-wait") {
            cl.noWait = true;
        } else if (flag == "--respect-schedule") {
            cl.respectSchedule = true;
        } else if (flag == "--count") {
            int n = 0;
            const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc{} || ptr != v.data() + v.size() || n < 1)
                return makeError("--count must be a whole number >= 1, got '" + v + "'");
            if (n > 100000) return makeError("--count is at most 100000, got '" + v + "'");
            cl.count = n;
        } else if (flag == "--cron") {
            if (v != "cronie" && v != "debian" && v != "auto")
                return makeError("--cron must be cronie, debian or auto, got '" + v + "'");
            cl.cronFlavor = v;
        } else if (flag == "--output") {
            if (v.empty()) return makeError("--output needs a directory");
            cl.output = v;
        } else if (flag == "--force") {
            cl.force = true;
        } else if (flag == "--runner") {
            if (v != "chiefd" && v != "native") return makeError("--runner must be chiefd or native, got '" + v + "'");
            cl.runner = v;
        } else if (flag == "--include-environment") {
            cl.includeEnvironment = true;
        } else if (flag == "--image") {
            if (v.empty()) return makeError("--image needs an image reference");
            cl.image = v;
        } else if (flag == "--namespace") {
            cl.namespaceName = v;
        } else if (flag == "--format") {
            if (v != "user" && v != "system" && v != "auto")
                return makeError("--format must be user, system or auto, got '" + v + "'");
            cl.crontabFormat = v;
        } else if (flag == "--follow") {
            cl.follow = true;
        } else if (flag == "--since") {
            if (v.empty()) return makeError("--since needs a time: 2026-11-29 06:00, today, yesterday, 2h");
            cl.since = v;
        } else if (flag == "--lines") {
            unsigned n = 0;
            const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc{} || ptr != v.data() + v.size() || v.empty())
                return makeError("--lines must be a whole number >= 0, got '" + v + "'");
            cl.lines = n;
        } else if (flag == "--limit") {
            unsigned n = 0;
            const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc{} || ptr != v.data() + v.size())
                return makeError("--limit must be a whole number >= 0 (0 = all), got '" + v + "'");
            cl.limit = n;
        }
    }
    if (cl.verb == Verb::ExportSystemd && !cl.output)
        return makeError("export-systemd writes unit files: --output DIR is needed");
    if (cl.verb == Verb::ExportKubernetes && cl.image.empty())
        return makeError("export-kubernetes needs --image IMAGE: the container image that holds the scripts");
    if (cl.force && cl.verb == Verb::Run && (!cl.job || cl.respectSchedule))
        return makeError("run --force runs one job: --job NAME is needed (and --respect-schedule does not apply)");
    if (cl.force && cl.verb != Verb::Run && !cl.output) return makeError("--force only applies with --output DIR");
    if (cl.includeEnvironment && !cl.configGiven)
        return makeError("--include-environment works offline only: environment values may be secrets and are never "
                         "sent over D-Bus; add --config PATH to read them from the config file");
    if (cl.verb == Verb::ImportCron && cl.configGiven)
        return makeError("import-cron reads a crontab and needs no config; drop --config");
    if (cl.configGiven && asksDaemonOnly(cl.verb))
        return makeError("'" + name + "' asks chiefd and has no offline form; drop --config (chiefd uses the config "
                         "it was started with; chiefctl status shows which)");
    if (busChosen && runsOffline(cl))
        return makeError(cl.verb == Verb::Validate     ? "validate reads a config file offline; --user and -H do not apply"
                         : cl.verb == Verb::ImportCron ? "import-cron reads a crontab offline; --user and -H do not apply"
                             : "--user and -H choose where to reach chiefd; with --config '" + name +
                                   "' reads the file offline instead");
    if (cl.host && cl.bus == BusKind::User)
        return makeError("-H reaches chiefd on the system bus of a remote host; it cannot be combined with --user");
    return cl;
}

}  // namespace chief::ctl
