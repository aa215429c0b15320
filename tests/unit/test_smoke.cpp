#include <catch2/catch.hpp>

#include "config_fixture.h"

using namespace chief;
using namespace chief::testing;

TEST_CASE("a minimal daily job loads", "[config]") {
    const auto result = loadYaml(jobWithSchedule("      frequency: daily\n      time: \"06:00\"\n"));
    INFO((result.diagnostics.empty() ? std::string() : formatDiagnostic(result.diagnostics.front())));
    REQUIRE(result.ok());
    REQUIRE(result.config->jobs.size() == 1);
    CHECK(result.config->jobs[0].schedule.cron == "0 6 * * *");
    CHECK(result.config->jobs[0].scripts[0].resolvedPath == "/etc/chief/run.sh");
}
