#include "app/daemon_options.h"

#include <charconv>

#include "chief/key_suggester.h"
#include "chief/service/level_filter_logger.h"

namespace chief::daemon {

std::string daemonHelpText() {
    return R"(Usage: chiefd [--config PATH] [--log-target auto|journal|console] [--log-level LEVEL]
              [--state-dir DIR] [--user]
       chiefd --once [--config PATH] [--job NAME] [--respect-schedule] [--user]
       chiefd --check-due --job NAME [--config PATH] [--user]
       chiefd --print-introspection

Runs the Chief scheduler: fires each enabled job of chief.yaml on its schedule and runs its
scripts. Meant to run under systemd (Type=notify); SIGHUP reloads the config, SIGTERM stops.

Options:
  --config PATH            Config file (default: /etc/chief/chief.yaml; with --user,
                           $XDG_CONFIG_HOME/chief/chief.yaml, i.e. ~/.config/chief/chief.yaml).
  --log-target TARGET      auto (default: the journal when stderr is connected to it),
                           journal, or console (stderr).
  --log-level LEVEL        err, warning, notice, info (default) or debug; debug adds
                           each job's next fire time after every change.
  --state-dir DIR          Where run history is kept (default: $STATE_DIRECTORY, which
                           systemd sets from StateDirectory=, else /var/lib/chief; with
                           --user, $XDG_STATE_HOME/chief, i.e. ~/.local/state/chief).
  --user                   Run as a per-user scheduler: the D-Bus API (org.chief.Scheduler1)
                           on the user bus instead of the system bus, run/cancel/reload
                           allowed to this user and root, files under the XDG directories.
                           Without a bus chiefd still schedules; only chiefctl's daemon
                           commands are unavailable.
  --print-introspection    Print the D-Bus introspection XML of the Manager and Job
                           interfaces, generated from chiefd's own tables, and exit.
  --time-speed N           Benchmarks only: chiefd's clock runs N times faster (1-3600) from
                           the moment it starts, so many due instants pass quickly with the real
                           timer, runner and scripts. Scripts see CHIEFD_BENCH_TIME_BASE.
  --once                   Run enabled jobs once, in YAML order, and exit (what exported
                           cron lines call). Exit status 1 if any run failed.
  --job NAME               With --once: only this job.
  --respect-schedule       With --once: only jobs whose schedule fires at the current
                           minute (hybrid schedules' runtime guard).
                           --once --user runs a per-user chiefd's jobs: its config and run
                           history under the XDG directories (what its exported lines call).
  --check-due              With --job NAME: run nothing; exit 0 when the instant in
                           $TRIGGER_TIMER_REALTIME_USEC (set by systemd for units a timer
                           starts) is one of the job's fire times, 1 when it is not (the
                           ExecCondition= of units written by chiefctl export-systemd). Unset:
                           a start by hand, exit 0. One line to stderr says why.
  -h, --help               Show this help.
  --version                Show the version.

Exit status:
  0  stopped cleanly (SIGTERM/SIGINT), or --once: every run succeeded or nothing was due
  1  another chiefd holds the state directory, or --once: a run failed or the config is invalid
  2  usage error (unknown option, unknown job)
  6  not configured: the config is invalid, or the state directory is unsafe (chiefd.service
     does not restart chiefd after it)
  --check-due: 0 due, 1 not due (or the job is disabled), 255 any error (bad usage, invalid
     config, unknown job, a trigger time that is not a number): systemd then fails the unit
     instead of skipping it as not due
)";
}

Result<DaemonOptions> parseDaemonOptions(const std::vector<std::string>& args) {
    static const std::vector<std::string_view> kFlags = {"--config",  "--log-target", "--log-level",
                                                         "--state-dir", "--once",     "--job",
                                                         "--respect-schedule",        "--user",
                                                         "--print-introspection",     "--help",
                                                         "--version",                 "--time-speed",
                                                         "--check-due"};
    DaemonOptions options;
    bool once = false;
    bool checkDue = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        std::optional<std::string> inlineValue;
        if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
            inlineValue = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        auto value = [&]() -> Result<std::string> {
            if (inlineValue) return *inlineValue;
            if (i + 1 >= args.size()) return makeError(arg + " needs a value");
            return args[++i];
        };
        if (arg == "-h" || arg == "--help") {
            options.mode = DaemonOptions::Mode::Help;
            return options;
        }
        if (arg == "--version") {
            options.mode = DaemonOptions::Mode::Version;
            return options;
        }
        if ((arg == "--user" || arg == "--print-introspection" || arg == "--check-due" || arg == "--once") && inlineValue)
            return makeError(arg + " takes no value");
        if (arg == "--print-introspection") {
            options.mode = DaemonOptions::Mode::PrintIntrospection;
            return options;
        }
        if (arg == "--once") {
            once = true;
        } else if (arg == "--check-due") {
            checkDue = true;
        } else if (arg == "--user") {
            options.userBus = true;
        } else if (arg == "--respect-schedule") {
            options.respectSchedule = true;
        } else if (arg == "--time-speed") {
            auto v = value();
            if (!v) return makeError(v.error());
            long speed = 0;
            const std::string& text = v.value();
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), speed);
            if (ec != std::errc() || end != text.data() + text.size() || speed < 1 || speed > 3600)
                return makeError("--time-speed must be a whole number from 1 to 3600, got '" + text + "'");
            options.timeSpeed = speed;
        } else if (arg == "--config" || arg == "--log-target" || arg == "--log-level" || arg == "--state-dir" ||
                   arg == "--job") {
            auto v = value();
            if (!v) return makeError(v.error());
            if (v.value().empty()) return makeError(arg + " needs a non-empty value");
            if (arg == "--config") {
                options.configPath = v.value();
                options.configGiven = true;
            }
            if (arg == "--log-target") {
                if (v.value() != "auto" && v.value() != "journal" && v.value() != "console")
                    return makeError("--log-target must be auto, journal or console, got '" + v.value() + "'");
                options.logTarget = v.value();
            }
            if (arg == "--log-level") {
                if (auto level = service::parseLogLevel(v.value()); !level) return makeError(level.error());
                options.logLevel = v.value();
            }
            if (arg == "--state-dir") options.stateDirectory = v.value();
            if (arg == "--job") options.job = v.value();
        } else {
            std::string message = "unknown option '" + arg + "'";
            if (auto s = suggestClosest(arg, kFlags)) message += " (did you mean '" + *s + "'?)";
            return makeError(message);
        }
    }
    if (checkDue) {
        if (once) return makeError("--check-due runs nothing; it cannot be combined with --once");
        if (!options.job) return makeError("--check-due needs --job NAME");
        if (options.respectSchedule) return makeError("--respect-schedule does not apply with --check-due");
        if (options.timeSpeed != 1) return makeError("--time-speed does not apply with --check-due");
        options.mode = DaemonOptions::Mode::CheckDue;
        return options;
    }
    if (!once && options.job) return makeError("--job only applies with --once or --check-due");
    if (!once && options.respectSchedule) return makeError("--respect-schedule only applies with --once");
    if (once && options.timeSpeed != 1) return makeError("--time-speed does not apply with --once");
    options.mode = once ? DaemonOptions::Mode::Once : DaemonOptions::Mode::Daemon;
    return options;
}

bool asksCheckDue(const std::vector<std::string>& args) {
    for (const std::string& arg : args)
        if (arg == "--check-due" || arg.starts_with("--check-due=")) return true;
    return false;
}

DaemonPaths resolveDaemonPaths(const DaemonOptions& options, const std::function<const char*(const char*)>& getenv) {
    auto set = [&](const char* name) -> std::optional<std::string> {
        const char* value = getenv(name);
        if (!value || !*value) return std::nullopt;
        return std::string(value);
    };
    const std::string home = set("HOME").value_or("");
    DaemonPaths paths;
    paths.configPath = options.configPath;
    if (options.userBus && !options.configGiven) {
        const std::string configHome = set("XDG_CONFIG_HOME").value_or(home + "/.config");
        paths.configPath = configHome + "/chief/chief.yaml";
    }
    if (options.stateDirectory) {
        paths.stateDirectory = *options.stateDirectory;
    } else if (auto fromSystemd = set("STATE_DIRECTORY")) {
        paths.stateDirectory = fromSystemd->substr(0, fromSystemd->find(':'));  // it may list several
    } else if (options.userBus) {
        paths.stateDirectory = set("XDG_STATE_HOME").value_or(home + "/.local/state") + "/chief";
    } else {
        paths.stateDirectory = "/var/lib/chief";
    }
    return paths;
}

}  // namespace chief::daemon
