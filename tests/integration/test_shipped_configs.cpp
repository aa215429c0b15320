// The configs the project ships, loaded from the source tree as chiefd would load them: the
// packaged /etc/chief/chief.yaml must be valid and run nothing until the operator says so.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "chief/system/config_source.h"
#include "chief/system/posix_host_probe.h"

namespace {

chief::LoadResult loadShipped(const std::string& relativePath, const std::string& systemZone = "UTC") {
    const char* path = std::getenv("PATH");
    const chief::system::PosixHostProbe probe(path ? path : "/usr/bin:/bin");
    return chief::system::loadConfigFile(std::string(CHIEF_SOURCE_DIR) + "/" + relativePath, probe, systemZone);
}

}  // namespace

TEST_CASE("the packaged default config is valid and enables no job", "[shipped]") {
    const chief::LoadResult result = loadShipped("config/chief.default.yaml");
    for (const auto& d : result.diagnostics) UNSCOPED_INFO(chief::formatDiagnostic(d));
    REQUIRE(result.ok());
    CHECK(result.diagnostics.empty());
    CHECK_FALSE(result.config->jobs.empty());  // it shows examples...
    for (const auto& job : result.config->jobs) {
        INFO(job.name);
        CHECK_FALSE(job.enabled);  // ...none of which runs by surprise
    }
    CHECK_FALSE(result.config->monitor.enabled);
}

TEST_CASE("the packaged default config pins no zone: schedules follow the system's", "[shipped]") {
    // On a Berlin machine a 03:00 job must mean 03:00 Berlin, as the docs say of the default.
    const chief::LoadResult result = loadShipped("config/chief.default.yaml", "Europe/Berlin");
    REQUIRE(result.ok());
    CHECK(result.config->defaults.timezone == "Europe/Berlin");
}

TEST_CASE("the demo config is valid", "[shipped]") {
    const chief::LoadResult result = loadShipped("config/chief.yaml");
    for (const auto& d : result.diagnostics) UNSCOPED_INFO(chief::formatDiagnostic(d));
    CHECK(result.ok());
}
