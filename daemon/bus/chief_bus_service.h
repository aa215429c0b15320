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
// - Replies are bounded (bus::kMaxReplyBytes): a larger answer is refused, never sent, because
//   dbus-daemon drops a connection that sends an oversized message. Large previews are built on
//   a worker thread and answered from the loop when ready.

#include <systemd/sd-bus.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "bus/control_api.h"
#include "chief/dbus/sd_bus_ptr.h"
#include "chief/run_event.h"

namespace chief::daemon {

class ChiefBusService {
public:
    // How long property changes are gathered before PropertiesChanged goes out.
    static constexpr std::chrono::milliseconds kPropertiesDelay{50};

    // Previews computed or waiting at once; more are refused until one is done.
    static constexpr std::size_t kMaxBackgroundReplies = 16;

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

    ControlApi& control() { return control_; }
    // Runs `task` on the worker thread and replies to `call` (with one string, or the task's
    // error) from the loop. Returns a negative errno, or 1: the call is answered later.
    int replyInBackground(sd_bus_message* call, ReplyTask task, sd_bus_error* error);

private:
    void finishBackgroundReply(std::uint64_t id, ControlResult<std::string> result);
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
    std::vector<dbus::SdBusSlotPtr> slots_;
    std::set<std::string> changedJobs_;
    bool managerChanged_ = false;
    bool flushPending_ = false;
    bus::ManagerState publishedManager_;  // what the last PropertiesChanged (or attach) showed
    boost::asio::io_context& io_;
    boost::asio::steady_timer flushTimer_;
    // Calls answered later, by id; only the loop thread touches them (sd-bus is single-threaded).
    std::map<std::uint64_t, dbus::SdBusMessagePtr> pendingReplies_;
    std::uint64_t nextReplyId_ = 0;
    // Last member: joined (tasks finish) before anything they post back to is destroyed.
    boost::asio::thread_pool worker_{1};
};

}  // namespace chief::daemon
