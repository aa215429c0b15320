#include <catch2/catch.hpp>

#include "chief/cron_exporter.h"
#include "chief/report_json.h"
#include "chief/schedule_fields.h"
#include "chief/schedule_preview.h"
#include "chief/time_format.h"
#include "config_fixture.h"

using namespace chief;
using namespace chief::testing;

namespace {

Config configOf(const std::string& yaml) {
    const LoadResult result = loadYaml(yaml);
    INFO((result.diagnostics.empty() ? std::string() : formatDiagnostic(result.diagnostics.front())));
    REQUIRE(result.ok());
    return *result.config;
}

SysSeconds at(const char* iso) {
    auto parsed = parseDateTime(iso);
    REQUIRE(parsed);
    REQUIRE(parsed.value().offset);
    return SysSeconds{parsed.value().local.time_since_epoch() - *parsed.value().offset};
}

std::vector<std::string> isoRuns(const JobPreview& preview) {
    std::vector<std::string> out;
    for (const FireTime& f : preview.nextRuns) out.push_back(formatIsoInZone(f.instant, *preview.job->schedule.schedule.zone));
    return out;
}

}  // namespace

TEST_CASE("preview flags a run skipped by spring-forward", "[preview]") {
    const Config config = configOf(jobWithSchedule("      frequency: daily\n      time: \"02:30\"\n      timezone: America/New_York\n"));
    const JobPreview p = previewJob(config.jobs[0], at("2027-03-12T12:00Z"), 3);
    CHECK(isoRuns(p) == std::vector<std::string>{"2027-03-13T02:30:00-05:00", "2027-03-15T02:30:00-04:00",
                                                 "2027-03-16T02:30:00-04:00"});
    REQUIRE(p.notes.size() == 1);
    CHECK(p.notes[0].kind == PreviewNote::Kind::DstSkipped);
    CHECK(p.notes[0].message ==
          "2027-03-14 02:30 does not exist in America/New_York (clocks jump from 02:00 to 03:00): that run is skipped");
}

TEST_CASE("preview flags an ambiguous time that runs once", "[preview]") {
    const Config config = configOf(jobWithSchedule("      frequency: daily\n      time: \"02:30\"\n      timezone: Europe/Berlin\n"));
    const JobPreview p = previewJob(config.jobs[0], at("2026-10-24T12:00Z"), 2);
    CHECK(isoRuns(p) == std::vector<std::string>{"2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"});
    REQUIRE(p.nextRuns.size() == 2);
    CHECK(p.nextRuns[0].ambiguous);
    REQUIRE(p.notes.size() == 1);
    CHECK(p.notes[0].kind == PreviewNote::Kind::DstAmbiguous);
    CHECK(p.notes[0].message ==
          "2026-10-25 02:30 occurs twice in Europe/Berlin (clocks go back from 03:00 to 02:00): runs once, at its first "
          "occurrence (CEST, +02:00)");
}

TEST_CASE("preview groups the DST effects of a frequent schedule into one note per change", "[preview]") {
    const Config config = configOf(jobWithSchedule("      frequency: interval\n      every: 15m\n      timezone: America/New_York\n"));
    const JobPreview spring = previewJob(config.jobs[0], at("2027-03-14T06:50Z"), 2);  // 01:50 EST
    CHECK(isoRuns(spring) == std::vector<std::string>{"2027-03-14T03:00:00-04:00", "2027-03-14T03:15:00-04:00"});
    // Deliberately changed (issue 9): the interval's grid note follows the DST note.
    REQUIRE(spring.notes.size() == 2);
    CHECK(spring.notes[1].message.starts_with("runs on a fixed grid: 00:00, 00:15, 00:30, … every day"));
    CHECK(spring.notes[0].message ==
          "2027-03-14 02:00–02:45 do not exist in America/New_York (clocks jump from 02:00 to 03:00): 4 runs are skipped");
    const JobPreview fall = previewJob(config.jobs[0], at("2026-11-01T04:50Z"), 6);  // 00:50 EDT
    CHECK(isoRuns(fall) == std::vector<std::string>{"2026-11-01T01:00:00-04:00", "2026-11-01T01:15:00-04:00",
                                                    "2026-11-01T01:30:00-04:00", "2026-11-01T01:45:00-04:00",
                                                    "2026-11-01T02:00:00-05:00", "2026-11-01T02:15:00-05:00"});
    REQUIRE(fall.notes.size() == 2);
    CHECK(fall.notes[0].message ==
          "2026-11-01 01:00–01:45 occur twice in America/New_York (clocks go back from 02:00 to 01:00): each runs once, "
          "at its first occurrence (EDT, -04:00)");
}

TEST_CASE("preview says when a schedule has ended", "[preview]") {
    const Config config = configOf(
        jobWithSchedule("      frequency: daily\n      time: \"06:00\"\n      end: \"2026-01-02\"\n      timezone: UTC\n"));
    const JobPreview p = previewJob(config.jobs[0], at("2026-01-01T00:00Z"), 5);
    CHECK(isoRuns(p) == std::vector<std::string>{"2026-01-01T06:00:00+00:00", "2026-01-02T06:00:00+00:00"});
    REQUIRE(p.notes.size() == 1);
    CHECK(p.notes[0].kind == PreviewNote::Kind::Ended);
    CHECK(p.notes[0].message == "no further runs: the schedule ends at 2026-01-02T23:59:59+00:00");
}

TEST_CASE("preview JSON carries the documented fields", "[preview][json]") {
    const Config config = configOf(jobWithSchedule(
        "      frequency: monthly\n      ordinal: last\n      day: friday\n      time: \"18:00\"\n      exclude: [2026-12-25]\n"));
    const JobPreview p = previewJob(config.jobs[0], at("2026-12-01T00:00Z"), 2);
    const nlohmann::json j = jobPreviewJson(p);
    CHECK(j["name"] == "job");
    CHECK(j["enabled"] == true);
    CHECK(j["mode"] == "hybrid");
    CHECK(j["cron"] == "0 18 * * 5");
    CHECK(j["timezone"] == "UTC");
    CHECK(j["description"] == "on the last Friday of every month at 18:00");
    CHECK(j["next_runs"] == nlohmann::json::array({"2027-01-29T18:00:00+00:00", "2027-02-26T18:00:00+00:00"}));
    CHECK(j["exclude"] == nlohmann::json::array({"2026-12-25"}));
    CHECK(j["notes"].is_array());
    CHECK(j["scripts"][0]["resolved_path"] == "/etc/chief/run.sh");
}

TEST_CASE("validate JSON lists errors with positions and jobs with modes", "[json]") {
    const LoadResult bad = loadYaml(jobWithSchedule("      frequency: daily\n      time: \"25:00\"\n"));
    const nlohmann::json j = validateReportJson(bad);
    CHECK(j["valid"] == false);
    REQUIRE(j["errors"].size() == 1);
    CHECK(j["errors"][0]["file"] == kConfigPath);
    CHECK(j["errors"][0]["line"] == 5);
    CHECK(j["errors"][0]["column"] == 13);
    CHECK(j["errors"][0]["path"] == "jobs[0].schedule.time");
    CHECK(j["jobs"].empty());
    const LoadResult good = loadYaml(jobWithSchedule("      frequency: interval\n      every: 90m\n"));
    const nlohmann::json g = validateReportJson(good);
    CHECK(g["valid"] == true);
    CHECK(g["jobs"][0] == nlohmann::json({{"name", "job"},
                                          {"enabled", true},
                                          {"mode", "runtime_only"},
                                          {"cron", nullptr},
                                          {"timezone", "UTC"},
                                          {"description", "every 90 minutes, aligned to local midnight"}}));
}

TEST_CASE("export-cron writes CRON_TZ, guarded one-shot commands and comments", "[export]") {
    const std::string yaml = R"(
jobs:
  - name: ga-daily
    schedule: {frequency: daily, time: "06:00", timezone: America/New_York}
    scripts: [{path: run.sh}]
  - name: month-end
    schedule: {frequency: monthly, ordinal: last, day: friday, time: "18:00"}
    scripts: [{path: run.sh}]
  - name: rolling
    schedule: {frequency: interval, every: 90m}
    scripts: [{path: run.sh}]
  - name: off
    enabled: false
    schedule: {frequency: daily, time: "07:00"}
    scripts: [{path: run.sh}]
)";
    Config config = configOf(yaml);
    config.sourcePath = "/etc/chief/my 100% config.yaml";
    CronExportOptions options;
    options.now = at("2026-06-01T00:00Z");
    const std::string text = exportCron(config, {}, options);
    const std::string expected = R"(# Chief jobs exported from /etc/chief/my 100% config.yaml at 2026-06-01T00:00:00Z for cronie.
# Each line runs one job once through chiefd's one-shot mode; --respect-schedule makes chiefd
# re-check the schedule, which hybrid lines rely on. Output goes to the journal; the run is
# recorded in chiefd's history (chiefctl history).
# CRON_TZ sets the zone of the lines after it (cronie); Debian's cron ignores it (use --cron debian).

# ga-daily: every day at 06:00 [pure_cron]
CRON_TZ=America/New_York
0 6 * * * /usr/sbin/chiefd --once --config '/etc/chief/my 100\% config.yaml' --job ga-daily --respect-schedule --log-target journal

# month-end: on the last Friday of every month at 18:00 [hybrid]
# hybrid: cron fires at a superset; the guard runs it only on the last Friday of the month.
CRON_TZ=UTC
0 18 * * 5 /usr/sbin/chiefd --once --config '/etc/chief/my 100\% config.yaml' --job month-end --respect-schedule --log-target journal

# rolling: every 90 minutes, aligned to local midnight [runtime_only]
# runtime_only: no single cron line fires on this schedule; run it under chiefd.

# off: every day at 07:00 [pure_cron]
# disabled in the config (chiefd --once refuses disabled jobs); enable it there first:
# CRON_TZ=UTC
# 0 7 * * * /usr/sbin/chiefd --once --config '/etc/chief/my 100\% config.yaml' --job off --respect-schedule --log-target journal
)";
    CHECK(text == expected);
}

TEST_CASE("export-cron comments where cron's DST handling differs", "[export]") {
    const std::string yaml = R"(
jobs:
  - name: fixed
    schedule: {frequency: daily, time: "02:30", timezone: America/New_York}
    scripts: [{path: run.sh}]
  - name: frequent
    schedule: {frequency: interval, every: 30m, timezone: America/New_York}
    scripts: [{path: run.sh}]
  - name: safe
    schedule: {frequency: daily, time: "12:00", timezone: America/New_York}
    scripts: [{path: run.sh}]
  - name: kolkata
    schedule: {frequency: interval, every: 30m, timezone: Asia/Kolkata}
    scripts: [{path: run.sh}]
)";
    const Config config = configOf(yaml);
    const SysSeconds from = at("2026-06-01T00:00Z");
    const SysSeconds to = from + date::days{366};
    CHECK(cronDstDifferences(config.jobs[0], from, to) ==
          std::vector<std::string>{"DST: on 2027-03-14 America/New_York skips 02:00-03:00; Chief skips this job's run at "
                                   "02:30, while cron (cronie, Vixie) runs it right after the jump"});
    CHECK(cronDstDifferences(config.jobs[1], from, to) ==
          std::vector<std::string>{"DST: on 2026-11-01 America/New_York repeats 01:00-02:00; Chief runs each of this "
                                   "job's 2 runs from 01:00 once, while cron runs them again in the repeated hour"});
    CHECK(cronDstDifferences(config.jobs[2], from, to).empty());
    CHECK(cronDstDifferences(config.jobs[3], from, to).empty());
}

TEST_CASE("preview repeats the loader's warnings with their position", "[preview][day_match]") {
    const std::string yaml = R"(jobs:
  - name: first-monday
    schedule:
      frequency: custom
      minute: 0
      hour: 9
      day_of_month: 1-7
      day_of_week: monday
    scripts: [{path: run.sh}]
  - name: explicit
    schedule: {frequency: custom, minute: 0, hour: 9, day_of_month: 1-7, day_of_week: monday, day_match: all}
    scripts: [{path: run.sh}]
)";
    const LoadResult result = loadYaml(yaml);
    REQUIRE(result.ok());
    const std::string message =
        "job \"first-monday\" restricts both day_of_month and day_of_week, which cron and chief.py read differently: "
        "Chief runs it at 09:00 on day 1-7 of the month if it is a Monday (both must match), cron and chief.py at 09:00 "
        "on day 1-7 of the month or on Monday (either may match); add day_match: all to keep Chief's reading or "
        "day_match: any for cron's";
    REQUIRE(result.diagnostics.size() == 1);
    CHECK(result.diagnostics[0].severity == Severity::Warning);
    CHECK(formatDiagnostic(result.diagnostics[0]) == "/etc/chief/chief.yaml:4:7: jobs[0].schedule: warning: " + message);
    const Config& config = *result.config;
    const JobPreview p = previewJob(config.jobs[0], at("2027-01-01T00:00Z"), 2);
    CHECK(isoRuns(p) == std::vector<std::string>{"2027-01-04T09:00:00+00:00", "2027-02-01T09:00:00+00:00"});
    REQUIRE_FALSE(p.notes.empty());
    CHECK(p.notes[0].kind == PreviewNote::Kind::Warning);
    CHECK(p.notes[0].message == "/etc/chief/chief.yaml:4:7: jobs[0].schedule: warning: " + message);
    const nlohmann::json j = jobPreviewJson(p);
    CHECK(j["notes"][0]["kind"] == "warning");
    CHECK(j["notes"][0]["line"] == 4);
    CHECK(j["notes"][0]["column"] == 7);
    CHECK(j["notes"][0]["path"] == "jobs[0].schedule");
    // With day_match written, no warning and the both-match note only.
    const JobPreview quiet = previewJob(config.jobs[1], at("2027-01-01T00:00Z"), 1);
    REQUIRE(quiet.notes.size() == 1);
    CHECK(quiet.notes[0].kind == PreviewNote::Kind::Schedule);
}

TEST_CASE("preview and export-cron of the last day of the month", "[preview][export][last]") {
    const Config config = configOf(jobWithSchedule(
        "      frequency: monthly\n      day_of_month: last\n      time: \"23:00\"\n      timezone: Europe/Berlin\n"));
    const JobPreview p = previewJob(config.jobs[0], at("2027-12-01T00:00Z"), 4);
    CHECK(isoRuns(p) == std::vector<std::string>{"2027-12-31T23:00:00+01:00", "2028-01-31T23:00:00+01:00",
                                                 "2028-02-29T23:00:00+01:00", "2028-03-31T23:00:00+02:00"});
    CronExportOptions options;
    options.now = at("2027-06-01T00:00Z");
    const std::string text = exportCron(config, {}, options);
    CHECK(text.find("# hybrid: cron fires at a superset; the guard runs it only on the last day of the month.\n"
                    "CRON_TZ=Europe/Berlin\n"
                    "0 23 28-31 * * /usr/sbin/chiefd --once --config /etc/chief/chief.yaml --job job --respect-schedule "
                    "--log-target journal\n") !=
          std::string::npos);
}

TEST_CASE("export-cron of day_match: any is one exact line", "[export][day_match]") {
    const Config config = configOf(jobWithSchedule(
        "      frequency: custom\n      minute: 0\n      hour: 9\n      day_of_month: \"*/2\"\n      day_of_week: sat\n"
        "      day_match: any\n"));
    CronExportOptions options;
    options.now = at("2027-06-01T00:00Z");
    const std::string text = exportCron(config, {}, options);
    CHECK(text.find("[pure_cron]\nCRON_TZ=UTC\n0 9 1-31/2 * 6 /usr/sbin/chiefd --once") != std::string::npos);
}

TEST_CASE("export-cron for Debian's cron: no CRON_TZ, jobs in another zone get an hourly superset line and the guard",
          "[export][debian-cron]") {
    const std::string yaml = R"(
jobs:
  - name: local
    schedule: {frequency: daily, time: "06:15", timezone: Europe/Berlin}
    scripts: [{path: run.sh}]
  - name: new-york
    schedule: {frequency: weekly, day: monday, time: "06:15", timezone: America/New_York}
    scripts: [{path: run.sh}]
  - name: kolkata
    schedule: {frequency: daily, time: "06:15", timezone: Asia/Kolkata}
    scripts: [{path: run.sh}]
)";
    const Config config = configOf(yaml);
    CronExportOptions options;
    options.flavor = CronFlavor::Debian;
    options.systemTimezone = "Europe/Berlin";
    options.now = at("2026-06-01T00:00Z");
    const std::string text = exportCron(config, {}, options);
    CHECK(text.find("\nCRON_TZ=") == std::string::npos);
    // The system's own zone: the job's line as it is.
    CHECK(text.find("\n15 6 * * * /usr/sbin/chiefd --once --config /etc/chief/chief.yaml --job local --respect-schedule") !=
          std::string::npos);
    // Whole hours apart all year (New York and Berlin change on different days, still whole
    // hours): the same minute of every hour.
    CHECK(text.find("\n15 * * * * /usr/sbin/chiefd --once --config /etc/chief/chief.yaml --job new-york --respect-schedule") !=
          std::string::npos);
    // Kolkata is 3h30 or 4h30 ahead of Berlin: minute 15 there is minute 45 here.
    CHECK(text.find("\n45 * * * * /usr/sbin/chiefd --once --config /etc/chief/chief.yaml --job kolkata --respect-schedule") !=
          std::string::npos);
    CHECK(text.find("# America/New_York is not the system's zone (Europe/Berlin)") != std::string::npos);
    CHECK(systemZoneMinutes(config.jobs[0], *ZoneRules::locate("Europe/Berlin").value(), options.now).empty());
    // Every due instant of the job falls on a minute the superset line fires at, read in the
    // system's zone (the guard then picks the due ones).
    const std::shared_ptr<const ZoneRules> berlinZone = ZoneRules::locate("Europe/Berlin").value();  // held: the Result is a temporary
    const ZoneRules& berlin = *berlinZone;
    for (const Job& job : config.jobs) {
        const std::string minutes = systemZoneMinutes(job, berlin, options.now);
        const std::uint64_t bits =
            minutes.empty() ? ~0ULL : parseCronField(minutes, CronFieldKind::Minute).value();
        const JobPreview p = previewJob(job, options.now, 60);
        for (const FireTime& fire : p.nextRuns) {
            const auto local = berlin.toLocal(fire.instant);
            const auto minute = date::hh_mm_ss<Seconds>(local - date::floor<date::days>(local)).minutes().count();
            INFO(job.name << " " << formatIsoUtc(fire.instant));
            CHECK((bits & (1ULL << minute)) != 0);
        }
    }
}

TEST_CASE("export-cron for a user's own crontab calls chiefd --once --user", "[export][user]") {
    const Config config = configOf(jobWithSchedule("      frequency: daily\n      time: \"06:00\"\n"));
    CronExportOptions options;
    options.now = at("2027-06-01T00:00Z");
    CHECK(exportCron(config, {}, options).find("/usr/sbin/chiefd --once --config") != std::string::npos);
    options.perUser = true;
    CHECK(exportCron(config, {}, options).find("/usr/sbin/chiefd --once --user --config") != std::string::npos);
}
