#include "bus_call_error.h"

#include <cstring>

#include "chief/bus_api.h"

namespace chief::ctl {

std::string errnoText(int result) { return std::strerror(result < 0 ? -result : result); }

namespace {

const char* kOffline = "use --config PATH to read a config file offline";

std::string startHint(const BusTarget& target) {
    if (target.host) return "start it with systemctl -H " + *target.host + " start chiefd";
    if (target.kind == BusKind::User) return "start it with systemctl --user start chiefd";
    return "start it with systemctl start chiefd";
}

std::string notRunningMessage(const BusTarget& target) {
    if (target.userBusTriedToo)
        return std::string("chiefd is not running (") + bus::kServiceName +
               " is neither on the system bus nor on your session bus): start it with systemctl start chiefd, or "
               "systemctl --user start chiefd for your own, or " + kOffline;
    return std::string("chiefd is not running (") + bus::kServiceName + " is not on " + target.describe() +
           "): " + startHint(target) + ", or " + kOffline;
}

}  // namespace

ClientError noBusError(const BusTarget& target, int result) {
    ClientError e{ClientError::Kind::NoBus, "", ""};
    if (target.host)
        e.message = "cannot reach " + target.describe() + " over ssh (" + errnoText(result) + "); check that 'ssh " +
                    *target.host + "' works and systemd-stdio-bridge is installed there, or " + kOffline;
    else if (target.kind == BusKind::User)
        e.message = "cannot connect to the session bus (" + errnoText(result) +
                    "): there is no user bus here ($DBUS_SESSION_BUS_ADDRESS / $XDG_RUNTIME_DIR); drop --user to ask "
                    "the system chiefd, or " + kOffline;
    else if (target.userBusTriedToo)
        e.message = "chiefd is not running: the system bus cannot be reached (" + errnoText(result) +
                    ") and chiefd is not on your session bus either: start your own with systemctl --user start "
                    "chiefd, or " + kOffline;
    else
        e.message = "cannot connect to the system bus (" + errnoText(result) +
                    "): D-Bus is not running here (a container without D-Bus?); " + kOffline;
    return e;
}

ClientError classifyCallError(const BusTarget& target, int result, const std::string& name,
                              const std::string& message, bool connected) {
    using Kind = ClientError::Kind;
    const std::string freedesktop = "org.freedesktop.DBus.Error.";
    if (name == freedesktop + "ServiceUnknown" || name == freedesktop + "NameHasNoOwner")
        return {Kind::NotRunning, name, notRunningMessage(target)};
    if (name.starts_with(freedesktop + "Spawn."))
        return {Kind::NotRunning, name, notRunningMessage(target) + " (bus activation failed: " + message + ")"};
    if (name == freedesktop + "NoReply" || name == freedesktop + "Timeout" || name == freedesktop + "TimedOut" ||
        name == freedesktop + "Disconnected")
        return {Kind::Lost, name, "chiefd did not answer on " + target.describe() + " (" + message + ")"};
    if (name == freedesktop + "AccessDenied")
        // The bus policy refused before chiefd saw the call: the same refusal as chiefd's own.
        return {Kind::Daemon, bus::kAccessDenied.name,
                "access denied by " + target.describe() + " (" + message +
                    "); running, cancelling and reloading need root or membership in the \"" + bus::kControlGroup +
                    "\" group"};
    if (name.empty() || name.starts_with("System.Error.")) {
        // A local failure, not an answer: the connection broke (or never worked, for -H).
        if (!connected) {
            ClientError e = noBusError(target, result);
            e.name = name;
            return e;
        }
        return {Kind::Lost, name, "lost the connection to " + target.describe() + " (" + errnoText(result) + ")"};
    }
    return {Kind::Daemon, name, message.empty() ? name : message};
}

}  // namespace chief::ctl
