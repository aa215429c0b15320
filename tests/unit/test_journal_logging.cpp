// chiefd's logging: journal entries for log lines, run events and script output, checked field
// by field through a fake journal writer; log target selection; console formatting.
#include <algorithm>
#include <catch2/catch.hpp>

#include <cerrno>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "chief/service/console_logger.h"
#include "chief/service/fallback_journal_writer.h"
#include "chief/service/journal_logger.h"
#include "chief/service/log_target.h"
#include "logging/log_text.h"
#include "logging/message_ids.h"
#include "logging/run_event_journal.h"
#include "logging/script_output_sinks.h"
#include "fake_journal_writer.h"

using namespace chief;
using namespace chief::daemon;
using chief::testing::FakeJournalWriter;
using Items = std::vector<std::string>;
using std::chrono::milliseconds;

namespace {

// 2026-11-27T21:00:00Z, the fire time used throughout.
const SysSeconds kFireTime = date::sys_days{date::year{2026} / 11 / 27} + std::chrono::hours{21};
const SysMillis kFireTimeMs{kFireTime};
const RunId kRunId = "20261127T210000.123Z-0001";
const std::string kScriptA = "/etc/chief/scripts/a.sh";
const std::string kScriptB = "/etc/chief/scripts/b.sh";

// The one journal entry chiefd writes for `event`.
Items journalEntryFor(const RunEvent& event) {
    FakeJournalWriter writer;
    service::JournalLogger logger(writer);
    RunEventJournal journal(logger);
    RunEventBus bus;
    journal.subscribeTo(bus);
    bus.publish(event);
    REQUIRE(writer.entries.size() == 1);
    return writer.entries[0];
}

ScriptRecord script(const std::string& path, ScriptOutcome outcome, milliseconds startOffset, milliseconds duration) {
    ScriptRecord record;
    record.path = path;
    record.outcome = std::move(outcome);
    record.startedAt = kFireTimeMs + startOffset;
    record.endedAt = kFireTimeMs + startOffset + duration;
    record.pid = 4242;
    return record;
}

ScriptOutcome exited(int code) { return ScriptOutcome{ScriptOutcome::Status::Exited, code, 0, {}}; }

ScriptFinished scriptFinished(ScriptOutcome outcome, milliseconds duration = milliseconds{1234}) {
    return ScriptFinished{kRunId, "backup", 0, script(kScriptA, std::move(outcome), milliseconds{0}, duration)};
}

RunFinished runFinished(RunResult result, std::vector<ScriptRecord> scripts) {
    RunRecord run;
    run.id = kRunId;
    run.job = "backup";
    run.trigger = TriggerKind::Schedule;
    run.scheduledFor = kFireTime;
    run.startedAt = kFireTimeMs + milliseconds{123};
    run.endedAt = run.startedAt + milliseconds{3400};
    run.result = result;
    run.scripts = std::move(scripts);
    return RunFinished{run};
}

ScriptOutputContext outputContext() { return ScriptOutputContext{"backup", kRunId, kScriptA}; }

}  // namespace

// ---- service::JournalLogger and the fallback ------------------------------------------------------

TEST_CASE("service::JournalLogger: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, MESSAGE_ID, then the extra fields in order", "[journal]") {
    FakeJournalWriter writer;
    service::JournalLogger logger(writer);
    logger.log(service::LogLevel::Notice, "Reloaded configuration", {{"CHIEF_JOBS", "3"}, {"CHIEF_CONFIG", "/etc/chief/chief.yaml"}},
               message_id::kConfigReloaded);
    logger.log(service::LogLevel::Debug, "tick");
    REQUIRE(writer.entries.size() == 2);
    CHECK(writer.entries[0] == Items{"MESSAGE=Reloaded configuration", "PRIORITY=5", "SYSLOG_IDENTIFIER=chiefd",
                                     "MESSAGE_ID=925cc33763224463bde6a9aabd05d3dd", "CHIEF_JOBS=3",
                                     "CHIEF_CONFIG=/etc/chief/chief.yaml"});
    CHECK(writer.entries[1] == Items{"MESSAGE=tick", "PRIORITY=7", "SYSLOG_IDENTIFIER=chiefd"});
}

TEST_CASE("service::FallbackJournalWriter: a refused entry goes to stderr, with one note for the first failure only", "[journal]") {
    FakeJournalWriter journald;
    journald.result = -ENOENT;
    std::ostringstream err;
    service::FallbackJournalWriter writer(journald, err);
    service::JournalLogger logger(writer);

    logger.log(service::LogLevel::Error, "Failed to open state directory, ignoring", {{"CHIEF_JOB", "backup"}},
               message_id::kJobFailed);
    logger.log(service::LogLevel::Info, "second");
    CHECK(journald.entries.size() == 2);  // the journal is still tried for every entry
    CHECK(writer.failures() == 2);
    CHECK(err.str() ==
          "warning: Failed to write to the journal: No such file or directory; writing log entries the journal "
          "refuses to stderr instead\n"
          "err: Failed to open state directory, ignoring (CHIEF_JOB=backup)\n"
          "info: second\n");

    journald.result = 0;  // journald is back: nothing more on stderr
    logger.log(service::LogLevel::Info, "third");
    CHECK(journald.entries.size() == 3);
    CHECK(writer.failures() == 2);
    CHECK(err.str().find("third") == std::string::npos);
}

TEST_CASE("journal field names are checked against journald's rules", "[journal]") {
    CHECK(service::isValidJournalFieldName("CHIEF_JOB"));
    CHECK(service::isValidJournalFieldName("A1"));
    CHECK(service::isValidJournalFieldName(std::string(64, 'A')));
    CHECK_FALSE(service::isValidJournalFieldName(std::string(65, 'A')));
    CHECK_FALSE(service::isValidJournalFieldName(""));
    CHECK_FALSE(service::isValidJournalFieldName("_PID"));
    CHECK_FALSE(service::isValidJournalFieldName("1ST"));
    CHECK_FALSE(service::isValidJournalFieldName("chief_job"));
    CHECK_FALSE(service::isValidJournalFieldName("CHIEF-JOB"));
}

// ---- RunEventJournal: one entry per event kind ------------------------------------------

TEST_CASE("RunEventJournal: TriggerSkipped", "[journal]") {
    CHECK(journalEntryFor(TriggerSkipped{"backup", kFireTime, TriggerKind::Schedule, "still running (overlap: skip)"}) ==
          Items{"MESSAGE=backup: trigger at 2026-11-27T21:00:00Z skipped: still running (overlap: skip)", "PRIORITY=4",
                "SYSLOG_IDENTIFIER=chiefd", "MESSAGE_ID=904373bf94af4c22881206c605ebc2b4", "CHIEF_JOB=backup",
                "CHIEF_SCHEDULED_FOR=2026-11-27T21:00:00Z", "CHIEF_TRIGGER=schedule",
                "CHIEF_REASON=still running (overlap: skip)"});
    const Items manual = journalEntryFor(TriggerSkipped{"backup", kFireTime, TriggerKind::Manual, "a run already waits"});
    CHECK(manual.front() == "MESSAGE=backup: manual trigger at 2026-11-27T21:00:00Z skipped: a run already waits");
    CHECK(manual.at(6) == "CHIEF_TRIGGER=manual");
}

TEST_CASE("RunEventJournal: TriggerQueued", "[journal]") {
    CHECK(journalEntryFor(TriggerQueued{kRunId, "backup", kFireTime, TriggerKind::Schedule, "all 2 slots busy"}) ==
          Items{"MESSAGE=backup: run 20261127T210000.123Z-0001 queued (scheduled for 2026-11-27T21:00:00Z): all 2 slots busy",
                "PRIORITY=6", "SYSLOG_IDENTIFIER=chiefd", "MESSAGE_ID=d649558668cf44f891b09e1687fce9b4", "CHIEF_JOB=backup",
                "CHIEF_RUN_ID=20261127T210000.123Z-0001", "CHIEF_SCHEDULED_FOR=2026-11-27T21:00:00Z",
                "CHIEF_TRIGGER=schedule", "CHIEF_REASON=all 2 slots busy"});
}

TEST_CASE("RunEventJournal: TriggerMissed", "[journal]") {
    const SysMillis noticed = kFireTimeMs + std::chrono::minutes{70} + milliseconds{4512};
    CHECK(journalEntryFor(TriggerMissed{"backup", kFireTime, noticed}) ==
          Items{"MESSAGE=backup: run scheduled for 2026-11-27T21:00:00Z missed (noticed at 2026-11-27T22:10:04.512Z)",
                "PRIORITY=4", "SYSLOG_IDENTIFIER=chiefd", "MESSAGE_ID=0216f21eebdf4ef8b6fe7f4ab3b9424d", "CHIEF_JOB=backup",
                "CHIEF_SCHEDULED_FOR=2026-11-27T21:00:00Z", "CHIEF_NOTICED_AT=2026-11-27T22:10:04.512Z"});
}

TEST_CASE("RunEventJournal: RunStarted, scheduled and manual", "[journal]") {
    CHECK(journalEntryFor(RunStarted{kRunId, "backup", kFireTime, TriggerKind::Schedule, kFireTimeMs + milliseconds{123}}) ==
          Items{"MESSAGE=backup: run 20261127T210000.123Z-0001 started (scheduled for 2026-11-27T21:00:00Z)", "PRIORITY=6",
                "SYSLOG_IDENTIFIER=chiefd", "MESSAGE_ID=375760f833c34a8585a990957ce5fe02", "CHIEF_JOB=backup",
                "CHIEF_RUN_ID=20261127T210000.123Z-0001", "CHIEF_SCHEDULED_FOR=2026-11-27T21:00:00Z",
                "CHIEF_TRIGGER=schedule"});
    const Items manual = journalEntryFor(RunStarted{kRunId, "backup", kFireTime, TriggerKind::Manual, kFireTimeMs});
    CHECK(manual.front() ==
          "MESSAGE=backup: run 20261127T210000.123Z-0001 started (manual trigger, scheduled for 2026-11-27T21:00:00Z)");
    CHECK(manual.back() == "CHIEF_TRIGGER=manual");
}

TEST_CASE("RunEventJournal: ScriptStarted", "[journal]") {
    CHECK(journalEntryFor(ScriptStarted{kRunId, "backup", 0, kScriptA, 4242, kFireTimeMs}) ==
          Items{"MESSAGE=backup: script /etc/chief/scripts/a.sh started (pid 4242)", "PRIORITY=6",
                "SYSLOG_IDENTIFIER=chiefd", "MESSAGE_ID=8c83551a931e4233872985805fcab280", "CHIEF_JOB=backup",
                "CHIEF_RUN_ID=20261127T210000.123Z-0001", "CHIEF_SCRIPT=/etc/chief/scripts/a.sh", "CHIEF_SCRIPT_PID=4242"});
}

TEST_CASE("RunEventJournal: ScriptFinished, exited non-zero and zero", "[journal]") {
    CHECK(journalEntryFor(scriptFinished(exited(3))) ==
          Items{"MESSAGE=backup: script /etc/chief/scripts/a.sh exited with status 3 after 1.2s", "PRIORITY=4",
                "SYSLOG_IDENTIFIER=chiefd", "MESSAGE_ID=9ccaee49291c42daaf9ee4c7e6afbc3c", "CHIEF_JOB=backup",
                "CHIEF_RUN_ID=20261127T210000.123Z-0001", "CHIEF_SCRIPT=/etc/chief/scripts/a.sh", "CHIEF_RESULT=exited",
                "CHIEF_EXIT_STATUS=3", "CHIEF_DURATION_MS=1234"});
    const Items ok = journalEntryFor(scriptFinished(exited(0), milliseconds{850}));
    CHECK(ok.at(0) == "MESSAGE=backup: script /etc/chief/scripts/a.sh exited with status 0 after 850ms");
    CHECK(ok.at(1) == "PRIORITY=6");
    CHECK(ok.at(8) == "CHIEF_EXIT_STATUS=0");
    CHECK(ok.at(9) == "CHIEF_DURATION_MS=850");
}

TEST_CASE("RunEventJournal: ScriptFinished, killed by a signal", "[journal]") {
    CHECK(journalEntryFor(scriptFinished(ScriptOutcome{ScriptOutcome::Status::Signaled, -1, 9, {}})) ==
          Items{"MESSAGE=backup: script /etc/chief/scripts/a.sh was killed by signal 9 (SIGKILL) after 1.2s", "PRIORITY=4",
                "SYSLOG_IDENTIFIER=chiefd", "MESSAGE_ID=9ccaee49291c42daaf9ee4c7e6afbc3c", "CHIEF_JOB=backup",
                "CHIEF_RUN_ID=20261127T210000.123Z-0001", "CHIEF_SCRIPT=/etc/chief/scripts/a.sh", "CHIEF_RESULT=signaled",
                "CHIEF_SIGNAL=9", "CHIEF_DURATION_MS=1234"});
}

TEST_CASE("RunEventJournal: ScriptFinished, timed out, has its own MESSAGE_ID and says when and how it ended",
          "[journal]") {
    // The timeout struck after 5 s and SIGTERM ended the group: the message gives the timeout,
    // not the 5.02 s the run took, and says what ended it.
    CHECK(journalEntryFor(scriptFinished(ScriptOutcome{ScriptOutcome::Status::TimedOut, -1, 15, {}, 5, 10, false},
                                         milliseconds{5020})) ==
          Items{"MESSAGE=backup: script /etc/chief/scripts/a.sh timed out after 5s; ended by SIGTERM", "PRIORITY=4",
                "SYSLOG_IDENTIFIER=chiefd", "MESSAGE_ID=01058a6c39bf49859e8dec383d26e6cc", "CHIEF_JOB=backup",
                "CHIEF_RUN_ID=20261127T210000.123Z-0001", "CHIEF_SCRIPT=/etc/chief/scripts/a.sh",
                "CHIEF_RESULT=timed-out", "CHIEF_SIGNAL=15", "CHIEF_TIMEOUT_SEC=5", "CHIEF_KILL_GRACE_SEC=10",
                "CHIEF_FINAL_SIGNAL=SIGTERM", "CHIEF_DURATION_MS=5020"});
    // A child ignored SIGTERM: the group outlived the grace and SIGKILL ended it (15 s in all).
    const Items killed = journalEntryFor(
        scriptFinished(ScriptOutcome{ScriptOutcome::Status::TimedOut, -1, 15, {}, 5, 10, true}, milliseconds{15010}));
    CHECK(killed.at(0) ==
          "MESSAGE=backup: script /etc/chief/scripts/a.sh timed out after 5s; did not stop within the 10s grace, killed "
          "with SIGKILL");
    CHECK(std::count(killed.begin(), killed.end(), "CHIEF_FINAL_SIGNAL=SIGKILL") == 1);
    // A script that caught SIGTERM and exited on its own.
    CHECK(journalEntryFor(scriptFinished(ScriptOutcome{ScriptOutcome::Status::TimedOut, 143, 0, {}, 5, 10, false}))
              .at(0) == "MESSAGE=backup: script /etc/chief/scripts/a.sh timed out after 5s; exited with status 143 on SIGTERM");
}

TEST_CASE("RunEventJournal: ScriptFinished, stopped, could not start, not run", "[journal]") {
    const Items stopped =
        journalEntryFor(scriptFinished(ScriptOutcome{ScriptOutcome::Status::Stopped, -1, 15, {}, 60, 10, false}));
    CHECK(stopped == Items{"MESSAGE=backup: script /etc/chief/scripts/a.sh was stopped by chiefd after 1.2s; ended by SIGTERM",
                           "PRIORITY=5", "SYSLOG_IDENTIFIER=chiefd", "MESSAGE_ID=9ccaee49291c42daaf9ee4c7e6afbc3c",
                           "CHIEF_JOB=backup", "CHIEF_RUN_ID=20261127T210000.123Z-0001",
                           "CHIEF_SCRIPT=/etc/chief/scripts/a.sh", "CHIEF_RESULT=stopped", "CHIEF_SIGNAL=15",
                           "CHIEF_KILL_GRACE_SEC=10", "CHIEF_FINAL_SIGNAL=SIGTERM", "CHIEF_DURATION_MS=1234"});

    ScriptFinished spawn{kRunId, "backup", 0, {}};
    spawn.record.path = kScriptA;
    spawn.record.outcome = ScriptOutcome{ScriptOutcome::Status::SpawnFailed, -1, 0, "execve: Permission denied"};
    CHECK(journalEntryFor(spawn) ==
          Items{"MESSAGE=backup: script /etc/chief/scripts/a.sh could not be started: execve: Permission denied",
                "PRIORITY=3", "SYSLOG_IDENTIFIER=chiefd", "MESSAGE_ID=9ccaee49291c42daaf9ee4c7e6afbc3c", "CHIEF_JOB=backup",
                "CHIEF_RUN_ID=20261127T210000.123Z-0001", "CHIEF_SCRIPT=/etc/chief/scripts/a.sh",
                "CHIEF_RESULT=spawn-failed", "CHIEF_ERROR=execve: Permission denied"});

    ScriptFinished skipped{kRunId, "backup", 1, {}};
    skipped.record.path = kScriptB;
    CHECK(journalEntryFor(skipped) ==
          Items{"MESSAGE=backup: script /etc/chief/scripts/b.sh was not run", "PRIORITY=6", "SYSLOG_IDENTIFIER=chiefd",
                "MESSAGE_ID=9ccaee49291c42daaf9ee4c7e6afbc3c", "CHIEF_JOB=backup",
                "CHIEF_RUN_ID=20261127T210000.123Z-0001", "CHIEF_SCRIPT=/etc/chief/scripts/b.sh", "CHIEF_RESULT=skipped"});
}

TEST_CASE("RunEventJournal: RunFinished, succeeded", "[journal]") {
    CHECK(journalEntryFor(runFinished(RunResult::Succeeded, {script(kScriptA, exited(0), milliseconds{200}, milliseconds{1000})})) ==
          Items{"MESSAGE=backup: run 20261127T210000.123Z-0001 succeeded after 3.4s", "PRIORITY=6",
                "SYSLOG_IDENTIFIER=chiefd", "MESSAGE_ID=d5d5ad63663e44779f8e089927929a21", "CHIEF_JOB=backup",
                "CHIEF_RUN_ID=20261127T210000.123Z-0001", "CHIEF_SCHEDULED_FOR=2026-11-27T21:00:00Z",
                "CHIEF_TRIGGER=schedule", "CHIEF_RESULT=succeeded", "CHIEF_DURATION_MS=3400"});
}

TEST_CASE("RunEventJournal: RunFinished, failed, names the first failing script", "[journal]") {
    const RunFinished failed =
        runFinished(RunResult::Failed, {script(kScriptA, exited(3), milliseconds{200}, milliseconds{1200}),
                                        script(kScriptB, ScriptOutcome{}, milliseconds{0}, milliseconds{0})});
    CHECK(journalEntryFor(failed) ==
          Items{"MESSAGE=backup: run 20261127T210000.123Z-0001 failed after 3.4s (script 1 of 2 exited with status 3)",
                "PRIORITY=3", "SYSLOG_IDENTIFIER=chiefd", "MESSAGE_ID=037cc608d8e940608fbcc61a67c4e79b", "CHIEF_JOB=backup",
                "CHIEF_RUN_ID=20261127T210000.123Z-0001", "CHIEF_SCHEDULED_FOR=2026-11-27T21:00:00Z",
                "CHIEF_TRIGGER=schedule", "CHIEF_RESULT=failed", "CHIEF_DURATION_MS=3400",
                "CHIEF_SCRIPT=/etc/chief/scripts/a.sh", "CHIEF_EXIT_STATUS=3"});

    const RunFinished secondKilled =
        runFinished(RunResult::Failed, {script(kScriptA, exited(0), milliseconds{0}, milliseconds{10}),
                                        script(kScriptB, ScriptOutcome{ScriptOutcome::Status::Signaled, -1, 11, {}},
                                               milliseconds{10}, milliseconds{10})});
    const Items killed = journalEntryFor(secondKilled);
    CHECK(killed.front() ==
          "MESSAGE=backup: run 20261127T210000.123Z-0001 failed after 3.4s (script 2 of 2 was killed by signal 11 (SIGSEGV))");
    CHECK(killed.at(10) == "CHIEF_SCRIPT=/etc/chief/scripts/b.sh");
    CHECK(killed.at(11) == "CHIEF_SIGNAL=11");
}

TEST_CASE("RunEventJournal: RunFinished, cancelled", "[journal]") {
    const Items cancelled = journalEntryFor(runFinished(RunResult::Cancelled, {}));
    CHECK(cancelled == Items{"MESSAGE=backup: run 20261127T210000.123Z-0001 cancelled after 3.4s", "PRIORITY=5",
                             "SYSLOG_IDENTIFIER=chiefd", "MESSAGE_ID=ee6130d205f64fdc9556c7cd6b1a0e05", "CHIEF_JOB=backup",
                             "CHIEF_RUN_ID=20261127T210000.123Z-0001", "CHIEF_SCHEDULED_FOR=2026-11-27T21:00:00Z",
                             "CHIEF_TRIGGER=schedule", "CHIEF_RESULT=cancelled", "CHIEF_DURATION_MS=3400"});
}

TEST_CASE("RunEventJournal: NextScheduled at debug, with and without a next time", "[journal]") {
    CHECK(journalEntryFor(NextScheduled{"backup", kFireTime + std::chrono::hours{24}}) ==
          Items{"MESSAGE=backup: next run scheduled for 2026-11-28T21:00:00Z", "PRIORITY=7", "SYSLOG_IDENTIFIER=chiefd",
                "CHIEF_JOB=backup", "CHIEF_SCHEDULED_FOR=2026-11-28T21:00:00Z"});
    CHECK(journalEntryFor(NextScheduled{"backup", std::nullopt}) ==
          Items{"MESSAGE=backup: no further runs scheduled", "PRIORITY=7", "SYSLOG_IDENTIFIER=chiefd", "CHIEF_JOB=backup"});
}

// ---- script output -------------------------------------------------------------------------

TEST_CASE("JournalOutputSink: stdout at info, stderr at warning, tagged with the job", "[journal]") {
    FakeJournalWriter writer;
    JournalOutputSink sink(writer, outputContext());
    sink.onLine(OutputStream::Stdout, "copied 12 files", false);
    sink.onLine(OutputStream::Stderr, "disk almost full", false);
    REQUIRE(writer.entries.size() == 2);
    CHECK(writer.entries[0] == Items{"MESSAGE=copied 12 files", "PRIORITY=6", "SYSLOG_IDENTIFIER=backup", "CHIEF_JOB=backup",
                                     "CHIEF_RUN_ID=20261127T210000.123Z-0001", "CHIEF_SCRIPT=/etc/chief/scripts/a.sh",
                                     "CHIEF_STREAM=stdout"});
    CHECK(writer.entries[1] == Items{"MESSAGE=disk almost full", "PRIORITY=4", "SYSLOG_IDENTIFIER=backup", "CHIEF_JOB=backup",
                                     "CHIEF_RUN_ID=20261127T210000.123Z-0001", "CHIEF_SCRIPT=/etc/chief/scripts/a.sh",
                                     "CHIEF_STREAM=stderr"});
}

TEST_CASE("JournalOutputSink: pieces of a split line carry CHIEF_CONTINUED=1, the last does not", "[journal]") {
    FakeJournalWriter writer;
    JournalOutputSink sink(writer, outputContext());
    sink.onLine(OutputStream::Stdout, "first half ", true);
    sink.onLine(OutputStream::Stdout, "second half", false);
    REQUIRE(writer.entries.size() == 2);
    CHECK(writer.entries[0].size() == 8);
    CHECK(writer.entries[0].front() == "MESSAGE=first half ");
    CHECK(writer.entries[0].back() == "CHIEF_CONTINUED=1");
    CHECK(writer.entries[1].size() == 7);
    CHECK(writer.entries[1].front() == "MESSAGE=second half");
    CHECK_FALSE(writer.field(1, "CHIEF_CONTINUED"));
}

TEST_CASE("JournalOutputSink: a line with a NUL byte and invalid UTF-8 arrives byte for byte", "[journal]") {
    const std::string bytes("a\0b\xff\xfe\xc3(z\x1b[0m", 12);
    REQUIRE(bytes.size() == 12);
    FakeJournalWriter writer;
    JournalOutputSink sink(writer, outputContext());
    sink.onLine(OutputStream::Stderr, bytes, false);
    REQUIRE(writer.entries.size() == 1);
    const std::string& message = writer.entries[0][0];
    CHECK(message.size() == 8 + 12);
    CHECK(message == "MESSAGE=" + bytes);
    CHECK(message[9] == '\0');
    CHECK(static_cast<unsigned char>(message[11]) == 0xff);
    CHECK(writer.field(0, "CHIEF_STREAM") == std::optional<std::string>("stderr"));
}

TEST_CASE("ConsoleOutputSink: \"[job run script] line\", raw bytes, continued pieces marked", "[journal]") {
    std::ostringstream out;
    ConsoleOutputSink sink(out, outputContext());
    sink.onLine(OutputStream::Stdout, "copied 12 files", false);
    sink.onLine(OutputStream::Stderr, std::string("x\0y", 3), true);
    CHECK(out.str() == "[backup 20261127T210000.123Z-0001 /etc/chief/scripts/a.sh] copied 12 files\n"
                       "[backup 20261127T210000.123Z-0001 /etc/chief/scripts/a.sh] " + std::string("x\0y", 3) +
                           " [continues]\n");
}

// ---- log target -----------------------------------------------------------------------------

TEST_CASE("service::LogTarget::parse accepts auto, journal and console, and names anything else precisely", "[journal]") {
    CHECK(service::LogTarget::parse("auto").value() == service::LogTarget{service::LogTarget::Kind::Auto});
    CHECK(service::LogTarget::parse("journal").value().kind() == service::LogTarget::Kind::Journal);
    CHECK(service::LogTarget::parse("console").value().kind() == service::LogTarget::Kind::Console);
    CHECK(service::LogTarget{service::LogTarget::Kind::Console}.name() == std::string("console"));
    CHECK(service::LogTarget{}.kind() == service::LogTarget::Kind::Auto);

    const auto upper = service::LogTarget::parse("Journal");
    REQUIRE_FALSE(upper);
    CHECK(upper.error() == "unknown log target 'Journal'; expected auto, journal or console");
    CHECK(service::LogTarget::parse("syslog").error() == "unknown log target 'syslog'; expected auto, journal or console");
    CHECK(service::LogTarget::parse("console ").error() == "unknown log target 'console '; expected auto, journal or console");
    CHECK(service::LogTarget::parse("").error() == "log target is empty; expected auto, journal or console");
}

TEST_CASE("service::parseJournalStream reads <device>:<inode> in decimal and rejects anything else", "[journal]") {
    CHECK(service::parseJournalStream("8:1234567") == std::optional<service::FileIdentity>(service::FileIdentity{8, 1234567}));
    CHECK(service::parseJournalStream("18446744073709551615:1") ==
          std::optional<service::FileIdentity>(service::FileIdentity{18446744073709551615ULL, 1}));
    for (const char* bad : {"", ":", "8:", ":12", "8", "8:12:3", "-8:12", "8:+12", " 8:12", "8:12 ", "0x8:12",
                            "18446744073709551616:1"}) {
        INFO(bad);
        CHECK_FALSE(service::parseJournalStream(bad));
    }
}

TEST_CASE("service::resolveLogTarget: auto picks the journal only when $JOURNAL_STREAM names stderr", "[journal]") {
    const service::LogTarget automatic{service::LogTarget::Kind::Auto};
    const service::FileIdentity stderrId{8, 1234567};
    using K = service::LogTarget::Kind;
    CHECK(service::resolveLogTarget(automatic, "8:1234567", stderrId) == K::Journal);
    CHECK(service::resolveLogTarget(automatic, "8:1234568", stderrId) == K::Console);  // inherited, stderr since redirected
    CHECK(service::resolveLogTarget(automatic, "9:1234567", stderrId) == K::Console);
    CHECK(service::resolveLogTarget(automatic, std::nullopt, stderrId) == K::Console);  // not under systemd
    CHECK(service::resolveLogTarget(automatic, "garbage", stderrId) == K::Console);
    CHECK(service::resolveLogTarget(automatic, "8:1234567", std::nullopt) == K::Console);  // fstat(2) failed
    // Explicit choices stand, whatever the environment says.
    CHECK(service::resolveLogTarget(service::LogTarget{K::Console}, "8:1234567", stderrId) == K::Console);
    CHECK(service::resolveLogTarget(service::LogTarget{K::Journal}, std::nullopt, std::nullopt) == K::Journal);
}

// ---- console formatting -------------------------------------------------------------------

TEST_CASE("service::ConsoleLogger: \"<level>: message (KEY=value, ...)\", one line per entry", "[journal]") {
    std::ostringstream out;
    service::ConsoleLogger logger(out);
    logger.log(service::LogLevel::Warning, "Failed to read /etc/chief/extra.yaml, ignoring",
               {{"CHIEF_JOB", "backup"}, {"CHIEF_RUN_ID", kRunId}}, message_id::kReloadRefused);
    logger.log(service::LogLevel::Info, "Started");
    logger.log(service::LogLevel::Error, "bad\nname\t\x01", {{"CHIEF_SCRIPT", "a\rb"}});
    CHECK(out.str() == "warning: Failed to read /etc/chief/extra.yaml, ignoring (CHIEF_JOB=backup, "
                       "CHIEF_RUN_ID=20261127T210000.123Z-0001)\n"
                       "info: Started\n"
                       "err: bad\\nname\\t\\x01 (CHIEF_SCRIPT=a\\rb)\n");
}

TEST_CASE("log level names are syslog's, as journalctl -p spells them", "[journal]") {
    CHECK(std::string(service::logLevelName(service::LogLevel::Emergency)) == "emerg");
    CHECK(std::string(service::logLevelName(service::LogLevel::Critical)) == "crit");
    CHECK(std::string(service::logLevelName(service::LogLevel::Error)) == "err");
    CHECK(std::string(service::logLevelName(service::LogLevel::Notice)) == "notice");
    CHECK(std::string(service::logLevelName(service::LogLevel::Debug)) == "debug");
    CHECK(service::escapeForConsole(std::string("\0\x7f\xc3\xa9", 4)) == "\\x00\\x7f\xc3\xa9");
}

TEST_CASE("text helpers: millisecond instants, durations, signal names", "[journal]") {
    CHECK(formatIsoUtcMillis(kFireTimeMs + milliseconds{7}) == "2026-11-27T21:00:00.007Z");
    CHECK(formatIsoUtcMillis(kFireTimeMs - milliseconds{1}) == "2026-11-27T20:59:59.999Z");
    CHECK(formatDurationText(milliseconds{0}) == "0ms");
    CHECK(formatDurationText(milliseconds{999}) == "999ms");
    CHECK(formatDurationText(milliseconds{1299}) == "1.2s");
    CHECK(formatDurationText(milliseconds{59999}) == "59.9s");
    CHECK(formatDurationText(milliseconds{123000}) == "2m 3s");
    CHECK(formatDurationText(milliseconds{93784000}) == "26h 3m 4s");
    CHECK(formatDurationText(milliseconds{-5}) == "0ms");
    CHECK(signalName(9) == "SIGKILL");
    CHECK(signalName(15) == "SIGTERM");
    CHECK(signalName(1000).empty());
}

// ---- MESSAGE_IDs ---------------------------------------------------------------------------

TEST_CASE("MESSAGE_ID table: 24 distinct ids of 32 lowercase hex digits, distinct names", "[journal]") {
    CHECK(kMessageIds.size() == 24);
    std::set<std::string_view> ids, names;
    for (const MessageIdInfo& info : kMessageIds) {
        INFO(info.name);
        CHECK(service::isValidMessageId(info.id));
        ids.insert(info.id);
        names.insert(info.name);
    }
    CHECK(ids.size() == kMessageIds.size());
    CHECK(names.size() == kMessageIds.size());
    CHECK(service::isValidMessageId("0123456789abcdef0123456789abcdef"));
    CHECK_FALSE(service::isValidMessageId("0123456789ABCDEF0123456789ABCDEF"));
    CHECK_FALSE(service::isValidMessageId("0123456789abcdef0123456789abcde"));
    CHECK_FALSE(service::isValidMessageId("01234567-89ab-cdef-0123-456789abcdef"));
}
