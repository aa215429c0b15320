#pragma once
// Owning pointers for sd-bus objects: each releases its reference with the matching unref.

#include <systemd/sd-bus.h>

#include <cstdlib>
#include <memory>

namespace chief::dbus {

struct SdBusCloser {
    // Flushes queued messages (replies, the last signals) before closing the connection.
    void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
struct SdBusSlotUnref {
    void operator()(sd_bus_slot* slot) const { sd_bus_slot_unref(slot); }
};
struct SdBusMessageUnref {
    void operator()(sd_bus_message* message) const { sd_bus_message_unref(message); }
};
struct SdBusCredsUnref {
    void operator()(sd_bus_creds* creds) const { sd_bus_creds_unref(creds); }
};

// A NULL-terminated string array sd-bus returns (sd_bus_message_read_strv): the strings and the
// array are each malloc'd, and sd-bus exports no function to free them.
struct SdBusStrvFree {
    void operator()(char** strv) const {
        for (char** s = strv; s && *s; ++s) std::free(*s);
        std::free(static_cast<void*>(strv));
    }
};

using SdBusPtr = std::unique_ptr<sd_bus, SdBusCloser>;
using SdBusSlotPtr = std::unique_ptr<sd_bus_slot, SdBusSlotUnref>;
using SdBusMessagePtr = std::unique_ptr<sd_bus_message, SdBusMessageUnref>;
using SdBusCredsPtr = std::unique_ptr<sd_bus_creds, SdBusCredsUnref>;
using SdBusStrvPtr = std::unique_ptr<char*, SdBusStrvFree>;

// An sd_bus_error that is freed when it leaves scope.
class SdBusError {
public:
    SdBusError() = default;
    ~SdBusError() { sd_bus_error_free(&error_); }
    SdBusError(const SdBusError&) = delete;
    SdBusError& operator=(const SdBusError&) = delete;
    sd_bus_error* get() { return &error_; }
    const char* name() const { return error_.name ? error_.name : ""; }
    const char* message() const { return error_.message ? error_.message : ""; }

private:
    sd_bus_error error_{};  // SD_BUS_ERROR_NULL
};

}  // namespace chief::dbus
