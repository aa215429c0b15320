#include "bus_connection.h"

#include <cerrno>
#include <cstdint>

#include "bus_call_error.h"

namespace chief::ctl {

BusConnection::BusConnection(BusTarget target, std::chrono::microseconds callTimeout)
    : target_(std::move(target)), callTimeout_(callTimeout) {}

std::optional<ClientError> BusConnection::open() {
    if (bus_) return std::nullopt;
    if (openError_) return openError_;
    sd_bus* raw = nullptr;
    int r = 0;
    if (target_.host) r = sd_bus_open_system_remote(&raw, target_.host->c_str());
    else if (target_.kind == BusKind::User) r = sd_bus_open_user(&raw);
    else r = sd_bus_open_system(&raw);
    if (r < 0) {
        openError_ = noBusError(target_, r);
        return openError_;
    }
    bus_.reset(raw);
    return std::nullopt;
}

ClientResult<dbus::SdBusMessagePtr> BusConnection::call(const BusMethod& method, const AppendArguments& append) {
    if (auto e = open()) return *e;
    sd_bus_message* raw = nullptr;
    int r = sd_bus_message_new_method_call(bus_.get(), &raw, method.service, method.path, method.interface,
                                           method.member);
    dbus::SdBusMessagePtr request(raw);
    if (r >= 0) r = append(request.get());
    if (r < 0) return classifyCallError(target_, r, "", "", connected_);
    dbus::SdBusError error;
    sd_bus_message* reply = nullptr;
    r = sd_bus_call(bus_.get(), request.get(), static_cast<std::uint64_t>(callTimeout_.count()), error.get(), &reply);
    dbus::SdBusMessagePtr answer(reply);
    if (r < 0) return classifyCallError(target_, r, error.name(), error.message(), connected_);
    connected_ = true;
    return answer;
}

std::optional<ClientError> BusConnection::addMatch(const std::string& rule, sd_bus_message_handler_t handler,
                                                   void* userdata) {
    if (auto e = open()) return e;
    sd_bus_slot* slot = nullptr;
    const int r = sd_bus_add_match(bus_.get(), &slot, rule.c_str(), handler, userdata);
    if (r < 0) return classifyCallError(target_, r, "", "", connected_);
    slots_.emplace_back(slot);
    return std::nullopt;
}

std::optional<ClientError> BusConnection::dispatchPending() {
    if (auto e = open()) return e;
    for (;;) {
        const int r = sd_bus_process(bus_.get(), nullptr);
        if (r < 0) return lostWhileWaiting(r);
        if (r == 0) return std::nullopt;
    }
}

std::optional<ClientError> BusConnection::waitForTraffic() {
    if (auto e = open()) return e;
    const int r = sd_bus_wait(bus_.get(), UINT64_MAX);
    if (r < 0 && r != -EINTR) return lostWhileWaiting(r);
    return std::nullopt;
}

ClientError BusConnection::lostWhileWaiting(int result) const {
    return ClientError{ClientError::Kind::Lost, "",
                       "lost the connection to " + target_.describe() + " while waiting (" + errnoText(result) + ")"};
}

}  // namespace chief::ctl
