#include <catch2/catch.hpp>

#include "config_fixture.h"

using namespace chief;
using namespace chief::testing;

namespace {

// Loads one job with the given flow-style schedule and returns its compiled schedule.
CompiledSchedule compiled(const std::string& schedule) {
    const std::string yaml = "jobs:\n  - name: j\n    schedule: " + schedule + "\n    scripts: [{path: run.sh}]\n";
    const LoadResult result = loadYaml(yaml);
    INFO(schedule);
    INFO((result.diagnostics.empty() ? std::string() : formatDiagnostic(result.diagnostics.front())));
    REQUIRE(result.ok());
    return result.config->jobs.front().schedule;
}

struct Expectation {
    const char* schedule;
    ScheduleMode mode;
    const char* cron;
    const char* description;
};

}  // namespace

TEST_CASE("every frequency form compiles to the guide's mode, a cron line and a description", "[compiler]") {
    const Expectation cases[] = {
        {R"({frequency: daily, time: "06:00"})", ScheduleMode::PureCron, "0 6 * * *", "every day at 06:00"},
        {R"({frequency: daily, time: "14:30", weekdays_only: true})", ScheduleMode::PureCron, "30 14 * * 1-5",
         "every weekday (Monday to Friday) at 14:30"},
        {R"({frequency: weekly, day: monday, time: "09:00"})", ScheduleMode::PureCron, "0 9 * * 1", "every Monday at 09:00"},
        {R"({frequency: weekly, day: "monday,wednesday,friday", time: "09:00"})", ScheduleMode::PureCron, "0 9 * * 1,3,5",
         "every Monday, Wednesday and Friday at 09:00"},
        {R"({frequency: weekly, day: monday-friday, time: "09:00"})", ScheduleMode::PureCron, "0 9 * * 1-5",
         "every weekday (Monday to Friday) at 09:00"},
        {R"({frequency: weekly, day: [saturday, sunday], time: "10:15"})", ScheduleMode::PureCron, "15 10 * * 0,6",
         "every Saturday and Sunday at 10:15"},
        {R"({frequency: weekly, day: friday-monday, time: "23:59"})", ScheduleMode::PureCron, "59 23 * * 0,1,5,6",
         "every Monday, Friday, Saturday and Sunday at 23:59"},
        {R"({frequency: monthly, day_of_month: 15, time: "08:00"})", ScheduleMode::PureCron, "0 8 15 * *",
         "on day 15 of every month at 08:00"},
        {R"({frequency: monthly, ordinal: last, day: friday, time: "18:00"})", ScheduleMode::Hybrid, "0 18 * * 5",
         "on the last Friday of every month at 18:00"},
        {R"({frequency: monthly, ordinal: second, day: tuesday, time: "07:05"})", ScheduleMode::Hybrid, "5 7 * * 2",
         "on the second Tuesday of every month at 07:05"},
        {R"({frequency: yearly, month: january, day_of_month: 1, time: "00:00"})", ScheduleMode::PureCron, "0 0 1 1 *",
         "every year on January 1 at 00:00"},
        {R"({frequency: yearly, month: 7, day_of_month: 4, time: "12:00"})", ScheduleMode::PureCron, "0 12 4 7 *",
         "every year on July 4 at 12:00"},
        {R"({frequency: interval, every: 5m})", ScheduleMode::PureCron, "*/5 * * * *", "every 5 minutes"},
        {R"({frequency: interval, every: 1m})", ScheduleMode::PureCron, "* * * * *", "every minute"},
        {R"({frequency: interval, every: 30m})", ScheduleMode::PureCron, "0,30 * * * *", "every 30 minutes"},
        {R"({frequency: interval, every: 2h})", ScheduleMode::PureCron, "0 */2 * * *", "every 2 hours, aligned to local midnight"},
        {R"({frequency: interval, every: 1h})", ScheduleMode::PureCron, "0 * * * *", "every hour"},
        {R"({frequency: interval, every: 1d})", ScheduleMode::PureCron, "0 0 * * *", "every day at 00:00"},
        {R"({frequency: interval, every: 90m})", ScheduleMode::RuntimeOnly, "", "every 90 minutes, aligned to local midnight"},
        {R"({frequency: interval, every: 7m})", ScheduleMode::RuntimeOnly, "", "every 7 minutes, counted from 1970-01-01 00:00"},
        {R"({frequency: interval, every: 2d})", ScheduleMode::RuntimeOnly, "", "every 2 days at 00:00, counted from 1970-01-01"},
        {R"({frequency: custom, minute: 0, hour: 9, day_of_week: monday-friday})", ScheduleMode::PureCron, "0 9 * * 1-5",
         "at 09:00 on weekday (Monday to Friday)"},
        {R"({frequency: custom, minute: "*/10", hour: "*"})", ScheduleMode::PureCron, "*/10 * * * *", "every 10 minutes"},
        {R"({frequency: custom, minute: 0, hour: "*/6", month: "jan,jul"})", ScheduleMode::PureCron, "0 */6 * 1,7 *",
         "every 6 hours at minute 0 in January and July"},
        {R"({frequency: custom, minute: 30, day_of_week: "0"})", ScheduleMode::PureCron, "30 * * * 0",
         "every hour at minute 30 on Sunday"},
        {R"({frequency: custom, minute: 30, day_of_week: "7"})", ScheduleMode::PureCron, "30 * * * 0",
         "every hour at minute 30 on Sunday"},
        {R"({frequency: custom, minute: 0, hour: 9, day_of_month: "1-7", day_of_week: monday})", ScheduleMode::Hybrid,
         "0 9 * * 1", "at 09:00 on day 1-7 of the month if it is a Monday"},
    };
    for (const Expectation& e : cases) {
        const CompiledSchedule s = compiled(e.schedule);
        INFO(e.schedule);
        CHECK(s.mode == e.mode);
        CHECK(s.cron == e.cron);
        CHECK(s.description == e.description);
    }
}

TEST_CASE("bounds and exclusions turn a cron-expressible schedule into hybrid", "[compiler]") {
    CHECK(compiled(R"({frequency: daily, time: "06:00", exclude: [2026-12-25]})").mode == ScheduleMode::Hybrid);
    CHECK(compiled(R"({frequency: daily, time: "06:00", start: "2026-01-01"})").mode == ScheduleMode::Hybrid);
    CHECK(compiled(R"({frequency: interval, every: 15m, end: "2030-01-01"})").mode == ScheduleMode::Hybrid);
    // Bounds cannot make a runtime_only schedule cron-expressible.
    CHECK(compiled(R"({frequency: interval, every: 90m, end: "2030-01-01"})").mode == ScheduleMode::RuntimeOnly);
    const CompiledSchedule s = compiled(R"({frequency: daily, time: "06:00", exclude: [2026-12-25]})");
    CHECK(s.guard == "within the schedule's start, end and exclude bounds");
}

TEST_CASE("an interval anchored at start shifts its cron phase", "[compiler]") {
    CHECK(compiled(R"({frequency: interval, every: 15m, start: "2026-01-01T00:05"})").cron == "5-59/15 * * * *");
    CHECK(compiled(R"({frequency: interval, every: 2h, start: "2026-01-01T01:30"})").cron == "30 1-23/2 * * *");
    CHECK(compiled(R"({frequency: interval, every: 1d, start: "2026-01-01T06:45"})").cron == "45 6 * * *");
    CHECK(compiled(R"({frequency: interval, every: 90m, start: "2026-01-01T06:45"})").description ==
          "every 90 minutes, counted from 2026-01-01 06:45");
}

TEST_CASE("static notes explain short months, leap days and cron's OR of day fields", "[compiler]") {
    CHECK(compiled(R"({frequency: monthly, day_of_month: 31, time: "08:00"})").notes ==
          std::vector<std::string>{"day 31: February, April, June, September and November are skipped"});
    CHECK(compiled(R"({frequency: monthly, day_of_month: 30, time: "08:00"})").notes ==
          std::vector<std::string>{"day 30: February is skipped"});
    CHECK(compiled(R"({frequency: monthly, day_of_month: 29, time: "08:00"})").notes ==
          std::vector<std::string>{"day 29: February is skipped except in leap years"});
    CHECK(compiled(R"({frequency: yearly, month: february, day_of_month: 29, time: "08:00"})").notes ==
          std::vector<std::string>{"February 29: runs only in leap years"});
    CHECK(compiled(R"({frequency: custom, hour: 9})").notes ==
          std::vector<std::string>{"minute is not set, so it runs every minute of the matching hours"});
    // Deliberately changed (issue 9): an interval without start also says which grid it runs on.
    CHECK(compiled(R"({frequency: interval, every: 7m})").notes ==
          std::vector<std::string>{"7 minutes does not divide a day, so run times shift from day to day",
                                   "runs on a fixed grid: every 7 minutes counted from 1970-01-01 00:00 local time, "
                                   "across midnight (UTC), whenever chiefd was started; chief.py counted from its own "
                                   "start instead (first run at its start time + 7m); set \"start\" to anchor the grid "
                                   "elsewhere"});
}

TEST_CASE("an interval without start says which grid it runs on and where it is anchored", "[compiler][interval]") {
    const auto gridNote = [](const char* schedule) {
        const CompiledSchedule s = compiled(schedule);
        INFO(schedule);
        REQUIRE_FALSE(s.notes.empty());
        return s.notes.back();
    };
    CHECK(gridNote(R"({frequency: interval, every: 90m, timezone: America/New_York})") ==
          "runs on a fixed grid: 00:00, 01:30, 03:00, … every day, counted from local midnight (America/New_York), "
          "whenever chiefd was started; chief.py counted from its own start instead (first run at its start time + "
          "90m); set \"start\" to anchor the grid elsewhere");
    CHECK(gridNote(R"({frequency: interval, every: 8h})") ==
          "runs on a fixed grid: 00:00, 08:00, 16:00 every day, counted from local midnight (UTC), whenever chiefd was "
          "started; chief.py counted from its own start instead (first run at its start time + 8h); set \"start\" to "
          "anchor the grid elsewhere");
    CHECK(gridNote(R"({frequency: interval, every: 1d})") ==
          "runs on a fixed grid: 00:00 every day, counted from local midnight (UTC), whenever chiefd was started; "
          "chief.py counted from its own start instead (first run at its start time + 1d); set \"start\" to anchor "
          "the grid elsewhere");
    CHECK(gridNote(R"({frequency: interval, every: 2d})") ==
          "runs on a fixed grid: 00:00 every 2 days, counted from 1970-01-01 (UTC), whenever chiefd was started; "
          "chief.py counted from its own start instead (first run at its start time + 2d); set \"start\" to anchor "
          "the grid elsewhere");
    // With start the anchor is the user's: no grid note.
    CHECK(compiled(R"({frequency: interval, every: 90m, start: "2026-01-01T06:45"})").notes.empty());
}

TEST_CASE("day_of_month: last compiles to a guarded cron line, exact where the month fixes the day", "[compiler][last]") {
    const Expectation cases[] = {
        {R"({frequency: monthly, day_of_month: last, time: "08:00"})", ScheduleMode::Hybrid, "0 8 28-31 * *",
         "on the last day of every month at 08:00"},
        {R"({frequency: yearly, month: february, day_of_month: last, time: "00:00"})", ScheduleMode::Hybrid,
         "0 0 28,29 2 *", "every year on the last day of February at 00:00"},
        // April always ends on the 30th: the cron line is exact.
        {R"({frequency: yearly, month: april, day_of_month: last, time: "23:30"})", ScheduleMode::PureCron,
         "30 23 30 4 *", "every year on the last day of April at 23:30"},
        {R"({frequency: custom, minute: 0, hour: 6, day_of_month: L})", ScheduleMode::Hybrid, "0 6 28-31 * *",
         "at 06:00 on the last day of the month"},
        {R"({frequency: custom, minute: 0, hour: 6, day_of_month: "1,15,L"})", ScheduleMode::Hybrid, "0 6 1,15,28-31 * *",
         "at 06:00 on day 1,15 and the last day of the month"},
        {R"({frequency: custom, minute: 0, hour: 6, day_of_month: [1, last], month: [apr, jun]})", ScheduleMode::PureCron,
         "0 6 1,30 4,6 *", "at 06:00 on day 1 and the last day of the month in April and June"},
        {R"({frequency: custom, minute: 0, hour: 6, day_of_month: L, month: [jan, feb]})", ScheduleMode::Hybrid,
         "0 6 28,29,31 1,2 *", "at 06:00 on the last day of the month in January and February"},
    };
    for (const Expectation& e : cases) {
        const CompiledSchedule s = compiled(e.schedule);
        INFO(e.schedule);
        CHECK(s.mode == e.mode);
        CHECK(s.cron == e.cron);
        CHECK(s.description == e.description);
    }
    CHECK(compiled(R"({frequency: monthly, day_of_month: last, time: "08:00"})").guard == "only on the last day of the month");
    CHECK(compiled(R"({frequency: custom, minute: 0, day_of_month: "1,L"})").guard == "L only on the last day of the month");
    CHECK(compiled(R"({frequency: monthly, day_of_month: last, time: "08:00", exclude: [2026-01-31]})").guard ==
          "only on the last day of the month, within the schedule's bounds");
    CHECK(compiled(R"({frequency: monthly, day_of_month: last, time: "08:00"})").notes.empty());
    // "*,L" restricts nothing.
    CHECK(compiled(R"({frequency: custom, minute: 0, hour: 6, day_of_month: "*,L"})").cron == "0 6 * * *");
}

TEST_CASE("day_match: any is cron's reading and compiles to an exact cron line", "[compiler][day_match]") {
    const Expectation cases[] = {
        {R"({frequency: custom, minute: 0, hour: 9, day_of_month: "1-7", day_of_week: monday, day_match: any})",
         ScheduleMode::PureCron, "0 9 1-7 * 1", "at 09:00 on day 1-7 of the month or on Monday"},
        {R"({frequency: custom, minute: 0, hour: 9, day_of_month: "1-7", day_of_week: monday, day_match: all})",
         ScheduleMode::Hybrid, "0 9 * * 1", "at 09:00 on day 1-7 of the month if it is a Monday"},
        // A restricted day field must not start with "*": Vixie cron would AND the fields then.
        {R"({frequency: custom, minute: 0, hour: 9, day_of_month: "*/2", day_of_week: "*/3", day_match: any})",
         ScheduleMode::PureCron, "0 9 1-31/2 * 0-6/3", "at 09:00 on day */2 of the month or on Wednesday, Saturday and Sunday"},
        // Only one day field restricted: day_match changes nothing.
        {R"({frequency: custom, minute: 0, hour: 9, day_of_week: "mon-fri", day_match: any})", ScheduleMode::PureCron,
         "0 9 * * 1-5", "at 09:00 on weekday (Monday to Friday)"},
        {R"({frequency: custom, minute: 0, hour: 9, day_of_month: "1-31", day_of_week: "fri", day_match: any})",
         ScheduleMode::PureCron, "0 9 * * 5", "at 09:00 on Friday"},
        // With L the line still needs the guard.
        {R"({frequency: custom, minute: 0, hour: 9, day_of_month: L, day_of_week: fri, day_match: any})",
         ScheduleMode::Hybrid, "0 9 28-31 * 5", "at 09:00 on the last day of the month or on Friday"},
    };
    for (const Expectation& e : cases) {
        const CompiledSchedule s = compiled(e.schedule);
        INFO(e.schedule);
        CHECK(s.mode == e.mode);
        CHECK(s.cron == e.cron);
        CHECK(s.description == e.description);
    }
    const CompiledSchedule any =
        compiled(R"({frequency: custom, minute: 0, hour: 9, day_of_month: "1-7", day_of_week: monday, day_match: any})");
    CHECK(std::get<CalendarRule>(any.schedule.rule).dayMatchAny);
    CHECK(any.notes == std::vector<std::string>{"day_match: any: runs when day_of_month or day_of_week matches (cron's reading)"});
    CHECK(any.warnings.empty());
    CHECK_FALSE(std::get<CalendarRule>(compiled(R"({frequency: custom, minute: 0, day_of_week: mon, day_match: any})")
                                           .schedule.rule)
                    .dayMatchAny);
}

TEST_CASE("formatRestrictedCronField never starts a restricted field with a star", "[compiler][day_match]") {
    CHECK(formatRestrictedCronField(0xAAAAAAAAULL, 1, 31) == "1-31/2");  // odd days, "*/2"
    CHECK(formatRestrictedCronField(0x55555554ULL, 1, 31) == "2-31/2");
    CHECK(formatRestrictedCronField(0x2, 1, 31) == "1");
    CHECK(formatRestrictedCronField(0x7F, 0, 6) == "*");
    CHECK(formatRestrictedCronField(0x49, 0, 6) == "0-6/3");
}

TEST_CASE("formatCronField renders the compact cron syntax", "[compiler]") {
    auto bits = [](std::initializer_list<int> values) {
        std::uint64_t b = 0;
        for (int v : values) b |= std::uint64_t{1} << v;
        return b;
    };
    CHECK(formatCronField(bits({0, 15, 30, 45}), 0, 59) == "*/15");
    CHECK(formatCronField(bits({5, 20, 35, 50}), 0, 59) == "5-59/15");
    CHECK(formatCronField(bits({1, 2, 3, 4, 5}), 0, 6) == "1-5");
    CHECK(formatCronField(bits({0, 30}), 0, 59) == "0,30");
    CHECK(formatCronField(bits({1, 2, 3, 7, 9, 10}), 1, 31) == "1-3,7,9,10");
    CHECK(formatCronField(bits({0, 1, 2, 3, 4, 5, 6}), 0, 6) == "*");
    CHECK(formatCronField(bits({3}), 0, 23) == "3");
}

TEST_CASE("the schedule's zone comes from schedule, job, defaults, then the system", "[compiler]") {
    const std::string yaml = R"(
defaults:
  timezone: Europe/Berlin
jobs:
  - name: own
    schedule: {frequency: daily, time: "06:00", timezone: Asia/Kolkata}
    scripts: [{path: run.sh}]
  - name: job-level
    timezone: America/New_York
    schedule: {frequency: daily, time: "06:00"}
    scripts: [{path: run.sh}]
  - name: inherited
    schedule: {frequency: daily, time: "06:00"}
    scripts: [{path: run.sh}]
)";
    const LoadResult result = loadYaml(yaml);
    REQUIRE(result.ok());
    CHECK(result.config->jobs[0].timezone == "Asia/Kolkata");
    CHECK(result.config->jobs[1].timezone == "America/New_York");
    CHECK(result.config->jobs[2].timezone == "Europe/Berlin");
    const LoadResult system = loadYaml(jobWithSchedule("      frequency: daily\n      time: \"06:00\"\n"), FakeHostProbe(),
                                       "Australia/Sydney");
    REQUIRE(system.ok());
    CHECK(system.config->jobs[0].timezone == "Australia/Sydney");
}
