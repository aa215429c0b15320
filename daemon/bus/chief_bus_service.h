#pragma once
// ChiefBusService: chiefd's object tree on the bus, org.chief.Scheduler1 version 1
// (units/dbus/org.chief.Scheduler1.xml).
//
// - The Manager object at bus::kManagerPath: one static vtable with every method, signal and
//   property. Method handlers only translate between messages and ControlApi calls.
// - One Job object per configured job under bus::kJobPathPrefix, served by a fallback vtable
//   and a node enumerator that ask ControlApi, so the set follows reloads without
//   re-registration.
// - Signals RunStarted, ScriptFinished, RunFinished from the run event stream and Reloaded from
//   the daemon; PropertiesChanged for the Manager and for each job a run event touched. Those
//   are gathered for a short while (kPropertiesDelay) and sent together, read from the daemon
//   after it finished reacting to the events.

#include <systemd/sd-bus.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "bus/control_api.h"
#include "bus/sd_bus_ptr.h"
#include "chief/run_event.h"

namespace chief::daemon {

class ChiefBusService {
public:
    // How long property changes are gathered before PropertiesChanged goes out.
    static constexpr std::chrono::milliseconds kPropertiesDelay{50};

    ChiefBusService(ControlApi& control, boost::asio::io_context& io);
    ~ChiefBusService();
    ChiefBusService(const ChiefBusService&) = delete;
    ChiefBusService& operator=(const ChiefBusService&) = delete;

    // Registers the objects on `bus` (the caller requests the bus name afterwards).
    // `queued` is called after the service queued messages outside a bus callback, so the
    // driver can flush them. Returns 0 or a negative errno.
    int attach(sd_bus* bus, std::function<void()> queued = {});
    // Unregisters everything; events are ignored until the next attach().
    void detach();
    bool attached() const { return bus_ != nullptr; }

    // Must outlive `events`' publishing (as every RunEventBus subscriber).
    void subscribeTo(RunEventBus& events);
    void onRunEvent(const RunEvent& event);
    // The daemon's reload listener: a reload succeeded and `jobs` jobs are configured now.
    void onReloaded(std::size_t jobs);

private:
    void markJobChanged(const std::string& job);
    void markManagerChanged();
    void scheduleFlush();
    void flushPropertyChanges();
    template <typename Event>
    void emitSignal(const char* member, const Event& event, int (*append)(sd_bus_message*, const Event&));
    void afterQueueing();

    ControlApi& control_;
    sd_bus* bus_ = nullptr;
    std::function<void()> queued_;
    std::vector<SdBusSlotPtr> slots_;
    std::set<std::string> changedJobs_;
    bool managerChanged_ = false;
    bool flushPending_ = false;
    ManagerState publishedManager_;  // what the last PropertiesChanged (or attach) showed
    boost::asio::steady_timer flushTimer_;
};

}  // namespace chief::daemon
