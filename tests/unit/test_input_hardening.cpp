// Hostile or odd input to the config loader and chiefctl's offline output (issue 8): over-long
// strings, files that are not regular files, bytes that are not UTF-8, huge documents, NUL
// bytes, a byte-order mark, missing #! interpreters, unknown positions, terminal escapes, and a
// world-readable API key. Each case failed (or hung, or threw) before its fix.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "chief/display_text.h"
#include "chief/key_suggester.h"
#include "chief/report_json.h"
#include "chief/system/config_source.h"
#include "chief/system/posix_host_probe.h"
#include "chief/yaml_tree.h"
#include "command_line.h"
#include "config_fixture.h"
#include "exit_codes.h"
#include "verbs.h"
#include "process_test_support.h"

using namespace chief;
using namespace chief::testing;

namespace {

const std::string kValidJobs =
    "jobs:\n  - name: job\n    schedule: {frequency: daily, time: \"06:00\"}\n    scripts: [{path: run.sh}]\n";
const std::string kScriptsHead = "jobs:\n  - name: job\n    schedule:\n      frequency: daily\n      time: \"06:00\"\n";

std::vector<Diagnostic> errors(const LoadResult& r) { return errorsOf(r); }

bool hasControlBytes(const std::string& text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

LoadResult loadFile(const std::string& path) {
    const char* searchPath = std::getenv("PATH");
    const system::PosixHostProbe probe(searchPath ? searchPath : "/usr/bin:/bin");
    return system::loadConfigFile(path, probe, "UTC");
}

struct Run {
    int code;
    std::string out;
    std::string err;
};

Run runVerb(std::vector<std::string> args, const LoadResult& loaded) {
    auto command = ctl::parseCommandLine(args);
    REQUIRE(command);
    std::ostringstream out, err;
    const SysSeconds now{Seconds{1798761600}};  // 2027-01-01T00:00:00Z
    const int code = ctl::runOffline(command.value(), loaded, ctl::OfflineClient::Host{now, "UTC"}, ctl::VerbContext{"UTC", false, std::nullopt}, out, err);
    return {code, out.str(), err.str()};
}

// Opens a FIFO's write end after `after` unless the test is done by then. Code that blocks in
// open() on the FIFO's read end (as the loader once did) is released, so the test fails instead
// of hanging; a fixed loader never waits and the test ends at once.
class FifoUnblocker {
public:
    FifoUnblocker(std::string path, std::chrono::milliseconds after)
        : thread_([this, path = std::move(path), after] {
              std::unique_lock lock(mutex_);
              if (cv_.wait_for(lock, after, [this] { return done_; })) return;
              while (!done_) {
                  lock.unlock();
                  const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
                  if (fd >= 0) {
                      ::close(fd);
                      return;
                  }
                  lock.lock();
                  cv_.wait_for(lock, std::chrono::milliseconds(10), [this] { return done_; });
              }
          }) {}
    ~FifoUnblocker() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool done_ = false;
    std::thread thread_;
};

}  // namespace

// ---- 1. suggestions on over-long input --------------------------------------------------

TEST_CASE("hardening: no suggestion is computed for over-long words", "[hardening][suggest]") {
    // One edit apart, but longer than any job name (128): the edit distance costs length x
    // length per candidate; a 100,000-character zone name against 600 zones took over 30 s.
    const std::string candidate = std::string(128, 'a') + "y";
    const std::string word = std::string(128, 'a') + "x";
    const std::vector<std::string_view> candidates = {candidate};
    CHECK_FALSE(suggestClosest(word, candidates));
    const std::vector<std::string_view> zones = {"Europe/Berlin"};
    CHECK(suggestClosest("Europe/Berlni", zones) == "Europe/Berlin");
}

TEST_CASE("hardening: a 100,000-character timezone and key give one short message each", "[hardening][suggest]") {
    const std::string zone(100000, 'A');
    const auto r = loadYaml("defaults:\n  timezone: " + zone + "\n" + kValidJobs);
    const auto found = errors(r);
    REQUIRE(found.size() == 1);
    const Diagnostic& d = found[0];
    CHECK(d.path == "defaults.timezone");
    CHECK(d.message.find("did you mean") == std::string::npos);
    CHECK(d.message.find("(100000 characters)") != std::string::npos);
    CHECK(d.message.size() < 200);

    // An explicit key: YAML limits implicit ones to 1024 characters.
    const std::string key(100000, 'k');
    const auto k = loadYaml("? " + key + "\n: 1\n" + kValidJobs);
    REQUIRE(errors(k).size() == 1);
    CHECK(errors(k)[0].message == "unknown key \"" + std::string(64, 'k') + "\xE2\x80\xA6\" (100000 characters)");
    CHECK(formatDiagnostic(errors(k)[0]).size() < 300);
}

// ---- 2. config paths that are not regular files -----------------------------------------

TEST_CASE("hardening: config paths that are not regular files are refused with a clean message",
          "[hardening][files]") {
    ScriptTempDir dir;
    SECTION("a FIFO is refused without waiting for a writer") {
        const std::string fifo = dir.path() + "/chief.yaml";
        REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
        const FifoUnblocker unblocker(fifo, std::chrono::milliseconds(3000));
        const auto r = loadFile(fifo);
        REQUIRE(r.diagnostics.size() == 1);
        CHECK(formatDiagnostic(r.diagnostics[0]) == fifo + ": is a FIFO, not a regular file");
    }
    SECTION("/proc/self/mem: a read error becomes a diagnostic") {
        const auto r = loadFile("/proc/self/mem");
        REQUIRE(r.diagnostics.size() == 1);
        CHECK(formatDiagnostic(r.diagnostics[0]) == "/proc/self/mem: cannot read: Input/output error");
    }
    SECTION("a directory") {
        const auto r = loadFile(dir.path());
        REQUIRE(r.diagnostics.size() == 1);
        CHECK(formatDiagnostic(r.diagnostics[0]) == dir.path() + ": is a directory, not a regular file");
    }
    SECTION("a missing file") {
        const auto r = loadFile(dir.path() + "/missing.yaml");
        REQUIRE(r.diagnostics.size() == 1);
        CHECK(formatDiagnostic(r.diagnostics[0]) == dir.path() + "/missing.yaml: cannot open: No such file or directory");
    }
    SECTION("a path under a file (unreadable even by root)") {
        const std::string file = dir.write("plain", "x");
        const auto r = loadFile(file + "/chief.yaml");
        REQUIRE(r.diagnostics.size() == 1);
        CHECK(formatDiagnostic(r.diagnostics[0]) == file + "/chief.yaml: cannot open: Not a directory");
    }
}

// ---- 3. paths that are not UTF-8 --------------------------------------------------------

TEST_CASE("hardening: a config in a directory whose name is not UTF-8 is shown escaped", "[hardening][utf8]") {
    ScriptTempDir parent;
    const std::string dir = parent.path() + "/conf-\xff-dir";
    REQUIRE(std::filesystem::create_directory(dir));
    std::ofstream(dir + "/run.sh") << "#!/bin/sh\nexit 0\n";
    ::chmod((dir + "/run.sh").c_str(), 0755);
    std::ofstream(dir + "/chief.yaml") << kValidJobs;
    const std::string shown = parent.path() + "/conf-\\xff-dir/chief.yaml";
    const LoadResult loaded = loadFile(dir + "/chief.yaml");
    REQUIRE(loaded.ok());

    const Run text = runVerb({"validate", "--config", "x"}, loaded);
    CHECK(text.code == ctl::kExitOk);
    CHECK(text.out.find(shown + ": valid, 1 job\n") != std::string::npos);
    CHECK(text.out.find('\xff') == std::string::npos);

    const Run json = runVerb({"validate", "--json", "--config", "x"}, loaded);
    CHECK(json.code == ctl::kExitOk);
    CHECK(nlohmann::json::parse(json.out)["valid"] == true);

    const Run preview = runVerb({"preview", "--json", "--count", "1", "--config", "x"}, loaded);
    CHECK(preview.code == ctl::kExitOk);
    const auto doc = nlohmann::json::parse(preview.out);
    CHECK(doc["config"] == shown);
    CHECK(doc["jobs"][0]["scripts"][0]["resolved_path"] == parent.path() + "/conf-\\xff-dir/run.sh");

    const Run previewText = runVerb({"preview", "--count", "1", "--config", "x"}, loaded);
    CHECK(previewText.code == ctl::kExitOk);
    CHECK(previewText.out.find("conf-\\xff-dir") != std::string::npos);
    CHECK(previewText.out.find('\xff') == std::string::npos);

    std::ofstream(dir + "/bad.yaml") << "colour: red\n" << kValidJobs;
    const LoadResult bad = loadFile(dir + "/bad.yaml");
    const Run badText = runVerb({"validate", "--config", "x"}, bad);
    CHECK(badText.code == ctl::kExitInvalid);
    CHECK(badText.err.starts_with(parent.path() + "/conf-\\xff-dir/bad.yaml:1:1: colour: unknown key"));
    const Run badJson = runVerb({"validate", "--json", "--config", "x"}, bad);
    CHECK(badJson.code == ctl::kExitInvalid);
    CHECK(nlohmann::json::parse(badJson.out)["errors"][0]["file"] == parent.path() + "/conf-\\xff-dir/bad.yaml");
}

// ---- 4. node count ----------------------------------------------------------------------

TEST_CASE("hardening: a document of more than 1,000,000 nodes stops at the limit", "[hardening][limits]") {
    // The mapping, its key and the list are nodes 1-3; item k (from 0) is node k + 4, written
    // at column 5 + 2k.
    std::string text = "x: [";
    for (int i = 0; i < 1'100'000; ++i) text += "0,";
    text += "0]\n";
    const auto r = loadYaml(text + kValidJobs);
    REQUIRE(r.diagnostics.size() == 1);
    const Diagnostic& d = r.diagnostics[0];
    CHECK(d.message.find("1,000,000") != std::string::npos);
    CHECK(d.position.line == 1);
    CHECK(d.position.column == 5 + 2 * (1'000'001 - 4));
}

// ---- 5. NUL bytes -----------------------------------------------------------------------

TEST_CASE("hardening: NUL bytes in strings that reach exec are refused at their position", "[hardening][nul]") {
    const std::string nul = "contains a NUL byte (\\0), which cannot be passed to a program or used in a path";
    const auto r = loadYaml(kScriptsHead + "    environment: {A: \"x\\0y\"}\n    working_dir: \"/srv\\0\"\n"
                                           "    scripts:\n      - path: \"run\\0.sh\"\n        args: [\"a\\0b\"]\n"
                                           "        interpreter: \"sh\\0\"\n");
    std::vector<std::string> shown;
    for (const Diagnostic& d : r.diagnostics) shown.push_back(formatDiagnostic(d));
    CHECK(shown == std::vector<std::string>{
                       "/etc/chief/chief.yaml:6:22: jobs[0].environment.A: " + nul,
                       "/etc/chief/chief.yaml:7:18: jobs[0].working_dir: " + nul,
                       "/etc/chief/chief.yaml:9:15: jobs[0].scripts[0].path: " + nul,
                       "/etc/chief/chief.yaml:10:16: jobs[0].scripts[0].args[0]: " + nul,
                       "/etc/chief/chief.yaml:11:22: jobs[0].scripts[0].interpreter: " + nul,
                   });
    const auto user = loadYaml("jobs:\n  - name: job\n    user: \"root\\0x\"\n"
                               "    schedule: {frequency: daily, time: \"06:00\"}\n    scripts: [{path: run.sh, args: \"a\\0b\"}]\n");
    REQUIRE(errors(user).size() == 2);
    CHECK(errors(user)[0].path == "jobs[0].user");
    CHECK(errors(user)[1].path == "jobs[0].scripts[0].args");
}

// ---- 6. byte-order mark -----------------------------------------------------------------

TEST_CASE("hardening: a UTF-8 byte-order mark at the start is accepted", "[hardening][bom]") {
    const auto r = loadYaml("\xEF\xBB\xBF" + kValidJobs);
    for (const Diagnostic& d : r.diagnostics) UNSCOPED_INFO(formatDiagnostic(d));
    CHECK(r.ok());
    const auto bad = loadYaml("\xEF\xBB\xBF" "colour: red\n" + kValidJobs);
    REQUIRE(errors(bad).size() == 1);
    CHECK(errors(bad)[0].position.line == 1);
    CHECK(errors(bad)[0].position.column == 1);  // the mark is invisible in editors
}

// ---- 7. #! interpreters -----------------------------------------------------------------

TEST_CASE("hardening: validate checks a script's #! interpreter", "[hardening][shebang]") {
    ScriptTempDir dir;
    dir.write("missing.sh", "#!/nonexistent/bin/interp -x\necho\n");
    dir.write("env-missing.sh", "#!/usr/bin/env chief-no-such-program-x\necho\n");
    dir.write("ok.sh", "#!/bin/sh\nexit 0\n");
    dir.write("env-ok.sh", "#! /usr/bin/env sh\nexit 0\n");
    dir.write("chief.yaml", kScriptsHead +
                                "    scripts:\n      - path: missing.sh\n      - path: env-missing.sh\n"
                                "      - path: ok.sh\n      - path: env-ok.sh\n",
              0644);
    const auto r = loadFile(dir.path() + "/chief.yaml");
    REQUIRE(errors(r).size() == 2);
    CHECK(errors(r)[0].position.line == 7);
    CHECK(errors(r)[0].position.column == 15);
    CHECK(errors(r)[0].path == "jobs[0].scripts[0].path");
    CHECK(errors(r)[0].message.find("/nonexistent/bin/interp") != std::string::npos);
    CHECK(errors(r)[0].message.find("missing.sh") != std::string::npos);
    CHECK(errors(r)[1].position.line == 8);
    CHECK(errors(r)[1].message.find("chief-no-such-program-x") != std::string::npos);
    CHECK(errors(r)[1].message.find("env-missing.sh") != std::string::npos);
}

// ---- 8. positions and echoed text -------------------------------------------------------

TEST_CASE("hardening: bytes that are not UTF-8 are reported at a line and column", "[hardening][positions]") {
    const auto [tree, error] = YamlTree::parse(std::string("a: 1\nb: x\xff\n"));
    REQUIRE(error);
    CHECK(error->position.line == 2);
    CHECK(error->position.column == 5);
    CHECK(error->message.find("at byte") == std::string::npos);
    const auto r = loadYaml(std::string("jobs:\n  - name: \xc3\xa9t\xc3\xa9\xfe\n"));
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].position.line == 2);
    CHECK(r.diagnostics[0].position.column == 14);  // é, t, é are one column each
}

TEST_CASE("hardening: an unknown position is left out, not printed as 0:0", "[hardening][positions]") {
    Diagnostic d;
    d.file = "/etc/chief/chief.yaml";
    d.message = "cannot open: No such file or directory";
    CHECK(formatDiagnostic(d) == "/etc/chief/chief.yaml: cannot open: No such file or directory");
    const nlohmann::json j = diagnosticJson(d);
    CHECK(j["line"].is_null());
    CHECK(j["column"].is_null());
    d.position = {3, 7};
    CHECK(diagnosticJson(d)["line"] == 3);
}

TEST_CASE("hardening: control characters in echoed names are escaped", "[hardening][positions]") {
    const auto r = loadYaml("jobs:\n  - name: \"a\\e[31mb\\nc\\td\"\n    schedule: {frequency: daily, time: \"06:00\"}\n"
                            "    scripts: [{path: run.sh}]\n    \"x\\e]0;t\\a\": 1\n");
    REQUIRE(errors(r).size() == 2);
    CHECK(errors(r)[0].message.starts_with("invalid job name \"a\\x1b[31mb\\nc\\td\""));
    CHECK(errors(r)[1].path == "jobs[0].x\\x1b]0;t\\x07");
    for (const Diagnostic& d : r.diagnostics) CHECK_FALSE(hasControlBytes(formatDiagnostic(d)));
}

TEST_CASE("hardening: a 10,000-character name is cut in messages", "[hardening][positions]") {
    const std::string name(10000, 'n');
    const auto r = loadYaml("jobs:\n  - name: " + name + "\n    schedule: {frequency: daily, time: \"06:00\"}\n"
                            "    scripts: [{path: run.sh}]\n");
    REQUIRE(errors(r).size() == 1);
    CHECK(errors(r)[0].message.starts_with("invalid job name \"" + std::string(64, 'n') +
                                           "\xE2\x80\xA6\" (10000 characters): "));
    CHECK(errors(r)[0].message.size() < 250);
}

TEST_CASE("hardening: a message that quotes a long value raw is cut as a whole", "[hardening][positions]") {
    // The schedule parsers quote values themselves; the sink bounds what they echo.
    const auto r = loadYaml(jobWithSchedule("      frequency: daily\n      time: \"" + std::string(10000, '9') + "\"\n"));
    REQUIRE(errors(r).size() == 1);
    CHECK(errors(r)[0].message.starts_with("invalid time \"999"));
    CHECK(errors(r)[0].message.ends_with("\xE2\x80\xA6"));
    CHECK(errors(r)[0].message.size() <= kMaxMessageChars + 3);
}

// ---- 9. a world-readable API key --------------------------------------------------------

TEST_CASE("hardening: validate warns when a config with an API key is readable by others", "[hardening][apikey]") {
    ScriptTempDir dir;
    dir.write("run.sh", "#!/bin/sh\nexit 0\n");
    const std::string path = dir.write("chief.yaml", "monitor:\n  api_key: s3cret\n" + kValidJobs, 0644);
    const auto r = loadFile(path);
    REQUIRE(r.ok());
    REQUIRE(r.diagnostics.size() == 1);
    const Diagnostic& w = r.diagnostics[0];
    CHECK(w.severity == Severity::Warning);
    CHECK(w.path == "monitor.api_key");
    CHECK(w.position.line == 2);
    CHECK(w.message.find("chmod 640") != std::string::npos);
    CHECK(w.message.find("root:chief") != std::string::npos);
    const Run text = runVerb({"validate", "--config", "x"}, r);
    CHECK(text.code == ctl::kExitOk);
    CHECK(text.err.find(path + ":2:12: monitor.api_key: warning: ") == 0);

    ::chmod(path.c_str(), 0640);
    CHECK(loadFile(path).diagnostics.empty());
    const std::string empty = dir.write("empty-key.yaml", "monitor:\n  api_key: \"\"\n" + kValidJobs, 0644);
    CHECK(loadFile(empty).diagnostics.empty());
}

// ---- with the fake probe: exact messages --------------------------------------------------

TEST_CASE("hardening: #! lines through the fake probe", "[hardening][shebang]") {
    const std::string head = kScriptsHead + "    scripts:\n      - path: run.sh\n";
    const auto messageFor = [&](const std::string& start, FakeHostProbe files = FakeHostProbe()) {
        files.set("/opt/tools/interp", FakeHostProbe::Kind::Missing);
        files.set("/usr/bin/env", FakeHostProbe::Kind::ExecutableFile);
        files.set("/bin/sh", FakeHostProbe::Kind::ExecutableFile);
        files.setFileStart("/etc/chief/run.sh", start);
        const auto r = loadYaml(head, files);
        return r.diagnostics.empty() ? std::string() : formatDiagnostic(r.diagnostics.at(0));
    };
    const std::string at = "/etc/chief/chief.yaml:7:15: jobs[0].scripts[0].path: script \"run.sh\" (resolved to "
                           "/etc/chief/run.sh) starts with ";
    CHECK(messageFor("#!/opt/tools/interp -x\nbody\n") ==
          at + "\"#!/opt/tools/interp -x\": interpreter \"/opt/tools/interp\" does not exist or is not executable");
    CHECK(messageFor("#!/usr/bin/env nodejs\n") ==
          at + "\"#!/usr/bin/env nodejs\": program \"nodejs\" was not found in PATH");
    // Without -S, env gets "python3 -u" as one word, and there is no program of that name.
    CHECK(messageFor("#!/usr/bin/env python3 -u\n") ==
          at + "\"#!/usr/bin/env python3 -u\": program \"python3 -u\" was not found in PATH");
    CHECK(messageFor("#!/usr/bin/env -S ruby -w\n") ==
          at + "\"#!/usr/bin/env -S ruby -w\": program \"ruby\" was not found in PATH");
    CHECK(messageFor("#!\n") == at + "\"#!\", which names no interpreter");
    // Saved with CRLF: the kernel looks for "/bin/sh\r".
    CHECK(messageFor("#!/bin/sh\r\necho\r\n") ==
          at + "\"#!/bin/sh\\r\": interpreter \"/bin/sh\\r\" does not exist or is not executable");
    CHECK(messageFor("#!/opt/tools/interp\x1b[2J\n") ==
          at + "\"#!/opt/tools/interp\\x1b[2J\": interpreter \"/opt/tools/interp\\x1b[2J\" does not exist or is not "
               "executable");
    // Found, or not a #! script, or relative, or an env form not modelled: today's rules.
    CHECK(messageFor("#!/usr/bin/env python3\n").empty());
    CHECK(messageFor("#! /usr/bin/env -S python3 -u\r\n").empty());
    CHECK(messageFor("#!/bin/sh -e\n").empty());
    CHECK(messageFor("\x7f" "ELF\x02\x01").empty());
    CHECK(messageFor("#!python3\n").empty());
    CHECK(messageFor("#!/usr/bin/env -i nodejs\n").empty());
    CHECK(messageFor("#!/usr/bin/env\n").empty());
    FakeHostProbe unreadable;
    CHECK(loadYaml(head, unreadable).ok());
    // With an explicit interpreter or a known extension the #! line does not matter.
    FakeHostProbe files;
    files.setFileStart("/etc/chief/run.sh", "#!/opt/tools/interp\n");
    files.set("/opt/tools/interp", FakeHostProbe::Kind::Missing);
    CHECK(loadYaml(kScriptsHead + "    scripts:\n      - path: run.sh\n        interpreter: sh\n", files).ok());
    files.set("/etc/chief/run.sh", FakeHostProbe::Kind::File);
    CHECK(loadYaml(head, files).ok());
}

TEST_CASE("hardening: the API key warning comes from the file's mode as read", "[hardening][apikey]") {
    const FakeHostProbe files;
    LoadContext context;
    context.sourcePath = "/etc/chief/chief yaml";
    context.files = &files;
    const std::string text = "monitor:\n  api_key: k\n" + kValidJobs;
    CHECK(loadConfig(text, context).diagnostics.empty());  // mode unknown: nothing said
    context.sourceMode = 0604;
    const auto r = loadConfig(text, context);
    REQUIRE(r.ok());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(formatDiagnostic(r.diagnostics[0]) ==
          "/etc/chief/chief yaml:2:12: monitor.api_key: warning: the config holds an API key and every user can read it "
          "(mode 0604): chown root:chief '/etc/chief/chief yaml' && chmod 640 '/etc/chief/chief yaml'");
    context.sourceMode = 0640;
    CHECK(loadConfig(text, context).diagnostics.empty());
    const auto newline = loadYaml("monitor:\n  api_key: \"k\\r\\nX-Evil: 1\"\n" + kValidJobs);
    REQUIRE(errors(newline).size() == 1);
    CHECK(errors(newline)[0].message == "must not contain control characters: it is sent as an HTTP header");
}

TEST_CASE("hardening: aliases count as the nodes they repeat", "[hardening][limits]") {
    // Ten levels of ten aliases each: 10^10 nodes for the loader to walk from a 1 kB file.
    std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int level = 1; level <= 9; ++level) {
        const std::string prev = "*a" + std::to_string(level - 1);
        text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
        for (int i = 0; i < 10; ++i) text += (i ? ", " : "") + prev;
        text += "]\n";
    }
    const auto [tree, error] = YamlTree::parse(text);
    REQUIRE(error);
    CHECK(error->limit);
    CHECK(error->position.line == 6);  // a5 repeats 1,111,111 nodes
    CHECK(error->message.starts_with("the document has more than 1,000,000 nodes"));
    // Reusing anchors as configs do is nowhere near the limit.
    std::string jobs = "defaults_job: &base {enabled: true, overlap: skip}\njobs:\n";
    for (int i = 0; i < 2000; ++i)
        jobs += "  - {<<: *base, name: j" + std::to_string(i) + ", schedule: {frequency: daily, time: \"06:00\"}, "
                "scripts: [{path: run.sh}]}\n";
    CHECK(YamlTree::parse(jobs).first);
}

TEST_CASE("hardening: the node limit is a limit, not a syntax error, and a BOM is skipped", "[hardening][limits][bom]") {
    std::string text = "[";
    for (int i = 0; i < 1'000'000; ++i) text += "1,";
    text += "1]";
    const auto [tree, error] = YamlTree::parse(text);  // the list and 1,000,001 items
    REQUIRE(error);
    CHECK(error->limit);
    std::string limit = "[";  // the list and 999,999 items: exactly the limit
    for (int i = 0; i < 999'998; ++i) limit += "1,";
    const auto [fits, none] = YamlTree::parse(limit + "1]");
    CHECK(fits);
    const auto [bom, bomError] = YamlTree::parse("\xEF\xBB\xBF" "a: 1\n");
    REQUIRE(bom);
    CHECK(bom->document(0).key(0).text() == "a");
    CHECK(bom->document(0).value(0).position().column == 4);
}

TEST_CASE("hardening: past 1,000 problems the rest are counted, not listed", "[hardening][limits]") {
    std::string text = "jobs:\n";
    for (int i = 0; i < 1500; ++i) text += "  - {name: j" + std::to_string(i) + ", timezone: Mars/Base" + std::to_string(i) + "}\n";
    const auto r = loadYaml(text);
    // Each job: a bad zone, no schedule, no scripts.
    REQUIRE(r.diagnostics.size() == DiagnosticSink::kMaxListed + 1);
    CHECK(formatDiagnostic(r.diagnostics.back()) ==
          "/etc/chief/chief.yaml: and 3500 more problems, not listed (only the first 1000 are)");
    CHECK_FALSE(r.ok());
}

TEST_CASE("hardening: defaults.environment copied into every job is bounded", "[hardening][limits]") {
    // 300 variables x 3,400 jobs: past 1,000,000 copies at job 3333 (0-based), reported once.
    std::string text = "defaults:\n  environment:\n";
    for (int i = 0; i < 300; ++i) text += "    V" + std::to_string(i) + ": x\n";
    text += "jobs:\n";
    for (int i = 0; i < 3400; ++i)
        text += "  - {name: j" + std::to_string(i) + ", schedule: {frequency: daily, time: \"06:00\"}, scripts: [{path: run.sh}]}\n";
    const auto r = loadYaml(text);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].path == "jobs[3333].environment");
    CHECK(r.diagnostics[0].position.line == 304 + 3333);
    CHECK(r.diagnostics[0].position.column == 5);
    CHECK(r.diagnostics[0].message.starts_with("the jobs' environments together pass 1,000,000 variables"));
}

TEST_CASE("hardening: jobDefinitionKey takes any bytes and tells them apart", "[hardening][utf8]") {
    // It was JSON text: dump() threw type_error 316 on a working directory that is not UTF-8,
    // and chiefd stopped at start.
    const auto r = loadYaml(kValidJobs);
    REQUIRE(r.ok());
    Job job = r.config->jobs[0];
    job.workingDir = "/srv/\xff";
    const std::string ff = jobDefinitionKey(job);
    job.workingDir = "/srv/\xfe";
    const std::string fe = jobDefinitionKey(job);
    job.workingDir = "/srv/\\xff";
    CHECK(ff != fe);
    CHECK(jobDefinitionKey(job) != ff);
    job.workingDir = "/srv/\xff";
    CHECK(jobDefinitionKey(job) == ff);
}

TEST_CASE("hardening: NUL in an environment value through the YAML tree keeps its length", "[hardening][nul]") {
    const auto [tree, error] = YamlTree::parse("a: \"x\\0y\"\n");
    REQUIRE(tree);
    CHECK(tree->document(0).value(0).text() == std::string_view("x\0y", 3));
}
