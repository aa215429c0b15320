// chiefctl on a terminal: when it colours, which pager it runs and with what environment (pure
// decisions, environment given as a map), and the printers with colour on and off.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "command_line.h"
#include "emit_command.h"
#include "pager.h"
#include "terminal_style.h"
#include "text_report.h"

using namespace chief;
using namespace chief::ctl;

namespace {

// An environment of exactly these variables.
EnvironmentLookup environmentOf(std::map<std::string, std::string> variables) {
    return [variables = std::move(variables)](const char* name) -> const char* {
        const auto it = variables.find(name);
        return it == variables.end() ? nullptr : it->second.c_str();
    };
}

const std::string kGreen = "\x1b[0;32m", kRed = "\x1b[0;1;31m", kYellow = "\x1b[0;33m", kGrey = "\x1b[0;90m",
                  kReset = "\x1b[0m";

SysSeconds at(std::int64_t unixSeconds) { return SysSeconds{Seconds{unixSeconds}}; }

std::vector<bus::JobSummary> someJobs() {
    bus::JobSummary good;
    good.name = "backup";
    good.schedule = "every day at 06:00";
    good.timezone = "UTC";
    good.nextRun = at(1798783200);  // 2027-01-01T06:00:00Z
    good.lastResult = "succeeded";
    good.lastRunFinished = SysMillis{Millis{1798696802000}};
    bus::JobSummary bad = good;
    bad.name = "report";
    bad.nextRun = at(1798786800);
    bad.lastResult = "failed";
    bus::JobSummary busy = good;
    busy.name = "sync";
    busy.nextRun = at(1798790400);
    busy.runningCount = 1;
    bus::JobSummary off = good;
    off.name = "old";
    off.enabled = false;
    off.nextRun.reset();
    off.lastResult.clear();
    off.lastRunFinished.reset();
    return {good, bad, busy, off};
}

std::string withoutEscapes(std::string text) {
    for (std::size_t at = text.find('\x1b'); at != std::string::npos; at = text.find('\x1b', at))
        text.erase(at, text.find('m', at) - at + 1);
    return text;
}

}  // namespace

TEST_CASE("chiefctl colour: on a terminal only, TERM not dumb, NO_COLOR off, SYSTEMD_COLORS decides", "[ctl-terminal]") {
    const auto term = environmentOf({{"TERM", "xterm-256color"}});
    CHECK(colourWanted(term, /*stdoutIsTerminal=*/true));
    CHECK_FALSE(colourWanted(term, /*stdoutIsTerminal=*/false));
    // TERM dumb or unset: systemd counts both as a terminal without colour.
    CHECK_FALSE(colourWanted(environmentOf({{"TERM", "dumb"}}), true));
    CHECK_FALSE(colourWanted(environmentOf({}), true));
    // NO_COLOR, when set and not empty.
    CHECK_FALSE(colourWanted(environmentOf({{"TERM", "xterm"}, {"NO_COLOR", "1"}}), true));
    CHECK(colourWanted(environmentOf({{"TERM", "xterm"}, {"NO_COLOR", ""}}), true));
    // SYSTEMD_COLORS: off even on a terminal, on even off one, and over NO_COLOR and TERM=dumb.
    for (const char* off : {"0", "false", "no", "n", "off"}) {
        INFO(off);
        CHECK_FALSE(colourWanted(environmentOf({{"TERM", "xterm"}, {"SYSTEMD_COLORS", off}}), true));
    }
    for (const char* on : {"1", "true", "yes", "16", "256", "24bit"}) {
        INFO(on);
        CHECK(colourWanted(environmentOf({{"SYSTEMD_COLORS", on}}), false));
        CHECK(colourWanted(environmentOf({{"SYSTEMD_COLORS", on}, {"NO_COLOR", "1"}, {"TERM", "dumb"}}), false));
    }
    // A value systemd does not know is ignored: the terminal decides.
    CHECK(colourWanted(environmentOf({{"TERM", "xterm"}, {"SYSTEMD_COLORS", "sometimes"}}), true));
    CHECK_FALSE(colourWanted(environmentOf({{"TERM", "xterm"}, {"SYSTEMD_COLORS", "sometimes"}}), false));
}

TEST_CASE("chiefctl colour: result words by what they say, painted only with colour", "[ctl-terminal]") {
    CHECK(toneOf("succeeded") == Tone::Good);
    CHECK(toneOf("failed") == Tone::Bad);
    CHECK(toneOf("failed, disabled") == Tone::Bad);
    CHECK(toneOf("running") == Tone::Notice);
    CHECK(toneOf("running, 1 queued") == Tone::Notice);
    CHECK(toneOf("queued") == Tone::Notice);
    CHECK(toneOf("skipped") == Tone::Notice);
    CHECK(toneOf("cancelled") == Tone::Notice);
    CHECK(toneOf("disabled") == Tone::Muted);
    CHECK(toneOf("-") == Tone::Plain);
    CHECK(toneOf("idle") == Tone::Plain);
    CHECK(TerminalStyle(true).paint("succeeded", Tone::Good) == kGreen + "succeeded" + kReset);
    CHECK(TerminalStyle(true).paint("failed", Tone::Bad) == kRed + "failed" + kReset);
    CHECK(TerminalStyle(true).paint("-", Tone::Plain) == "-");
    CHECK(TerminalStyle(false).paint("failed", Tone::Bad) == "failed");
    CHECK(TerminalStyle().paint("failed", Tone::Bad) == "failed");
}

TEST_CASE("chiefctl pager: on a terminal for long text, SYSTEMD_PAGER then PAGER then less and more", "[ctl-terminal]") {
    const auto term = environmentOf({{"TERM", "xterm"}});
    CHECK(pagerWanted(/*longTextOutput=*/true, /*stdoutIsTerminal=*/true, term));
    CHECK_FALSE(pagerWanted(true, false, term));
    CHECK_FALSE(pagerWanted(false, true, term));
    CHECK_FALSE(pagerWanted(true, true, environmentOf({{"TERM", "dumb"}})));
    CHECK_FALSE(pagerWanted(true, true, environmentOf({})));

    using Commands = std::vector<std::vector<std::string>>;
    CHECK(pagerCandidates(environmentOf({})) == Commands{{"less"}, {"more"}});
    CHECK(pagerCandidates(environmentOf({{"PAGER", "most -s"}})) == Commands{{"most", "-s"}, {"less"}, {"more"}});
    CHECK(pagerCandidates(environmentOf({{"PAGER", "most"}, {"SYSTEMD_PAGER", "'my pager' -x"}})) ==
          Commands{{"my pager", "-x"}, {"less"}, {"more"}});
    // "" or "cat": no pager, in whichever variable decides.
    CHECK(pagerCandidates(environmentOf({{"PAGER", ""}})).empty());
    CHECK(pagerCandidates(environmentOf({{"PAGER", "cat"}})).empty());
    CHECK(pagerCandidates(environmentOf({{"SYSTEMD_PAGER", "cat"}, {"PAGER", "less"}})).empty());
    CHECK(pagerCandidates(environmentOf({{"SYSTEMD_PAGER", ""}, {"PAGER", "less"}})).empty());
    CHECK(pagerCandidates(environmentOf({{"SYSTEMD_PAGER", "less"}, {"PAGER", "cat"}})) == Commands{{"less"}, {"less"}, {"more"}});
    // A value no shell could split is ignored; the defaults still page.
    CHECK(pagerCandidates(environmentOf({{"PAGER", "less 'unbalanced"}})) == Commands{{"less"}, {"more"}});
}

TEST_CASE("chiefctl pager: LESS and LESSCHARSET set for the pager only when the user has not", "[ctl-terminal]") {
    using Variables = std::vector<std::pair<std::string, std::string>>;
    CHECK(pagerEnvironment(environmentOf({})) == Variables{{"LESS", "FRSXMK"}, {"LESSCHARSET", "utf-8"}});
    CHECK(pagerEnvironment(environmentOf({{"LESS", "-R"}})) == Variables{{"LESSCHARSET", "utf-8"}});
    CHECK(pagerEnvironment(environmentOf({{"LESS", ""}, {"LESSCHARSET", "latin1"}})).empty());
}

TEST_CASE("chiefctl --no-pager: accepted by every verb, and which verbs page", "[ctl-terminal]") {
    auto parse = [](std::vector<std::string> args) { return parseCommandLine(args); };
    for (const char* verb : {"status", "list", "history", "reload", "validate", "preview", "export-cron", "import-cron"}) {
        INFO(verb);
        const auto before = parse({"--no-pager", verb});
        REQUIRE(before);
        CHECK(before.value().noPager);
        CHECK_FALSE(pagesOutput(before.value()));
        const auto after = parse({verb, "--no-pager"});
        REQUIRE(after);
        CHECK(after.value().noPager);
    }
    for (std::vector<std::string> args : {std::vector<std::string>{"show", "backup", "--no-pager"},
                                          {"cancel", "backup-1", "--no-pager"},
                                          {"run", "--job", "backup", "--no-pager"},
                                          {"export-systemd", "--output", "d", "--no-pager"},
                                          {"export-kubernetes", "--image", "i", "--no-pager"},
                                          {"telemetry", "replay-dead", "--no-pager"},
                                          {"--no-pager", "emit", "info", "hello"},
                                          {"--no-pager", "--help"}}) {
        INFO(args.front() + " " + args[1]);
        CHECK(parse(args));
    }
    CHECK(parse({"--no-pager=yes", "list"}).error() == "--no-pager takes no value");
    // emit has its own grammar, and takes it too.
    const auto emit = parseEmitArguments({"--no-pager", "info", "hello"});
    REQUIRE(emit);
    CHECK(emit.value().message == "hello");

    auto pages = [&](std::vector<std::string> args) { return pagesOutput(parse(std::move(args)).value()); };
    for (const char* verb : {"status", "list", "history", "validate", "preview", "export-cron", "help"}) {
        INFO(verb);
        CHECK(pages({verb}));
        CHECK_FALSE(pages({verb, "--json"}));
    }
    CHECK(pages({"show", "backup"}));
    CHECK(pages({"export-kubernetes", "--image", "i"}));
    // run waits for its runs (Ctrl-C stops waiting); import-cron may read the terminal.
    CHECK_FALSE(pages({"run"}));
    CHECK_FALSE(pages({"run", "--no-wait"}));
    CHECK_FALSE(pages({"import-cron"}));
    CHECK_FALSE(pages({"cancel", "x-1"}));
    CHECK_FALSE(pages({"reload"}));
    CHECK_FALSE(pages({"--version"}));
}

TEST_CASE("chiefctl list with colour: RESULT coloured, columns aligned as without", "[ctl-terminal]") {
    auto jobs = someJobs();
    sortByNextRun(jobs);
    auto zone = ZoneRules::locate("UTC");
    REQUIRE(zone);
    const std::optional<SysSeconds> now = at(1798761600);
    std::ostringstream plain, defaulted, coloured;
    printJobList(jobs, 0, *zone.value(), now, plain, TerminalStyle(false));
    printJobList(jobs, 0, *zone.value(), now, defaulted);
    printJobList(jobs, 0, *zone.value(), now, coloured, TerminalStyle(true));
    // Without colour, byte for byte what list printed before colour existed.
    CHECK(plain.str() == defaulted.str());
    CHECK(plain.str() ==
          "NEXT                     LEFT  LAST                     PASSED         RESULT     JOB     SCHEDULE\n"
          "2027-01-01 06:00:00 UTC  6h    2026-12-31 06:00:02 UTC  17h 59min ago  succeeded  backup  every day at 06:00\n"
          "2027-01-01 07:00:00 UTC  7h    2026-12-31 06:00:02 UTC  17h 59min ago  failed     report  every day at 06:00\n"
          "2027-01-01 08:00:00 UTC  8h    2026-12-31 06:00:02 UTC  17h 59min ago  running    sync    every day at 06:00\n"
          "-                        -     -                        -              disabled   old     every day at 06:00\n"
          "\n4 jobs listed.\n");
    // With colour: the same text once the escape codes are taken out, so every column is where
    // it was; each result in its colour, padding outside the codes.
    CHECK(withoutEscapes(coloured.str()) == plain.str());
    const std::string text = coloured.str();
    CHECK(text.find("  " + kGreen + "succeeded" + kReset + "  backup") != std::string::npos);
    CHECK(text.find("  " + kRed + "failed" + kReset + "     report") != std::string::npos);
    CHECK(text.find("  " + kYellow + "running" + kReset + "    sync") != std::string::npos);
    CHECK(text.find("  " + kGrey + "disabled" + kReset + "   old") != std::string::npos);
    CHECK(text.find("RESULT     JOB") != std::string::npos);  // the header is not coloured
}

TEST_CASE("chiefctl status, show, history and run's outcome with colour", "[ctl-terminal]") {
    auto zone = ZoneRules::locate("UTC");
    REQUIRE(zone);
    const TerminalStyle colour(true);
    const auto jobs = someJobs();

    std::ostringstream status, statusPlain;
    printStatus(bus::ManagerState{"1.2.0", "/etc/chief/chief.yaml", 4, 1, at(1798783200), {}, {}}, jobs, *zone.value(), status, colour);
    printStatus(bus::ManagerState{"1.2.0", "/etc/chief/chief.yaml", 4, 1, at(1798783200), {}, {}}, jobs, *zone.value(), statusPlain);
    CHECK(withoutEscapes(status.str()) == statusPlain.str());
    CHECK(status.str().find(kYellow + "running" + kReset + "   ") != std::string::npos);  // STATE
    CHECK(status.str().find(kRed + "failed" + kReset) != std::string::npos);              // LAST RESULT
    CHECK(status.str().find(kGrey + "disabled" + kReset) != std::string::npos);

    std::ostringstream show, showPlain;
    bus::JobSummary job = jobs[1];
    job.lastRunId = "report-7";
    printJobDetails(job, *zone.value(), show, colour);
    printJobDetails(job, *zone.value(), showPlain);
    CHECK(withoutEscapes(show.str()) == showPlain.str());
    CHECK(show.str().find("report-7 " + kRed + "failed" + kReset + ", ended 2026-12-31 06:00:02 UTC") != std::string::npos);

    std::vector<bus::RunEntry> runs(2);
    runs[0].id = "report-7";
    runs[0].job = "report";
    runs[0].trigger = "manual";
    runs[0].result = "failed";
    runs[1].id = "report-6";
    runs[1].job = "report";
    runs[1].trigger = "schedule";
    runs[1].result = "succeeded";
    std::ostringstream history, historyPlain;
    printRunHistory(runs, /*withJob=*/true, *zone.value(), history, colour);
    printRunHistory(runs, /*withJob=*/true, *zone.value(), historyPlain);
    CHECK(withoutEscapes(history.str()) == historyPlain.str());
    CHECK(history.str().find(kGreen + "succeeded" + kReset + "\n") != std::string::npos);

    std::ostringstream end, endPlain;
    printRunEnd(bus::RunEnd{"report-8", "", "failed", Millis{1500}}, end, colour);
    printRunEnd(bus::RunEnd{"report-8", "", "failed", Millis{1500}}, endPlain);
    CHECK(end.str() == "Run report-8 " + kRed + "failed" + kReset + " after 1.5s.\n");
    CHECK(endPlain.str() == "Run report-8 failed after 1.5s.\n");
}
