#include "run_watch.h"

#include <cstring>

#include "chief/bus_api.h"
#include "chief/dbus/codec.h"

namespace chief::ctl {

namespace {

// A value in a match rule: quoted, with each apostrophe written as '\'' (D-Bus spec).
std::string matchValue(const std::string& value) {
    std::string quoted = "'";
    for (char c : value) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

}  // namespace

std::optional<ClientError> RunWatch::subscribe(int argIndex, const std::string& value) {
    if (auto e = connection_.open()) return e;
    const std::string base = std::string("type='signal',sender='") + bus::kServiceName + "',path='" +
                             bus::kManagerPath + "',interface='" + bus::kManagerInterface + "',";
    const std::string filter = value.empty() ? "" : ",arg" + std::to_string(argIndex) + "=" + matchValue(value);
    if (auto e = addMatch(base + "member='ScriptFinished'" + filter, &RunWatch::onScriptFinished)) return e;
    if (auto e = addMatch(base + "member='RunFinished'" + filter, &RunWatch::onRunFinished)) return e;
    const std::string owner = std::string("type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',") +
                              "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0=" +
                              matchValue(bus::kServiceName);
    if (auto e = addMatch(owner, &RunWatch::onNameOwnerChanged)) return e;
    connection_.markConnected();
    return std::nullopt;
}

std::optional<ClientError> RunWatch::addMatch(const std::string& rule, sd_bus_message_handler_t handler) {
    return connection_.addMatch(rule, handler, this);
}

int RunWatch::onScriptFinished(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<RunWatch*>(userdata);
    bus::ScriptEnded ended;
    if (dbus::readScriptFinished(m, ended) < 0) return 0;
    const auto it = self->awaited_.find(ended.runId);
    if (it == self->awaited_.end() || it->second.end) return 0;
    it->second.scripts.push_back(std::move(ended.script));
    return 0;
}

int RunWatch::onRunFinished(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<RunWatch*>(userdata);
    bus::RunEnd end;
    if (dbus::readRunFinished(m, end) < 0) return 0;
    const auto it = self->awaited_.find(end.runId);
    if (it == self->awaited_.end() || it->second.end) return 0;
    it->second.end = std::move(end);
    return 0;
}

int RunWatch::onNameOwnerChanged(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<RunWatch*>(userdata);
    const char *name = nullptr, *oldOwner = nullptr, *newOwner = nullptr;
    if (sd_bus_message_read(m, "sss", &name, &oldOwner, &newOwner) < 0) return 0;
    if (self->awaited_.empty() || std::strcmp(name, bus::kServiceName) != 0 || !oldOwner || !*oldOwner) return 0;
    self->lost_ = ClientError{ClientError::Kind::Lost, "",
                              std::string("chiefd left ") + self->connection_.target().describe() +
                                  " (it stopped or restarted) before the run ended; its result is unknown"};
    return 0;
}

bool RunWatch::drain() {
    if (auto e = connection_.dispatchPending()) {
        lost_ = std::move(e);
        return false;
    }
    return true;
}

void RunWatch::wait() {
    if (auto e = connection_.waitForTraffic()) lost_ = std::move(e);
}

}  // namespace chief::ctl
