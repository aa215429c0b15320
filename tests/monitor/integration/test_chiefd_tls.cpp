// chiefd's telemetry over HTTPS to the real chief-monitord: a throw-away CA and a server
// certificate for 127.0.0.1/localhost are made here with the openssl command line. With
// monitor.ca_file naming that CA, a run's events arrive (GET /v1/events); with only the system
// store the certificate is refused: chiefd keeps the events spooled and says so once, and a
// reload that adds ca_file delivers them. Readiness is READY=1 and polls with deadlines; only
// the processes started here are stopped, by PID.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <set>

#include "monitor_process.h"
#include "spool_file.h"
#include "test_skip.h"

#ifndef CHIEFD_PATH
#error "CHIEFD_PATH must name the chiefd binary"
#endif

using namespace chief::monitor::testing;
using chief::testing::Child;
using chief::testing::NotifySocket;
using chief::testing::TempDir;
using chief::testing::occurrences;
using chief::testing::spooledIds;
using chief::testing::waitUntil;
using namespace std::chrono_literals;

namespace {

bool run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

// A CA (ca.pem) and a certificate it signed for localhost and 127.0.0.1 (server.pem, server.key).
bool makeCertificates(const TempDir& dir) {
    const std::string d = dir.path().string() + "/";
    dir.write("ext.cnf",
              "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
              "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
    return run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "
               "'/CN=Chief chiefd TLS test CA' -keyout " + d + "ca.key -out " + d + "ca.pem") &&
           run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost -keyout " + d +
               "server.key -out " + d + "server.csr") &&
           run("openssl x509 -req -days 2 -in " + d + "server.csr -CA " + d + "ca.pem -CAkey " + d +
               "ca.key -CAcreateserial -extfile " + d + "ext.cnf -out " + d + "server.pem");
}

std::string chiefConfig(unsigned short port, const std::string& caFile, const std::string& schedule) {
    return "monitor:\n"
           "  enabled: true\n"
           "  endpoint: https://127.0.0.1:" + std::to_string(port) + "\n" +
           (caFile.empty() ? std::string() : "  ca_file: " + caFile + "\n") +
           "  timeout_ms: 5000\n"
           "  heartbeat_seconds: 3600\n"
           "  buffer: {flush_interval_ms: 100, spool_file: spool.jsonl}\n"
           "jobs:\n"
           "  - name: tick\n"
           "    schedule: " + schedule + "\n"
           "    scripts: [{path: ok.sh}]\n";
}

// What the monitor stored, asked over HTTPS verifying against the CA.
nlohmann::json storedEvents(const HttpEndpoint& endpoint, const std::string& query = "") {
    return httpGet(endpoint, "/v1/events?limit=1000" + query).json().at("events");
}

}  // namespace

TEST_CASE("chiefd sends a run's events over HTTPS to chief-monitord, verifying it against monitor.ca_file",
          "[tls][chiefd]") {
    TempDir certs;
    if (!makeCertificates(certs)) CHIEF_SKIP_TEST("openssl cannot make certificates");
    MonitorProcess monitor({"MONITOR_TLS_CERT=" + (certs / "server.pem"), "MONITOR_TLS_KEY=" + (certs / "server.key")});
    REQUIRE(monitor.tls());
    HttpEndpoint endpoint = monitor.endpoint();
    endpoint.caFile = certs / "ca.pem";

    TempDir dir;
    dir.write("ok.sh", "#!/bin/sh\necho fine\n", true);
    const std::string config = dir.write(
        "chief.yaml", chiefConfig(monitor.port(), certs / "ca.pem", "{frequency: daily, time: \"03:00\"}"));
    // chiefd --once runs the job now and waits (at most timeout_ms) for the monitor's 202.
    Child once({CHIEFD_PATH, "--once", "--job", "tick", "--config", config, "--log-target", "console", "--state-dir",
                dir / "state"},
               {}, dir / "once.out", dir / "once.err");
    const auto exited = once.wait(60s);
    INFO(once.err());
    REQUIRE(exited == 0);
    CHECK(once.err().find("not delivered") == std::string::npos);
    CHECK(spooledIds(dir / "spool.jsonl").empty());

    const nlohmann::json events = storedEvents(endpoint, "&jobName=tick");
    INFO(events.dump());
    std::multiset<std::string> types;
    std::set<std::string> runIds;
    for (const auto& e : events) {
        types.insert(e.at("eventType").get<std::string>());
        runIds.insert(e.value("runId", std::string()));
        CHECK(e.at("sourceType") == "chief");
    }
    CHECK(types ==
          std::multiset<std::string>{"daemon.dispatch", "job.started", "script.started", "script.completed", "job.completed"});
    CHECK(runIds.size() == 1);
    CHECK_FALSE(runIds.count(""));
}

TEST_CASE("chiefd without monitor.ca_file refuses the monitor's certificate: events stay spooled, said once, "
          "a reload adding ca_file delivers them",
          "[tls][chiefd]") {
    TempDir certs;
    if (!makeCertificates(certs)) CHIEF_SKIP_TEST("openssl cannot make certificates");
    MonitorProcess monitor({"MONITOR_TLS_CERT=" + (certs / "server.pem"), "MONITOR_TLS_KEY=" + (certs / "server.key")});
    REQUIRE(monitor.tls());
    HttpEndpoint endpoint = monitor.endpoint();
    endpoint.caFile = certs / "ca.pem";

    TempDir dir;
    dir.write("ok.sh", "#!/bin/sh\necho fine\n", true);
    // The system store only (no ca_file): our throw-away CA is not in it. An every-minute job
    // at 60x (a run a second) keeps making events while the sender retries with backoff.
    const std::string schedule = "{frequency: interval, every: 1m}";
    const std::string config = dir.write("chief.yaml", chiefConfig(monitor.port(), "", schedule));
    NotifySocket notify(dir / "notify.sock");
    Child chiefd({CHIEFD_PATH, "--config", config, "--log-target", "console", "--state-dir", dir / "state", "--time-speed", "60"},
                 {"NOTIFY_SOCKET=" + notify.path()}, dir / "chiefd.out", dir / "chiefd.err");
    INFO(chiefd.err());
    REQUIRE(notify.waitFor("READY=1", 20s));
    // Several runs' worth spooled: by then the sender has tried (and failed) again and again
    // (its pause starts at 250 ms).
    REQUIRE(waitUntil([&] { return chiefd.err().find("cannot deliver telemetry") != std::string::npos; }, 30s));
    REQUIRE(waitUntil([&] { return spooledIds(dir / "spool.jsonl").size() >= 30; }, 60s));
    const std::string err = chiefd.err();
    CHECK(occurrences(err, "cannot deliver telemetry") == 1);
    // libcurl's words for a peer it cannot verify.
    CHECK((err.find("certificate") != std::string::npos || err.find("SSL") != std::string::npos));
    CHECK(err.find("events are kept in the spool") != std::string::npos);
    // Nothing got through.
    CHECK(storedEvents(endpoint).empty());

    // Trusting the CA (a reload: the telemetry thread restarts with the new settings), the
    // spooled events arrive, and the recovery is said.
    const std::vector<std::string> spooled = spooledIds(dir / "spool.jsonl");
    dir.write("chief.yaml", chiefConfig(monitor.port(), certs / "ca.pem", schedule));
    chiefd.signal(SIGHUP);
    REQUIRE(notify.waitFor("RELOADING=1", 20s));
    REQUIRE(notify.waitFor("READY=1", 20s));
    REQUIRE(waitUntil(
        [&] {
            std::set<std::string> stored;
            for (const auto& e : storedEvents(endpoint)) stored.insert(e.value("eventId", std::string()));
            return std::all_of(spooled.begin(), spooled.end(), [&](const std::string& id) { return stored.count(id) > 0; });
        },
        60s));
    chiefd.signal(SIGTERM);
    CHECK(chiefd.wait(30s) == 0);
}
