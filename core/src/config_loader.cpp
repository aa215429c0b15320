#include "chief/config_loader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>


#include "chief/display_text.h"
#include "chief/key_suggester.h"
#include "chief/schedule_fields.h"
#include "chief/shebang.h"
#include "chief/shell_words.h"
#include "chief/time_format.h"
#include "chief/worker_environment.h"
#include "chief/yaml_tree.h"
#include "config/schedule_reader.h"
#include "config/yaml_field_reader.h"

namespace chief {

namespace {

namespace fs = std::filesystem;

using config::contains;
using config::describeNode;
using config::Entry;
using config::inQuotes;
using config::Keys;
using config::MappingReader;

const Keys kTopKeys = {"version", "defaults", "monitor", "jobs"};
const Keys kDefaultsKeys = {"working_dir",        "stop_on_failure", "overlap",
                            "timezone",           "max_parallel_jobs", "kill_grace_seconds",
                            "stop_timeout_seconds", "environment"};
const Keys kMonitorKeys = {"enabled", "endpoint", "api_key", "timeout_ms", "heartbeat_seconds", "ca_file", "buffer"};
const Keys kBufferKeys = {"max_events", "flush_interval_ms", "spool_file", "spool_max_bytes"};
const Keys kJobKeys = {"name",     "description", "enabled", "working_dir", "stop_on_failure",
                       "overlap",  "timezone",    "schedule", "scripts",     "monitor",
                       "environment", "user",     "group",    "kill_grace_seconds"};
const Keys kJobMonitorKeys = {"enabled", "check"};
const Keys kCheckKeys = {"enabled", "grace_seconds", "alert_on_failure", "alert_on_miss", "max_runtime_seconds"};
const Keys kScriptKeys = {"path", "args", "timeout", "interpreter"};

using config::positionOf;

// Reads one chief.yaml document into a Config, reporting every problem it finds.
class ConfigReader : private config::YamlFieldReader {
public:
    ConfigReader(const LoadContext& context, DiagnosticSink& sink)
        : YamlFieldReader(sink),
          context_(context),
          sink_(sink),
          configDir_(fs::path(context.sourcePath).parent_path().lexically_normal()) {}

    std::optional<Config> read(const YamlNode& root) {
        if (!root.isMapping()) {
            // An empty file has nothing to point at; its null root is marked wherever parsing stopped.
            sink_.error(!root.isNull() && positionOf(root).line ? positionOf(root) : SourcePosition{1, 1}, "",
                        root.isNull() ? "the config is empty: expected a mapping with a \"jobs\" list"
                                      : "the config must be a mapping with a \"jobs\" list, not " + describeNode(root));
            return std::nullopt;
        }
        Config config;
        config.sourcePath = context_.sourcePath;
        MappingReader top(sink_, root, "", kTopKeys,
                          {{"name", "job keys belong under an item of \"jobs\""},
                           {"schedule", "job keys belong under an item of \"jobs\""},
                           {"scripts", "job keys belong under an item of \"jobs\""}});
        if (const Entry* version = top.find("version")) {
            if (auto v = readInt(*version, "version", std::numeric_limits<long long>::min())) {
                if (*v != 1)
                    error(*version, "version", "unsupported version " + std::to_string(*v) + " (this Chief reads version 1)");
                config.version = static_cast<int>(*v);
            }
        }
        readDefaults(top.find("defaults"), config.defaults);
        readMonitor(top.find("monitor"), config.monitor);
        readJobs(top, config);
        if (sink_.hasErrors()) return std::nullopt;
        return config;
    }

private:

    // A mapping of environment variable names to text values, in file order.
    std::optional<std::vector<std::pair<std::string, std::string>>> readEnvironment(const Entry& entry,
                                                                                   const std::string& path) {
        std::vector<std::pair<std::string, std::string>> out;
        if (entry.value.isNull()) return out;
        if (!entry.value.isMapping()) {
            error(entry, path, "expected a mapping of variable names to values, got " + describeNode(entry.value));
            return std::nullopt;
        }
        bool ok = true;
        for (std::size_t i = 0; i < entry.value.size(); ++i) {
            const YamlNode key = entry.value.key(i);
            const YamlNode value = entry.value.value(i);
            const std::string name(key.text());
            const std::string itemPath = path + "." + shortenForMessage(name);
            const bool validName = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') &&
                                   std::all_of(name.begin(), name.end(), [](char c) {
                                       return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                                   });
            if (!key.isScalar() || !validName) {
                sink_.error(positionOf(key), itemPath,
                            "invalid environment variable name " + inQuotes(name) +
                                ": use letters, digits and '_', not starting with a digit");
                ok = false;
                continue;
            }
            if (worker_env::isReserved(name)) {
                sink_.error(positionOf(key), itemPath,
                            inQuotes(name) + " is set by chiefd for each run and cannot be overridden (chiefd reserves " +
                                worker_env::reservedList() + "; other CHIEF_ names are yours)");
                ok = false;
                continue;
            }
            if (value.isNull()) {
                out.emplace_back(name, "");
            } else if (value.isScalar()) {
                if (checkNoNul(value, itemPath))
                    out.emplace_back(name, std::string(value.text()));
                else
                    ok = false;
            } else {
                sink_.error(positionOf(value), itemPath, "expected a text value, got " + describeNode(value));
                ok = false;
            }
        }
        if (!ok) return std::nullopt;
        return out;
    }

    std::optional<OverlapPolicy> readOverlap(const Entry& entry, const std::string& path) {
        auto text = readString(entry, path);
        if (!text) return std::nullopt;
        if (*text == "skip") return OverlapPolicy::Skip;
        if (*text == "queue") return OverlapPolicy::Queue;
        if (*text == "parallel") return OverlapPolicy::Parallel;
        static const Keys policies = {"skip", "queue", "parallel"};
        std::string message = "invalid overlap " + inQuotes(*text) + ": expected one of skip, queue, parallel";
        if (auto s = suggestClosest(*text, policies)) message += " (did you mean " + inQuotes(*s) + "?)";
        error(entry, path, message);
        return std::nullopt;
    }


    // A directory, relative to the config file's folder, that must exist.
    std::optional<std::string> readDirectory(const Entry& entry, const std::string& path) {
        auto text = readString(entry, path, false);
        if (!text) return std::nullopt;
        const std::string resolved = absoluteFrom(configDir_, *text);
        if (!context_.files->isDirectory(resolved)) {
            error(entry, path,
                  "working directory " + inQuotes(*text) +
                      (resolved != *text ? " (resolved to " + shortenForMessage(resolved, kMaxShownPathChars) + ")" : std::string()) +
                      " does not exist or is not a directory");
            return std::nullopt;
        }
        return resolved;
    }

    static std::string absoluteFrom(const fs::path& base, const std::string& path) {
        fs::path p(path);
        if (p.is_relative()) p = base / p;
        std::string out = p.lexically_normal().string();
        if (out.size() > 1 && out.back() == '/') out.pop_back();
        return out;
    }

    // ---- sections ---------------------------------------------------------------------------

    void readDefaults(const Entry* entry, Defaults& defaults) {
        defaults.workingDir = configDir_.string();
        if (entry) {
            if (auto map = readMapping(*entry, "defaults", kDefaultsKeys)) {
                if (const Entry* e = map->find("working_dir")) {
                    if (auto dir = readDirectory(*e, "defaults.working_dir"))
                        defaults.workingDir = *dir;
                    else
                        defaultWorkingDirBroken_ = true;
                }
                if (const Entry* e = map->find("stop_on_failure"))
                    if (auto v = readBool(*e, "defaults.stop_on_failure")) defaults.stopOnFailure = *v;
                if (const Entry* e = map->find("overlap"))
                    if (auto v = readOverlap(*e, "defaults.overlap")) defaults.overlap = *v;
                if (const Entry* e = map->find("timezone")) {
                    if (auto zone = readZone(*e, "defaults.timezone"))
                        defaultZone_ = zone;
                    else
                        defaultZoneBroken_ = true;
                }
                if (const Entry* e = map->find("max_parallel_jobs"))
                    if (auto v = readInt(*e, "defaults.max_parallel_jobs", 1)) defaults.maxParallelJobs = static_cast<int>(*v);
                if (const Entry* e = map->find("kill_grace_seconds"))
                    if (auto v = readInt(*e, "defaults.kill_grace_seconds", 0, "must be 0 or more"))
                        defaults.killGraceSeconds = static_cast<int>(*v);
                if (const Entry* e = map->find("stop_timeout_seconds"))
                    if (auto v = readInt(*e, "defaults.stop_timeout_seconds", 0, "must be 0 or more"))
                        defaults.stopTimeoutSeconds = static_cast<int>(*v);
                if (const Entry* e = map->find("environment"))
                    if (auto env = readEnvironment(*e, "defaults.environment")) defaults.environment = std::move(*env);
            }
        }
        if (!defaultZone_ && !defaultZoneBroken_) {
            auto system = ZoneRules::locate(context_.systemTimezone);
            if (!system) system = ZoneRules::locate("UTC");
            if (system) defaultZone_ = system.value();
        }
        defaults.timezone = defaultZone_ ? defaultZone_->name() : std::string();
    }

    void readMonitor(const Entry* entry, MonitorSettings& monitor) {
        if (!entry) return;
        auto map = readMapping(*entry, "monitor", kMonitorKeys);
        if (!map) return;
        if (const Entry* e = map->find("enabled"))
            if (auto v = readBool(*e, "monitor.enabled")) monitor.enabled = *v;
        if (const Entry* e = map->find("endpoint")) {
            if (auto v = readString(*e, "monitor.endpoint")) {
                const std::size_t schemeLength = v->starts_with("http://") ? 7 : v->starts_with("https://") ? 8 : 0;
                const std::size_t hostEnd = std::min(v->find_first_of("/?#", schemeLength), v->size());
                const std::string host = schemeLength ? v->substr(schemeLength, hostEnd - schemeLength) : "";
                if (schemeLength == 0)
                    error(*e, "monitor.endpoint", "endpoint " + inQuotes(*v) + " must start with http:// or https://");
                else if (host.empty() || host.front() == ':' || host.front() == '@')
                    error(*e, "monitor.endpoint",
                          "endpoint " + inQuotes(*v) + " has no host (for example http://127.0.0.1:7410)");
                else
                    monitor.endpoint = *v;
            }
        }
        if (const Entry* e = map->find("api_key")) {
            if (auto v = readString(*e, "monitor.api_key")) {
                if (std::any_of(v->begin(), v->end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
                    error(*e, "monitor.api_key", "must not contain control characters: it is sent as an HTTP header");
                else
                    monitor.apiKey = *v;
                warnIfReadableByOthers(*e, *v);
            }
        }
        if (const Entry* e = map->find("timeout_ms"))
            if (auto v = readInt(*e, "monitor.timeout_ms", 1)) monitor.timeoutMs = static_cast<int>(*v);
        if (const Entry* e = map->find("heartbeat_seconds"))
            if (auto v = readInt(*e, "monitor.heartbeat_seconds", 1)) monitor.heartbeatSeconds = static_cast<int>(*v);
        if (const Entry* e = map->find("ca_file"))
            if (auto v = readString(*e, "monitor.ca_file", false)) monitor.caFile = absoluteFrom(configDir_, *v);
        if (const Entry* e = map->find("buffer")) {
            if (auto buffer = readMapping(*e, "monitor.buffer", kBufferKeys)) {
                if (const Entry* b = buffer->find("max_events"))
                    if (auto v = readInt(*b, "monitor.buffer.max_events", 1)) monitor.buffer.maxEvents = static_cast<int>(*v);
                if (const Entry* b = buffer->find("flush_interval_ms"))
                    if (auto v = readInt(*b, "monitor.buffer.flush_interval_ms", 1))
                        monitor.buffer.flushIntervalMs = static_cast<int>(*v);
                if (const Entry* b = buffer->find("spool_file"))
                    if (auto v = readString(*b, "monitor.buffer.spool_file", false))
                        monitor.buffer.spoolFile = absoluteFrom(configDir_, *v);
                if (const Entry* b = buffer->find("spool_max_bytes"))
                    if (auto v = readInt(*b, "monitor.buffer.spool_max_bytes", 1)) monitor.buffer.spoolMaxBytes = *v;
            }
        }
    }

    // A key anyone on the host can read is no secret. The mode comes from the file as it was
    // read (LoadContext::sourceMode); unknown (text loaded from elsewhere), nothing is said.
    void warnIfReadableByOthers(const Entry& entry, const std::string& key) {
        if (key.empty() || !context_.sourceMode || (*context_.sourceMode & 0004) == 0) return;
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(*context_.sourceMode & 07777));
        const std::string file = quoteShellWord(context_.sourcePath);
        sink_.warning(entry.valuePosition, "monitor.api_key",
                      std::string("the config holds an API key and every user can read it (mode ") + mode +
                          "): chown root:chief " + file + " && chmod 640 " + file);
    }

    void readJobs(const MappingReader& top, Config& config) {
        const Entry* jobs = top.find("jobs");
        if (!jobs) {
            sink_.error(top.position(), "jobs", "\"jobs\" is required: a non-empty list of job definitions");
            return;
        }
        if (!jobs->value.isSequence()) {
            error(*jobs, "jobs", "expected a list of jobs, got " + describeNode(jobs->value));
            return;
        }
        if (jobs->value.size() == 0) {
            error(*jobs, "jobs", "\"jobs\" must not be empty");
            return;
        }
        std::size_t index = 0;
        config.jobs.reserve(jobs->value.size());
        for (const YamlNode& node : jobs->value.items()) {
            const std::string path = "jobs[" + std::to_string(index++) + "]";
            if (!node.isMapping()) {
                sink_.error(positionOf(node), path, "expected a job (a mapping with name, schedule and scripts), got " + describeNode(node));
                continue;
            }
            if (std::optional<Job> job = readJob(node, path, config)) config.jobs.push_back(std::move(*job));
        }
    }

    std::optional<Job> readJob(const YamlNode& node, const std::string& path, const Config& config) {
        static const std::map<std::string_view, std::string> hints = [] {
            std::map<std::string_view, std::string> h;
            for (std::string_view k : config::scheduleKeys())
                if (k != "timezone") h.emplace(k, "it belongs under \"schedule\"");
            for (std::string_view k : {"path", "args", "timeout", "interpreter"}) h.emplace(k, "it belongs under an item of \"scripts\"");
            h.emplace("check", "it belongs under \"monitor\"");
            for (std::string_view k : {"grace_seconds", "alert_on_failure", "alert_on_miss"})
                h.emplace(k, "it belongs under \"monitor.check\"");
            return h;
        }();
        const std::size_t errorsBefore = errorCount();
        MappingReader map(sink_, node, path, kJobKeys, hints);
        Job job;
        job.position = map.position();
        job.enabled = true;
        job.stopOnFailure = config.defaults.stopOnFailure;
        job.overlap = config.defaults.overlap;
        job.workingDir = config.defaults.workingDir;
        job.killGraceSeconds = config.defaults.killGraceSeconds;
        // The defaults' variables are copied into every job, so 250,000 of them and 500,000 jobs
        // would be 10^11 copies: after the limit is reported, jobs get none.
        if (!environmentOverLimit_) job.environment = config.defaults.environment;
        bool workingDirOk = !defaultWorkingDirBroken_;

        if (const Entry* e = map.find("name")) {
            if (auto name = readString(*e, path + ".name", false)) {
                if (!validJobName(*name))
                    error(*e, path + ".name",
                          "invalid job name " + inQuotes(*name) +
                              ": use letters, digits, '.', '_', '-' and '@' (at most 128), starting with a letter or digit");
                auto [first, inserted] = jobNameLines_.emplace(*name, map.position().line);
                if (!inserted)
                    error(*e, path + ".name",
                          "duplicate job name " + inQuotes(*name) + " (first defined at line " + std::to_string(first->second) + ")");
                job.name = *name;
            }
        } else {
            sink_.error(map.position(), path + ".name", "\"name\" is required");
        }
        if (const Entry* e = map.find("description"))
            if (auto v = readString(*e, path + ".description")) job.description = *v;
        if (const Entry* e = map.find("enabled"))
            if (auto v = readBool(*e, path + ".enabled")) job.enabled = *v;
        if (const Entry* e = map.find("stop_on_failure"))
            if (auto v = readBool(*e, path + ".stop_on_failure")) job.stopOnFailure = *v;
        if (const Entry* e = map.find("kill_grace_seconds"))
            if (auto v = readInt(*e, path + ".kill_grace_seconds", 0, "must be 0 or more"))
                job.killGraceSeconds = static_cast<int>(*v);
        if (const Entry* e = map.find("environment")) {
            if (auto env = readEnvironment(*e, path + ".environment")) {
                // Job values override defaults of the same name; order: defaults first, then the
                // job's. Found through an index: thousands of variables must not cost their square.
                std::unordered_map<std::string, std::size_t> position;
                for (std::size_t i = 0; i < job.environment.size(); ++i) position.emplace(job.environment[i].first, i);
                for (auto& entry : *env) {
                    if (auto same = position.find(entry.first); same != position.end()) {
                        job.environment[same->second].second = std::move(entry.second);
                    } else {
                        job.environment.push_back(std::move(entry));
                        position.emplace(job.environment.back().first, job.environment.size() - 1);
                    }
                }
            }
        }
        if (const Entry* e = map.find("user")) {
            if (auto v = readString(*e, path + ".user", false)) {
                if (!context_.files->userExists(*v))
                    error(*e, path + ".user", "user " + inQuotes(*v) + " does not exist on this host");
                job.user = *v;
            }
        }
        if (const Entry* e = map.find("group")) {
            if (auto v = readString(*e, path + ".group", false)) {
                if (!context_.files->groupExists(*v))
                    error(*e, path + ".group", "group " + inQuotes(*v) + " does not exist on this host");
                job.group = *v;
            }
        }
        if (const Entry* e = map.find("overlap"))
            if (auto v = readOverlap(*e, path + ".overlap")) job.overlap = *v;
        if (const Entry* e = map.find("working_dir")) {
            workingDirOk = false;
            if (auto dir = readDirectory(*e, path + ".working_dir")) {
                job.workingDir = *dir;
                workingDirOk = true;
            }
        }
        ZoneHandle jobZone = defaultZone_;
        bool zoneOk = !defaultZoneBroken_;
        if (const Entry* e = map.find("timezone")) {
            jobZone = readZone(*e, path + ".timezone");
            zoneOk = jobZone != nullptr;
        }
        if (const Entry* e = map.find("schedule")) {
            if (auto schedule = config::readSchedule(*this, *e, path + ".schedule", job.name, jobZone, zoneOk)) {
                job.timezone = schedule->schedule.zone->name();
                job.schedule = std::move(*schedule);
            }
        } else {
            sink_.error(map.position(), path + ".schedule", "\"schedule\" is required");
        }
        if (const Entry* e = map.find("scripts")) {
            readScripts(*e, path + ".scripts", job, workingDirOk);
        } else {
            sink_.error(map.position(), path + ".scripts", "\"scripts\" is required: a non-empty list of scripts");
        }
        readJobMonitor(map.find("monitor"), path + ".monitor", config.monitor, job.monitor);
        countEnvironment(job, map, path);
        if (errorCount() != errorsBefore) return std::nullopt;
        return job;
    }

    // Bounds the variables (and their bytes) kept for all jobs together; reported once, at the
    // job that passed the limit.
    void countEnvironment(Job& job, const MappingReader& map, const std::string& path) {
        if (environmentOverLimit_) return;
        environmentVariables_ += job.environment.size();
        for (const auto& [name, value] : job.environment) environmentBytes_ += name.size() + value.size();
        if (environmentVariables_ <= kMaxEnvironmentVariables && environmentBytes_ <= kMaxEnvironmentBytes) return;
        environmentOverLimit_ = true;
        job.environment.clear();
        const Entry* own = map.find("environment");
        sink_.error(own ? own->keyPosition : map.position(), path + ".environment",
                    "the jobs' environments together pass 1,000,000 variables or 64 MiB (defaults.environment is "
                    "copied into every job)");
    }
    static constexpr std::size_t kMaxEnvironmentVariables = 1'000'000;
    static constexpr std::size_t kMaxEnvironmentBytes = 64ULL * 1024 * 1024;

    static bool validJobName(const std::string& name) {
        if (name.empty() || name.size() > 128 || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
        return std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@';
        });
    }

    void readJobMonitor(const Entry* entry, const std::string& path, const MonitorSettings& top, JobMonitor& out) {
        out.enabled = top.enabled;
        out.endpoint = top.endpoint;
        out.apiKey = top.apiKey;
        if (!entry) return;
        auto map = readMapping(*entry, path, kJobMonitorKeys,
                               {{"endpoint", "the endpoint is set once, in the top-level \"monitor\""},
                                {"api_key", "the API key is set once, in the top-level \"monitor\""},
                                {"grace_seconds", "it belongs under \"check\""},
                                {"alert_on_failure", "it belongs under \"check\""},
                                {"alert_on_miss", "it belongs under \"check\""}});
        if (!map) return;
        if (const Entry* e = map->find("enabled"))
            if (auto v = readBool(*e, path + ".enabled")) out.enabled = *v;
        const Entry* check = map->find("check");
        if (!check) return;
        auto checkMap = readMapping(*check, path + ".check", kCheckKeys);
        if (!checkMap) return;
        const std::string cp = path + ".check";
        if (const Entry* e = checkMap->find("enabled"))
            if (auto v = readBool(*e, cp + ".enabled")) out.check.enabled = *v;
        if (const Entry* e = checkMap->find("grace_seconds"))
            if (auto v = readInt(*e, cp + ".grace_seconds", 0, "must be 0 or more")) out.check.graceSeconds = static_cast<int>(*v);
        if (const Entry* e = checkMap->find("alert_on_failure"))
            if (auto v = readBool(*e, cp + ".alert_on_failure")) out.check.alertOnFailure = *v;
        if (const Entry* e = checkMap->find("alert_on_miss"))
            if (auto v = readBool(*e, cp + ".alert_on_miss")) out.check.alertOnMiss = *v;
        if (const Entry* e = checkMap->find("max_runtime_seconds"))
            if (auto v = readInt(*e, cp + ".max_runtime_seconds", 1))  // beyond a year the monitor ignores it
                out.check.maxRuntimeSeconds = static_cast<int>(std::min<long long>(*v, 366LL * 24 * 3600));
    }

    void readScripts(const Entry& entry, const std::string& path, Job& job, bool workingDirOk) {
        if (!entry.value.isSequence()) {
            error(entry, path, "expected a list of scripts, got " + describeNode(entry.value));
            return;
        }
        if (entry.value.size() == 0) {
            error(entry, path, "\"scripts\" must not be empty");
            return;
        }
        std::size_t index = 0;
        for (const YamlNode& node : entry.value.items()) {
            const std::string sp = path + "[" + std::to_string(index++) + "]";
            if (!node.isMapping()) {
                sink_.error(positionOf(node), sp, "expected a script (a mapping with \"path\"), got " + describeNode(node));
                continue;
            }
            MappingReader map(sink_, node, sp, kScriptKeys);
            Script script;
            script.position = map.position();
            if (const Entry* e = map.find("args"))
                if (auto words = readWords(*e, sp + ".args")) script.args = std::move(*words);
            if (const Entry* e = map.find("timeout"))
                if (auto v = readInt(*e, sp + ".timeout", 1)) script.timeoutSeconds = static_cast<int>(*v);
            const Entry* interpreter = map.find("interpreter");
            if (interpreter) {
                if (auto words = readWords(*interpreter, sp + ".interpreter")) {
                    if (words->empty()) {
                        error(*interpreter, sp + ".interpreter", "must name a program, such as python3");
                    } else {
                        script.interpreter = std::move(*words);
                        const std::string& program = script.interpreter.front();
                        if (!programExists(program))
                            error(*interpreter, sp + ".interpreter",
                                  "interpreter " + inQuotes(program) +
                                      (program.find('/') != std::string::npos ? " does not exist or is not executable"
                                                                              : " was not found in PATH"));
                    }
                }
            }
            const Entry* pathEntry = map.find("path");
            if (!pathEntry) {
                sink_.error(map.position(), sp + ".path", "\"path\" is required");
                continue;
            }
            auto written = readString(*pathEntry, sp + ".path", false);
            if (!written) continue;
            script.path = *written;
            script.resolvedPath = absoluteFrom(job.workingDir, *written);
            if (workingDirOk) checkRunnable(*pathEntry, sp, script, interpreter != nullptr);
            job.scripts.push_back(std::move(script));
        }
    }

    void checkRunnable(const Entry& pathEntry, const std::string& path, Script& script, bool explicitInterpreter) {
        const HostProbe& files = *context_.files;
        const std::string shown = inQuotes(script.path) +
                                  (script.resolvedPath != script.path
                                       ? " (resolved to " + shortenForMessage(script.resolvedPath, kMaxShownPathChars) + ")"
                                       : "");
        if (!files.isRegularFile(script.resolvedPath)) {
            error(pathEntry, path + ".path",
                  files.isDirectory(script.resolvedPath) ? "script " + shown + " is a directory, not a file"
                                                         : "script file " + shown + " does not exist");
            return;
        }
        if (explicitInterpreter) return;  // checked where "interpreter" is read
        if (files.isExecutable(script.resolvedPath)) {
            checkShebang(pathEntry, path, script, shown);
            return;
        }
        const std::string extension = fs::path(script.resolvedPath).extension().string();
        if (extension == ".py")
            script.interpreter = {"python3"};
        else if (extension == ".sh")
            script.interpreter = {"sh"};
        if (script.interpreter.empty()) {
            error(pathEntry, path + ".path",
                  "script " + shown + " is not executable and has no known interpreter (.py or .sh): run chmod +x on it "
                  "or set \"interpreter\"");
            return;
        }
        if (!programExists(script.interpreter.front()))
            error(pathEntry, path + ".path",
                  "script " + shown + " needs " + script.interpreter.front() + ", which was not found in PATH");
    }

    // An executable script runs through its "#!" interpreter; a missing one fails only at exec,
    // with "No such file or directory" naming the script. A file the probe cannot read, or one
    // without "#!" (a binary), is left to today's rules.
    void checkShebang(const Entry& pathEntry, const std::string& path, const Script& script, const std::string& shown) {
        // Once per file: 10,000 jobs often share one script, and each look is an open and a read.
        auto cached = shebangProblems_.find(script.resolvedPath);
        if (cached == shebangProblems_.end())
            cached = shebangProblems_.emplace(script.resolvedPath, shebangProblem(script.resolvedPath)).first;
        if (!cached->second.empty()) error(pathEntry, path + ".path", "script " + shown + " " + cached->second);
    }

    // What is wrong with the "#!" line of the file at `resolvedPath`, or "" when nothing is.
    std::string shebangProblem(const std::string& resolvedPath) const {
        const auto start = context_.files->readFileStart(resolvedPath, kShebangBytes);
        if (!start) return {};
        const auto shebang = parseShebang(*start);
        if (!shebang) return {};
        const std::string line = "starts with " + inQuotes(shebang->line);
        if (shebang->interpreter.empty()) return line + ", which names no interpreter";
        // The kernel resolves a relative interpreter against the working directory at exec:
        // rare enough to leave to exec.
        if (shebang->interpreter.front() != '/') return {};
        if (!context_.files->isExecutable(shebang->interpreter))
            return line + ": interpreter " + inQuotes(shebang->interpreter) + " does not exist or is not executable";
        if (const auto program = envProgram(*shebang); program && !programExists(*program))
            return line + ": program " + inQuotes(*program) +
                   (program->find('/') != std::string::npos ? " does not exist or is not executable" : " was not found in PATH");
        return {};
    }

    bool programExists(const std::string& program) const {
        if (program.find('/') != std::string::npos) return context_.files->isExecutable(program);
        return context_.files->findProgram(program).has_value();
    }

    const LoadContext& context_;
    DiagnosticSink& sink_;
    fs::path configDir_;
    ZoneHandle defaultZone_;
    bool defaultZoneBroken_ = false;
    bool defaultWorkingDirBroken_ = false;
    std::unordered_map<std::string, int> jobNameLines_;
    std::unordered_map<std::string, std::string> shebangProblems_;  // by resolved script path
    std::size_t environmentVariables_ = 0;  // in every job's environment so far
    std::size_t environmentBytes_ = 0;
    bool environmentOverLimit_ = false;
};

}  // namespace

LoadResult loadConfig(std::string_view yamlText, const LoadContext& context) {
    DiagnosticSink sink(context.sourcePath);
    LoadResult result;
    auto [tree, syntaxError] = YamlTree::parse(yamlText);
    if (!tree) {
        // Errors without a line (libyaml's "out of memory") point at the start of the file.
        sink.error(syntaxError->position.line ? syntaxError->position : SourcePosition{1, 1}, "",
                   syntaxError->limit ? syntaxError->message : "YAML syntax error: " + syntaxError->message);
    } else if (tree->documentCount() > 1) {
        sink.error(tree->documentPosition(1), "", "expected one YAML document, found " + std::to_string(tree->documentCount()));
    } else {
        ConfigReader reader(context, sink);
        result.config = reader.read(tree->documentCount() == 1 ? tree->document(0) : YamlNode());
    }
    const std::size_t unlisted = sink.dropped();
    result.diagnostics = sink.take();
    std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::tie(a.position.line, a.position.column) < std::tie(b.position.line, b.position.column);
    });
    if (unlisted > 0)
        result.diagnostics.push_back({sink.errorCount() > 0 ? Severity::Error : Severity::Warning, context.sourcePath, {}, "",
                                      "and " + countOf(unlisted, "more problem") + ", not listed (only the first " +
                                          std::to_string(DiagnosticSink::kMaxListed) + " are)"});
    if (std::any_of(result.diagnostics.begin(), result.diagnostics.end(),
                    [](const Diagnostic& d) { return d.severity == Severity::Error; }))
        result.config.reset();
    return result;
}

}  // namespace chief