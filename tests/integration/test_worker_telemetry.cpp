// Both worker helpers inside a real run: chiefd --once on a config whose monitor is a loopback
// sink runs a shell script calling `chiefctl emit` and a Python script using monitor_client
// (from the source tree, through PYTHONPATH); the sink must receive their worker.message
// events, each carrying the run's id. chiefd's own events, sent to the same endpoint, are
// left alone: only eventType worker.message is looked at.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <set>

#include "daemon_harness.h"
#include "http_event_sink.h"
#include "test_skip.h"

using namespace chief::testing;
using namespace std::chrono_literals;

TEST_CASE("chiefd --once: chiefctl emit and monitor_client report a run's messages to the monitor",
          "[chiefd][once][telemetry]") {
    if (::access("/usr/bin/python3", X_OK) != 0) CHIEF_SKIP_TEST("python3 is not installed");
    TempDir dir;
    HttpEventSink sink;
    dir.write("shell.sh", "#!/bin/sh\nset -e\n\"$CHIEFCTL\" emit --strict info \"from the shell\" step=1\n", true);
    dir.write("worker.py", R"(import sys
from monitor_client import monitor
ok = monitor.warn("from python", step=2, rows=42)
print("sent" if ok else "not sent")
sys.exit(0 if ok else 1)
)");
    const std::string config = dir.write("chief.yaml", R"(
monitor:
  enabled: true
  endpoint: )" + sink.endpoint() + R"(
  api_key: test-key
jobs:
  - name: instrumented
    schedule: {frequency: daily, time: "03:00"}
    environment:
      CHIEFCTL: )" + std::string(CHIEFCTL_PATH) + R"(
      PYTHONPATH: )" + std::string(CHIEF_SOURCE_DIR) + R"(/workers/python
      CHIEF_MONITOR_TIMEOUT_MS: "5000"
    scripts:
      - path: shell.sh
      - path: worker.py
)");
    Child chiefd({CHIEFD_PATH, "--once", "--config", config, "--log-target", "console", "--state-dir",
                  dir / "state"},
                 {}, dir / "once.out", dir / "once.err");
    REQUIRE(chiefd.wait(60s));
    INFO(chiefd.err());
    CHECK(chiefd.wait(0ms) == 0);  // both scripts exit non-zero if their event was not taken

    const auto messages = sink.eventsOfType("worker.message");
    REQUIRE(messages.size() == 2);
    std::set<std::string> texts;
    for (const nlohmann::json& event : messages) {
        texts.insert(event.value("message", ""));
        CHECK(event["sourceType"] == "worker");
        CHECK(event["jobName"] == "instrumented");
        CHECK(event["runId"].get<std::string>().starts_with("20"));
        CHECK_FALSE(event["host"].get<std::string>().empty());
    }
    CHECK(texts == std::set<std::string>{"from the shell", "from python"});
    // One run: both scripts carry the same run id, and name themselves.
    CHECK(messages[0]["runId"] == messages[1]["runId"]);
    std::set<std::string> scripts;
    for (const nlohmann::json& event : messages) scripts.insert(event["scriptPath"].get<std::string>());
    CHECK(scripts == std::set<std::string>{dir / "shell.sh", dir / "worker.py"});
    // chiefd's own events arrive as batches (JSON arrays) on the same sink: only single events are the helpers'.
    for (const SinkRequest& request : sink.requests()) {
        const nlohmann::json body = request.json();
        if (body.is_object() && body.value("eventType", "") == "worker.message") CHECK(request.headers.at("x-api-key") == "test-key");
    }
}
