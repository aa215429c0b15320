// Hand-checked time engine expectations around DST transitions, ordinals, short months,
// bounds and intervals. Every expected instant below was worked out by hand from the zone's
// rules (and cross-checked against `zdump -v`), never by asking the engine.

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "chief/schedule.h"
#include "chief/schedule_compiler.h"
#include "chief/schedule_spec.h"
#include "chief/time_format.h"
#include "chief/zone_rules.h"

using namespace chief;

namespace {

ZoneHandle zoneNamed(const std::string& name) {
    auto located = ZoneRules::locate(name);
    INFO("zone " << name);
    REQUIRE(located.ok());
    return located.value();
}

// "2026-03-08T07:00:00Z" or "2026-03-08T07:00Z" -> instant.
SysSeconds utc(const char* text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    const int n = std::sscanf(text, "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &s);
    INFO("utc literal " << text);
    REQUIRE(n >= 5);
    const auto day = date::sys_days{date::year{y} / date::month{static_cast<unsigned>(mo)} /
                                    date::day{static_cast<unsigned>(d)}};
    return SysSeconds{day} + std::chrono::hours{h} + Minutes{mi} + Seconds{s};
}

// "2026-03-08 02:30" -> local wall-clock time.
LocalSeconds wall(const char* text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0;
    const int n = std::sscanf(text, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi);
    INFO("local literal " << text);
    REQUIRE(n == 5);
    const auto day = LocalDays{date::year{y} / date::month{static_cast<unsigned>(mo)} /
                               date::day{static_cast<unsigned>(d)}};
    return LocalSeconds{day} + std::chrono::hours{h} + Minutes{mi};
}

LocalDays localDate(int y, unsigned m, unsigned d) { return LocalDays{date::year{y} / date::month{m} / date::day{d}}; }

std::string iso(const std::optional<FireTime>& fire) { return fire ? formatIsoUtc(fire->instant) : "none"; }
std::string iso(SysSeconds t) { return formatIsoUtc(t); }

ScheduleSpec daily(const std::string& zone, int hour, int minute) {
    ScheduleSpec spec;
    spec.frequency = Frequency::Daily;
    spec.time = {hour, minute};
    spec.zone = zoneNamed(zone);
    return spec;
}

ScheduleSpec interval(const std::string& zone, std::int64_t minutes) {
    ScheduleSpec spec;
    spec.frequency = Frequency::Interval;
    spec.everyMinutes = minutes;
    spec.every = std::to_string(minutes) + "m";
    spec.zone = zoneNamed(zone);
    return spec;
}

Schedule compiled(const ScheduleSpec& spec) { return compileSchedule(spec).schedule; }

// The next `count` fire instants after `after`, as ISO UTC strings.
std::vector<std::string> sequence(const Schedule& schedule, SysSeconds after, int count) {
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) {
        const auto fire = nextFireAfter(schedule, after);
        if (!fire) {
            out.emplace_back("none");
            break;
        }
        out.push_back(iso(fire->instant));
        after = fire->instant;
    }
    return out;
}

class RecordingObserver final : public DstObserver {
public:
    void onDstEvent(const DstEvent& event) override { events.push_back(event); }
    std::vector<DstEvent> events;
};

using V = std::vector<std::string>;

}  // namespace

// ---------------------------------------------------------------------------------------------
// America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT -> 01:00 EST (06:00Z).

TEST_CASE("New York: daily 02:30 is skipped on the spring-forward day", "[dst]") {
    const Schedule s = compiled(daily("America/New_York", 2, 30));
    CHECK(iso(nextFireAfter(s, utc("2026-03-06T12:00:00Z"))) == "2026-03-07T07:30:00Z");  // EST
    const auto fire = nextFireAfter(s, utc("2026-03-07T08:00:00Z"));
    REQUIRE(fire);
    CHECK(iso(fire->instant) == "2026-03-09T06:30:00Z");  // Mar 8 skipped; Mar 9 02:30 EDT
    CHECK(fire->local == wall("2026-03-09 02:30"));
    CHECK_FALSE(fire->ambiguous);
}

TEST_CASE("New York: daily 01:30 runs once, at the first occurrence, on the fall-back day", "[dst]") {
    const Schedule s = compiled(daily("America/New_York", 1, 30));
    const auto fire = nextFireAfter(s, utc("2026-10-31T12:00:00Z"));
    REQUIRE(fire);
    CHECK(iso(fire->instant) == "2026-11-01T05:30:00Z");  // 01:30 EDT
    CHECK(fire->local == wall("2026-11-01 01:30"));
    CHECK(fire->ambiguous);
    // The next run is the following day, not the 01:30 EST repeat at 06:30Z.
    CHECK(iso(nextFireAfter(s, fire->instant)) == "2026-11-02T06:30:00Z");
    // Asking from inside the second pass of the repeated hour does not run 01:30 again.
    CHECK(iso(nextFireAfter(s, utc("2026-11-01T06:10:00Z"))) == "2026-11-02T06:30:00Z");
    CHECK(iso(nextFireAfter(s, utc("2026-11-01T06:30:00Z"))) == "2026-11-02T06:30:00Z");
    // ...but from the first pass (01:10 EDT) it still comes.
    CHECK(iso(nextFireAfter(s, utc("2026-11-01T05:10:00Z"))) == "2026-11-01T05:30:00Z");
}

TEST_CASE("New York: hourly at :30 from inside the repeated hour skips to 02:30 EST", "[dst]") {
    ScheduleSpec spec;
    spec.frequency = Frequency::Custom;
    spec.zone = zoneNamed("America/New_York");
    spec.minute = {std::uint64_t{1} << 30, false};
    spec.hour = {(std::uint64_t{1} << 24) - 1, true};
    spec.dayOfMonthField = {((std::uint64_t{1} << 32) - 1) & ~std::uint64_t{1}, true};
    spec.monthField = {((std::uint64_t{1} << 13) - 1) & ~std::uint64_t{1}, true};
    spec.dayOfWeek = {0x7F, true};
    const Schedule s = compiled(spec);
    // 06:10Z is 01:10 EST (second pass); 01:30 already ran at 05:30Z.
    CHECK(iso(nextFireAfter(s, utc("2026-11-01T06:10:00Z"))) == "2026-11-01T07:30:00Z");
    CHECK(sequence(s, utc("2026-11-01T04:00:00Z"), 3) ==
          V{"2026-11-01T04:30:00Z", "2026-11-01T05:30:00Z", "2026-11-01T07:30:00Z"});
    // Spring: 00:30 EST, 01:30 EST, (02:30 missing), 03:30 EDT.
    CHECK(sequence(s, utc("2026-03-08T05:00:00Z"), 3) ==
          V{"2026-03-08T05:30:00Z", "2026-03-08T06:30:00Z", "2026-03-08T07:30:00Z"});
}

TEST_CASE("New York: every 15 minutes across both transitions", "[dst]") {
    const Schedule s = compiled(interval("America/New_York", 15));
    // 01:30 EST, 01:45 EST, 03:00 EDT, 03:15 EDT.
    CHECK(sequence(s, utc("2026-03-08T06:20:00Z"), 4) ==
          V{"2026-03-08T06:30:00Z", "2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z"});
    // 01:30 EDT, 01:45 EDT, then the repeated 01:00-01:45 EST do not run, then 02:00 EST.
    CHECK(sequence(s, utc("2026-11-01T05:20:00Z"), 4) ==
          V{"2026-11-01T05:30:00Z", "2026-11-01T05:45:00Z", "2026-11-01T07:00:00Z", "2026-11-01T07:15:00Z"});
}

TEST_CASE("New York: 7-minute interval keeps its 1970 grid across the gap", "[dst]") {
    // 2026-03-08 is day 20520; 20520*1440 = 1 (mod 7), so the day's grid is minute 6 (mod 7):
    // 01:51, 01:58, [02:05 .. 02:54 missing], 03:01, 03:08.
    const Schedule s = compiled(interval("America/New_York", 7));
    CHECK(sequence(s, utc("2026-03-08T06:50:00Z"), 4) ==
          V{"2026-03-08T06:51:00Z", "2026-03-08T06:58:00Z", "2026-03-08T07:01:00Z", "2026-03-08T07:08:00Z"});
}

TEST_CASE("New York: weekdays_only skips the weekend across spring-forward", "[dst]") {
    ScheduleSpec spec = daily("America/New_York", 7, 0);
    spec.weekdaysOnly = true;
    const Schedule s = compiled(spec);
    // Friday 2026-03-06 08:00 EST -> Monday 2026-03-09 07:00 EDT.
    CHECK(iso(nextFireAfter(s, utc("2026-03-06T13:00:00Z"))) == "2026-03-09T11:00:00Z");
    CHECK(iso(nextFireAfter(s, utc("2026-03-06T11:59:59Z"))) == "2026-03-06T12:00:00Z");
}

TEST_CASE("New York: last Friday of the month", "[dst]") {
    ScheduleSpec spec = daily("America/New_York", 18, 0);
    spec.frequency = Frequency::Monthly;
    spec.ordinal = Ordinal::Last;
    spec.weekdays = 1U << 5;
    const Schedule s = compiled(spec);
    CHECK(sequence(s, utc("2026-01-01T00:00:00Z"), 3) ==
          V{"2026-01-30T23:00:00Z", "2026-02-27T23:00:00Z", "2026-03-27T22:00:00Z"});
    // Oct 30 is EDT; Nov 27 is EST.
    CHECK(sequence(s, utc("2026-10-01T00:00:00Z"), 2) == V{"2026-10-30T22:00:00Z", "2026-11-27T23:00:00Z"});
}

TEST_CASE("New York: day 31 skips short months", "[dst]") {
    ScheduleSpec spec = daily("America/New_York", 10, 0);
    spec.frequency = Frequency::Monthly;
    spec.dayOfMonth = 31;
    const Schedule s = compiled(spec);
    CHECK(sequence(s, utc("2026-01-31T16:00:00Z"), 6) ==
          V{"2026-03-31T14:00:00Z", "2026-05-31T14:00:00Z", "2026-07-31T14:00:00Z", "2026-08-31T14:00:00Z",
            "2026-10-31T14:00:00Z", "2026-12-31T15:00:00Z"});
}

TEST_CASE("New York: February 29 yearly waits for leap years", "[dst]") {
    ScheduleSpec spec = daily("America/New_York", 12, 0);
    spec.frequency = Frequency::Yearly;
    spec.month = 2;
    spec.dayOfMonth = 29;
    const Schedule s = compiled(spec);
    CHECK(sequence(s, utc("2026-01-01T00:00:00Z"), 2) == V{"2028-02-29T17:00:00Z", "2032-02-29T17:00:00Z"});
}

TEST_CASE("New York: interval anchored at start skips its gap slot", "[dst]") {
    ScheduleSpec spec = interval("America/New_York", 90);
    spec.startLocal = wall("2026-03-07 10:05");
    spec.start = utc("2026-03-07T15:05:00Z");
    const Schedule s = compiled(spec);
    // start is inclusive: the first run is start itself.
    CHECK(iso(nextFireAfter(s, utc("2026-01-01T00:00:00Z"))) == "2026-03-07T15:05:00Z");
    CHECK(iso(nextFireAfter(s, utc("2026-03-07T15:04:59Z"))) == "2026-03-07T15:05:00Z");
    CHECK(iso(nextFireAfter(s, utc("2026-03-07T15:05:00Z"))) == "2026-03-07T16:35:00Z");
    // On Mar 8 the grid is 01:05, 02:35 (nonexistent), 04:05.
    CHECK(sequence(s, utc("2026-03-08T05:00:00Z"), 2) == V{"2026-03-08T06:05:00Z", "2026-03-08T08:05:00Z"});
}

TEST_CASE("New York: firesAtMinute follows skip and run-once", "[dst]") {
    const Schedule s = compiled(daily("America/New_York", 1, 30));
    CHECK(firesAtMinute(s, utc("2026-11-01T05:30:20Z")));
    CHECK_FALSE(firesAtMinute(s, utc("2026-11-01T06:30:00Z")));  // the repeat
    CHECK_FALSE(firesAtMinute(s, utc("2026-11-01T05:31:00Z")));
    CHECK(firesAtMinute(s, utc("2026-03-08T06:30:00Z")));  // 01:30 EST exists on the gap day
    const Schedule gap = compiled(daily("America/New_York", 2, 30));
    CHECK_FALSE(firesAtMinute(gap, utc("2026-03-08T07:00:00Z")));  // skipped, not moved to 03:00
    CHECK_FALSE(firesAtMinute(gap, utc("2026-03-08T07:30:00Z")));
    CHECK(firesAtMinute(gap, utc("2026-03-09T06:30:59Z")));
    CHECK_FALSE(firesAtMinute(gap, utc("2026-03-09T06:29:59Z")));
}

TEST_CASE("New York: DstObserver reports skipped and ambiguous local times", "[dst]") {
    const Schedule gap = compiled(daily("America/New_York", 2, 30));
    RecordingObserver skipped;
    CHECK(iso(nextFireAfter(gap, utc("2026-03-07T08:00:00Z"), &skipped)) == "2026-03-09T06:30:00Z");
    REQUIRE(skipped.events.size() == 1);
    CHECK(skipped.events[0].kind == DstEvent::Kind::SkippedNonexistent);
    CHECK(skipped.events[0].local == wall("2026-03-08 02:30"));
    CHECK(iso(skipped.events[0].instant) == "2026-03-08T07:00:00Z");

    const Schedule repeat = compiled(daily("America/New_York", 1, 30));
    RecordingObserver ambiguous;
    CHECK(iso(nextFireAfter(repeat, utc("2026-10-31T12:00:00Z"), &ambiguous)) == "2026-11-01T05:30:00Z");
    REQUIRE(ambiguous.events.size() == 1);
    CHECK(ambiguous.events[0].kind == DstEvent::Kind::RanOnceAmbiguous);
    CHECK(ambiguous.events[0].local == wall("2026-11-01 01:30"));
    CHECK(iso(ambiguous.events[0].instant) == "2026-11-01T05:30:00Z");
    CHECK(iso(ambiguous.events[0].secondInstant) == "2026-11-01T06:30:00Z");

    // An ordinary day reports nothing.
    RecordingObserver quiet;
    CHECK(iso(nextFireAfter(repeat, utc("2026-07-01T00:00:00Z"), &quiet)) == "2026-07-01T05:30:00Z");
    CHECK(quiet.events.empty());

    // Every 15 minutes across the gap: four skipped slots, all ending at 03:00 EDT.
    const Schedule quarter = compiled(interval("America/New_York", 15));
    RecordingObserver four;
    CHECK(iso(nextFireAfter(quarter, utc("2026-03-08T06:50:00Z"), &four)) == "2026-03-08T07:00:00Z");
    REQUIRE(four.events.size() == 4);
    const char* locals[] = {"2026-03-08 02:00", "2026-03-08 02:15", "2026-03-08 02:30", "2026-03-08 02:45"};
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(four.events[i].kind == DstEvent::Kind::SkippedNonexistent);
        CHECK(four.events[i].local == wall(locals[i]));
        CHECK(iso(four.events[i].instant) == "2026-03-08T07:00:00Z");
    }
}

// ---------------------------------------------------------------------------------------------
// Europe/Berlin: 2026-03-29 02:00 CET -> 03:00 CEST (01:00Z); 2026-10-25 03:00 CEST -> 02:00 CET (01:00Z).

TEST_CASE("Berlin: daily 02:30 across both transitions", "[dst]") {
    const Schedule s = compiled(daily("Europe/Berlin", 2, 30));
    CHECK(sequence(s, utc("2026-03-28T00:00:00Z"), 2) == V{"2026-03-28T01:30:00Z", "2026-03-30T00:30:00Z"});
    const auto fire = nextFireAfter(s, utc("2026-10-24T12:00:00Z"));
    REQUIRE(fire);
    CHECK(iso(fire->instant) == "2026-10-25T00:30:00Z");  // 02:30 CEST
    CHECK(fire->ambiguous);
    CHECK(iso(nextFireAfter(s, fire->instant)) == "2026-10-26T01:30:00Z");
    CHECK(iso(nextFireAfter(s, utc("2026-10-25T01:15:00Z"))) == "2026-10-26T01:30:00Z");  // from 02:15 CET
}

TEST_CASE("Berlin: every 15 minutes across both transitions", "[dst]") {
    const Schedule s = compiled(interval("Europe/Berlin", 15));
    CHECK(sequence(s, utc("2026-03-29T00:40:00Z"), 3) ==
          V{"2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z"});
    // 02:45 CEST, then 02:00-02:45 CET repeat, then 03:00 CET.
    CHECK(sequence(s, utc("2026-10-25T00:40:00Z"), 3) ==
          V{"2026-10-25T00:45:00Z", "2026-10-25T02:00:00Z", "2026-10-25T02:15:00Z"});
}

TEST_CASE("Berlin: second Tuesday of the month", "[dst]") {
    ScheduleSpec spec = daily("Europe/Berlin", 9, 0);
    spec.frequency = Frequency::Monthly;
    spec.ordinal = Ordinal::Second;
    spec.weekdays = 1U << 2;
    const Schedule s = compiled(spec);
    // Mar 10 (CET), Apr 14 (CEST), May 12.
    CHECK(sequence(s, utc("2026-03-01T00:00:00Z"), 3) ==
          V{"2026-03-10T08:00:00Z", "2026-04-14T07:00:00Z", "2026-05-12T07:00:00Z"});
}

TEST_CASE("Berlin: start and end are inclusive instant bounds", "[dst]") {
    ScheduleSpec spec = daily("Europe/Berlin", 9, 0);
    spec.start = utc("2026-05-10T07:00:00Z");
    spec.startLocal = wall("2026-05-10 09:00");
    spec.end = utc("2026-05-12T07:00:00Z");
    const Schedule s = compiled(spec);
    CHECK(sequence(s, utc("2026-05-01T00:00:00Z"), 4) ==
          V{"2026-05-10T07:00:00Z", "2026-05-11T07:00:00Z", "2026-05-12T07:00:00Z", "none"});
    CHECK_FALSE(nextFireAfter(s, utc("2026-05-12T07:00:00Z")));

    ScheduleSpec narrow = spec;
    narrow.start = utc("2026-05-10T07:00:01Z");
    narrow.end = utc("2026-05-12T06:59:59Z");
    CHECK(sequence(compiled(narrow), utc("2026-05-01T00:00:00Z"), 2) == V{"2026-05-11T07:00:00Z", "none"});
    CHECK(firesAtMinute(s, utc("2026-05-12T07:00:00Z")));
    CHECK_FALSE(firesAtMinute(compiled(narrow), utc("2026-05-12T07:00:00Z")));
}

TEST_CASE("Berlin: excluded dates are skipped", "[dst]") {
    ScheduleSpec spec = daily("Europe/Berlin", 9, 0);
    spec.exclude = {localDate(2026, 5, 11), localDate(2026, 5, 12)};
    const Schedule s = compiled(spec);
    CHECK(sequence(s, utc("2026-05-10T00:00:00Z"), 2) == V{"2026-05-10T07:00:00Z", "2026-05-13T07:00:00Z"});

    ScheduleSpec every6h = interval("Europe/Berlin", 360);
    every6h.exclude = {localDate(2026, 5, 11)};
    // 18:00 CEST on May 10, then the whole of May 11 (local) is skipped.
    CHECK(sequence(compiled(every6h), utc("2026-05-10T15:00:00Z"), 2) ==
          V{"2026-05-10T16:00:00Z", "2026-05-11T22:00:00Z"});
    CHECK_FALSE(firesAtMinute(compiled(every6h), utc("2026-05-11T10:00:00Z")));
}

// ---------------------------------------------------------------------------------------------
// Australia/Sydney (southern hemisphere): 2026-04-05 03:00 AEDT -> 02:00 AEST (2026-04-04T16:00Z);
// 2026-10-04 02:00 AEST -> 03:00 AEDT (2026-10-03T16:00Z).

TEST_CASE("Sydney: April fall-back runs 02:30 once, October spring-forward skips it", "[dst]") {
    const Schedule s = compiled(daily("Australia/Sydney", 2, 30));
    const auto fall = nextFireAfter(s, utc("2026-04-04T00:00:00Z"));
    REQUIRE(fall);
    CHECK(iso(fall->instant) == "2026-04-04T15:30:00Z");  // 02:30 AEDT
    CHECK(fall->ambiguous);
    CHECK(fall->local == wall("2026-04-05 02:30"));
    CHECK(iso(nextFireAfter(s, fall->instant)) == "2026-04-05T16:30:00Z");
    CHECK(iso(nextFireAfter(s, utc("2026-04-04T16:45:00Z"))) == "2026-04-05T16:30:00Z");  // from 02:45 AEST
    CHECK(sequence(s, utc("2026-10-03T00:00:00Z"), 1) == V{"2026-10-04T15:30:00Z"});  // Oct 5 02:30 AEDT
}

TEST_CASE("Sydney: every 15 minutes across both transitions", "[dst]") {
    const Schedule s = compiled(interval("Australia/Sydney", 15));
    CHECK(sequence(s, utc("2026-10-03T15:40:00Z"), 3) ==
          V{"2026-10-03T15:45:00Z", "2026-10-03T16:00:00Z", "2026-10-03T16:15:00Z"});
    CHECK(sequence(s, utc("2026-04-04T15:40:00Z"), 3) ==
          V{"2026-04-04T15:45:00Z", "2026-04-04T17:00:00Z", "2026-04-04T17:15:00Z"});
}

TEST_CASE("Sydney: excluded local date differs from the UTC date", "[dst]") {
    ScheduleSpec spec = daily("Australia/Sydney", 8, 0);
    spec.exclude = {localDate(2026, 6, 2)};
    // Jun 2 08:00 AEST would be 2026-06-01T22:00Z; it is skipped for Jun 3.
    CHECK(iso(nextFireAfter(compiled(spec), utc("2026-06-01T00:00:00Z"))) == "2026-06-02T22:00:00Z");
}

// ---------------------------------------------------------------------------------------------
// Australia/Lord_Howe: 30-minute DST. 2026-04-05 02:00 (+11) -> 01:30 (+10:30) at 2026-04-04T15:00Z;
// 2026-10-04 02:00 (+10:30) -> 02:30 (+11) at 2026-10-03T15:30Z.

TEST_CASE("Lord Howe: half-hour gap and half-hour repeat", "[dst]") {
    const Schedule at0215 = compiled(daily("Australia/Lord_Howe", 2, 15));
    RecordingObserver skipped;
    CHECK(iso(nextFireAfter(at0215, utc("2026-10-03T00:00:00Z"), &skipped)) == "2026-10-04T15:15:00Z");
    REQUIRE(skipped.events.size() == 1);
    CHECK(skipped.events[0].kind == DstEvent::Kind::SkippedNonexistent);
    CHECK(skipped.events[0].local == wall("2026-10-04 02:15"));
    CHECK(iso(skipped.events[0].instant) == "2026-10-03T15:30:00Z");

    // 02:30 is just past the gap and runs.
    CHECK(iso(nextFireAfter(compiled(daily("Australia/Lord_Howe", 2, 30)), utc("2026-10-03T00:00:00Z"))) ==
          "2026-10-03T15:30:00Z");

    const Schedule at0145 = compiled(daily("Australia/Lord_Howe", 1, 45));
    RecordingObserver ambiguous;
    const auto fire = nextFireAfter(at0145, utc("2026-04-04T00:00:00Z"), &ambiguous);
    REQUIRE(fire);
    CHECK(iso(fire->instant) == "2026-04-04T14:45:00Z");
    CHECK(fire->ambiguous);
    REQUIRE(ambiguous.events.size() == 1);
    CHECK(ambiguous.events[0].kind == DstEvent::Kind::RanOnceAmbiguous);
    CHECK(ambiguous.events[0].local == wall("2026-04-05 01:45"));
    CHECK(iso(ambiguous.events[0].secondInstant) == "2026-04-04T15:15:00Z");
    CHECK(iso(nextFireAfter(at0145, fire->instant)) == "2026-04-05T15:15:00Z");
    // 01:30 on the fall-back day is the first local time of the repeat, and runs at +11.
    CHECK(iso(nextFireAfter(compiled(daily("Australia/Lord_Howe", 1, 30)), utc("2026-04-04T00:00:00Z"))) ==
          "2026-04-04T14:30:00Z");
}

TEST_CASE("Lord Howe: every 15 minutes across both transitions", "[dst]") {
    const Schedule s = compiled(interval("Australia/Lord_Howe", 15));
    // 01:45 (+10:30), [02:00, 02:15 missing], 02:30 (+11), 02:45.
    CHECK(sequence(s, utc("2026-10-03T15:10:00Z"), 3) ==
          V{"2026-10-03T15:15:00Z", "2026-10-03T15:30:00Z", "2026-10-03T15:45:00Z"});
    // 01:45 (+11), [01:30, 01:45 repeat at +10:30], 02:00 (+10:30), 02:15.
    CHECK(sequence(s, utc("2026-04-04T14:40:00Z"), 3) ==
          V{"2026-04-04T14:45:00Z", "2026-04-04T15:30:00Z", "2026-04-04T15:45:00Z"});
}

// ---------------------------------------------------------------------------------------------
// Asia/Kolkata: +05:30 all year, no DST.

TEST_CASE("Kolkata: hourly intervals land on local :00, i.e. UTC :30", "[dst]") {
    CHECK(sequence(compiled(interval("Asia/Kolkata", 60)), utc("2026-06-01T00:00:00Z"), 3) ==
          V{"2026-06-01T00:30:00Z", "2026-06-01T01:30:00Z", "2026-06-01T02:30:00Z"});
    // 2h: local 06:00, 08:00 -> 00:30Z, 02:30Z.
    CHECK(sequence(compiled(interval("Asia/Kolkata", 120)), utc("2026-06-01T00:00:00Z"), 2) ==
          V{"2026-06-01T00:30:00Z", "2026-06-01T02:30:00Z"});
    // 90m divides the day: local 04:30, 06:00, 07:30.
    CHECK(sequence(compiled(interval("Asia/Kolkata", 90)), utc("2026-05-31T22:00:00Z"), 3) ==
          V{"2026-05-31T23:00:00Z", "2026-06-01T00:30:00Z", "2026-06-01T02:00:00Z"});
    ScheduleSpec hourly;
    hourly.frequency = Frequency::Custom;
    hourly.zone = zoneNamed("Asia/Kolkata");
    hourly.minute = {1, false};
    hourly.hour = {(std::uint64_t{1} << 24) - 1, true};
    hourly.dayOfMonthField = {((std::uint64_t{1} << 32) - 1) & ~std::uint64_t{1}, true};
    hourly.monthField = {((std::uint64_t{1} << 13) - 1) & ~std::uint64_t{1}, true};
    hourly.dayOfWeek = {0x7F, true};
    CHECK(sequence(compiled(hourly), utc("2026-06-01T00:30:00Z"), 2) == V{"2026-06-01T01:30:00Z", "2026-06-01T02:30:00Z"});
}

TEST_CASE("Kolkata: a 7-minute interval continues across midnight from the 1970 grid", "[dst]") {
    // 2026-03-08 grid: minute = 6 (mod 7); last slot 23:54 (1434), next day 00:01 (1441 = 1434 + 7).
    CHECK(sequence(compiled(interval("Asia/Kolkata", 7)), utc("2026-03-08T18:20:00Z"), 3) ==
          V{"2026-03-08T18:24:00Z", "2026-03-08T18:31:00Z", "2026-03-08T18:38:00Z"});
}

TEST_CASE("UTC: a 100-minute interval continues across midnight from the 1970 grid", "[dst]") {
    // 2026-01-01 is day 20454; 20454*1440 = 60 (mod 100): slots 00:40, ..., 22:20, then 00:00, 01:40.
    CHECK(sequence(compiled(interval("Etc/UTC", 100)), utc("2026-01-01T22:00:00Z"), 3) ==
          V{"2026-01-01T22:20:00Z", "2026-01-02T00:00:00Z", "2026-01-02T01:40:00Z"});
    CHECK(sequence(compiled(interval("Etc/UTC", 100)), utc("2026-01-01T00:00:00Z"), 2) ==
          V{"2026-01-01T00:40:00Z", "2026-01-01T02:20:00Z"});
}

// ---------------------------------------------------------------------------------------------
// Beyond the TZif files' last explicit transition (2037): the footer rule must apply.

TEST_CASE("2040: DST is still right beyond the last explicit transition", "[dst]") {
    // New York 2040: spring 2040-03-11, fall 2040-11-04.
    const Schedule noon = compiled(daily("America/New_York", 12, 0));
    CHECK(iso(nextFireAfter(noon, utc("2040-01-15T00:00:00Z"))) == "2040-01-15T17:00:00Z");  // EST
    CHECK(iso(nextFireAfter(noon, utc("2040-07-01T00:00:00Z"))) == "2040-07-01T16:00:00Z");  // EDT
    CHECK(firesAtMinute(noon, utc("2040-07-01T16:00:00Z")));
    CHECK_FALSE(firesAtMinute(noon, utc("2040-07-01T17:00:00Z")));

    const Schedule gap = compiled(daily("America/New_York", 2, 30));
    RecordingObserver skipped;
    CHECK(iso(nextFireAfter(gap, utc("2040-03-10T12:00:00Z"), &skipped)) == "2040-03-12T06:30:00Z");
    REQUIRE(skipped.events.size() == 1);
    CHECK(skipped.events[0].local == wall("2040-03-11 02:30"));
    CHECK(iso(skipped.events[0].instant) == "2040-03-11T07:00:00Z");

    const Schedule repeat = compiled(daily("America/New_York", 1, 30));
    const auto fire = nextFireAfter(repeat, utc("2040-11-03T12:00:00Z"));
    REQUIRE(fire);
    CHECK(iso(fire->instant) == "2040-11-04T05:30:00Z");
    CHECK(fire->ambiguous);
    CHECK(iso(nextFireAfter(repeat, fire->instant)) == "2040-11-05T06:30:00Z");

    // Sydney 2040: fall-back 2040-04-01, spring-forward 2040-10-07.
    const Schedule syd = compiled(daily("Australia/Sydney", 2, 30));
    const auto sydFall = nextFireAfter(syd, utc("2040-03-31T00:00:00Z"));
    REQUIRE(sydFall);
    CHECK(iso(sydFall->instant) == "2040-03-31T15:30:00Z");
    CHECK(sydFall->ambiguous);
    CHECK(iso(nextFireAfter(syd, utc("2040-10-06T00:00:00Z"))) == "2040-10-07T15:30:00Z");  // Oct 7 skipped
    CHECK(sequence(compiled(interval("Australia/Sydney", 30)), utc("2040-10-06T15:20:00Z"), 3) ==
          V{"2040-10-06T15:30:00Z", "2040-10-06T16:00:00Z", "2040-10-06T16:30:00Z"});
}

TEST_CASE("New York: the last explicit transition (2037) and the first footer one (2038)", "[dst]") {
    // 2037-11-01 is the TZif file's last transition; 2038-03-14 (second Sunday) and 2038-11-07
    // (first Sunday) come from the footer rule only.
    const Schedule repeat = compiled(daily("America/New_York", 1, 30));
    const auto fall2037 = nextFireAfter(repeat, utc("2037-10-31T12:00:00Z"));
    REQUIRE(fall2037);
    CHECK(iso(fall2037->instant) == "2037-11-01T05:30:00Z");
    CHECK(fall2037->ambiguous);
    CHECK(iso(nextFireAfter(repeat, fall2037->instant)) == "2037-11-02T06:30:00Z");
    CHECK(iso(nextFireAfter(compiled(daily("America/New_York", 2, 30)), utc("2038-03-13T12:00:00Z"))) ==
          "2038-03-15T06:30:00Z");
    const auto fall2038 = nextFireAfter(repeat, utc("2038-11-06T12:00:00Z"));
    REQUIRE(fall2038);
    CHECK(iso(fall2038->instant) == "2038-11-07T05:30:00Z");
    CHECK(fall2038->ambiguous);
}

TEST_CASE("Nuuk: DST at local midnight, also beyond 2037 (footer with a negative rule time)", "[dst]") {
    // America/Nuuk: -02 standard, -01 summer; footer "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", i.e. the
    // change happens at 01:00Z on the last Sunday of March and of October: local Saturday 23:00
    // jumps to Sunday 00:00, and Sunday 00:00 falls back to Saturday 23:00.
    const Schedule s = compiled(daily("America/Nuuk", 23, 30));
    // 2026 (explicit transitions): gap on Saturday 2026-03-28, repeat on Saturday 2026-10-24.
    CHECK(sequence(s, utc("2026-03-27T12:00:00Z"), 2) == V{"2026-03-28T01:30:00Z", "2026-03-30T00:30:00Z"});
    const auto fall2026 = nextFireAfter(s, utc("2026-10-24T12:00:00Z"));
    REQUIRE(fall2026);
    CHECK(iso(fall2026->instant) == "2026-10-25T00:30:00Z");
    CHECK(fall2026->ambiguous);
    CHECK(iso(nextFireAfter(s, fall2026->instant)) == "2026-10-26T01:30:00Z");
    // 2040 (footer only): last Sundays are March 25 and October 28.
    CHECK(iso(nextFireAfter(s, utc("2040-01-10T12:00:00Z"))) == "2040-01-11T01:30:00Z");  // -02
    CHECK(iso(nextFireAfter(s, utc("2040-07-10T12:00:00Z"))) == "2040-07-11T00:30:00Z");  // -01
    RecordingObserver skipped;
    CHECK(iso(nextFireAfter(s, utc("2040-03-24T12:00:00Z"), &skipped)) == "2040-03-26T00:30:00Z");
    REQUIRE(skipped.events.size() == 1);
    CHECK(skipped.events[0].local == wall("2040-03-24 23:30"));
    CHECK(iso(skipped.events[0].instant) == "2040-03-25T01:00:00Z");
    const auto fall2040 = nextFireAfter(s, utc("2040-10-27T12:00:00Z"));
    REQUIRE(fall2040);
    CHECK(iso(fall2040->instant) == "2040-10-28T00:30:00Z");
    CHECK(fall2040->ambiguous);
    CHECK(iso(nextFireAfter(s, fall2040->instant)) == "2040-10-29T01:30:00Z");
    CHECK(firesAtMinute(s, utc("2040-07-11T00:30:00Z")));
    CHECK_FALSE(firesAtMinute(s, utc("2040-07-11T01:30:00Z")));
}

// Europe/Berlin: 2027-10-31 (the last day of October, a Sunday) 03:00 CEST -> 02:00 CET (01:00Z);
// 2030-03-31 (the last day of March, a Sunday) 02:00 CET -> 03:00 CEST (01:00Z).
TEST_CASE("Berlin: the last day of the month at 02:30 on a fall-back and a spring-forward last day", "[dst][last]") {
    ScheduleSpec spec = daily("Europe/Berlin", 2, 30);
    spec.frequency = Frequency::Monthly;
    spec.lastDayOfMonth = true;
    const Schedule s = compiled(spec);
    // October 31, 2027 02:30 occurs twice: it runs once, at the first (CEST) occurrence.
    const auto fold = nextFireAfter(s, utc("2027-10-15T00:00:00Z"));
    REQUIRE(fold);
    CHECK(iso(fold->instant) == "2027-10-31T00:30:00Z");
    CHECK(fold->ambiguous);
    CHECK(sequence(s, fold->instant, 2) == V{"2027-11-30T01:30:00Z", "2027-12-31T01:30:00Z"});
    // March 31, 2030 02:30 does not exist: skipped, next on April 30 (CEST).
    CHECK(sequence(s, utc("2030-02-27T00:00:00Z"), 2) == V{"2030-02-28T01:30:00Z", "2030-04-30T00:30:00Z"});
}

TEST_CASE("New York: L with a weekday under day_match any and all", "[dst][last][day_match]") {
    // Last day of the month or a Sunday (any), at 02:30: the Sunday 2027-03-14 02:30 does not exist.
    ScheduleSpec spec;
    spec.frequency = Frequency::Custom;
    spec.zone = zoneNamed("America/New_York");
    spec.minute = {std::uint64_t{1} << 30, false};
    spec.hour = {std::uint64_t{1} << 2, false};
    spec.dayOfMonthField = {kLastDayOfMonthBit, false};
    spec.monthField = {((std::uint64_t{1} << 13) - 1) & ~std::uint64_t{1}, true};
    spec.dayOfWeek = {0x01, false};
    spec.dayMatch = DayMatch::Any;
    // Sundays Mar 7 (07:30Z, EST), Mar 14 skipped, Mar 21, Mar 28 (EDT), Wed Mar 31 (last day), Apr 4.
    CHECK(sequence(compiled(spec), utc("2027-03-06T12:00:00Z"), 5) ==
          V{"2027-03-07T07:30:00Z", "2027-03-21T06:30:00Z", "2027-03-28T06:30:00Z", "2027-03-31T06:30:00Z",
            "2027-04-04T06:30:00Z"});
    // all: the last day of the month when it is a Sunday: 2027-10-31, then 2028-04-30.
    spec.dayMatch = DayMatch::All;
    CHECK(sequence(compiled(spec), utc("2027-03-06T12:00:00Z"), 2) == V{"2027-10-31T06:30:00Z", "2028-04-30T06:30:00Z"});
}
