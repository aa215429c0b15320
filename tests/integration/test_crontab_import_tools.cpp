// import-cron against an independent implementation: every entry of the crontab corpus
// (tests/data/crontabs: Debian 12's /etc/crontab and cron.d files, crontab(5)'s examples, edge
// cases) is imported, the chief.yaml loaded with the real loader, and each job's next 50 fire
// times compared with python3-croniter's for the original line (tests/integration/croniter_next.py,
// run with Debian's /usr/bin/python3). Without python3-croniter this fails under
// CHIEF_TESTS_NO_SKIP (tests/support/test_skip.h).
//
// Two documented differences are not compared: (1) DST: in a zone with DST, runs on the days of
// a change are left out on both sides, since Chief skips nonexistent times and runs repeated ones
// once while croniter does neither (docs/exports.md); (2) a line whose day fields Vixie cron ORs
// while one of them is every day ("1-31" with "1"): Vixie cron runs it every day, croniter only on
// the weekday; the import follows Vixie cron, checked here as "every day".
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "chief/crontab_importer.h"
#include "chief/shell_words.h"
#include "chief/time_format.h"
#include "config_fixture.h"
#include "test_skip.h"

using namespace chief;
using namespace chief::testing;

namespace {

const std::string kPython = "/usr/bin/python3";  // Debian's, where python3-croniter is installed

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

bool croniterAvailable() {
    return std::system((kPython + " -c 'import croniter, pytz' >/dev/null 2>&1").c_str()) == 0;
}

// One python3 run for all requests (one JSON object a line in, one JSON list a line out).
std::vector<std::vector<std::int64_t>> croniterTimes(const std::vector<nlohmann::json>& requests) {
    const std::filesystem::path in = std::filesystem::temp_directory_path() / ("chief-croniter-" + std::to_string(::getpid()) + ".jsonl");
    {
        std::ofstream out(in);
        for (const auto& r : requests) out << r.dump() << '\n';
    }
    const std::string command = kPython + " " + quoteShellWord(std::string(CHIEF_SOURCE_DIR) + "/tests/integration/croniter_next.py") +
                                " < " + quoteShellWord(in.string()) + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string output;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    std::filesystem::remove(in);
    INFO(output);
    REQUIRE(status == 0);
    std::vector<std::vector<std::int64_t>> out;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) out.push_back(nlohmann::json::parse(line).get<std::vector<std::int64_t>>());
    REQUIRE(out.size() == requests.size());
    return out;
}

// The original five fields of an imported job, from its description ("cron: 17 * * * * (line 5
// of ...)", or "cron: @daily (...)").
std::string cronExpressionOf(const Job& job) {
    const std::string& d = job.description;
    REQUIRE(d.starts_with("cron: "));
    return d.substr(6, d.find(" (line ") - 6);
}

// Local dates (in the job's zone) within a day of an offset change, where the two differ by design.
bool nearDstChange(const ZoneRules& zone, SysSeconds t) {
    return !zone.transitionsBetween(t - date::days{1}, t + date::days{1}).empty();
}

struct Compared {
    int lines = 0, runs = 0;
};

}  // namespace

TEST_CASE("import-cron: each corpus line's next 50 times equal python3-croniter's", "[import-tools]") {
    if (!croniterAvailable()) CHIEF_SKIP_TEST(kPython + " with python3-croniter and python3-tz is not installed");
    const std::filesystem::path corpus = std::filesystem::path(CHIEF_SOURCE_DIR) / "tests/data/crontabs";
    const SysSeconds start{date::sys_days{date::year{2026} / 1 / 1}};
    FakeHostProbe files;
    files.set("/bin/sh", FakeHostProbe::Kind::ExecutableFile);
    for (const char* user : {"munin", "www-data"}) files.addUser(user);

    struct Pending {
        std::string where;
        const Job* job;
        std::vector<SysSeconds> chief;
    };
    std::vector<Config> configs;
    configs.reserve(64);
    std::vector<Pending> pending;
    std::vector<nlohmann::json> requests;
    int everyDayLines = 0;
    for (const char* kind : {"system", "user"}) {
        for (const auto& entry : std::filesystem::directory_iterator(corpus / kind)) {
            CrontabImportOptions options;
            options.format = std::string(kind) == "system" ? CrontabFormat::System : CrontabFormat::User;
            options.sourceName = entry.path().filename().string();
            const CrontabImport imported = importCrontab(readFile(entry.path()), options);
            INFO(entry.path() << "\n" << imported.yaml);
            for (const auto& n : imported.notes) UNSCOPED_INFO("line " << n.line << ": " << n.message);
            CHECK(imported.jobs > 0);
            const LoadResult loaded = loadYaml(imported.yaml, files);
            for (const Diagnostic& d : loaded.diagnostics) UNSCOPED_INFO(formatDiagnostic(d));
            REQUIRE(loaded.ok());
            CHECK(loaded.diagnostics.empty());
            configs.push_back(*loaded.config);
            for (const Job& job : configs.back().jobs) {
                const std::string expr = cronExpressionOf(job);
                std::vector<std::string> fields;
                std::istringstream split(expr);
                for (std::string f; split >> f;) fields.push_back(f);
                const bool nickname = expr.starts_with('@');
                REQUIRE((nickname || fields.size() == 5));
                // Vixie cron ORs the day fields unless one starts with "*".
                const bool dayOr = nickname || (!fields[2].starts_with('*') && !fields[4].starts_with('*'));
                if (!nickname && dayOr && fields[2] != "*" && fields[4] != "*" &&
                    (fields[2] == "1-31" || fields[4] == "0-6" || fields[4] == "0-7")) {
                    // Difference (2) above: Vixie cron runs it every day.
                    CHECK(job.schedule.frequency == Frequency::Daily);
                    ++everyDayLines;
                    continue;
                }
                std::vector<SysSeconds> chief;
                SysSeconds cursor = start;
                for (int i = 0; i < 50; ++i) {
                    const auto fire = nextFireAfter(job.schedule.schedule, cursor);
                    REQUIRE(fire);
                    chief.push_back(fire->instant);
                    cursor = fire->instant;
                }
                pending.push_back({entry.path().filename().string() + ": " + expr + " (" + job.name + ", " + job.timezone + ")",
                                   &job, chief});
                // More than 50 from croniter: around a DST change it may have runs Chief has not.
                requests.push_back({{"expr", expr},
                                    {"tz", job.timezone},
                                    {"start", start.time_since_epoch().count()},
                                    {"count", 60},
                                    {"day_or", dayOr}});
            }
        }
    }
    const auto croniter = croniterTimes(requests);
    Compared compared;
    for (std::size_t i = 0; i < pending.size(); ++i) {
        const Pending& p = pending[i];
        const ZoneRules& zone = *p.job->schedule.schedule.zone;
        const SysSeconds last = p.chief.back();
        std::vector<std::string> ours, theirs;
        for (SysSeconds t : p.chief)
            if (!nearDstChange(zone, t)) ours.push_back(formatIsoInZone(t, zone));
        for (std::int64_t epoch : croniter[i]) {
            const SysSeconds t{Seconds{epoch}};
            if (t <= last && !nearDstChange(zone, t)) theirs.push_back(formatIsoInZone(t, zone));
        }
        INFO(p.where);
        CHECK(ours == theirs);
        CHECK(ours.size() >= 40);  // the DST days leave most of the 50
        ++compared.lines;
        compared.runs += static_cast<int>(ours.size());
    }
    std::cout << "[import-tools] compared " << compared.lines << " imported cron lines (" << compared.runs
              << " fire times) with python3-croniter; " << everyDayLines << " line(s) Vixie cron runs every day" << std::endl;
    CHECK(compared.lines >= 35);
    CHECK(everyDayLines == 1);
}
