#pragma once
// The D-Bus contract shared by chiefd and chiefctl: names, paths, and the one table of error
// names with the chiefctl exit status each maps to. See docs/dbus-api.md.

#include <string_view>

namespace chief::bus {

// Which bus a chiefd offers its API on, and chiefctl asks: the system bus (the system daemon),
// or a user's session bus (a per-user chiefd, --user).
enum class BusKind { System, User };

// Version 1 of the API. A breaking change gets new names ending in 2, never FooV2 methods.
inline constexpr const char* kServiceName = "org.chief.Scheduler1";
inline constexpr const char* kManagerPath = "/org/chief/Scheduler1";
inline constexpr const char* kJobPathPrefix = "/org/chief/Scheduler1/job";  // + "/" + sd_bus_path_encode(name)
inline constexpr const char* kManagerInterface = "org.chief.Scheduler1.Manager";
inline constexpr const char* kJobInterface = "org.chief.Scheduler1.Job";

// chiefctl's exit statuses (also documented in chiefctl(1)).
enum ExitStatus : int {
    kExitOk = 0,
    kExitFailed = 1,        // the job failed, or the config is invalid
    kExitUsage = 2,         // bad command line, or no such job / run
    kExitUnreachable = 3,   // chiefd is not running, or no bus to reach it on
    kExitAccessDenied = 4,  // the caller may not change chiefd's state
    kExitNotStarted = 5,    // the job's overlap policy skipped the run
};

// One error chiefd can return: its D-Bus name and what chiefctl exits with.
struct ErrorEntry {
    const char* name;
    ExitStatus exitStatus;
};

inline constexpr ErrorEntry kNoSuchJob{"org.chief.Scheduler1.Error.NoSuchJob", kExitUsage};
inline constexpr ErrorEntry kNoSuchRun{"org.chief.Scheduler1.Error.NoSuchRun", kExitUsage};
inline constexpr ErrorEntry kJobDisabled{"org.chief.Scheduler1.Error.JobDisabled", kExitUsage};
// chiefctl pause stopped the job's scheduled runs; run --force (RunJobForced) still runs it.
inline constexpr ErrorEntry kJobPaused{"org.chief.Scheduler1.Error.JobPaused", kExitUsage};
inline constexpr ErrorEntry kInvalidArgument{"org.chief.Scheduler1.Error.InvalidArgument", kExitUsage};
inline constexpr ErrorEntry kRunSkipped{"org.chief.Scheduler1.Error.RunSkipped", kExitNotStarted};
inline constexpr ErrorEntry kInvalidConfig{"org.chief.Scheduler1.Error.InvalidConfig", kExitFailed};
inline constexpr ErrorEntry kAccessDenied{"org.chief.Scheduler1.Error.AccessDenied", kExitAccessDenied};
inline constexpr ErrorEntry kStopping{"org.chief.Scheduler1.Error.Stopping", kExitUnreachable};
// Too many large replies are being built at once; try again.
inline constexpr ErrorEntry kBusy{"org.chief.Scheduler1.Error.Busy", kExitFailed};

inline constexpr ErrorEntry kErrors[] = {kNoSuchJob,     kNoSuchRun,    kJobDisabled, kJobPaused, kInvalidArgument,
                                         kRunSkipped,    kInvalidConfig, kAccessDenied, kStopping,  kBusy};

// The exit status for an error name; kExitFailed for names not in the table.
constexpr ExitStatus exitStatusForError(std::string_view name) {
    for (const ErrorEntry& e : kErrors)
        if (name == e.name) return e.exitStatus;
    return kExitFailed;
}

// The largest reply chiefd sends, in bytes: half of dbus-daemon's default message limit
// (32 MiB), which a bigger message would exceed and make the bus drop chiefd's connection.
// Larger answers are refused with InvalidArgument and a hint to ask for less.
inline constexpr unsigned long kMaxReplyBytes = 16UL * 1024 * 1024;

// Members of this group (and root) may run, cancel and reload; everyone may read.
inline constexpr const char* kControlGroup = "chief";

}  // namespace chief::bus
