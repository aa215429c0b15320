// A per-user chiefd, as chief.py users ran their scheduler: `chiefd --user` as an ordinary user
// on a session bus, its files under the XDG directories, run/cancel/reload for that user (and
// root) only, and chiefctl finding it on the user's own bus when the system bus has no chiefd.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "daemon_harness.h"
#include "private_bus.h"
#include "test_skip.h"

using namespace chief::testing;
using namespace std::chrono_literals;

namespace {

const std::string kChiefd = CHIEFD_PATH;
const std::string kChiefctl = CHIEFCTL_PATH;
constexpr const char* kSetpriv = "/usr/bin/setpriv";

std::vector<std::string> asUser(uid_t uid) {
    const std::string id = std::to_string(uid);
    return {kSetpriv, "--reuid=" + id, "--regid=" + id, "--clear-groups"};
}

struct Ctl {
    int code;
    std::string out;
    std::string err;
};

}  // namespace

TEST_CASE("chiefd --user: XDG paths, its own user may control it, others may not, chiefctl finds it on the user's bus",
          "[user][integration]") {
    if (!PrivateBus::available()) {
        CHIEF_SKIP_TEST("dbus-daemon is not installed: skipping");
    }
    if (::geteuid() != 0 || ::access(kSetpriv, X_OK) != 0) {
        CHIEF_SKIP_TEST("needs root and setpriv to run chiefd as an ordinary user: skipping");
    }
    constexpr uid_t kOwner = 65534;  // nobody
    constexpr uid_t kOther = 1;  // "daemon": dbus-daemon refuses uids without a passwd entry
    TempDir dir;
    const std::string home = dir / "home";
    // The script's HOME is the account's passwd entry (as cron sets it: /nonexistent for
    // nobody), not the test's stand-in home: write to the stand-in by its path.
    dir.write("home/.config/chief/hello.sh", "#!/bin/sh\necho \"hello from $(id -u)\" > '" + home + "/ran'\n", true);
    dir.write("home/.config/chief/chief.yaml",
              "jobs:\n  - name: hello\n    schedule: {frequency: daily, time: \"03:00\"}\n    scripts: [{path: hello.sh}]\n");
    for (const char* path : {"home", "home/.config", "home/.config/chief"})
        REQUIRE(::chown((dir / path).c_str(), kOwner, kOwner) == 0);
    PrivateBus session;
    const std::string address = session.start(dir.path());
    NotifySocket notify(dir / "notify.sock");
    ::chmod(notify.path().c_str(), 0777);  // chiefd runs as another user
    const std::vector<std::string> env{"HOME=" + home, "NOTIFY_SOCKET=" + notify.path(),
                                       "DBUS_SESSION_BUS_ADDRESS=" + address,
                                       "DBUS_SYSTEM_BUS_ADDRESS=unix:path=" + (dir / "no-system-bus.sock")};
    std::vector<std::string> argv = asUser(kOwner);
    for (const std::string& a : {kChiefd, std::string("--user"), std::string("--log-target"), std::string("console")})
        argv.push_back(a);
    Child chiefd(argv, env, dir / "d.out", dir / "d.err");
    if (!notify.waitFor("READY=1", 20s)) FAIL("chiefd --user did not become ready: " << chiefd.err());
    CHECK(chiefd.err().find(home + "/.config/chief/chief.yaml") != std::string::npos);
    struct stat st{};
    REQUIRE(::stat((home + "/.local/state/chief").c_str(), &st) == 0);  // history under $XDG_STATE_HOME
    CHECK(st.st_uid == kOwner);

    int n = 0;
    auto ctl = [&](const std::vector<std::string>& wrapper, const std::vector<std::string>& args) {
        std::vector<std::string> a = wrapper;
        a.push_back(kChiefctl);
        a.insert(a.end(), args.begin(), args.end());
        const std::string i = std::to_string(++n);
        Child child(a, env, dir / ("c" + i + ".out"), dir / ("c" + i + ".err"));
        const auto code = child.wait(60s);
        REQUIRE(code);
        return Ctl{*code, child.out(), child.err()};
    };
    // No --user: the system bus has no chiefd, so the owner's own bus answers.
    const Ctl run = ctl(asUser(kOwner), {"run", "--job", "hello"});
    INFO(run.err);
    CHECK(run.code == 0);
    CHECK(readFile(home + "/ran") == "hello from 65534\n");
    // Another user may read, not run: the chief group is a system-wide notion.
    const Ctl other = ctl(asUser(kOther), {"--user", "list"});
    INFO(other.err);
    CHECK(other.code == 0);
    const Ctl denied = ctl(asUser(kOther), {"--user", "run", "--job", "hello"});
    CHECK(denied.code == 4);
    CHECK(denied.err.find("needs root or the user this chiefd runs as (uid 65534)") != std::string::npos);
    // --system forces the system bus: nothing there.
    CHECK(ctl(asUser(kOwner), {"--system", "list"}).code == 3);

    chiefd.signal(SIGTERM);
    CHECK(chiefd.wait(20s) == 0);
    // Neither bus has a chiefd now: exit 3, naming both.
    const Ctl neither = ctl(asUser(kOwner), {"list"});
    INFO(neither.err);
    CHECK(neither.code == 3);
    // (This test's system bus does not exist at all; with one and no chiefd on it the message
    // says "neither on the system bus nor on your session bus", see the unit test.)
    CHECK(neither.err.find("chiefd is not on your session bus either") != std::string::npos);
}
