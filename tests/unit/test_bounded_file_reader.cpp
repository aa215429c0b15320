// readRegularFile: what a path names is not trusted. Devices, FIFOs, directories and /proc files
// are refused or read within the bound, every failure a message, nothing thrown or blocked.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "chief/system/bounded_file_reader.h"
#include "process_test_support.h"

using chief::system::readRegularFile;
using chief::system::readRegularFilePrefix;
using chief::system::readRegularFileWithMode;
using chief::testing::ScriptTempDir;

namespace {
constexpr std::size_t k64MiB = 64ULL * 1024 * 1024;
}

TEST_CASE("bounded file reader: a regular file is read whole, with its mode", "[files]") {
    ScriptTempDir dir;
    const std::string path = dir.write("a.yaml", "jobs: []\n", 0640);
    const auto file = readRegularFileWithMode(path, k64MiB);
    REQUIRE(file);
    CHECK(file.value().contents == "jobs: []\n");
    CHECK(file.value().mode == 0640);
    const auto empty = readRegularFile(dir.write("empty", ""), k64MiB);
    REQUIRE(empty);
    CHECK(empty.value().empty());
}

TEST_CASE("bounded file reader: the bound is on bytes read, exactly", "[files]") {
    ScriptTempDir dir;
    const std::string path = dir.write("sixteen", std::string(16, 'x'));
    CHECK(readRegularFile(path, 16).value() == std::string(16, 'x'));
    CHECK(readRegularFile(path, 15).error() == "is larger than 15 bytes");
    CHECK(readRegularFile(path, 1).error() == "is larger than 1 byte");
    CHECK(readRegularFilePrefix(path, 4).value() == "xxxx");
    // /proc files report a size of 0 and have content all the same.
    const auto status = readRegularFile("/proc/self/status", k64MiB);
    REQUIRE(status);
    CHECK(status.value().find("Name:") != std::string::npos);
    CHECK(readRegularFile("/proc/self/status", 8).error() == "is larger than 8 bytes");
    CHECK(readRegularFile(path, 2 * 1024).value().size() == 16);
}

TEST_CASE("bounded file reader: devices, FIFOs and directories are refused", "[files]") {
    CHECK(readRegularFile("/dev/zero", k64MiB).error() == "is a character device, not a regular file");
    CHECK(readRegularFile("/dev/urandom", k64MiB).error() == "is a character device, not a regular file");
    CHECK(readRegularFile("/dev/null", k64MiB).error() == "is a character device, not a regular file");
    CHECK(readRegularFilePrefix("/dev/zero", 256).error() == "is a character device, not a regular file");
    ScriptTempDir dir;
    CHECK(readRegularFile(dir.path(), k64MiB).error() == "is a directory, not a regular file");
    // Opening a FIFO without O_NONBLOCK waits for a writer, forever; this returns at once.
    const std::string fifo = dir.path() + "/fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(readRegularFile(fifo, k64MiB).error() == "is a FIFO, not a regular file");
    CHECK(readRegularFilePrefix(fifo, 256).error() == "is a FIFO, not a regular file");
}

TEST_CASE("bounded file reader: open and read errors are messages", "[files]") {
    ScriptTempDir dir;
    CHECK(readRegularFile(dir.path() + "/missing", k64MiB).error() == "cannot open: No such file or directory");
    const std::string file = dir.write("plain", "x");
    CHECK(readRegularFile(file + "/below", k64MiB).error() == "cannot open: Not a directory");
    // A regular file whose read fails (EIO at offset 0): an exception from std::ifstream before.
    CHECK(readRegularFile("/proc/self/mem", k64MiB).error() == "cannot read: Input/output error");
    if (::geteuid() != 0) {
        const std::string secret = dir.write("secret", "x", 0000);
        CHECK(readRegularFile(secret, k64MiB).error() == "cannot open: Permission denied");
    }
}
