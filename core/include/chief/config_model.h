#pragma once
// The loaded configuration: every value resolved, defaults and inheritance applied.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chief/diagnostic.h"
#include "chief/schedule_compiler.h"

namespace chief {

enum class OverlapPolicy { Skip, Queue, Parallel };

const char* overlapName(OverlapPolicy policy);

// Telemetry buffering: how much to hold in memory and where to spool when the monitor is down.
struct BufferSettings {
    int maxEvents = 5000;
    int flushIntervalMs = 1000;
    std::string spoolFile;  // absolute; empty = chiefd picks <state dir>/telemetry_spool.jsonl
    // The spool's size bound: beyond it the oldest events are dropped (and counted), so an
    // outage of any length cannot fill the disk.
    std::int64_t spoolMaxBytes = 64LL * 1024 * 1024;
};

// The top-level `monitor` block.
struct MonitorSettings {
    bool enabled = false;
    std::string endpoint = "http://127.0.0.1:7410";
    std::string apiKey;
    int timeoutMs = 400;
    int heartbeatSeconds = 15;
    std::string caFile;  // absolute; empty = the system's CA store (https endpoints only)
    BufferSettings buffer;
};

// A job's `monitor.check` block: what the monitor should watch for.
struct CheckSettings {
    bool enabled = true;
    int graceSeconds = 120;
    bool alertOnFailure = true;
    bool alertOnMiss = true;
    // How long a run may last before the monitor opens RUNNING_TOO_LONG; unset = the sum of the
    // job's script timeouts plus grace_seconds (effectiveMaxRuntimeSeconds, telemetry_mapping.h).
    std::optional<int> maxRuntimeSeconds;
};

// A job's effective monitor settings (enabled, endpoint and key inherited from the top level).
struct JobMonitor {
    bool enabled = false;
    std::string endpoint;
    std::string apiKey;
    CheckSettings check;
};

// One script of a job, with its path resolved and args parsed.
struct Script {
    std::string path;          // as written
    std::string resolvedPath;  // absolute
    std::vector<std::string> args;
    std::vector<std::string> interpreter;  // empty: executed directly
    int timeoutSeconds = 3600;
    SourcePosition position;
};

// Environment variables a job adds to chiefd's own, in file order.
using EnvironmentList = std::vector<std::pair<std::string, std::string>>;

// One job with every inherited value filled in.
struct Job {
    std::string name;
    std::string description;
    bool enabled = true;
    std::string workingDir;  // absolute
    bool stopOnFailure = true;
    OverlapPolicy overlap = OverlapPolicy::Skip;
    std::string timezone;    // the schedule's zone name
    CompiledSchedule schedule;
    std::vector<Script> scripts;
    JobMonitor monitor;
    EnvironmentList environment;  // defaults.environment, then the job's own (overriding)
    std::string user;             // run scripts as this user (chiefd must be root); empty = chiefd's
    std::string group;            // and this group; empty = the user's primary group
    int killGraceSeconds = 10;    // SIGTERM to SIGKILL on timeout or stop
    SourcePosition position;
};

// The `defaults` block after resolution.
struct Defaults {
    std::string workingDir;  // absolute
    bool stopOnFailure = true;
    OverlapPolicy overlap = OverlapPolicy::Skip;
    std::string timezone;    // effective default zone (explicit, else the system's)
    int maxParallelJobs = 1; // how many different jobs may run at once (1: one at a time, as chief.py ran them)
    int killGraceSeconds = 10;
    // On SIGTERM, how long chiefd lets running runs finish before it ends them (as interrupted).
    // chiefd.service's TimeoutStopSec= must exceed this plus the largest kill grace.
    int stopTimeoutSeconds = 60;
    EnvironmentList environment;
};

// A whole chief.yaml.
struct Config {
    std::string sourcePath;  // absolute path of the file it came from
    int version = 1;
    Defaults defaults;
    MonitorSettings monitor;
    std::vector<Job> jobs;  // YAML order

    const Job* findJob(std::string_view name) const;
};

// A canonical byte string (CBOR, not text) of everything that defines how a job runs; equal
// keys mean a reload left the job unchanged.
std::string jobDefinitionKey(const Job& job);

}  // namespace chief
