// HTTPS: chief-monitord given a certificate and key (issued by a throw-away CA that openssl
// makes here) serves TLS; a client verifying against that CA gets through, one trusting
// another CA does not, and plain HTTP on the TLS port is not answered as HTTP.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "event_builders.h"
#include "monitor_process.h"
#include "test_skip.h"

using namespace chief::monitor::testing;

namespace {

bool run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

// A CA and a server certificate for localhost / 127.0.0.1, in `dir`.
bool makeCertificates(const chief::testing::TempDir& dir, const std::string& prefix) {
    const std::string d = dir.path().string() + "/" + prefix;
    dir.write(prefix + "ext.cnf",
              "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
              "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
    return run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "
               "'/CN=Chief Test CA " + prefix + "' -keyout " + d + "ca.key -out " + d + "ca.pem") &&
           run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost -keyout " + d +
               "server.key -out " + d + "server.csr") &&
           run("openssl x509 -req -days 2 -in " + d + "server.csr -CA " + d + "ca.pem -CAkey " + d +
               "ca.key -CAcreateserial -extfile " + d + "ext.cnf -out " + d + "server.pem");
}

}  // namespace

TEST_CASE("HTTPS with a certificate and key: clients verify it against the CA", "[tls]") {
    chief::testing::TempDir certs;
    if (!makeCertificates(certs, "a-") || !makeCertificates(certs, "b-")) CHIEF_SKIP_TEST("openssl cannot make certificates");
    MonitorProcess monitor({"MONITOR_TLS_CERT=" + (certs / "a-server.pem"), "MONITOR_TLS_KEY=" + (certs / "a-server.key"),
                            "MONITOR_API_KEY=tls-key"});
    CHECK(monitor.tls());
    HttpEndpoint endpoint = monitor.endpoint();
    endpoint.caFile = certs / "a-ca.pem";
    const HttpResult health = httpGet(endpoint, "/v1/health");
    CHECK(health.status == 200);
    const HttpResult ingest = httpPost(endpoint, "/v1/events",
                                       chief::telemetry::toJson(started("backup", "r1", "db1")).dump(),
                                       {{"x-api-key", "tls-key"}});
    CHECK(ingest.status == 202);

    // A client that trusts another CA refuses the certificate.
    HttpEndpoint stranger = endpoint;
    stranger.caFile = certs / "b-ca.pem";
    CHECK_THROWS(httpGet(stranger, "/v1/health"));
    // So does one that expects another name.
    HttpEndpoint wrongName = endpoint;
    wrongName.serverName = "monitor.example";
    CHECK_THROWS(httpGet(wrongName, "/v1/health"));
    // Plain HTTP on the TLS port gets no HTTP answer.
    CHECK_THROWS(httpGet(monitor.endpoint(), "/v1/health"));
    // And the server is still fine.
    CHECK(httpGet(endpoint, "/v1/health").status == 200);
}

TEST_CASE("a certificate that cannot be read stops start-up with a message", "[tls]") {
    chief::testing::TempDir dir;
    chief::testing::NotifySocket notify(dir / "notify");
    chief::testing::Child child({CHIEF_MONITORD_PATH, "--log-target", "console"},
                                {"NOTIFY_SOCKET=" + notify.path(), "MONITOR_PORT=0", "MONITOR_DB_PATH=" + (dir / "m.sqlite"),
                                 "MONITOR_TLS_CERT=" + (dir / "missing.pem"), "MONITOR_TLS_KEY=" + (dir / "missing.key")},
                                dir / "out", dir / "err");
    CHECK(child.wait(std::chrono::seconds{10}) == 1);
    CHECK(child.err().find("cannot use certificate") != std::string::npos);
}

TEST_CASE("settings errors stop start-up with every problem named", "[settings]") {
    chief::testing::TempDir dir;
    const std::string config = dir.write("monitor.yaml", "port: 99999\nretention_days: x\nhots: a\n");
    chief::testing::Child child({CHIEF_MONITORD_PATH, "--log-target", "console", "--config", config},
                                {"MONITOR_DB_PATH=" + (dir / "m.sqlite"), "MONITOR_MAX_CONNECTIONS=0"}, dir / "out",
                                dir / "err");
    CHECK(child.wait(std::chrono::seconds{10}) == 2);
    const std::string err = child.err();
    CHECK(err.find(config + ":1:7: port: expected an integer from 0 to 65535") != std::string::npos);
    CHECK(err.find(config + ":2:17: retention_days: expected an integer") != std::string::npos);
    CHECK(err.find("hots: unknown setting; did you mean host?") != std::string::npos);
    CHECK(err.find("MONITOR_MAX_CONNECTIONS: expected an integer from 1 to 65536") != std::string::npos);
}
