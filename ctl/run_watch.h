#pragma once
// RunWatch: follows runs through chiefd's signals on a BusConnection: the scripts each awaited
// run has finished (ScriptFinished), its end (RunFinished), and chiefd leaving the bus
// (NameOwnerChanged), which ends every wait. Signals of runs nobody awaits are ignored.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bus_connection.h"
#include "chief/bus_types.h"
#include "chief_client.h"

namespace chief::ctl {

class RunWatch {
public:
    // What the signals told about one awaited run.
    struct Progress {
        std::vector<bus::ScriptEntry> scripts;  // ended, not yet handed to the waiter
        std::optional<bus::RunEnd> end;
    };

    explicit RunWatch(BusConnection& connection) : connection_(connection) {}
    // The match handlers point at this object.
    RunWatch(const RunWatch&) = delete;
    RunWatch& operator=(const RunWatch&) = delete;

    // Subscribes to ScriptFinished and RunFinished whose argument `argIndex` is `value` (every
    // one when `value` is empty), and to chiefd leaving the bus.
    std::optional<ClientError> subscribe(int argIndex, const std::string& value);

    // Keeps the signals of `runId` from now on (a run accepted while watching, whose signals
    // can arrive while an earlier run is waited for).
    void expect(const std::string& runId) { awaited_.try_emplace(runId); }
    void forget(const std::string& runId) { awaited_.erase(runId); }
    Progress& progress(const std::string& runId) { return awaited_[runId]; }

    // Runs the handlers of what has arrived; false when the connection broke (lost() says so).
    bool drain();
    // Sleeps until something arrives.
    void wait();

    // chiefd or the connection went away: stays so.
    const std::optional<ClientError>& lost() const { return lost_; }

private:
    std::optional<ClientError> addMatch(const std::string& rule, sd_bus_message_handler_t handler);
    static int onScriptFinished(sd_bus_message* m, void* userdata, sd_bus_error*);
    static int onRunFinished(sd_bus_message* m, void* userdata, sd_bus_error*);
    static int onNameOwnerChanged(sd_bus_message* m, void* userdata, sd_bus_error*);

    BusConnection& connection_;
    std::map<std::string, Progress> awaited_;  // by run id
    std::optional<ClientError> lost_;
};

}  // namespace chief::ctl
