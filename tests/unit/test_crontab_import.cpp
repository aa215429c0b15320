// import-cron: each crontab form maps to the friendliest exact schedule, the generated chief.yaml
// validates with the real loader, cron's environment lines, %, nicknames and the day-field rule
// are handled as Vixie cron does, and importing what export-cron wrote gives back the same fire
// times. (The corpus under tests/data/crontabs is compared with python3-croniter in
// tests/integration/test_crontab_import_tools.cpp.)
#include <catch2/catch.hpp>

#include "chief/cron_exporter.h"
#include "chief/crontab_importer.h"
#include "chief/time_format.h"
#include "config_fixture.h"

using namespace chief;
using namespace chief::testing;

namespace {

CrontabImport importUser(const std::string& text) {
    CrontabImportOptions options;
    options.format = CrontabFormat::User;
    options.sourceName = "/home/paul/crontab";
    return importCrontab(text, options);
}

// Loads the imported YAML with the real loader; REQUIREs it to be valid.
Config loadImported(const CrontabImport& imported, FakeHostProbe files = FakeHostProbe()) {
    files.set("/bin/sh", FakeHostProbe::Kind::ExecutableFile);  // the fake reads names without '.' as folders
    files.set("/bin/bash", FakeHostProbe::Kind::ExecutableFile);
    const LoadResult result = loadYaml(imported.yaml, files);
    INFO(imported.yaml);
    for (const Diagnostic& d : result.diagnostics) UNSCOPED_INFO(formatDiagnostic(d));
    REQUIRE(result.ok());
    // No warning either: where cron's day rule is AND, the import says day_match: all.
    CHECK(result.diagnostics.empty());
    return *result.config;
}

// The schedule block of the only job, as YAML lines "key: value".
std::vector<std::string> scheduleOf(const std::string& line) {
    const CrontabImport imported = importUser(line + "\n");
    REQUIRE(imported.jobs == 1);
    std::vector<std::string> out;
    const std::size_t start = imported.yaml.find("    schedule:\n");
    REQUIRE(start != std::string::npos);
    std::size_t pos = start + 14;
    while (imported.yaml.compare(pos, 6, "      ") == 0) {
        const std::size_t end = imported.yaml.find('\n', pos);
        out.push_back(imported.yaml.substr(pos + 6, end - pos - 6));
        pos = end + 1;
    }
    loadImported(imported);
    return out;
}

SysSeconds at(const char* iso) {
    auto parsed = parseDateTime(iso);
    REQUIRE(parsed);
    REQUIRE(parsed.value().offset);
    return SysSeconds{parsed.value().local.time_since_epoch() - *parsed.value().offset};
}

std::vector<SysSeconds> nextRuns(const Job& job, SysSeconds from, int count) {
    std::vector<SysSeconds> out;
    for (int i = 0; i < count; ++i) {
        const auto fire = nextFireAfter(job.schedule.schedule, from);
        if (!fire) break;
        out.push_back(fire->instant);
        from = fire->instant;
    }
    return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("each cron line maps to the friendliest exact frequency", "[import]") {
    CHECK(scheduleOf("5 0 * * * cmd") == V{"frequency: daily", "time: \"00:05\""});
    CHECK(scheduleOf("0 22 * * 1-5 cmd") == V{"frequency: daily", "time: \"22:00\"", "weekdays_only: true"});
    CHECK(scheduleOf("5 4 * * sun cmd") == V{"frequency: weekly", "day: \"sunday\"", "time: \"04:05\""});
    CHECK(scheduleOf("47 6 * * 7 cmd") == V{"frequency: weekly", "day: \"sunday\"", "time: \"06:47\""});
    CHECK(scheduleOf("0 9 * * MON,Wed,fri cmd") ==
          V{"frequency: weekly", "day: \"monday,wednesday,friday\"", "time: \"09:00\""});
    CHECK(scheduleOf("15 14 1 * * cmd") == V{"frequency: monthly", "day_of_month: 1", "time: \"14:15\""});
    CHECK(scheduleOf("0 0 29 2 * cmd") == V{"frequency: yearly", "month: february", "day_of_month: 29", "time: \"00:00\""});
    CHECK(scheduleOf("*/15 * * * * cmd") == V{"frequency: interval", "every: 15m"});
    CHECK(scheduleOf("* * * * * cmd") == V{"frequency: interval", "every: 1m"});
    CHECK(scheduleOf("0 * * * * cmd") == V{"frequency: interval", "every: 1h"});
    CHECK(scheduleOf("0 */6 * * * cmd") == V{"frequency: interval", "every: 6h"});
    // */7 restarts every hour in cron: not a 7-minute interval.
    CHECK(scheduleOf("*/7 * * * * cmd") == V{"frequency: custom", "minute: \"*/7\""});
    CHECK(scheduleOf("23 0-23/2 * * * cmd") == V{"frequency: custom", "minute: \"23\"", "hour: \"0-23/2\""});
    CHECK(scheduleOf("5-55/10 8-18 * * 1-5 cmd") ==
          V{"frequency: custom", "minute: \"5-55/10\"", "hour: \"8-18\"", "day_of_week: \"1-5\""});
    CHECK(scheduleOf("0 12 * jan-mar 7 cmd") ==
          V{"frequency: custom", "minute: \"0\"", "hour: \"12\"", "month: \"jan-mar\"", "day_of_week: \"7\""});
}

TEST_CASE("the day fields follow Vixie cron: ORed unless one starts with a star", "[import][day_match]") {
    // crontab(5): "30 4 1,15 * 5" runs on the 1st, the 15th and every Friday.
    CHECK(scheduleOf("30 4 1,15 * 5 cmd") ==
          V{"frequency: custom", "minute: \"30\"", "hour: \"4\"", "day_of_month: \"1,15\"", "day_of_week: \"5\"",
            "day_match: any"});
    // "*/2" starts with a star: Vixie cron ANDs, and the import says so explicitly.
    CHECK(scheduleOf("0 12 */2 * 1 cmd") ==
          V{"frequency: custom", "minute: \"0\"", "hour: \"12\"", "day_of_month: \"*/2\"", "day_of_week: \"1\"",
            "day_match: all"});
    // "1-31" does not start with a star, so cron ORs, and every day matches.
    CHECK(scheduleOf("0 12 1-31 * 1 cmd") == V{"frequency: daily", "time: \"12:00\""});
    // OR with an impossible date still runs on the weekdays.
    CHECK(scheduleOf("0 0 31 2 1 cmd") ==
          V{"frequency: custom", "minute: \"0\"", "hour: \"0\"", "day_of_month: \"31\"", "month: \"2\"", "day_of_week: \"1\"",
            "day_match: any"});
    const CrontabImport imported = importUser("0 12 1-31 * 1 cmd\n");
    REQUIRE(imported.notes.size() == 1);
    CHECK(imported.notes[0].line == 1);
    CHECK(imported.notes[0].message == "cron ORs the day fields here and one of them is every day, so it runs every day");
}

TEST_CASE("a system crontab: user column, environment lines, CRON_TZ and SHELL apply to the lines after them",
          "[import]") {
    const std::string crontab = R"(# /etc/cron.d/example
SHELL=/bin/bash
PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin
MAILTO=root
17 *	* * *	root	cd / && run-parts --report /etc/cron.hourly
CRON_TZ=America/New_York
NAME = "quoted value"
30 2 * * * nobody test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }
@reboot root /usr/local/bin/at-boot
)";
    CrontabImportOptions options;
    options.sourceName = "/etc/cron.d/example";  // Auto: a system crontab
    const CrontabImport imported = importCrontab(crontab, options);
    CHECK(imported.jobs == 2);
    const Config config = loadImported(imported);
    REQUIRE(config.jobs.size() == 2);
    const Job& hourly = config.jobs[0];
    CHECK(hourly.name == "cron-line-5-run-parts");
    CHECK(hourly.user == "root");
    CHECK(hourly.timezone == "UTC");
    CHECK(hourly.schedule.cron == "17 * * * *");
    REQUIRE(hourly.scripts.size() == 1);
    CHECK(hourly.scripts[0].resolvedPath == "/bin/bash");
    CHECK(hourly.scripts[0].args == V{"-c", "cd / && run-parts --report /etc/cron.hourly"});
    CHECK(hourly.scripts[0].timeoutSeconds == 86400);
    CHECK(hourly.environment ==
          EnvironmentList{{"PATH", "/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin"}});
    const Job& daily = config.jobs[1];
    CHECK(daily.name == "cron-line-8-anacron");
    CHECK(daily.user == "nobody");
    CHECK(daily.timezone == "America/New_York");
    CHECK(daily.schedule.frequency == Frequency::Daily);
    CHECK(daily.environment == EnvironmentList{{"PATH", "/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin"},
                                               {"NAME", "quoted value"}});
    CHECK(config.defaults.overlap == OverlapPolicy::Parallel);
    CHECK(config.defaults.maxParallelJobs == 2);
    // MAILTO and @reboot are said, with their lines, and kept as comments.
    REQUIRE(imported.notes.size() == 2);
    CHECK(imported.notes[0].line == 4);
    CHECK(imported.notes[0].kind == CrontabImportNote::Kind::Unmapped);
    CHECK(imported.notes[1].line == 9);
    CHECK(imported.notes[1].kind == CrontabImportNote::Kind::Unmapped);
    CHECK(imported.notes[1].message.starts_with("@reboot runs at cron's start"));
    CHECK(imported.yaml.find("  # line 9, not imported (@reboot has no Chief schedule): @reboot root /usr/local/bin/at-boot\n") !=
          std::string::npos);
    CHECK(imported.yaml.find("  # line 4, not imported (MAILTO has no Chief equivalent") != std::string::npos);
}

TEST_CASE("% ends the command, the rest is its standard input, as cron gives it", "[import]") {
    const CrontabImport imported = importUser("0 22 * * 1-5\tmail -s \"It's 10pm\" joe%Joe,%%Where are your kids?%\n"
                                              "33 22 * * * expr $(date +\\%s) / 60 \\% 9 > /dev/null || echo Wax\n");
    const Config config = loadImported(imported);
    REQUIRE(config.jobs.size() == 2);
    CHECK(config.jobs[0].scripts[0].args ==
          V{"-c", "printf '%s' \"$1\" | \"$0\" -c \"$2\"", "/bin/sh", "Joe,\n\nWhere are your kids?\n",
            "mail -s \"It's 10pm\" joe"});
    CHECK(config.jobs[1].scripts[0].args == V{"-c", "expr $(date +%s) / 60 % 9 > /dev/null || echo Wax"});
}

TEST_CASE("nicknames map to their schedules", "[import]") {
    const CrontabImport imported = importUser("@daily a\n@midnight b\n@hourly c\n@weekly d\n@monthly e\n@yearly f\n@annually g\n");
    const Config config = loadImported(imported);
    REQUIRE(config.jobs.size() == 7);
    const V crons = {"0 0 * * *", "0 0 * * *", "0 * * * *", "0 0 * * 0", "0 0 1 * *", "0 0 1 1 *", "0 0 1 1 *"};
    for (std::size_t i = 0; i < crons.size(); ++i) CHECK(config.jobs[i].schedule.cron == crons[i]);
    CHECK(config.jobs[3].schedule.frequency == Frequency::Weekly);
    CHECK(config.jobs[5].schedule.frequency == Frequency::Yearly);
}

TEST_CASE("lines cron rejects or never runs are notes and comments, not jobs", "[import]") {
    const CrontabImport imported = importUser("61 * * * * a\n"
                                              "0 0 * * fri-mon b\n"
                                              "0 0 * * monday c\n"
                                              "0 0 31 4 * d\n"
                                              "what is this\n"
                                              "0 0 * *\n"
                                              "CRON_TZ=Mars/Olympus\n"
                                              "0 0 * * * e\n"
                                              "CRON_TZ=UTC\n"
                                              "0 0 * * * f\n");
    CHECK(imported.jobs == 1);
    const Config config = loadImported(imported);
    CHECK(config.jobs[0].name == "cron-line-10-f");
    std::vector<std::pair<int, CrontabImportNote::Kind>> notes;
    for (const auto& n : imported.notes) notes.emplace_back(n.line, n.kind);
    using K = CrontabImportNote::Kind;
    CHECK(notes == std::vector<std::pair<int, K>>{{1, K::Error}, {2, K::Error}, {3, K::Error}, {4, K::Info},
                                                  {5, K::Error}, {6, K::Error}, {7, K::Error}});
    CHECK(imported.notes[0].message == "minute value 61 is out of range 0-59; cron rejects the line");
    CHECK(imported.notes[3].message == "none of the selected months has the selected days: cron never runs it");
    CHECK(imported.yaml.find("  # line 8, not imported (under an unknown time zone): 0 0 * * * e\n") != std::string::npos);
}

TEST_CASE("a crontab with no importable line says so and has no job", "[import]") {
    const CrontabImport imported = importUser("MAILTO=me\n@reboot x\n");
    CHECK(imported.jobs == 0);
    CHECK(imported.yaml.find("jobs:") == std::string::npos);
    CHECK(imported.yaml.find("# No cron entry could be imported") != std::string::npos);
}

TEST_CASE("importing what export-cron wrote gives back the same fire times", "[import][export]") {
    const std::string yaml = R"(jobs:
  - name: ga-daily
    schedule: {frequency: daily, time: "06:00", timezone: America/New_York}
    scripts: [{path: run.sh}]
  - name: weekdays
    schedule: {frequency: daily, time: "14:30", weekdays_only: true, timezone: Europe/Berlin}
    scripts: [{path: run.sh}]
  - name: mwf
    schedule: {frequency: weekly, day: "monday,wednesday,friday", time: "09:00"}
    scripts: [{path: run.sh}]
  - name: fifteenth
    schedule: {frequency: monthly, day_of_month: 15, time: "08:00", timezone: Australia/Sydney}
    scripts: [{path: run.sh}]
  - name: new-year
    schedule: {frequency: yearly, month: january, day_of_month: 1, time: "00:00"}
    scripts: [{path: run.sh}]
  - name: quarter
    schedule: {frequency: interval, every: 15m, timezone: America/New_York}
    scripts: [{path: run.sh}]
  - name: shifted
    schedule: {frequency: interval, every: 2h, start: "2026-01-01T01:30"}
    scripts: [{path: run.sh}]
  - name: either
    schedule: {frequency: custom, minute: 0, hour: 9, day_of_month: "*/2", day_of_week: sat, day_match: any}
    scripts: [{path: run.sh}]
  - name: sundays
    schedule: {frequency: custom, minute: "*/20", hour: "1-3", day_of_week: sun, month: "mar,nov", timezone: America/New_York}
    scripts: [{path: run.sh}]
)";
    const LoadResult original = loadYaml(yaml);
    REQUIRE(original.ok());
    const Config& config = *original.config;
    CronExportOptions exportOptions;
    exportOptions.now = at("2026-06-01T00:00Z");
    std::vector<const Job*> pure;
    for (const Job& job : config.jobs)
        if (job.schedule.mode == ScheduleMode::PureCron) pure.push_back(&job);
    // "shifted" has a start bound: hybrid, not part of the round trip.
    REQUIRE(pure.size() == config.jobs.size() - 1);
    const std::string crontab = exportCron(config, pure, exportOptions);
    const CrontabImport imported = importUser(crontab);
    const Config back = loadImported(imported);
    REQUIRE(back.jobs.size() == pure.size());
    for (std::size_t i = 0; i < pure.size(); ++i) {
        INFO(pure[i]->name << ": " << pure[i]->schedule.cron);
        CHECK(back.jobs[i].name == pure[i]->name);  // taken from the line's --job
        CHECK(back.jobs[i].timezone == pure[i]->timezone);
        CHECK(back.jobs[i].schedule.frequency == pure[i]->schedule.frequency);
        CHECK(nextRuns(back.jobs[i], at("2026-01-01T00:00Z"), 50) == nextRuns(*pure[i], at("2026-01-01T00:00Z"), 50));
        CHECK(nextRuns(back.jobs[i], at("2026-10-31T00:00Z"), 50) == nextRuns(*pure[i], at("2026-10-31T00:00Z"), 50));
    }
}
