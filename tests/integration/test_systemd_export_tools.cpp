// The systemd export against systemd's own tools: `systemd-analyze calendar` must elapse on the
// exported OnCalendar= lines exactly when Chief fires (after the --check-due guard, for guarded
// schedules), across DST changes too, except in the one documented case; and `systemd-analyze
// verify` must accept every exported unit. Without systemd-analyze these fail under
// CHIEF_TESTS_NO_SKIP (tests/support/test_skip.h).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <cstdio>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "chief/shell_words.h"
#include "chief/systemd_exporter.h"
#include "chief/time_format.h"
#include "config_fixture.h"
#include "process_test_support.h"
#include "test_skip.h"

using namespace chief;
using namespace chief::testing;

namespace {

struct CommandResult {
    int status = -1;
    std::string output;  // stdout and stderr
};

CommandResult runShell(const std::string& command) {
    CommandResult result;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return result;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

bool haveProgram(const std::string& name) { return runShell("command -v " + quoteShellWord(name)).status == 0; }

Config configOf(const std::string& yaml) {
    const LoadResult result = loadYaml(yaml);
    INFO((result.diagnostics.empty() ? std::string() : formatDiagnostic(result.diagnostics.front())));
    REQUIRE(result.ok());
    return *result.config;
}

SysSeconds utcAt(const char* iso) {
    auto parsed = parseDateTime(iso);
    REQUIRE(parsed);
    REQUIRE(parsed.value().offset);
    return SysSeconds{parsed.value().local.time_since_epoch() - *parsed.value().offset};
}

// Every elapse systemd-analyze prints ("Next elapse: Sun 2026-11-01 05:30:00 UTC", "Iter. #2: ...")
// for all the given calendar specs, as instants (the command runs with TZ=UTC).
std::set<SysSeconds> systemdElapses(const std::vector<std::string>& specs, SysSeconds base, int iterations) {
    std::string command = "TZ=UTC systemd-analyze calendar --iterations=" + std::to_string(iterations) +
                          " --base-time=@" + std::to_string(base.time_since_epoch().count());
    for (const std::string& spec : specs) command += " " + quoteShellWord(spec);
    const CommandResult result = runShell(command);
    INFO(command << "\n" << result.output);
    REQUIRE(result.status == 0);
    std::set<SysSeconds> out;
    std::istringstream lines(result.output);
    std::string line, unreadable;
    while (std::getline(lines, line)) {
        if (line.find("Next elapse:") == std::string::npos && line.find("Iter. #") == std::string::npos) continue;
        // "... Sun 2026-11-01 05:30:00 UTC": the date and time are the two words before "UTC".
        const std::size_t utc = line.rfind(" UTC");
        auto parsed = utc != std::string::npos && utc >= 19 ? parseDateTime(line.substr(utc - 19, 19) + "Z")
                                                            : parseDateTime("");
        if (parsed)
            out.insert(SysSeconds{parsed.value().local.time_since_epoch()});
        else if (unreadable.empty())
            unreadable = line;
    }
    INFO("a line systemd-analyze printed: " << unreadable);
    CHECK(unreadable.empty());  // once per call, not per line: there are thousands
    return out;
}

// The first `count` instants at which the exported timer would run the job: systemd's elapses,
// kept by --check-due's rule when the calendar is a superset.
std::vector<std::string> systemdRuns(const Job& job, SysSeconds base, int count) {
    const SystemdCalendar calendar = systemdCalendarFor(job.schedule, job.timezone);
    // A superset needs more elapses per run: n/gcd(n, 1440) for an interval, a few more for
    // excluded dates.
    int iterations = count + 2;
    if (!calendar.exact) {
        iterations += static_cast<int>(job.schedule.schedule.bounds.excludedDates.size()) * 4;
        if (const auto* interval = std::get_if<IntervalRule>(&job.schedule.schedule.rule))
            iterations *= static_cast<int>(interval->everyMinutes / std::gcd(interval->everyMinutes, std::int64_t{1440}));
    }
    const std::set<SysSeconds> elapses = systemdElapses(calendar.onCalendar, base, iterations);
    std::vector<std::string> out;
    for (SysSeconds t : elapses) {
        if (static_cast<int>(out.size()) == count) break;
        if (calendar.exact || isFireTime(job.schedule, t)) out.push_back(formatIsoUtc(t));
    }
    return out;
}

std::vector<std::string> chiefRuns(const Job& job, SysSeconds base, int count) {
    std::vector<std::string> out;
    SysSeconds cursor = base;
    for (int i = 0; i < count; ++i) {
        const auto fire = nextFireAfter(job.schedule.schedule, cursor);
        if (!fire) break;
        out.push_back(formatIsoUtc(fire->instant));
        cursor = fire->instant;
    }
    return out;
}

// Every schedule form Chief has, in zones with and without DST (Lord Howe: a 30-minute change).
const std::vector<std::string> kForms = {
    R"({frequency: daily, time: "06:00"})",
    R"({frequency: daily, time: "02:30"})",
    R"({frequency: daily, time: "01:30", weekdays_only: true})",
    R"({frequency: weekly, day: "monday,wednesday,friday", time: "09:15"})",
    R"({frequency: weekly, day: friday-monday, time: "23:59"})",
    R"({frequency: monthly, day_of_month: 31, time: "08:00"})",
    R"({frequency: monthly, day_of_month: last, time: "02:30"})",
    R"({frequency: monthly, ordinal: first, day: sunday, time: "02:30"})",
    R"({frequency: monthly, ordinal: last, day: sunday, time: "01:30"})",
    R"({frequency: yearly, month: february, day_of_month: 29, time: "12:00"})",
    R"({frequency: yearly, month: february, day_of_month: last, time: "00:00"})",
    R"({frequency: interval, every: 15m})",
    R"({frequency: interval, every: 90m})",
    R"({frequency: interval, every: 2h, start: "2026-01-01T01:30"})",
    R"({frequency: interval, every: 7m})",
    R"({frequency: interval, every: 25h})",
    R"({frequency: interval, every: 2d})",
    R"({frequency: custom, minute: "*/20", hour: "1-3", day_of_week: sun})",
    R"({frequency: custom, minute: 0, hour: 9, day_of_month: 1-7, day_of_week: mon, day_match: all})",
    R"({frequency: custom, minute: 0, hour: 2, day_of_month: "1,L", day_of_week: sun, day_match: any})",
    R"({frequency: custom, minute: 30, hour: "*/4", month: "mar,oct,nov"})",
    R"({frequency: daily, time: "02:30", exclude: [2026-03-10, 2026-11-02], end: "2026-12-01"})",
};

// Each zone with windows that contain its DST changes (Lord Howe's is 30 minutes, in April and
// October); Kolkata and UTC have none.
const std::vector<std::pair<std::string, std::vector<const char*>>> kZones = {
    {"America/New_York", {"2026-03-01T00:00:00Z", "2026-10-20T00:00:00Z"}},
    {"Europe/Berlin", {"2026-03-20T00:00:00Z", "2026-10-20T00:00:00Z"}},
    {"Australia/Lord_Howe", {"2026-03-30T00:00:00Z", "2026-09-28T00:00:00Z"}},
    {"Asia/Kolkata", {"2026-06-01T00:00:00Z"}},
    {"UTC", {"2027-12-20T00:00:00Z"}},
};

}  // namespace

TEST_CASE("systemd-analyze calendar elapses on the exported OnCalendar= lines when Chief fires", "[systemd-tools]") {
    if (!haveProgram("systemd-analyze")) CHIEF_SKIP_TEST("systemd-analyze is not installed");
    int compared = 0, expected = 0;
    for (const auto& [zone, bases] : kZones) {
        expected += static_cast<int>(kForms.size() * bases.size());
        for (const std::string& form : kForms) {
            std::string schedule = form;
            schedule.insert(schedule.size() - 1, ", timezone: " + zone);
            const Config config = configOf("jobs:\n  - name: j\n    schedule: " + schedule + "\n    scripts: [{path: run.sh}]\n");
            const Job& job = config.jobs[0];
            for (const char* base : bases) {
                INFO(schedule << " from " << base);
                const SysSeconds from = utcAt(base);
                CHECK(systemdRuns(job, from, 30) == chiefRuns(job, from, 30));
                ++compared;
            }
        }
    }
    CHECK(compared == expected);
}

TEST_CASE("systemd-analyze calendar: the documented difference inside a repeated hour", "[systemd-tools][dst]") {
    if (!haveProgram("systemd-analyze")) CHIEF_SKIP_TEST("systemd-analyze is not installed");
    // New York, 2026-11-01: 01:00-02:00 occurs twice (05:00-06:00Z EDT, 06:00-07:00Z EST). Computed
    // from inside the second pass (06:10Z, as when the timer is started or the machine resumes then),
    // systemd elapses on the repeated times; Chief does not run a local time twice, so it does not,
    // and --check-due (isFireTime) says no to those elapses.
    const Config config = configOf(R"(jobs:
  - name: daily
    schedule: {frequency: daily, time: "01:30", timezone: America/New_York}
    scripts: [{path: run.sh}]
  - name: quarter
    schedule: {frequency: interval, every: 15m, timezone: America/New_York}
    scripts: [{path: run.sh}]
)");
    const SysSeconds inside = utcAt("2026-11-01T06:10:00Z");
    const Job& daily = config.jobs[0];
    const auto dailyElapses = systemdElapses(systemdCalendarFor(daily.schedule, daily.timezone).onCalendar, inside, 2);
    CHECK(formatIsoUtc(*dailyElapses.begin()) == "2026-11-01T06:30:00Z");  // 01:30 EST, the second occurrence
    CHECK(chiefRuns(daily, inside, 1) == std::vector<std::string>{"2026-11-02T06:30:00Z"});
    CHECK_FALSE(isFireTime(daily.schedule, utcAt("2026-11-01T06:30:00Z")));
    const Job& quarter = config.jobs[1];
    const auto quarterElapses = systemdElapses(systemdCalendarFor(quarter.schedule, quarter.timezone).onCalendar, inside, 4);
    std::vector<std::string> got;
    for (SysSeconds t : quarterElapses) got.push_back(formatIsoUtc(t));
    CHECK(got == std::vector<std::string>{"2026-11-01T06:15:00Z", "2026-11-01T06:30:00Z", "2026-11-01T06:45:00Z",
                                          "2026-11-01T07:00:00Z"});
    CHECK(chiefRuns(quarter, inside, 1) == std::vector<std::string>{"2026-11-01T07:00:00Z"});
    // From before the fold, as a timer that keeps running computes it, the two agree (the case above).
    const SysSeconds before = utcAt("2026-11-01T04:50:00Z");
    CHECK(systemdRuns(quarter, before, 8) == chiefRuns(quarter, before, 8));
}

TEST_CASE("systemd-analyze verify accepts every exported unit", "[systemd-tools]") {
    if (!haveProgram("systemd-analyze")) CHIEF_SKIP_TEST("systemd-analyze is not installed");
    const ScriptTempDir dir;
    dir.write("extract.py", "print('hi')\n", 0644);
    dir.write("load.sh", "#!/bin/sh\nexit 0\n");
    const std::string yaml = "jobs:\n"
                             "  - name: etl\n"
                             "    working_dir: " + dir.path() + "\n"
                             "    user: daemon\n"
                             "    group: daemon\n"
                             "    environment: {TOKEN: \"a b %c $d\"}\n"
                             "    schedule: {frequency: monthly, ordinal: last, day: friday, time: \"18:00\", timezone: Europe/Berlin}\n"
                             "    scripts:\n"
                             "      - {path: extract.py, args: [\"--label\", \"100% done\", \"$HOME\"], timeout: 60}\n"
                             "      - {path: load.sh, timeout: 30}\n"
                             "  - name: rolling\n"
                             "    working_dir: " + dir.path() + "\n"
                             "    stop_on_failure: false\n"
                             "    schedule: {frequency: interval, every: 7m, exclude: [2026-12-25]}\n"
                             "    scripts: [{path: load.sh}]\n"
                             "  - name: off@host\n"
                             "    enabled: false\n"
                             "    working_dir: " + dir.path() + "\n"
                             "    schedule: {frequency: custom, minute: 0, hour: 9, day_of_month: \"1,L\", day_of_week: mon, day_match: any}\n"
                             "    scripts: [{path: load.sh}]\n";
    const std::string configPath = dir.write("chief.yaml", yaml, 0644);
    // The loader's view of the files matches the real ones: extract.py is not executable, so it
    // runs with python3.
    FakeHostProbe files;
    files.set(dir.path() + "/extract.py", FakeHostProbe::Kind::File);
    files.addUser("daemon");
    files.addGroup("daemon");
    const LoadResult loaded = loadYaml(yaml, files);
    REQUIRE(loaded.ok());
    Config config = *loaded.config;
    config.sourcePath = configPath;
    for (const SystemdRunner runner : {SystemdRunner::Chiefd, SystemdRunner::Native}) {
        SystemdExportOptions options;
        options.runner = runner;
        options.includeEnvironment = true;
        options.chiefdPath = CHIEFD_PATH;
        const ScriptTempDir out;
        std::string units;
        for (const SystemdJobExport& job : exportSystemd(config, {}, options)) {
            for (const ExportedFile& file : job.files) {
                out.write(file.name, file.content, 0644);
                units += " " + quoteShellWord(out.path() + "/" + file.name);
            }
        }
        // --man=no: Documentation=man:chief.yaml(5) is installed by the package, not here.
        const CommandResult verify = runShell("systemd-analyze verify --man=no" + units);
        INFO("runner " << runnerName(runner) << ":\n" << verify.output);
        CHECK(verify.status == 0);
        CHECK(verify.output.find(out.path()) == std::string::npos);  // nothing said about our files
    }
}

// The real commands: chiefctl writes the units (offline, from --config) and systemd-analyze
// verifies the files it wrote; chiefd --check-due answers for a fire time and a time that is not.
TEST_CASE("chiefctl export-systemd writes units systemd-analyze verify accepts", "[systemd-tools][exports]") {
    if (!haveProgram("systemd-analyze")) CHIEF_SKIP_TEST("systemd-analyze is not installed");
    const ScriptTempDir dir;
    dir.write("load.sh", "#!/bin/sh\nexit 0\n");
    const std::string config = dir.write("chief.yaml",
                                          "jobs:\n"
                                          "  - name: nightly\n"
                                          "    schedule: {frequency: daily, time: \"03:00\", timezone: America/New_York}\n"
                                          "    environment: {TOKEN: \"a b %c $d\"}\n"
                                          "    scripts: [{path: load.sh, timeout: 30}]\n"
                                          "  - name: rolling\n"
                                          "    schedule: {frequency: interval, every: 7m, exclude: [2026-12-25]}\n"
                                          "    scripts: [{path: load.sh}]\n",
                                          0644);
    for (const char* runner : {"chiefd", "native"}) {
        const ScriptTempDir out;
        const CommandResult exported =
            runShell(std::string(CHIEFCTL_PATH) + " --config " + quoteShellWord(config) + " export-systemd --runner " + runner +
                     " --include-environment --json --output " + quoteShellWord(out.path()));
        INFO(exported.output);
        REQUIRE(exported.status == 0);
        const std::string json = exported.output.substr(exported.output.find('{'));
        std::string units;
        for (const char* name : {"chief-nightly.timer", "chief-nightly.service", "chief-rolling.timer", "chief-rolling.service"}) {
            CHECK(json.find(out.path() + "/" + name) != std::string::npos);
            units += " " + quoteShellWord(out.path() + "/" + name);
        }
        const CommandResult verify = runShell("systemd-analyze verify --man=no" + units);
        INFO("runner " << runner << ":\n" << verify.output);
        // The units name the installed chiefd (CHIEF_INSTALLED_CHIEFD); in a build tree it may
        // not be installed, and systemd-analyze says so: the one complaint tolerated.
        std::istringstream lines(verify.output);
        std::string line;
        bool onlyMissingChiefd = true;
        while (std::getline(lines, line))
            if (line.find(out.path()) != std::string::npos || line.find("chief-") != std::string::npos)
                onlyMissingChiefd = onlyMissingChiefd &&
                                    line.find(std::string("Command ") + CHIEF_INSTALLED_CHIEFD + " is not executable") != std::string::npos;
        CHECK(onlyMissingChiefd);
        if (::access(CHIEF_INSTALLED_CHIEFD, X_OK) == 0) CHECK(verify.status == 0);
    }
}

TEST_CASE("chiefd --check-due: exit 0 at a fire time, 1 at another instant, 255 on errors", "[exports]") {
    const ScriptTempDir dir;
    dir.write("load.sh", "#!/bin/sh\nexit 0\n");
    const std::string config = dir.write("chief.yaml",
                                         "jobs:\n"
                                         "  - name: rolling\n"
                                         "    schedule: {frequency: interval, every: 7m, exclude: [2027-02-01], timezone: UTC}\n"
                                         "    scripts: [{path: load.sh}]\n",
                                         0644);
    auto checkDue = [&](const std::string& trigger, const std::string& job = "rolling") {
        return runShell((trigger.empty() ? std::string("env -u TRIGGER_TIMER_REALTIME_USEC ")
                                         : "TRIGGER_TIMER_REALTIME_USEC=" + quoteShellWord(trigger) + " ") +
                        CHIEFD_PATH + " --check-due --config " + quoteShellWord(config) + " --job " + quoteShellWord(job));
    };
    // A 7-minute grid counted from the epoch (the interval's default anchor): 00:08 on that day
    // is on it, 00:07 is not; 2027-02-01T00:01:00Z is on it but excluded.
    const std::string fire = std::to_string(std::int64_t{1803254880} * 1000000);      // 2027-02-22T00:08:00Z
    const std::string notFire = std::to_string(std::int64_t{1803254820} * 1000000);   // 2027-02-22T00:07:00Z
    const std::string excluded = std::to_string(std::int64_t{1801440060} * 1000000);  // 2027-02-01T00:01:00Z
    const CommandResult due = checkDue(fire);
    INFO(due.output);
    CHECK(due.status == 0);
    CHECK(due.output.find("is due at") != std::string::npos);
    const CommandResult notDue = checkDue(notFire);
    INFO(notDue.output);
    CHECK(notDue.status == 1);
    CHECK(std::count(notDue.output.begin(), notDue.output.end(), '\n') == 1);  // one line for the journal
    CHECK(checkDue(excluded).status == 1);
    CHECK(checkDue("").status == 0);  // started by hand
    CHECK(checkDue("yesterday").status == 255);
    CHECK(checkDue(fire, "nope").status == 255);
    CHECK(runShell(std::string(CHIEFD_PATH) + " --check-due --config " + quoteShellWord(config)).status == 255);
}
