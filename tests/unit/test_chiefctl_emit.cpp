// chiefctl emit without a network: its arguments, the event it builds (the contract's fields and
// bounds) and its exit codes against a fake poster. The real binary against a loopback sink is
// tests/integration/test_chiefctl_emit.cpp.
#include <catch2/catch.hpp>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "command_line.h"
#include "emit_command.h"
#include "exit_codes.h"

using namespace chief;
using namespace chief::ctl;
using telemetry::EventLevel;

namespace {

Result<EmitRequest> parseEmit(std::initializer_list<const char*> args) {
    return parseEmitArguments(std::vector<std::string>(args.begin(), args.end()));
}

class FakePoster final : public EventPoster {
public:
    Result<PostAnswer> post(const EventPost& request) override {
        posts.push_back(request);
        if (failure) return makeError(*failure);
        return PostAnswer{status};
    }
    std::vector<EventPost> posts;
    long status = 202;
    std::optional<std::string> failure;
};

WorkerContext runContext() {
    WorkerContext context;
    context.endpoint = "http://127.0.0.1:7410/";
    context.runId = "20260225T184000Z-backup-1";
    context.jobName = "backup";
    context.scriptPath = "/opt/jobs/backup.sh";
    context.scheduledFor = "2026-02-25T18:40:00+00:00";
    return context;
}

const EmitStamp kStamp{telemetry::EventTime{std::chrono::milliseconds{1772044804123}}, "0123abcd", "db1"};

struct Outcome {
    int code;
    std::string out;
    std::string err;
};

Outcome emit(std::initializer_list<const char*> args, const WorkerContext& context, FakePoster& poster) {
    auto request = parseEmit(args);
    REQUIRE(request);
    std::ostringstream out, err;
    const int code = runEmit(request.value(), context, kStamp, poster, out, err);
    return {code, out.str(), err.str()};
}

}  // namespace

TEST_CASE("chiefctl emit: arguments", "[ctl][emit]") {
    auto request = parseEmit({"WARN", "high latency", "duration_ms=1800", "note=a=b", "empty="});
    REQUIRE(request);
    CHECK(request.value().level == EventLevel::Warn);
    CHECK(request.value().message == "high latency");
    CHECK(request.value().metadata == nlohmann::json{{"duration_ms", "1800"}, {"note", "a=b"}, {"empty", ""}});
    CHECK_FALSE(request.value().strict);
    CHECK_FALSE(request.value().timeout);

    request = parseEmit({"--strict", "critical", "--timeout-ms", "250", "--", "-5 degrees"});
    REQUIRE(request);
    CHECK(request.value().strict);
    CHECK(request.value().level == EventLevel::Critical);
    CHECK(request.value().message == "-5 degrees");
    CHECK(request.value().timeout == std::chrono::milliseconds{250});
    CHECK(parseEmit({"info", "x", "--timeout-ms=60000"}).value().timeout == std::chrono::milliseconds{60000});
    CHECK(parseEmit({"--help"}).value().help);
    CHECK(parseEmit({"Debug", "m"}).value().level == EventLevel::Debug);

    CHECK(parseEmit({}).error() == "emit needs a level and a message: chiefctl emit [--strict] [--timeout-ms N] LEVEL "
                                   "MESSAGE [KEY=VALUE ...]");
    CHECK(parseEmit({"info"}).error().starts_with("emit needs a level and a message"));
    CHECK(parseEmit({"notice", "m"}).error() ==
          "LEVEL must be one of debug, info, warn, error, critical, got \"notice\"");
    CHECK(parseEmit({"info", " "}).error() == "MESSAGE must not be empty");
    CHECK(parseEmit({"info", "two", "words"}).error().starts_with("metadata must be KEY=VALUE, got \"words\""));
    CHECK(parseEmit({"info", "m", "=v"}).error() == "metadata \"=v\" has no key before the '='");
    CHECK(parseEmit({"info", "m", "k=1", "k=2"}).error() == "metadata key \"k\" is given twice");
    CHECK(parseEmit({"info", "m", "--bogus"}).error().starts_with("unknown option \"--bogus\""));
    CHECK(parseEmit({"info", "-5"}).error().starts_with("unknown option \"-5\" (a MESSAGE that starts with '-' goes after --)"));
    CHECK(parseEmit({"--timeout-ms", "0", "info", "m"}).error().starts_with("--timeout-ms must be a whole number"));
    CHECK(parseEmit({"--timeout-ms=60001", "info", "m"}).error().starts_with("--timeout-ms must be"));
    CHECK(parseEmit({"info", "m", "--timeout-ms"}).error() == "--timeout-ms needs a value");
}

TEST_CASE("chiefctl emit: the command line hands everything after emit to it", "[ctl][emit]") {
    const std::vector<std::string> args = {"emit", "info", "--json", "k=v"};
    auto command = parseCommandLine(args);
    REQUIRE(command);
    CHECK(command.value().verb == Verb::Emit);
    CHECK(command.value().emitArguments == std::vector<std::string>{"info", "--json", "k=v"});
    const std::vector<std::string> withGlobal = {"--json", "emit", "info", "m"};
    CHECK(parseCommandLine(withGlobal).error().starts_with("emit takes none of chiefctl's global options"));
    CHECK(helpText().find("emit LEVEL MESSAGE") != std::string::npos);
}

TEST_CASE("chiefctl emit: the event carries the run's correlation fields", "[ctl][emit]") {
    FakePoster poster;
    WorkerContext context = runContext();
    context.apiKey = "s3cret";
    const Outcome done = emit({"error", "load failed", "table=fact_orders"}, context, poster);
    CHECK(done.code == kExitOk);
    CHECK(done.err.empty());
    REQUIRE(poster.posts.size() == 1);
    const EventPost& post = poster.posts.front();
    CHECK(post.url == "http://127.0.0.1:7410/v1/events");
    CHECK(post.apiKey == "s3cret");
    CHECK(post.timeout == kDefaultEmitTimeout);
    const auto body = nlohmann::json::parse(post.body);
    CHECK(body == nlohmann::json{{"sourceType", "worker"},
                                 {"eventType", "worker.message"},
                                 {"level", "ERROR"},
                                 {"message", "load failed"},
                                 {"eventAt", "2026-02-25T18:40:04.123Z"},
                                 {"runId", "20260225T184000Z-backup-1"},
                                 {"jobName", "backup"},
                                 {"scriptPath", "/opt/jobs/backup.sh"},
                                 {"scheduledFor", "2026-02-25T18:40:00.000Z"},
                                 {"metadata", {{"table", "fact_orders"}}},
                                 {"eventId", "0123abcd"},
                                 {"host", "db1"}});
}

TEST_CASE("chiefctl emit: optional fields, timeouts and bytes that are not UTF-8", "[ctl][emit]") {
    FakePoster poster;
    WorkerContext context;
    context.endpoint = "https://monitor.example/base";
    context.scheduledFor = "not a time";  // left out, not a refusal
    context.timeoutMs = "1500";
    REQUIRE(emit({"info", "caf\xe9", "k\xff=v"}, context, poster).code == kExitOk);
    REQUIRE(poster.posts.size() == 1);
    CHECK(poster.posts[0].url == "https://monitor.example/base/v1/events");
    CHECK_FALSE(poster.posts[0].apiKey);
    CHECK(poster.posts[0].timeout == std::chrono::milliseconds{1500});
    const auto body = nlohmann::json::parse(poster.posts[0].body);
    for (const char* absent : {"runId", "jobName", "scriptPath", "scheduledFor"}) CHECK_FALSE(body.contains(absent));
    CHECK(body["message"] == "caf\\xe9");
    CHECK(body["metadata"] == nlohmann::json{{"k\\xff", "v"}});

    context.timeoutMs = "soon";  // unreadable: the default
    REQUIRE(emit({"info", "m"}, context, poster).code == kExitOk);
    CHECK(poster.posts.back().timeout == kDefaultEmitTimeout);
    REQUIRE(emit({"--timeout-ms", "90", "info", "m"}, context, poster).code == kExitOk);  // the option wins
    CHECK(poster.posts.back().timeout == std::chrono::milliseconds{90});
}

TEST_CASE("chiefctl emit: never fails a job unless --strict", "[ctl][emit]") {
    FakePoster poster;
    WorkerContext off = runContext();
    off.endpoint.reset();
    Outcome done = emit({"info", "m"}, off, poster);
    CHECK(done.code == kExitOk);
    CHECK(done.err ==
          "chiefctl emit: warning: CHIEF_MONITOR_ENDPOINT is not set (the job's monitor is off, or this is not a "
          "Chief run): event not sent\n");
    CHECK(emit({"--strict", "info", "m"}, off, poster).code == kExitFailed);
    CHECK(poster.posts.empty());

    WorkerContext bad = runContext();
    bad.endpoint = "ftp://host";
    CHECK(emit({"info", "m"}, bad, poster).err.find("is not an http:// or https:// URL") != std::string::npos);
    bad = runContext();
    bad.apiKey = "key\r\nx-injected: 1";
    CHECK(emit({"--strict", "info", "m"}, bad, poster).code == kExitFailed);
    CHECK(poster.posts.empty());

    poster.failure = "Connection refused";
    done = emit({"info", "m"}, runContext(), poster);
    CHECK(done.code == kExitOk);
    CHECK(done.err == "chiefctl emit: warning: the monitor at \"http://127.0.0.1:7410/v1/events\" did not take the "
                      "event: Connection refused\n");
    CHECK(emit({"--strict", "info", "m"}, runContext(), poster).code == kExitFailed);

    poster.failure.reset();
    poster.status = 401;
    done = emit({"info", "m"}, runContext(), poster);
    CHECK(done.code == kExitOk);
    CHECK(done.err.find("refused the event (HTTP 401)") != std::string::npos);
    CHECK(emit({"--strict", "info", "m"}, runContext(), poster).code == kExitFailed);
    poster.status = 200;
    CHECK(emit({"--strict", "info", "m"}, runContext(), poster).code == kExitOk);
}

TEST_CASE("chiefctl emit: what the monitor would refuse is a usage error, before anything is sent", "[ctl][emit]") {
    FakePoster poster;
    const std::string atLimit(telemetry::limits::kMessageBytes, 'x');
    const std::string overLimit = atLimit + "x";
    auto request = parseEmitArguments({"info", overLimit});
    REQUIRE(request);
    std::ostringstream out, err;
    CHECK(runEmit(request.value(), runContext(), kStamp, poster, out, err) == kExitUsage);
    CHECK(err.str() == "chiefctl emit: the monitor would refuse this event (message: longer than 16384 bytes)\n");
    CHECK(poster.posts.empty());
    request = parseEmitArguments({"info", atLimit});
    CHECK(runEmit(request.value(), runContext(), kStamp, poster, out, err) == kExitOk);

    request = parseEmitArguments({"info", "m", "blob=" + std::string(telemetry::limits::kMetadataBytes, 'y')});
    REQUIRE(request);
    std::ostringstream err2;
    CHECK(runEmit(request.value(), runContext(), kStamp, poster, out, err2) == kExitUsage);
    CHECK(err2.str().find("metadata: larger than 65536 bytes") != std::string::npos);

    // Even with the monitor off: a script's mistake shows when it is tried by hand.
    WorkerContext off = runContext();
    off.endpoint.reset();
    off.runId = std::string(200, 'r');
    request = parseEmitArguments({"info", "m"});
    std::ostringstream err3;
    CHECK(runEmit(request.value(), off, kStamp, poster, out, err3) == kExitUsage);
    CHECK(err3.str().find("runId: longer than 128 bytes") != std::string::npos);

    std::ostringstream help;
    request = parseEmitArguments({"--help"});
    CHECK(runEmit(request.value(), off, kStamp, poster, help, err3) == kExitOk);
    CHECK(help.str().starts_with("Usage: chiefctl emit"));
}
