#include "bus/bus_connection.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include <boost/asio/post.hpp>

#include "chief/dbus/codec.h"
#include "chief/bus_api.h"

namespace chief::daemon {

using namespace chief::dbus;

namespace {

std::string errnoText(int negativeErrno) { return std::strerror(-negativeErrno); }

}  // namespace

BusConnection::BusConnection(boost::asio::io_context& io, service::Logger& logger) : io_(io), logger_(logger), retryTimer_(io) {}

BusConnection::~BusConnection() {
    retryTimer_.cancel();
    wanted_ = nullptr;
    close();
}

void BusConnection::close() {
    if (service_) service_->detach();
    service_ = nullptr;
    driver_.reset();  // releases the fd before sd-bus closes it
    bus_.reset();
}

void BusConnection::unavailable(const std::string& what) {
    logger_.log(service::LogLevel::Warning, "D-Bus control unavailable: " + what +
                                       "; jobs still run on schedule; chiefctl can only work offline with --config");
}

bool BusConnection::open(BusKind kind, ChiefBusService& service) {
    retryTimer_.cancel();
    kind_ = kind;
    busName_ = kind == BusKind::System ? "system bus" : "user bus";
    wanted_ = &service;
    if (auto failure = connect()) {
        unavailable(*failure);
        wanted_ = nullptr;  // never reachable at start: chiefd runs without the bus, as documented
        return false;
    }
    logger_.log(service::LogLevel::Info, "D-Bus control on the " + busName_ + " as " + bus::kServiceName);
    return true;
}

std::optional<std::string> BusConnection::connect() {
    close();
    sd_bus* raw = nullptr;
    int r = kind_ == BusKind::System ? sd_bus_open_system(&raw) : sd_bus_open_user(&raw);
    if (r < 0) return "cannot connect to the " + busName_ + " (" + errnoText(r) + ")";
    bus_.reset(raw);
    r = wanted_->attach(raw, [this] {
        if (driver_) driver_->wake();
    });
    if (r < 0) {
        close();
        return "cannot register chiefd's objects on the " + busName_ + " (" + errnoText(r) + ")";
    }
    service_ = wanted_;
    // Only now, with every object in place: whoever sees the name can call at once.
    r = sd_bus_request_name(raw, bus::kServiceName, 0);
    if (r < 0) {
        std::string why = errnoText(r);
        if (r == -EEXIST) why += ": another chiefd runs on it";
        if (r == -EACCES || r == -EPERM) why += ": the bus policy (org.chief.Scheduler1.conf) allows only root";
        close();
        return "cannot own the name " + std::string(bus::kServiceName) + " on the " + busName_ + " (" + why + ")";
    }
    driver_ = std::make_unique<BusDriver>(io_, raw, [this](const std::string& reason) {
        // From inside the driver: tear down from a fresh handler, not under its feet.
        boost::asio::post(io_, [this, reason] { lost(reason); });
    });
    if (r = driver_->start(); r < 0) {
        close();
        return "cannot watch the " + busName_ + " connection (" + errnoText(r) + ")";
    }
    return std::nullopt;
}

void BusConnection::lost(const std::string& reason) {
    if (!wanted_) return;
    close();
    logger_.log(service::LogLevel::Warning, "D-Bus control lost: the connection to the " + busName_ + " failed (" + reason +
                                       "); jobs still run on schedule; reconnecting");
    retryDelay_ = kFirstRetry;
    scheduleReconnect();
}

void BusConnection::scheduleReconnect() {
    // Jitter keeps a fleet of chiefds from reconnecting in lockstep after a bus restart.
    const auto jitter = std::chrono::milliseconds{jitter_() % (retryDelay_.count() / 4 + 1)};
    retryTimer_.expires_after(retryDelay_ + jitter);
    retryTimer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || !wanted_) return;
        if (connect()) {  // still failing: already said once, so quietly try again later
            retryDelay_ = std::min(retryDelay_ * 2, kMaxRetry);
            scheduleReconnect();
            return;
        }
        logger_.log(service::LogLevel::Notice, "D-Bus control on the " + busName_ + " again as " + bus::kServiceName);
    });
}

// ---- --print-introspection ---------------------------------------------------------------

namespace {

// Enough of a ControlApi for sd-bus to describe the objects: one job named "example".
class IntrospectionControl final : public ControlApi {
public:
    bus::ManagerState manager() const override { return {}; }
    std::vector<bus::JobSummary> listJobs() const override { return {example()}; }
    std::optional<bus::JobSummary> job(std::string_view name) const override {
        if (name == kName) return example();
        return std::nullopt;
    }
    ControlResult<ReplyTask> previewJobs(std::string_view, unsigned, std::optional<SysSeconds>) const override {
        return ReplyTask([]() -> ControlResult<std::string> { return std::string(); });
    }
    ControlResult<std::string> exportCron(std::string_view) const override { return std::string(); }
    ControlResult<std::string> exportCrontab(std::string_view, std::string_view) const override { return std::string(); }
    ControlResult<std::string> exportSystemd(std::string_view, std::string_view) const override { return std::string(); }
    ControlResult<std::string> exportKubernetes(std::string_view, std::string_view, std::string_view) const override {
        return std::string();
    }
    ControlResult<std::vector<bus::RunEntry>> listRuns(std::string_view, unsigned) const override {
        return std::vector<bus::RunEntry>{};
    }
    ControlResult<bus::RunEntry> getRun(std::string_view) const override { return bus::RunEntry{}; }
    ControlResult<std::vector<bus::ScriptOutput>> runOutput(const Caller&, std::string_view) const override {
        return std::vector<bus::ScriptOutput>{};
    }
    ControlResult<bus::RunAccepted> runJob(const Caller&, std::string_view, bool) override { return bus::RunAccepted{}; }
    ControlResult<bus::RunJobsOutcome> runJobs(const Caller&, const std::vector<std::string>&, bool) override {
        return bus::RunJobsOutcome{};
    }
    ControlResult<Done> cancelRun(const Caller&, std::string_view) override { return Done{}; }
    ControlResult<std::vector<std::string>> cancelJob(const Caller&, std::string_view) override {
        return std::vector<std::string>{};
    }
    ControlResult<Done> reload(const Caller&) override { return Done{}; }
    ControlResult<bool> pauseJob(const Caller&, std::string_view) override { return false; }
    ControlResult<bool> resumeJob(const Caller&, std::string_view) override { return false; }

    static constexpr const char* kName = "example";

private:
    static bus::JobSummary example() {
        bus::JobSummary job;
        job.name = kName;
        return job;
    }
};

// The <interface name="..."> ... </interface> block of an introspection document.
std::optional<std::string> interfaceBlock(const std::string& xml, const std::string& interface) {
    const std::string open = "<interface name=\"" + interface + "\">";
    const auto begin = xml.find(open);
    if (begin == std::string::npos) return std::nullopt;
    const std::string close = "</interface>";
    const auto end = xml.find(close, begin);
    if (end == std::string::npos) return std::nullopt;
    return xml.substr(begin, end + close.size() - begin);
}

struct PendingIntrospect {
    bool done = false;
    std::string xml;
    std::string error;
};

int onIntrospectReply(sd_bus_message* reply, void* userdata, sd_bus_error*) {
    auto& pending = *static_cast<PendingIntrospect*>(userdata);
    pending.done = true;
    if (const sd_bus_error* error = sd_bus_message_get_error(reply)) {
        pending.error = std::string(error->name ? error->name : "") + ": " + (error->message ? error->message : "");
        return 0;
    }
    const char* xml = nullptr;
    if (const int r = sd_bus_message_read(reply, "s", &xml); r < 0)
        pending.error = errnoText(r);
    else
        pending.xml = xml;
    return 0;
}

}  // namespace

Result<std::string> introspectionXml() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) < 0)
        return makeError(std::string("socketpair: ") + std::strerror(errno));
    sd_bus* rawServer = nullptr;
    sd_bus* rawClient = nullptr;
    sd_bus_new(&rawServer);
    sd_bus_new(&rawClient);
    SdBusPtr server(rawServer), client(rawClient);
    if (!server || !client) {
        ::close(fds[0]);
        ::close(fds[1]);
        return makeError("out of memory");
    }
    sd_id128_t id{};
    sd_id128_randomize(&id);
    int r = sd_bus_set_fd(rawServer, fds[0], fds[0]);
    if (r < 0) ::close(fds[0]);
    if (r < 0 || (r = sd_bus_set_fd(rawClient, fds[1], fds[1])) < 0) {
        ::close(fds[1]);  // fds[0], once set, is the server's to close
        return makeError("sd_bus_set_fd: " + errnoText(r));
    }
    r = sd_bus_set_server(rawServer, 1, id);
    if (r >= 0) r = sd_bus_set_anonymous(rawServer, 1);
    if (r >= 0) r = sd_bus_set_anonymous(rawClient, 1);
    if (r >= 0) r = sd_bus_start(rawServer);
    if (r >= 0) r = sd_bus_start(rawClient);
    if (r < 0) return makeError("cannot set up the in-process bus: " + errnoText(r));

    IntrospectionControl control;
    boost::asio::io_context io;  // never run: nothing is emitted here
    ChiefBusService service(control, io);
    if (r = service.attach(rawServer); r < 0) return makeError("cannot register the objects: " + errnoText(r));

    PendingIntrospect manager, job;
    const std::string jobPath = jobObjectPath(IntrospectionControl::kName);
    sd_bus_slot* slot = nullptr;
    r = sd_bus_call_method_async(rawClient, &slot, nullptr, bus::kManagerPath, "org.freedesktop.DBus.Introspectable",
                                 "Introspect", onIntrospectReply, &manager, "");
    const SdBusSlotPtr managerSlot(slot);
    if (r >= 0)
        r = sd_bus_call_method_async(rawClient, &slot, nullptr, jobPath.c_str(), "org.freedesktop.DBus.Introspectable",
                                     "Introspect", onIntrospectReply, &job, "");
    const SdBusSlotPtr jobSlot(r >= 0 ? slot : nullptr);
    if (r < 0) return makeError("cannot call Introspect: " + errnoText(r));

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (!manager.done || !job.done) {
        const int a = sd_bus_process(rawServer, nullptr);
        const int b = sd_bus_process(rawClient, nullptr);
        if (a < 0 || b < 0) return makeError("in-process bus: " + errnoText(a < 0 ? a : b));
        if (a > 0 || b > 0) continue;
        if (std::chrono::steady_clock::now() > deadline) return makeError("Introspect did not answer");
        pollfd polls[2] = {{sd_bus_get_fd(rawServer), static_cast<short>(sd_bus_get_events(rawServer)), 0},
                           {sd_bus_get_fd(rawClient), static_cast<short>(sd_bus_get_events(rawClient)), 0}};
        ::poll(polls, 2, 100);
    }
    if (!manager.error.empty()) return makeError("Introspect " + std::string(bus::kManagerPath) + ": " + manager.error);
    if (!job.error.empty()) return makeError("Introspect " + jobPath + ": " + job.error);
    const auto managerInterface = interfaceBlock(manager.xml, bus::kManagerInterface);
    const auto jobInterface = interfaceBlock(job.xml, bus::kJobInterface);
    if (!managerInterface || !jobInterface) return makeError("the introspection data lacks chiefd's interfaces");
    service.detach();
    return std::string(
               "<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"
               " \"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n"
               "<node name=\"") +
           bus::kManagerPath + "\">\n " + *managerInterface + "\n " + *jobInterface + "\n</node>\n";
}

}  // namespace chief::daemon
