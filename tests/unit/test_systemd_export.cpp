// The systemd export: OnCalendar= lines for every schedule form, the .timer and .service texts
// for both runners, quoting, and the --check-due decision. (That systemd itself reads the lines
// as Chief does is checked against systemd-analyze in tests/integration/test_systemd_export_tools.cpp.)
#include <catch2/catch.hpp>

#include "chief/systemd_exporter.h"
#include "chief/time_format.h"
#include "config_fixture.h"

using namespace chief;
using namespace chief::testing;

namespace {

Config configOf(const std::string& yaml, const FakeHostProbe& files = FakeHostProbe()) {
    const LoadResult result = loadYaml(yaml, files);
    INFO((result.diagnostics.empty() ? std::string() : formatDiagnostic(result.diagnostics.front())));
    REQUIRE(result.ok());
    return *result.config;
}

// The calendar of one job with this flow-style schedule.
SystemdCalendar calendarOf(const std::string& schedule) {
    const Config config =
        configOf("jobs:\n  - name: j\n    schedule: " + schedule + "\n    scripts: [{path: run.sh}]\n");
    return systemdCalendarFor(config.jobs[0].schedule, config.jobs[0].timezone);
}

SysSeconds at(const char* iso) {
    auto parsed = parseDateTime(iso);
    REQUIRE(parsed);
    REQUIRE(parsed.value().offset);
    return SysSeconds{parsed.value().local.time_since_epoch() - *parsed.value().offset};
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("every schedule form becomes OnCalendar= lines", "[systemd]") {
    struct Case {
        const char* schedule;
        V lines;
        bool exact;
    };
    const Case cases[] = {
        {R"({frequency: daily, time: "06:00", timezone: America/New_York})", {"*-*-* 06:00:00 America/New_York"}, true},
        {R"({frequency: daily, time: "14:30", weekdays_only: true})", {"Mon..Fri *-*-* 14:30:00 UTC"}, true},
        {R"({frequency: weekly, day: "monday,wednesday,friday", time: "09:00"})", {"Mon,Wed,Fri *-*-* 09:00:00 UTC"}, true},
        {R"({frequency: weekly, day: friday-monday, time: "23:59"})", {"Mon,Fri..Sun *-*-* 23:59:00 UTC"}, true},
        {R"({frequency: monthly, day_of_month: 15, time: "08:00"})", {"*-*-15 08:00:00 UTC"}, true},
        {R"({frequency: monthly, day_of_month: last, time: "08:00"})", {"*-*~01 08:00:00 UTC"}, true},
        {R"({frequency: monthly, ordinal: first, day: monday, time: "07:00"})", {"Mon *-*-01..07 07:00:00 UTC"}, true},
        {R"({frequency: monthly, ordinal: fourth, day: sunday, time: "07:00"})", {"Sun *-*-22..28 07:00:00 UTC"}, true},
        {R"({frequency: monthly, ordinal: last, day: friday, time: "18:00"})", {"Fri *-*~07/1 18:00:00 UTC"}, true},
        {R"({frequency: yearly, month: july, day_of_month: 4, time: "12:00"})", {"*-07-04 12:00:00 UTC"}, true},
        {R"({frequency: yearly, month: february, day_of_month: last, time: "00:00"})", {"*-02~01 00:00:00 UTC"}, true},
        {R"({frequency: interval, every: 15m})", {"*-*-* *:00/15:00 UTC"}, true},
        {R"({frequency: interval, every: 90m})", {"*-*-* 00/3:00:00 UTC", "*-*-* 01/3:30:00 UTC"}, true},
                // start is a bound, so it is guarded too (no run before it).
        {R"({frequency: interval, every: 2h, start: "2026-01-01T01:30"})", {"*-*-* 01/2:30:00 UTC"}, false},
        {R"({frequency: interval, every: 1d})", {"*-*-* 00:00:00 UTC"}, true},
        // Not dividing a day: the smallest daily superset, guarded.
        {R"({frequency: interval, every: 7m})", {"*-*-* *:*:00 UTC"}, false},
        {R"({frequency: interval, every: 25h})", {"*-*-* *:00:00 UTC"}, false},
        {R"({frequency: interval, every: 2d, start: "2026-01-01T06:45"})", {"*-*-* 06:45:00 UTC"}, false},
        {R"({frequency: custom, minute: "*/10", hour: 9-17, day_of_week: mon-fri})",
         {"Mon..Fri *-*-* 09..17:00/10:00 UTC"}, true},
        {R"({frequency: custom, minute: [0, 30], hour: [6, 18], month: "jan-mar,oct"})",
         {"*-01..03,10-* 06,18:00,30:00 UTC"}, true},
        {R"({frequency: custom, minute: 0, hour: 9, day_of_month: 1-7, day_of_week: mon, day_match: all})",
         {"Mon *-*-01..07 09:00:00 UTC"}, true},
        {R"({frequency: custom, minute: 0, hour: 9, day_of_month: 1-7, day_of_week: mon, day_match: any})",
         {"*-*-01..07 09:00:00 UTC", "Mon *-*-* 09:00:00 UTC"}, true},
        {R"({frequency: custom, minute: 0, hour: 9, day_of_month: "1,L", day_of_week: mon, day_match: any})",
         {"*-*-01 09:00:00 UTC", "*-*~01 09:00:00 UTC", "Mon *-*-* 09:00:00 UTC"}, true},
        {R"({frequency: custom, minute: 0, hour: 9, day_of_month: "15,L"})", {"*-*-15 09:00:00 UTC", "*-*~01 09:00:00 UTC"}, true},
        // Bounds and exclusions are the guard's.
        {R"({frequency: daily, time: "06:00", exclude: [2026-12-25]})", {"*-*-* 06:00:00 UTC"}, false},
        {R"({frequency: daily, time: "06:00", start: "2026-01-01", end: "2027-01-01"})", {"*-*-* 06:00:00 UTC"}, false},
    };
    for (const Case& c : cases) {
        INFO(c.schedule);
        const SystemdCalendar calendar = calendarOf(c.schedule);
        CHECK(calendar.onCalendar == c.lines);
        CHECK(calendar.exact == c.exact);
        CHECK(calendar.guardReason.empty() == c.exact);
    }
    CHECK(calendarOf(R"({frequency: interval, every: 7m})").guardReason ==
          "every 7 minutes continues across midnight from its anchor, which no calendar expression repeats: the timer "
          "elapses every 1 minute on the grid's phase and --check-due keeps the grid's own times");
    CHECK(calendarOf(R"({frequency: daily, time: "06:00", exclude: [2026-12-25], end: "2027-01-01"})").guardReason ==
          "the calendar cannot say the schedule's end bound and excluded dates");
}

TEST_CASE("the chiefd runner: a timer and a service that runs chiefd --once", "[systemd]") {
    const Config config = configOf(R"(jobs:
  - name: backup
    description: Nightly backup
    working_dir: /srv/backup
    user: nobody
    overlap: skip
    schedule: {frequency: daily, time: "06:00", timezone: America/New_York}
    scripts: [{path: dump.sh, timeout: 600}]
)");
    SystemdExportOptions options;
    options.chiefdPath = "/usr/sbin/chiefd";
    const SystemdJobExport e = exportSystemdJob(config, config.jobs[0], options);
    CHECK(e.timerUnit == "chief-backup.timer");
    CHECK(e.serviceUnit == "chief-backup.service");
    CHECK_FALSE(e.guarded);
    REQUIRE(e.files.size() == 2);
    CHECK(e.files[0].name == "chief-backup.timer");
    CHECK(e.files[0].content == R"(# Chief job "backup" from /etc/chief/chief.yaml: every day at 06:00 [pure_cron]
# Written by Chief's systemd export; chiefctl export-systemd writes it again from the config.

[Unit]
Description=Timer of Chief job backup (every day at 06:00)
Documentation=man:chief.yaml(5)

[Timer]
OnCalendar=*-*-* 06:00:00 America/New_York
# Elapse at the calendar time itself (the default accuracy is a minute), so the trigger time
# is in the minute chiefd would run the job.
AccuracySec=1s
# chiefd does not catch up on runs missed while it (or the machine) was down; neither does this.
Persistent=false
Unit=chief-backup.service

[Install]
WantedBy=timers.target
)");
    CHECK(e.files[1].name == "chief-backup.service");
    CHECK(e.files[1].content == R"(# Chief job "backup" from /etc/chief/chief.yaml, run by chiefd --once.
# overlap: skip. systemd does the same: a timer that elapses while the service still runs leaves it running and starts nothing.
# chiefd --once applies the job's working directory /srv/backup, user nobody, environment, per-script timeouts and stop_on_failure itself, exactly as chiefd does.

[Unit]
Description=Chief job backup: Nightly backup
Documentation=man:chief.yaml(5)

[Service]
Type=oneshot
ExecStart=/usr/sbin/chiefd --once --config /etc/chief/chief.yaml --job backup
# chiefd ends each script at its own timeout.
TimeoutStartSec=infinity
)");
}

TEST_CASE("a guarded schedule gets ExecCondition=chiefd --check-due", "[systemd]") {
    const Config config = configOf(R"(jobs:
  - name: rolling
    overlap: queue
    schedule: {frequency: interval, every: 7m}
    scripts: [{path: run.sh}]
)");
    const SystemdJobExport e = exportSystemdJob(config, config.jobs[0], SystemdExportOptions{});
    CHECK(e.guarded);
    CHECK(e.files[1].content.find("\nExecCondition=/usr/sbin/chiefd --check-due --config /etc/chief/chief.yaml --job rolling\n"
                                  "ExecStart=/usr/sbin/chiefd --once --config /etc/chief/chief.yaml --job rolling\n") !=
          std::string::npos);
    CHECK(e.files[0].content.find("# guarded: every 7 minutes continues across midnight") != std::string::npos);
    CHECK(e.notes.front().starts_with("guarded: "));
    CHECK(std::find(e.notes.begin(), e.notes.end(),
                    "overlap: queue differs: systemd keeps no pending run; a timer that elapses while the service still "
                    "runs starts nothing, as skip would.") != e.notes.end());
}

TEST_CASE("the native runner: ordered ExecStart= lines, one deadline, environment only when asked", "[systemd]") {
    const std::string yaml = R"(jobs:
  - name: etl
    working_dir: /srv/etl
    user: chief
    group: chief
    stop_on_failure: true
    kill_grace_seconds: 5
    environment: {API_TOKEN: "s3cr$t %x", MODE: "a \"b\""}
    schedule: {frequency: weekly, day: monday, time: "02:00"}
    scripts:
      - {path: extract.py, args: ["--since", "1 day", "50%", "$HOME"], timeout: 1800}
      - {path: /opt/load.bin, timeout: 600}
)";
    FakeHostProbe files;
    files.set("/srv/etl/extract.py", FakeHostProbe::Kind::File);  // not executable: run with python3
    const Config config = configOf(yaml, files);
    SystemdExportOptions options;
    options.runner = SystemdRunner::Native;
    const SystemdJobExport e = exportSystemdJob(config, config.jobs[0], options);
    const std::string& service = e.files[1].content;
    CHECK(service.find(R"([Service]
Type=oneshot
WorkingDirectory=/srv/etl
User=chief
Group=chief
ExecStart=python3 /srv/etl/extract.py --since "1 day" 50%% $$HOME
ExecStart=/opt/load.bin
TimeoutStartSec=2400s
TimeoutStopSec=5s
)") != std::string::npos);
    CHECK(service.find("Environment=") == std::string::npos);
    CHECK(service.find("# environment not written (values may be secrets; export with --include-environment): API_TOKEN, "
                       "MODE.\n") != std::string::npos);
    CHECK(service.find("# native runner: one deadline for the whole run (TimeoutStartSec=2400s") != std::string::npos);
    CHECK(service.find("# python3 is looked up in systemd's own PATH") != std::string::npos);

    options.includeEnvironment = true;
    const std::string withEnv = exportSystemdJob(config, config.jobs[0], options).files[1].content;
    CHECK(withEnv.find("Environment=\"API_TOKEN=s3cr$t %%x\"\nEnvironment=\"MODE=a \\\"b\\\"\"\n") != std::string::npos);
}

TEST_CASE("stop_on_failure: false marks each native ExecStart= with '-' and says what differs", "[systemd]") {
    const Config config = configOf(R"(jobs:
  - name: sweep
    stop_on_failure: false
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: a.sh}, {path: b.sh}]
)");
    SystemdExportOptions options;
    options.runner = SystemdRunner::Native;
    const std::string service = exportSystemdJob(config, config.jobs[0], options).files[1].content;
    CHECK(service.find("ExecStart=-/etc/chief/a.sh\nExecStart=-/etc/chief/b.sh\n") != std::string::npos);
    CHECK(service.find("the unit then succeeds even when a script failed") != std::string::npos);
}

TEST_CASE("a disabled job's timer has no Install section", "[systemd]") {
    const Config config = configOf(R"(jobs:
  - name: off
    enabled: false
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: a.sh}]
)");
    const SystemdJobExport e = exportSystemdJob(config, config.jobs[0], SystemdExportOptions{});
    CHECK(e.files[0].content.find("\n[Install]\n") == std::string::npos);
    CHECK(e.files[0].content.find("# disabled in the config: no [Install] section") != std::string::npos);
}

TEST_CASE("exportSystemd exports every job, or the selected ones, in order", "[systemd]") {
    const Config config = configOf(R"(jobs:
  - name: a
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: a.sh}]
  - name: b@host
    schedule: {frequency: daily, time: "04:00"}
    scripts: [{path: a.sh}]
)");
    const auto all = exportSystemd(config, {}, SystemdExportOptions{});
    REQUIRE(all.size() == 2);
    CHECK(all[1].timerUnit == "chief-b\\x40host.timer");
    const auto one = exportSystemd(config, {&config.jobs[1]}, SystemdExportOptions{});
    REQUIRE(one.size() == 1);
    CHECK(one[0].job == "b@host");
}

TEST_CASE("quoteSystemdWord keeps words intact through systemd's command-line parsing", "[systemd]") {
    CHECK(quoteSystemdWord("/usr/bin/python3") == "/usr/bin/python3");
    CHECK(quoteSystemdWord("a b") == "\"a b\"");
    CHECK(quoteSystemdWord("") == "\"\"");
    CHECK(quoteSystemdWord("100%") == "100%%");
    CHECK(quoteSystemdWord("$PATH") == "$$PATH");
    CHECK(quoteSystemdWord("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"");
    CHECK(quoteSystemdWord("line\nbreak") == "\"line\\x0abreak\"");
    CHECK(quoteSystemdWord(";") == "\\;");
    CHECK(quoteSystemdWord("it's") == "\"it's\"");
}

TEST_CASE("isFireTime and checkDue decide what chiefd --check-due answers", "[systemd][check-due]") {
    const Config config = configOf(R"(jobs:
  - name: month-end
    schedule: {frequency: monthly, day_of_month: last, time: "23:00", timezone: Europe/Berlin}
    scripts: [{path: a.sh}]
  - name: off
    enabled: false
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: a.sh}]
)");
    const Job& job = config.jobs[0];
    CHECK(isFireTime(job.schedule, at("2027-02-28T22:00:00Z")));      // 23:00 CET on the last day
    CHECK(isFireTime(job.schedule, at("2027-02-28T22:00:59Z")));      // any second of that minute
    CHECK_FALSE(isFireTime(job.schedule, at("2027-02-28T22:01:00Z")));
    CHECK_FALSE(isFireTime(job.schedule, at("2027-02-27T22:00:00Z")));  // the 27th: cron's 28-31 line would fire on 28-31 only
    CHECK_FALSE(isFireTime(job.schedule, at("2028-02-28T22:00:00Z")));  // 2028 is a leap year
    CHECK(isFireTime(job.schedule, at("2028-02-29T22:00:00Z")));

    // $TRIGGER_TIMER_REALTIME_USEC for 2027-02-28T22:00:00.250000Z.
    const CheckDueVerdict due = checkDue(job, std::string_view("1803852000250000"));
    CHECK(due.exitCode == 0);
    CHECK(due.message == "job \"month-end\" is due at 2027-02-28T23:00:00+01:00");
    const CheckDueVerdict notDue = checkDue(job, std::string_view("1803765600000000"));  // 2027-02-27T22:00Z
    CHECK(notDue.exitCode == 1);
    CHECK(notDue.message ==
          "job \"month-end\" is not due at 2027-02-27T23:00:00+01:00 (only on the last day of the month); not running it");
    const CheckDueVerdict byHand = checkDue(job, std::nullopt);
    CHECK(byHand.exitCode == 0);
    CHECK(byHand.message.find("started by hand") != std::string::npos);
    const CheckDueVerdict bad = checkDue(job, std::string_view("12abc"));
    CHECK(bad.exitCode == 255);
    CHECK(bad.message == "TRIGGER_TIMER_REALTIME_USEC=\"12abc\" is not a time in microseconds since the epoch");
    CHECK(checkDue(job, std::string_view("")).exitCode == 255);
    CHECK(checkDue(config.jobs[1], std::string_view("1803852000250000")).exitCode == 1);
}

TEST_CASE("a line break in the config path cannot add a directive", "[systemd]") {
    Config config = configOf("jobs:\n  - name: a\n    schedule: {frequency: daily, time: \"03:00\"}\n    scripts: [{path: a.sh}]\n");
    config.sourcePath = "/etc/chief/x\nExecStartPre=/bin/evil.yaml";
    for (const ExportedFile& file : exportSystemdJob(config, config.jobs[0], SystemdExportOptions{}).files) {
        INFO(file.content);
        CHECK(file.content.find("\nExecStartPre=") == std::string::npos);
    }
}
