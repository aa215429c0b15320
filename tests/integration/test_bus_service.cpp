// The real chiefd on a private dbus-daemon, driven over the bus by a plain sd-bus client: the
// org.chief.Scheduler1 API end to end, its access check, and chiefd without any bus.
#include <catch2/catch.hpp>

#include <grp.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "chief/bus_api.h"
#include "daemon_harness.h"
#include "private_bus.h"
#include "test_skip.h"

using namespace chief::testing;
using namespace std::chrono_literals;
namespace bus = chief::bus;

namespace {

const std::string kChiefd = CHIEFD_PATH;
constexpr const char* kPropertiesInterface = "org.freedesktop.DBus.Properties";

// ---- a minimal sd-bus client ---------------------------------------------------------------

struct MessageUnref {
    void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
using MessagePtr = std::unique_ptr<sd_bus_message, MessageUnref>;

struct CallResult {
    MessagePtr reply;
    std::string errorName;
    std::string errorMessage;
    bool ok() const { return errorName.empty(); }
    sd_bus_message* get() const { return reply.get(); }
};

// A signal as received: member, path and its arguments as text, in order.
struct Signal {
    std::string interface;
    std::string member;
    std::string path;
    std::vector<std::string> args;
    // PropertiesChanged: the interface and the changed values, as text.
    std::string changedInterface;
    std::map<std::string, std::string> changed;
};

// Reads one basic value of type `type` as text.
std::string readBasic(sd_bus_message* m, char type) {
    switch (type) {
        case 's':
        case 'o': {
            const char* s = nullptr;
            sd_bus_message_read_basic(m, type, &s);
            return s ? s : "";
        }
        case 'b': {
            int b = 0;
            sd_bus_message_read_basic(m, type, &b);
            return b ? "true" : "false";
        }
        case 'u': {
            uint32_t u = 0;
            sd_bus_message_read_basic(m, type, &u);
            return std::to_string(u);
        }
        case 'i': {
            int32_t i = 0;
            sd_bus_message_read_basic(m, type, &i);
            return std::to_string(i);
        }
        case 't': {
            uint64_t t = 0;
            sd_bus_message_read_basic(m, type, &t);
            return std::to_string(t);
        }
        default: sd_bus_message_skip(m, std::string(1, type).c_str()); return "?";
    }
}

// Reads an a{sv} of basic values into text.
std::map<std::string, std::string> readProperties(sd_bus_message* m) {
    std::map<std::string, std::string> out;
    if (sd_bus_message_enter_container(m, 'a', "{sv}") < 0) return out;
    while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
        const char* name = nullptr;
        sd_bus_message_read(m, "s", &name);
        const char* contents = nullptr;
        char type = 0;
        sd_bus_message_peek_type(m, &type, &contents);
        sd_bus_message_enter_container(m, 'v', contents);
        out[name] = readBasic(m, contents[0]);
        sd_bus_message_exit_container(m);
        sd_bus_message_exit_container(m);
    }
    sd_bus_message_exit_container(m);
    return out;
}

class Client {
public:
    explicit Client(const std::string& address) {
        sd_bus_new(&bus_);
        REQUIRE(bus_);
        REQUIRE(sd_bus_set_address(bus_, address.c_str()) >= 0);
        REQUIRE(sd_bus_set_bus_client(bus_, 1) >= 0);
        REQUIRE(sd_bus_start(bus_) >= 0);
    }
    ~Client() {
        for (sd_bus_slot* slot : slots_) sd_bus_slot_unref(slot);
        sd_bus_flush_close_unref(bus_);
    }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    sd_bus* get() { return bus_; }

    template <typename... Args>
    CallResult call(const std::string& path, const char* interface, const char* member, const char* types,
                    Args... args) {
        sd_bus_error error{};
        sd_bus_message* reply = nullptr;
        sd_bus_call_method(bus_, bus::kServiceName, path.c_str(), interface, member, &error, &reply, types, args...);
        CallResult result{MessagePtr(reply), error.name ? error.name : "", error.message ? error.message : ""};
        sd_bus_error_free(&error);
        return result;
    }
    template <typename... Args>
    CallResult manager(const char* member, const char* types = "", Args... args) {
        return call(bus::kManagerPath, bus::kManagerInterface, member, types, args...);
    }
    std::map<std::string, std::string> properties(const std::string& path, const char* interface) {
        CallResult r = call(path, kPropertiesInterface, "GetAll", "s", interface);
        INFO(r.errorName << ": " << r.errorMessage);
        REQUIRE(r.ok());
        return readProperties(r.get());
    }
    std::string introspect(const std::string& path) {
        CallResult r = call(path, "org.freedesktop.DBus.Introspectable", "Introspect", "");
        REQUIRE(r.ok());
        const char* xml = nullptr;
        REQUIRE(sd_bus_message_read(r.get(), "s", &xml) >= 0);
        return xml;
    }

    // Records every signal chiefd sends: the Manager's and PropertiesChanged on any object.
    // AddMatch is synchronous: once this returns, nothing chiefd sends afterwards is missed.
    void watchSignals() {
        sd_bus_slot* slot = nullptr;
        REQUIRE(sd_bus_match_signal(bus_, &slot, bus::kServiceName, bus::kManagerPath, bus::kManagerInterface, nullptr,
                                    onSignal, this) >= 0);
        slots_.push_back(slot);
        REQUIRE(sd_bus_match_signal(bus_, &slot, bus::kServiceName, nullptr, kPropertiesInterface, "PropertiesChanged",
                                    onSignal, this) >= 0);
        slots_.push_back(slot);
    }
    const std::vector<Signal>& signals() const { return signals_; }

    // Processes the connection until `found` returns a signal, or the deadline passes.
    const Signal* waitForSignal(const std::function<bool(const Signal&)>& match, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::size_t checked = 0;
        while (true) {
            for (; checked < signals_.size(); ++checked)
                if (match(signals_[checked])) return &signals_[checked];
            const int r = sd_bus_process(bus_, nullptr);
            if (r < 0) return nullptr;
            if (r > 0) continue;
            const auto left =
                std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return nullptr;
            sd_bus_wait(bus_, static_cast<uint64_t>(left.count()));
        }
    }
    const Signal* waitForMember(const std::string& member, const std::string& firstArg,
                                std::chrono::milliseconds timeout) {
        return waitForSignal(
            [&](const Signal& s) { return s.member == member && !s.args.empty() && s.args[0] == firstArg; }, timeout);
    }

private:
    static int onSignal(sd_bus_message* m, void* userdata, sd_bus_error*) {
        auto& self = *static_cast<Client*>(userdata);
        Signal s;
        s.interface = sd_bus_message_get_interface(m) ? sd_bus_message_get_interface(m) : "";
        s.member = sd_bus_message_get_member(m) ? sd_bus_message_get_member(m) : "";
        s.path = sd_bus_message_get_path(m) ? sd_bus_message_get_path(m) : "";
        if (s.member == "PropertiesChanged") {
            const char* interface = nullptr;
            sd_bus_message_read(m, "s", &interface);
            s.changedInterface = interface ? interface : "";
            s.changed = readProperties(m);
        } else {
            const char* signature = sd_bus_message_get_signature(m, 1);
            for (const char* t = signature; t && *t; ++t) s.args.push_back(readBasic(m, *t));
        }
        self.signals_.push_back(std::move(s));
        return 0;
    }

    sd_bus* bus_ = nullptr;
    std::vector<sd_bus_slot*> slots_;
    std::vector<Signal> signals_;
};

// ---- replies -------------------------------------------------------------------------------

struct JobEntry {
    std::string name, description, schedule, mode, timezone, lastResult, path;
    bool enabled = false, pendingQueued = false;
    uint64_t nextRun = 0, lastRunFinished = 0;
    uint32_t runningCount = 0;
};

std::vector<JobEntry> readJobs(sd_bus_message* m) {
    std::vector<JobEntry> jobs;
    REQUIRE(sd_bus_message_enter_container(m, 'a', "(ssbssststubo)") >= 0);
    while (true) {
        const char *name, *description, *schedule, *mode, *zone, *lastResult, *path;
        int enabled = 0, pending = 0;
        JobEntry j;
        const int r =
            sd_bus_message_read(m, "(ssbssststubo)", &name, &description, &enabled, &schedule, &mode, &zone, &j.nextRun,
                                &lastResult, &j.lastRunFinished, &j.runningCount, &pending, &path);
        REQUIRE(r >= 0);
        if (r == 0) break;
        j.name = name;
        j.description = description;
        j.enabled = enabled;
        j.schedule = schedule;
        j.mode = mode;
        j.timezone = zone;
        j.lastResult = lastResult;
        j.pendingQueued = pending;
        j.path = path;
        jobs.push_back(std::move(j));
    }
    return jobs;
}

struct ScriptEntry {
    std::string path, status;
    int32_t exitCode = 0, signal = 0;
    uint64_t duration = 0;
};
struct RunEntry {
    std::string id, job, trigger, result;
    uint64_t scheduled = 0, started = 0, ended = 0;
    std::vector<ScriptEntry> scripts;
};

// Reads one (ssstttsa(ssiit)); false at the end of an enclosing array.
bool readRun(sd_bus_message* m, RunEntry& run) {
    const int entered = sd_bus_message_enter_container(m, 'r', "ssstttsa(ssiit)");
    REQUIRE(entered >= 0);
    if (entered == 0) return false;
    const char *id, *job, *trigger, *result;
    REQUIRE(sd_bus_message_read(m, "sssttts", &id, &job, &trigger, &run.scheduled, &run.started, &run.ended, &result) >
            0);
    run.id = id;
    run.job = job;
    run.trigger = trigger;
    run.result = result;
    REQUIRE(sd_bus_message_enter_container(m, 'a', "(ssiit)") >= 0);
    while (true) {
        const char *path, *status;
        ScriptEntry s;
        const int r = sd_bus_message_read(m, "(ssiit)", &path, &status, &s.exitCode, &s.signal, &s.duration);
        REQUIRE(r >= 0);
        if (r == 0) break;
        s.path = path;
        s.status = status;
        run.scripts.push_back(s);
    }
    REQUIRE(sd_bus_message_exit_container(m) >= 0);
    REQUIRE(sd_bus_message_exit_container(m) >= 0);
    return true;
}

std::vector<RunEntry> readRuns(sd_bus_message* m) {
    std::vector<RunEntry> runs;
    REQUIRE(sd_bus_message_enter_container(m, 'a', "(ssstttsa(ssiit))") >= 0);
    for (RunEntry run; readRun(m, run); run = RunEntry{}) runs.push_back(run);
    return runs;
}

std::string readString(const CallResult& r) {
    const char* s = nullptr;
    REQUIRE(sd_bus_message_read(r.get(), "s", &s) >= 0);
    return s;
}

// ---- introspection, normalised ---------------------------------------------------------------

// Every interface, method, signal, argument (position, name, type, direction) and property
// (name, type, access) of the non-standard interfaces, one string each; annotations ignored.
std::set<std::string> normaliseIntrospection(std::string xml) {
    xml = std::regex_replace(xml, std::regex("<!--[\\s\\S]*?-->"), "");
    std::set<std::string> out;
    const std::regex tag("<(/?)([A-Za-z]+)([^>]*?)(/?)>");
    const std::regex attribute("([A-Za-z_]+)=\"([^\"]*)\"");
    std::string interface, member, kind;
    int argIndex = 0;
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), tag); it != std::sregex_iterator(); ++it) {
        const bool closing = (*it)[1] == "/";
        const std::string name = (*it)[2];
        const std::string attrText = (*it)[3];
        std::map<std::string, std::string> attrs;
        for (auto a = std::sregex_iterator(attrText.begin(), attrText.end(), attribute); a != std::sregex_iterator();
             ++a)
            attrs[(*a)[1]] = (*a)[2];
        const bool selfClosing = (*it)[4] == "/";
        if (name == "interface") {
            interface = closing ? "" : attrs["name"];
            if (!closing && !interface.starts_with("org.freedesktop.")) out.insert("interface " + interface);
            continue;
        }
        if (interface.empty() || interface.starts_with("org.freedesktop.")) continue;
        if (name == "method" || name == "signal") {
            if (closing) {
                member.clear();
                continue;
            }
            kind = name;
            member = attrs["name"];
            argIndex = 0;
            out.insert(interface + " " + kind + " " + member);
            if (selfClosing) member.clear();
        } else if (name == "arg" && !closing && !member.empty()) {
            const std::string direction =
                attrs.count("direction") ? attrs["direction"] : (kind == "signal" ? "out" : "in");
            out.insert(interface + " " + kind + " " + member + " arg" + std::to_string(argIndex++) + " " +
                       attrs["name"] + " " + attrs["type"] + " " + direction);
        } else if (name == "property" && !closing) {
            out.insert(interface + " property " + attrs["name"] + " " + attrs["type"] + " " + attrs["access"]);
        }
    }
    return out;
}

std::string committedXmlPath() {
    // tests/integration/<this file> -> the source tree's units/dbus/.
    return (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() /
            "units/dbus/org.chief.Scheduler1.xml")
        .string();
}

// ---- the daemon on its private bus ---------------------------------------------------------

const char* const kJobsYaml = R"(
jobs:
  - name: hello
    description: says hello
    timezone: Europe/Berlin
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: hello.sh}]
  - name: sleeper.x@y-z
    overlap: skip
    kill_grace_seconds: 1
    schedule: {frequency: daily, time: "04:00"}
    scripts: [{path: sleep.sh}]
  - name: off
    enabled: false
    schedule: {frequency: daily, time: "05:00"}
    scripts: [{path: hello.sh}]
)";

// A dbus-daemon and chiefd on it, both ended (by PID) when the test ends.
class BusDaemon {
public:
    explicit BusDaemon(const std::string& yaml = kJobsYaml, const std::string& configName = "chief.yaml") {
        const std::string folder = std::filesystem::path(configName).parent_path().string();
        const std::string prefix = folder.empty() ? "" : folder + "/";
        dir_.write(prefix + "hello.sh", "#!/bin/sh\necho hello\n", true);
        dir_.write(prefix + "sleep.sh", "#!/bin/sh\nexec sleep 600\n", true);
        config_ = dir_.write(configName, yaml);
        address_ = bus_.start(dir_.path());
    }
    // Stops the dbus-daemon and starts a new one on the same socket (a bus restart).
    void restartBus() {
        bus_.stop();
        address_ = bus_.start(dir_.path());
    }
    ~BusDaemon() {
        if (chiefd_) {
            chiefd_->signal(SIGTERM);
            chiefd_->wait(20s);
        }
    }
    // Starts chiefd (through `wrapper` if given, e.g. unshare) and waits for READY=1.
    void startChiefd(const std::vector<std::string>& wrapper = {}) {
        notify_ = std::make_unique<NotifySocket>(dir_ / "notify.sock");
        std::vector<std::string> argv = wrapper;
        for (const std::string& a : {kChiefd, std::string("--config"), config_, std::string("--log-target"),
                                     std::string("console"), std::string("--state-dir"), dir_ / "state"})
            argv.push_back(a);
        chiefd_ = std::make_unique<Child>(
            argv,
            // Without the guid, which a restarted bus does not keep: chiefd must find it again.
            std::vector<std::string>{"NOTIFY_SOCKET=" + notify_->path(),
                                     "DBUS_SYSTEM_BUS_ADDRESS=" + address_.substr(0, address_.find(",guid="))},
            dir_ / "d.out", dir_ / "d.err");
        REQUIRE(notify_->waitFor("READY=1", 20s));
    }
    const TempDir& dir() const { return dir_; }
    const std::string& address() const { return address_; }
    const std::string& config() const { return config_; }
    Child& chiefd() { return *chiefd_; }
    std::string log() const { return chiefd_ ? chiefd_->err() : std::string(); }

private:
    TempDir dir_;
    PrivateBus bus_;
    std::string address_;
    std::string config_;
    std::unique_ptr<NotifySocket> notify_;
    std::unique_ptr<Child> chiefd_;
};

#define SKIP_WITHOUT_DBUS_DAEMON()                                                      \
    do {                                                                                \
        if (!PrivateBus::available()) {                                                 \
            CHIEF_SKIP_TEST("dbus-daemon is not installed: skipping this D-Bus integration test"); \
        }                                                                               \
    } while (false)

std::string jobPath(const std::string& name) {
    char* path = nullptr;
    REQUIRE(sd_bus_path_encode(bus::kJobPathPrefix, name.c_str(), &path) >= 0);
    std::string out(path);
    std::free(path);
    return out;
}

// The full path of a program on $PATH (Child runs an exact path).
std::string onPath(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (::access((dir + "/" + program).c_str(), X_OK) == 0) return dir + "/" + program;
    return program;
}

// Runs `body` in a child process as uid/gid 65534 with the given supplementary groups, and
// returns what it wrote to its pipe (the D-Bus error name of a call, or "ok").
std::string asNobody(const std::vector<gid_t>& groups, const std::function<std::string()>& body) {
    int pipefd[2];
    REQUIRE(::pipe(pipefd) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(pipefd[0]);
        std::string out = "cannot drop privileges";
        if (::setgroups(groups.size(), groups.data()) == 0 && ::setgid(65534) == 0 && ::setuid(65534) == 0)
            out = body();
        const ssize_t ignored = ::write(pipefd[1], out.data(), out.size());
        (void)ignored;
        ::_exit(0);
    }
    ::close(pipefd[1]);
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{pipefd[0], POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        char buf[512];
        const ssize_t n = ::read(pipefd[0], buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(pipefd[0]);
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == 0) {
        ::kill(pid, SIGKILL);  // it overran the deadline
        ::waitpid(pid, &status, 0);
    }
    return out;
}

// A call made from a fresh connection (in the dropped-privilege child); "ok" or the error name.
std::string callAs(const std::string& address, const char* member, const std::string& job) {
    sd_bus* b = nullptr;
    if (sd_bus_new(&b) < 0 || sd_bus_set_address(b, address.c_str()) < 0 || sd_bus_set_bus_client(b, 1) < 0 ||
        sd_bus_start(b) < 0)
        return "cannot connect";
    sd_bus_error error{};
    sd_bus_message* reply = nullptr;
    int r = 0;
    if (std::string(member) == "RunJobs")  // (as names, b respect_schedule): just `job`, if due
        r = sd_bus_call_method(b, bus::kServiceName, bus::kManagerPath, bus::kManagerInterface, member, &error, &reply,
                               "asb", 1, job.c_str(), 1);
    else if (job.empty())
        r = sd_bus_call_method(b, bus::kServiceName, bus::kManagerPath, bus::kManagerInterface, member, &error, &reply,
                               "");
    else
        r = sd_bus_call_method(b, bus::kServiceName, bus::kManagerPath, bus::kManagerInterface, member, &error, &reply,
                               "s", job.c_str());
    std::string out = r >= 0 ? "ok" : (error.name ? error.name : "failed");
    sd_bus_error_free(&error);
    sd_bus_message_unref(reply);
    sd_bus_flush_close_unref(b);
    return out;
}

}  // namespace

TEST_CASE("chiefd on a private bus: name, ListJobs, GetJob, Job properties, PreviewJobs, ExportCron", "[bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    BusDaemon d;
    d.startChiefd();
    INFO(d.log());
    Client client(d.address());

    // READY=1 came after the name was taken: it is owned now, no waiting.
    sd_bus_error error{};
    sd_bus_message* reply = nullptr;
    REQUIRE(sd_bus_call_method(client.get(), "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                               "NameHasOwner", &error, &reply, "s", bus::kServiceName) >= 0);
    int owned = 0;
    REQUIRE(sd_bus_message_read(reply, "b", &owned) >= 0);
    CHECK(owned);
    sd_bus_message_unref(reply);
    sd_bus_error_free(&error);

    const auto manager = client.properties(bus::kManagerPath, bus::kManagerInterface);
    CHECK(manager.at("JobCount") == "3");
    CHECK(manager.at("ConfigPath") == d.config());
    CHECK(manager.at("RunningRuns") == "0");
    CHECK(manager.at("NextRun") != "0");
    CHECK_FALSE(manager.at("Version").empty());

    const CallResult list = client.manager("ListJobs");
    REQUIRE(list.ok());
    const auto jobs = readJobs(list.get());
    REQUIRE(jobs.size() == 3);
    CHECK(jobs[0].name == "hello");
    CHECK(jobs[0].description == "says hello");
    CHECK(jobs[0].enabled);
    CHECK(jobs[0].schedule == "every day at 03:00");
    CHECK(jobs[0].mode == "pure_cron");
    CHECK(jobs[0].timezone == "Europe/Berlin");
    CHECK(jobs[0].nextRun > 0);
    CHECK(jobs[0].lastResult.empty());
    CHECK(jobs[0].lastRunFinished == 0);
    CHECK(jobs[0].runningCount == 0);
    CHECK_FALSE(jobs[0].pendingQueued);
    CHECK(jobs[0].path == std::string(bus::kJobPathPrefix) + "/hello");
    CHECK(jobs[1].name == "sleeper.x@y-z");
    CHECK(jobs[1].path == jobPath("sleeper.x@y-z"));
    CHECK_FALSE(jobs[2].enabled);
    CHECK(jobs[2].nextRun == 0);

    const CallResult get = client.manager("GetJob", "s", "sleeper.x@y-z");
    REQUIRE(get.ok());
    const char* path = nullptr;
    REQUIRE(sd_bus_message_read(get.get(), "o", &path) >= 0);
    CHECK(std::string(path) == jobPath("sleeper.x@y-z"));

    const auto hello = client.properties(jobs[0].path, bus::kJobInterface);
    CHECK(hello.at("Name") == "hello");
    CHECK(hello.at("Description") == "says hello");
    CHECK(hello.at("Enabled") == "true");
    CHECK(hello.at("Schedule") == "every day at 03:00");
    CHECK(hello.at("Mode") == "pure_cron");
    CHECK(hello.at("Cron") == "0 3 * * *");
    CHECK(hello.at("Timezone") == "Europe/Berlin");
    CHECK(hello.at("NextRun") == std::to_string(jobs[0].nextRun));
    CHECK(hello.at("LastRunId").empty());
    CHECK(hello.at("LastResult").empty());
    CHECK(hello.at("LastRunFinished") == "0");
    CHECK(hello.at("RunningCount") == "0");
    CHECK(hello.at("PendingQueued") == "false");
    // The node enumerator lists one object per job.
    const std::string tree = client.introspect(bus::kJobPathPrefix);
    CHECK(tree.find("<node name=\"hello\"/>") != std::string::npos);
    CHECK(tree.find("<node name=\"off\"/>") != std::string::npos);
    // No object for a job that does not exist.
    CHECK(client.call(jobPath("nope"), kPropertiesInterface, "GetAll", "s", bus::kJobInterface).errorName ==
          "org.freedesktop.DBus.Error.UnknownObject");

    // 2030-01-01T00:00:00Z
    const CallResult preview = client.manager("PreviewJobs", "sut", "hello", 3u, uint64_t{1893456000} * 1000000);
    INFO(preview.errorMessage);
    REQUIRE(preview.ok());
    const auto json = nlohmann::json::parse(readString(preview));
    CHECK(json["from"].get<std::string>().starts_with("2030-01-01T00:00:00"));
    REQUIRE(json["jobs"].size() == 1);
    CHECK(json["jobs"][0]["name"] == "hello");
    CHECK(json["jobs"][0]["next_runs"].size() == 3);
    CHECK(json["jobs"][0]["next_runs"][0].get<std::string>().starts_with("2030-01-01T03:00:00"));
    const CallResult previewAll = client.manager("PreviewJobs", "sut", "", 1u, uint64_t{0});
    REQUIRE(previewAll.ok());
    CHECK(nlohmann::json::parse(readString(previewAll))["jobs"].size() == 3);

    // The old method: the crontab for the cron installed here.
    const CallResult cron = client.manager("ExportCron", "s", "hello");
    REQUIRE(cron.ok());
    CHECK(readString(cron).find(CHIEF_INSTALLED_CHIEFD " --once --config " + d.config() + " --job hello") !=
          std::string::npos);
    // ExportCrontab: the export-cron --json document, for the cron asked for.
    const CallResult cronie = client.manager("ExportCrontab", "ss", "hello", "cronie");
    REQUIRE(cronie.ok());
    const auto document = nlohmann::json::parse(readString(cronie));
    CHECK(document["cron_flavor"] == "cronie");
    CHECK(document["config"] == d.config());
    REQUIRE(document["jobs"].size() == 1);
    CHECK(document["jobs"][0]["cron"] == "0 3 * * *");
    const std::string crontab = document["crontab"];
    CHECK(crontab.find("CRON_TZ=Europe/Berlin") != std::string::npos);
    CHECK(crontab.find("0 3 * * * " CHIEF_INSTALLED_CHIEFD " --once --config " + d.config() + " --job hello") !=
          std::string::npos);
    const CallResult debian = client.manager("ExportCrontab", "ss", "hello", "debian");
    REQUIRE(debian.ok());
    CHECK(nlohmann::json::parse(readString(debian))["crontab"].get<std::string>().find("\nCRON_TZ=") == std::string::npos);
    CHECK(client.manager("ExportCrontab", "ss", "hello", "fcron").errorName == bus::kInvalidArgument.name);
}

TEST_CASE("chiefd's ExportSystemd and ExportKubernetes: the documents, no environment values, refusals", "[bus][exports]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    BusDaemon d(R"(
jobs:
  - name: hello
    environment: {API_TOKEN: "s3cret-value"}
    schedule: {frequency: daily, time: "03:00", timezone: Europe/Berlin}
    scripts: [{path: hello.sh}]
)");
    d.startChiefd();
    INFO(d.log());
    Client client(d.address());
    for (const char* runner : {"", "chiefd", "native"}) {
        const CallResult units = client.manager("ExportSystemd", "ss", "hello", runner);
        INFO(runner << " " << units.errorName << ": " << units.errorMessage);
        REQUIRE(units.ok());
        const std::string text = readString(units);
        CHECK(text.find("s3cret-value") == std::string::npos);  // names at most, never values
        const auto document = nlohmann::json::parse(text);
        CHECK(document["config"] == d.config());
        CHECK(document["runner"] == (std::string(runner).empty() ? "chiefd" : runner));
        REQUIRE(document["jobs"].size() == 1);
        CHECK(document["jobs"][0]["files"][0]["name"] == "chief-hello.timer");
        CHECK(document["jobs"][0]["files"][1]["name"] == "chief-hello.service");
        CHECK(document["jobs"][0]["on_calendar"][0] == "*-*-* 03:00:00 Europe/Berlin");
    }
    CHECK(client.manager("ExportSystemd", "ss", "hello", "cron").errorName == bus::kInvalidArgument.name);
    CHECK(client.manager("ExportSystemd", "ss", "nope", "").errorName == bus::kNoSuchJob.name);

    const CallResult manifests = client.manager("ExportKubernetes", "sss", "", "registry.example/chief:1", "ops");
    INFO(manifests.errorName << ": " << manifests.errorMessage);
    REQUIRE(manifests.ok());
    const std::string text = readString(manifests);
    CHECK(text.find("s3cret-value") == std::string::npos);
    const auto document = nlohmann::json::parse(text);
    CHECK(document["image"] == "registry.example/chief:1");
    REQUIRE(document["jobs"].size() == 1);
    CHECK(document["jobs"][0]["exported"] == true);
    CHECK(document["yaml"].get<std::string>().find("namespace: \"ops\"") != std::string::npos);
    CHECK(client.manager("ExportKubernetes", "sss", "", "", "").errorName == bus::kInvalidArgument.name);
    CHECK(client.manager("ExportKubernetes", "sss", "", "img", "Not_A_Label").errorName == bus::kInvalidArgument.name);
    CHECK(client.manager("ExportKubernetes", "sss", "nope", "img", "").errorName == bus::kNoSuchJob.name);
}

// Calls GetRun; the test fails if the call does or its reply does not read as a run.
RunEntry getRun(Client& client, const std::string& runId) {
    const CallResult got = client.manager("GetRun", "s", runId.c_str());
    INFO(got.errorName << ": " << got.errorMessage);
    REQUIRE(got.ok());
    RunEntry entry;
    REQUIRE(readRun(got.get(), entry));
    return entry;
}

// Calls RunJob and returns its (run id, outcome); the test fails if the call does.
std::pair<std::string, std::string> runJob(Client& client, const char* job) {
    const CallResult run = client.manager("RunJob", "s", job);
    INFO(run.errorName << ": " << run.errorMessage);
    REQUIRE(run.ok());
    const char *runId = nullptr, *outcome = nullptr;
    REQUIRE(sd_bus_message_read(run.get(), "ss", &runId, &outcome) >= 0);
    return {runId, outcome};
}

TEST_CASE("chiefd on a private bus: RunJob, its signals, ListRuns/GetRun and PropertiesChanged", "[bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    BusDaemon d;
    d.startChiefd();
    INFO(d.log());
    Client client(d.address());
    client.watchSignals();

    const auto accepted = runJob(client, "hello");
    const std::string& runId = accepted.first;
    CHECK(accepted.second == "started");

    const Signal* started = client.waitForMember("RunStarted", runId, 20s);
    REQUIRE(started);
    // A manual run has no due instant: 0, the API's "none".
    CHECK(started->args == std::vector<std::string>{runId, "hello", "manual", "0"});
    const Signal* script = client.waitForMember("ScriptFinished", runId, 20s);
    REQUIRE(script);
    REQUIRE(script->args.size() == 8);
    CHECK(script->args[1] == "hello");
    CHECK(script->args[2] == "0");  // index
    CHECK(script->args[3] == d.dir() / "hello.sh");
    CHECK(script->args[4] == "exited");
    CHECK(script->args[5] == "0");  // exit code
    CHECK(script->args[6] == "0");  // signal
    const Signal* finished = client.waitForMember("RunFinished", runId, 20s);
    REQUIRE(finished);
    CHECK(finished->args[1] == "hello");
    CHECK(finished->args[2] == "succeeded");

    // The job object says so: PropertiesChanged carries the new last run.
    const std::string path = jobPath("hello");
    const Signal* changed = client.waitForSignal(
        [&](const Signal& s) {
            return s.member == "PropertiesChanged" && s.path == path && s.changedInterface == bus::kJobInterface &&
                   s.changed.count("LastRunId") && s.changed.at("LastRunId") == runId;
        },
        20s);
    REQUIRE(changed);
    CHECK(changed->changed.at("LastResult") == "succeeded");
    CHECK(changed->changed.at("RunningCount") == "0");
    CHECK(changed->changed.at("LastRunFinished") != "0");
    CHECK(changed->changed.count("NextRun"));
    CHECK(changed->changed.count("PendingQueued"));

    const RunEntry entry = getRun(client, runId);
    CHECK(entry.id == runId);
    CHECK(entry.job == "hello");
    CHECK(entry.trigger == "manual");
    CHECK(entry.result == "succeeded");
    CHECK(entry.started > 0);
    CHECK(entry.ended >= entry.started);
    CHECK(entry.scheduled == 0);
    REQUIRE(entry.scripts.size() == 1);
    CHECK(entry.scripts[0].path == d.dir() / "hello.sh");
    CHECK(entry.scripts[0].status == "exited");
    CHECK(entry.scripts[0].exitCode == 0);

    const CallResult runs = client.manager("ListRuns", "su", "hello", 0u);
    REQUIRE(runs.ok());
    const auto listed = readRuns(runs.get());
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].id == runId);
    CHECK(listed[0].result == "succeeded");
    const CallResult all = client.manager("ListRuns", "su", "", 10u);
    REQUIRE(all.ok());
    CHECK(readRuns(all.get()).size() == 1);

    const auto props = client.properties(path, bus::kJobInterface);
    CHECK(props.at("LastRunId") == runId);
    CHECK(props.at("LastResult") == "succeeded");
}

TEST_CASE("chiefd on a private bus: CancelRun ends a long run as cancelled, overlap skip refuses a second run",
          "[bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    BusDaemon d;
    d.startChiefd();
    INFO(d.log());
    Client client(d.address());
    client.watchSignals();

    const std::string runId = runJob(client, "sleeper.x@y-z").first;
    REQUIRE(client.waitForMember("RunStarted", runId, 20s));

    // PropertiesChanged comes once chiefd has reacted to the start (the script is spawned).
    auto runningRuns = [](const std::string& value) {
        return [value](const Signal& s) {
            return s.member == "PropertiesChanged" && s.path == bus::kManagerPath && s.changed.count("RunningRuns") &&
                   s.changed.at("RunningRuns") == value;
        };
    };
    REQUIRE(client.waitForSignal(runningRuns("1"), 20s));

    // While it runs: GetRun says "running", the job object counts it, a second run is skipped.
    const RunEntry entry = getRun(client, runId);
    CHECK(entry.result == "running");
    CHECK(entry.ended == 0);
    REQUIRE(entry.scripts.size() == 1);
    CHECK(entry.scripts[0].status == "running");
    CHECK(client.properties(jobPath("sleeper.x@y-z"), bus::kJobInterface).at("RunningCount") == "1");
    CHECK(client.properties(bus::kManagerPath, bus::kManagerInterface).at("RunningRuns") == "1");
    const CallResult second = client.manager("RunJob", "s", "sleeper.x@y-z");
    CHECK(second.errorName == bus::kRunSkipped.name);
    CHECK(second.errorMessage.find("still running") != std::string::npos);

    const CallResult cancel = client.manager("CancelRun", "s", runId.c_str());
    INFO(cancel.errorName << ": " << cancel.errorMessage);
    REQUIRE(cancel.ok());
    const Signal* script = client.waitForMember("ScriptFinished", runId, 20s);
    REQUIRE(script);
    CHECK(script->args[4] == "stopped");
    const Signal* finished = client.waitForMember("RunFinished", runId, 20s);
    REQUIRE(finished);
    CHECK(finished->args[2] == "cancelled");
    CHECK(client.waitForSignal(runningRuns("0"), 20s));

    const RunEntry ended = getRun(client, runId);
    CHECK(ended.result == "cancelled");
    CHECK(ended.ended > 0);
    // A finished run cannot be cancelled again.
    CHECK(client.manager("CancelRun", "s", runId.c_str()).errorName == bus::kNoSuchRun.name);
}

TEST_CASE("chiefd on a private bus: Reload refuses an invalid file with its diagnostics, applies a valid edit",
          "[bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    BusDaemon d;
    d.startChiefd();
    INFO(d.log());
    Client client(d.address());
    client.watchSignals();

    d.dir().write("chief.yaml", std::string(kJobsYaml) +
                                    "  - name: broken\n    schedule: {frequency: daily, time: \"99:00\"}\n"
                                    "    scripts: [{path: hello.sh}]\n");
    const CallResult refused = client.manager("Reload");
    CHECK(refused.errorName == bus::kInvalidConfig.name);
    INFO(refused.errorMessage);
    CHECK(std::regex_search(refused.errorMessage,
                            std::regex(std::regex_replace(d.config(), std::regex("[.]"), "\\.") +
                                       ":[0-9]+:[0-9]+: jobs\\[3\\]\\.schedule\\.time: invalid time \"99:00\"")));
    CHECK(client.manager("GetJob", "s", "broken").errorName == bus::kNoSuchJob.name);

    d.dir().write("chief.yaml", std::string(kJobsYaml) +
                                    "  - name: added\n    schedule: {frequency: daily, time: \"06:00\"}\n"
                                    "    scripts: [{path: hello.sh}]\n");
    const CallResult reloaded = client.manager("Reload");
    INFO(reloaded.errorName << ": " << reloaded.errorMessage);
    REQUIRE(reloaded.ok());
    const Signal* signal = client.waitForSignal([](const Signal& s) { return s.member == "Reloaded"; }, 20s);
    REQUIRE(signal);
    CHECK(signal->args == std::vector<std::string>{"4"});
    CHECK(client.waitForSignal(
        [](const Signal& s) {
            return s.member == "PropertiesChanged" && s.path == bus::kManagerPath && s.changed.count("JobCount") &&
                   s.changed.at("JobCount") == "4";
        },
        20s));

    // The new job's object exists without any re-registration.
    const CallResult get = client.manager("GetJob", "s", "added");
    REQUIRE(get.ok());
    CHECK(client.properties(jobPath("added"), bus::kJobInterface).at("Schedule") == "every day at 06:00");
    CHECK(client.introspect(bus::kJobPathPrefix).find("<node name=\"added\"/>") != std::string::npos);
}

TEST_CASE("chiefd on a private bus: error names from the shared table", "[bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    BusDaemon d;
    d.startChiefd();
    INFO(d.log());
    Client client(d.address());

    const CallResult noJob = client.manager("GetJob", "s", "nope");
    CHECK(noJob.errorName == bus::kNoSuchJob.name);
    CHECK(noJob.errorMessage == "no job named \"nope\"");
    CHECK(client.manager("RunJob", "s", "nope").errorName == bus::kNoSuchJob.name);
    CHECK(client.manager("ExportCron", "s", "nope").errorName == bus::kNoSuchJob.name);
    CHECK(client.manager("ListRuns", "su", "nope", 0u).errorName == bus::kNoSuchJob.name);
    CHECK(client.manager("PreviewJobs", "sut", "nope", 1u, uint64_t{0}).errorName == bus::kNoSuchJob.name);
    CHECK(client.manager("GetRun", "s", "20990101T000000.000Z-0001").errorName == bus::kNoSuchRun.name);
    CHECK(client.manager("CancelRun", "s", "nope").errorName == bus::kNoSuchRun.name);
    const CallResult disabled = client.manager("RunJob", "s", "off");
    CHECK(disabled.errorName == bus::kJobDisabled.name);
    CHECK(disabled.errorMessage == "job \"off\" is disabled");
    CHECK(client.manager("PreviewJobs", "sut", "hello", 0u, uint64_t{0}).errorName == bus::kInvalidArgument.name);
    CHECK(client.manager("PreviewJobs", "sut", "hello", 1u, UINT64_MAX).errorName == bus::kInvalidArgument.name);
    // RunJobs checks every name before starting anything.
    const CallResult unknownLast = client.manager("RunJobs", "asb", 2, "hello", "nope", 0);
    CHECK(unknownLast.errorName == bus::kNoSuchJob.name);
    CHECK(unknownLast.errorMessage == "no job named \"nope\"");
    const auto hello = client.properties(jobPath("hello"), bus::kJobInterface);
    CHECK(hello.at("RunningCount") == "0");
    CHECK(hello.at("LastRunId").empty());
    CHECK(client.manager("RunJobs", "asb", 1, "off", 1).errorName == bus::kJobDisabled.name);
    // Wrong argument types never reach chiefd's handlers: sd-bus answers for the vtable.
    CHECK(client.manager("GetJob", "u", 1u).errorName == "org.freedesktop.DBus.Error.InvalidArgs");
}

// A config of `jobs` daily jobs named job0, job1, ...
std::string manyJobsYaml(int jobs) {
    std::string yaml = "jobs:\n";
    for (int i = 0; i < jobs; ++i)
        yaml += "  - name: job" + std::to_string(i) + "\n    schedule: {frequency: daily, time: \"03:00\"}\n"
                "    scripts: [{path: hello.sh}]\n";
    return yaml;
}

TEST_CASE("chiefd on a private bus: a reply larger than 16 MiB is refused, and chiefd stays on the bus",
          "[bus][hardening]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    BusDaemon d(manyJobsYaml(7));
    d.startChiefd();
    INFO(d.log());
    Client client(d.address());

    // 7 jobs x 100,000 runs: refused before any work is done. Before the cap, such a reply passed
    // the bus's 32 MiB limit and dbus-daemon dropped chiefd's connection for good.
    const CallResult huge = client.manager("PreviewJobs", "sut", "", 100000u, uint64_t{0});
    CHECK(huge.errorName == bus::kInvalidArgument.name);
    CHECK(huge.errorMessage.find("16 MiB") != std::string::npos);
    CHECK(huge.errorMessage.find("ask for fewer") != std::string::npos);
    // One job, 100,000 runs: about 3.5 MB, answered.
    const CallResult one = client.manager("PreviewJobs", "sut", "job0", 100000u, uint64_t{0});
    INFO(one.errorMessage);
    REQUIRE(one.ok());
    CHECK(nlohmann::json::parse(readString(one))["jobs"][0]["next_runs"].size() == 100000);

    // Seven jobs x 90,000 runs pass the quick estimate but not the real size (about 22 MB): built
    // on chiefd's worker thread and refused. Meanwhile a second client is answered at once: the
    // event loop is not blocked by the build.
    Client other(d.address());
    struct Pending {
        bool done = false;
        std::string errorName;
    } pending;
    sd_bus_slot* slot = nullptr;
    REQUIRE(sd_bus_call_method_async(
                client.get(), &slot, bus::kServiceName, bus::kManagerPath, bus::kManagerInterface, "PreviewJobs",
                [](sd_bus_message* reply, void* userdata, sd_bus_error*) {
                    auto& p = *static_cast<Pending*>(userdata);
                    p.done = true;
                    if (const sd_bus_error* e = sd_bus_message_get_error(reply)) p.errorName = e->name ? e->name : "";
                    return 0;
                },
                &pending, "sut", "", 90000u, uint64_t{0}) >= 0);
    REQUIRE(sd_bus_flush(client.get()) >= 0);
    const CallResult list = other.manager("ListJobs");
    REQUIRE(list.ok());
    // Had chiefd built the preview on its loop, it would have answered it before reading the
    // ListJobs call, and the reply would be waiting here already.
    while (sd_bus_process(client.get(), nullptr) > 0) {
    }
    CHECK_FALSE(pending.done);
    REQUIRE(waitUntil(
        [&] {
            while (sd_bus_process(client.get(), nullptr) > 0) {
            }
            return pending.done;
        },
        60s));
    sd_bus_slot_unref(slot);
    CHECK(pending.errorName == bus::kInvalidArgument.name);

    // Still on the bus and answering.
    CHECK(client.manager("ListJobs").ok());
    CHECK(d.log().find("D-Bus control lost") == std::string::npos);
}

TEST_CASE("chiefd on a private bus: a config path that is not UTF-8 is served escaped, not refused by sd-bus",
          "[bus][hardening]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    BusDaemon d(kJobsYaml, "conf\xff/chief.yaml");
    d.startChiefd();
    INFO(d.log());
    Client client(d.address());
    const auto manager = client.properties(bus::kManagerPath, bus::kManagerInterface);
    REQUIRE(manager.count("ConfigPath"));
    CHECK(manager.at("ConfigPath").find("conf\\xff/chief.yaml") != std::string::npos);
    client.watchSignals();
    const auto accepted = runJob(client, "hello");
    const RunEntry run = [&] {
        REQUIRE(client.waitForMember("RunFinished", accepted.first, 20s));
        return getRun(client, accepted.first);
    }();
    REQUIRE(run.scripts.size() == 1);
    CHECK(run.scripts[0].path.find("conf\\xff/hello.sh") != std::string::npos);
    const CallResult cron = client.manager("ExportCron", "s", "hello");
    REQUIRE(cron.ok());
    CHECK(readString(cron).find("conf\\xff/chief.yaml") != std::string::npos);
}

TEST_CASE("chiefd on a private bus: after the bus restarts, chiefd reconnects and takes its name again",
          "[bus][hardening]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    BusDaemon d;
    d.startChiefd();
    {
        Client before(d.address());
        REQUIRE(before.manager("ListJobs").ok());
    }
    d.restartBus();
    INFO(d.log());
    // Readiness: the name has an owner on the new bus (chiefd retries with backoff from 0.5 s).
    REQUIRE(waitUntil(
        [&] {
            Client probe(d.address());
            return probe.manager("ListJobs").ok();
        },
        30s));
    Client after(d.address());
    CHECK(after.manager("GetJob", "s", "hello").ok());
    const std::string log = d.log();
    CHECK(log.find("D-Bus control lost") != std::string::npos);
    CHECK(log.find("D-Bus control lost", log.find("D-Bus control lost") + 1) == std::string::npos);  // said once
    CHECK(log.find("again as org.chief.Scheduler1") != std::string::npos);
}

TEST_CASE("chiefd's introspection equals the committed units/dbus/org.chief.Scheduler1.xml", "[bus]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    const std::string committedText = readFile(committedXmlPath());
    INFO(committedXmlPath());
    REQUIRE_FALSE(committedText.empty());
    const auto committed = normaliseIntrospection(committedText);
    CHECK(committed.count("interface org.chief.Scheduler1.Manager"));
    CHECK(committed.count("interface org.chief.Scheduler1.Job"));
    CHECK(committed.count("org.chief.Scheduler1.Manager method RunJob arg1 run_id s out"));

    BusDaemon d;
    d.startChiefd();
    INFO(d.log());
    Client client(d.address());
    auto live = normaliseIntrospection(client.introspect(bus::kManagerPath));
    const auto job = normaliseIntrospection(client.introspect(jobPath("hello")));
    live.insert(job.begin(), job.end());
    CHECK(live == committed);

    Child printer({kChiefd, "--print-introspection"}, {}, d.dir() / "p.out", d.dir() / "p.err");
    REQUIRE(printer.wait(20s) == 0);
    INFO(printer.err());
    CHECK(normaliseIntrospection(printer.out()) == committed);
}

TEST_CASE("chiefd without a bus: READY=1, one warning, and jobs still fire on schedule", "[bus][slow]") {
    TempDir dir;
    dir.write("tick.sh", "#!/bin/sh\ntouch ticked\n", true);
    const std::string config = dir.write("chief.yaml", R"(
jobs:
  - name: tick
    schedule: {frequency: interval, every: 1m}
    scripts: [{path: tick.sh}]
)");
    NotifySocket notify(dir / "notify.sock");
    Child chiefd({kChiefd, "--config", config, "--log-target", "console", "--state-dir", dir / "state"},
                 {"NOTIFY_SOCKET=" + notify.path(), "DBUS_SYSTEM_BUS_ADDRESS=unix:path=" + (dir / "no-such-bus.sock")},
                 dir / "d.out", dir / "d.err");
    INFO(chiefd.err());
    REQUIRE(notify.waitFor("READY=1", 20s));
    const std::string warning =
        "D-Bus control unavailable: cannot connect to the system bus (No such file or directory); jobs still run on "
        "schedule; chiefctl can only work offline with --config";
    CHECK(chiefd.err().find(warning) != std::string::npos);
    // The next minute boundary fires the job.
    REQUIRE(waitUntil([&] { return std::filesystem::exists(dir / "ticked"); }, 75s));
    const std::string log = chiefd.err();
    CHECK(log.find("D-Bus control unavailable") == log.rfind("D-Bus control unavailable"));  // said once
    chiefd.signal(SIGTERM);
    CHECK(chiefd.wait(20s) == 0);
}

TEST_CASE("chiefd on a private bus: only root and the chief group may run, cancel and reload", "[bus][access]") {
    SKIP_WITHOUT_DBUS_DAEMON();
    if (::geteuid() != 0) {
        CHIEF_SKIP_TEST("not root: cannot run callers as another user; skipping the access test");
    }
    // Give chiefd a private /etc/group with a "chief" group, bind-mounted in a mount namespace
    // of its own: the host's file is never touched.
    gid_t chiefGid = 64990;
    while (::getgrgid(chiefGid)) ++chiefGid;
    BusDaemon d;
    const std::string groupFile =
        d.dir().write("group", readFile("/etc/group") + "chief:x:" + std::to_string(chiefGid) + ":\n");
    const bool canUnshare = std::system("unshare --mount --propagation private true 2>/dev/null") == 0 &&
                            ::getgrnam(bus::kControlGroup) == nullptr;
    if (canUnshare)
        d.startChiefd({onPath("unshare"), "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                       "mount --bind \"$0\" /etc/group && exec \"$@\"", groupFile});
    else
        d.startChiefd();
    INFO(d.log());

    // Reading is open to everyone; changing state is not.
    CHECK(asNobody({}, [&] { return callAs(d.address(), "GetJob", "hello"); }) == "ok");
    CHECK(asNobody({}, [&] { return callAs(d.address(), "RunJob", "hello"); }) == bus::kAccessDenied.name);
    CHECK(asNobody({}, [&] { return callAs(d.address(), "RunJobs", "hello"); }) == bus::kAccessDenied.name);
    CHECK(asNobody({}, [&] { return callAs(d.address(), "Reload", ""); }) == bus::kAccessDenied.name);
    CHECK(asNobody({}, [&] { return callAs(d.address(), "CancelRun", "nope"); }) == bus::kAccessDenied.name);
    // Root may.
    Client root(d.address());
    CHECK(root.manager("Reload").ok());

    if (!canUnshare) {
        CHIEF_SKIP_TEST(
            "cannot give chiefd a private /etc/group (needs root, unshare and no existing \"chief\" group): "
            "skipping the check that the chief group is allowed");
    }
    CHECK(asNobody({chiefGid}, [&] { return callAs(d.address(), "RunJob", "hello"); }) == "ok");
    CHECK(asNobody({chiefGid}, [&] { return callAs(d.address(), "Reload", ""); }) == "ok");
    CHECK(asNobody({chiefGid}, [&] { return callAs(d.address(), "RunJobs", "hello"); }) == "ok");
    // A supplementary group that is not "chief" does not count.
    CHECK(asNobody({chiefGid + 1}, [&] { return callAs(d.address(), "RunJob", "hello"); }) == bus::kAccessDenied.name);
}
