// The real chiefctl validate on config paths that are not regular files (issue 8): each gives one
// clean "PATH: message" line and exit 1, promptly, without growing, hanging or aborting. Before,
// /dev/zero and /dev/urandom grew chiefctl to bad_alloc, a FIFO blocked open() forever and
// /proc/self/mem ended in an uncaught exception.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "daemon_harness.h"

using namespace chief::testing;
using namespace std::chrono_literals;

namespace {

const std::string kChiefctl = CHIEFCTL_PATH;

struct Outcome {
    std::optional<int> code;  // nullopt: still running at the deadline (killed by ~Child)
    std::string out;
    std::string err;
};

Outcome validate(const TempDir& dir, const std::string& config, bool json = false) {
    std::vector<std::string> argv = {kChiefctl, "validate", "--config", config};
    if (json) argv.push_back("--json");
    Child child(argv, {}, dir / "out", dir / "err");
    const auto code = child.wait(20s);
    return {code, child.out(), child.err()};
}

}  // namespace

TEST_CASE("chiefctl validate refuses config paths that are not regular files", "[integration][files]") {
    TempDir dir;
    const std::string fifo = dir / "fifo.yaml";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const std::string subdir = dir / "configs";
    std::filesystem::create_directory(subdir);
    const struct {
        std::string path;
        std::string message;
    } cases[] = {
        {"/dev/zero", "is a character device, not a regular file"},
        {"/dev/urandom", "is a character device, not a regular file"},
        {fifo, "is a FIFO, not a regular file"},
        {"/proc/self/mem", "cannot read: Input/output error"},
        {subdir, "is a directory, not a regular file"},
        {dir / "missing.yaml", "cannot open: No such file or directory"},
    };
    for (const auto& c : cases) {
        INFO(c.path);
        const Outcome text = validate(dir, c.path);
        REQUIRE(text.code);
        CHECK(*text.code == 1);
        CHECK(text.out.empty());
        CHECK(text.err == c.path + ": " + c.message + "\n1 error; the config is not valid.\n");

        const Outcome json = validate(dir, c.path, /*json=*/true);
        REQUIRE(json.code);
        CHECK(*json.code == 1);
        const auto document = nlohmann::json::parse(json.out);
        CHECK(document["valid"] == false);
        REQUIRE(document["errors"].size() == 1);
        CHECK(document["errors"][0]["file"] == c.path);
        CHECK(document["errors"][0]["message"] == c.message);
        CHECK(document["errors"][0]["line"].is_null());
        CHECK(document["errors"][0]["column"].is_null());
    }
}

TEST_CASE("chiefctl validate on a config in a directory whose name is not UTF-8", "[integration][files]") {
    TempDir dir;
    const std::string bad = dir.write("conf-\xff/chief.yaml", "colour: red\n");
    const std::string shown = (dir / "conf-\\xff/chief.yaml");
    const Outcome text = validate(dir, bad);
    REQUIRE(text.code);
    CHECK(*text.code == 1);
    CHECK(text.err.starts_with(shown + ":1:1: colour: unknown key \"colour\"\n"));
    const Outcome json = validate(dir, bad, /*json=*/true);
    REQUIRE(json.code);
    CHECK(*json.code == 1);
    CHECK(nlohmann::json::parse(json.out)["errors"][0]["file"] == shown);
}
