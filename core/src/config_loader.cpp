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

namespace chief {

namespace {

namespace fs = std::filesystem;

using Keys = std::vector<std::string_view>;

const Keys kTopKeys = {"version", "defaults", "monitor", "jobs"};
const Keys kDefaultsKeys = {"working_dir",        "stop_on_failure", "overlap",
                            "timezone",           "max_parallel_jobs", "kill_grace_seconds",
                            "stop_timeout_seconds", "environment"};
const Keys kMonitorKeys = {"enabled", "endpoint", "api_key", "timeout_ms", "heartbeat_seconds", "buffer"};
const Keys kBufferKeys = {"max_events", "flush_interval_ms", "spool_file"};
const Keys kJobKeys = {"name",     "description", "enabled", "working_dir", "stop_on_failure",
                       "overlap",  "timezone",    "schedule", "scripts",     "monitor",
                       "environment", "user",     "group",    "kill_grace_seconds"};
const Keys kJobMonitorKeys = {"enabled", "check"};
const Keys kCheckKeys = {"enabled", "grace_seconds", "alert_on_failure", "alert_on_miss"};
const Keys kScheduleKeys = {"frequency", "time",  "weekdays_only", "day",         "day_of_month", "ordinal",
                            "month",     "every", "minute",        "hour",        "day_of_week",  "day_match",
                            "timezone",  "start", "end",           "exclude"};
const Keys kScriptKeys = {"path", "args", "timeout", "interpreter"};
const Keys kFrequencies = {"daily", "weekly", "monthly", "yearly", "interval", "custom"};
const Keys kModifierKeys = {"frequency", "timezone", "start", "end", "exclude"};

// The keys each frequency uses, beyond the modifiers every frequency accepts.
Keys keysOf(Frequency frequency) {
    switch (frequency) {
        case Frequency::Daily: return {"time", "weekdays_only"};
        case Frequency::Weekly: return {"day", "time"};
        case Frequency::Monthly: return {"day_of_month", "ordinal", "day", "time"};
        case Frequency::Yearly: return {"month", "day_of_month", "time"};
        case Frequency::Interval: return {"every"};
        case Frequency::Custom: return {"minute", "hour", "day_of_month", "month", "day_of_week", "day_match"};
    }
    return {};
}

bool contains(const Keys& keys, std::string_view key) { return std::find(keys.begin(), keys.end(), key) != keys.end(); }

// User text in a message: escaped and cut to a sane length (see display_text.h).
std::string inQuotes(std::string_view text) { return quoteForMessage(text); }

SourcePosition positionOf(const YamlNode& node) { return node.position(); }

std::string describeNode(const YamlNode& node) {
    switch (node.kind()) {
        case YamlNode::Kind::Mapping: return "a mapping";
        case YamlNode::Kind::Sequence: return "a list";
        case YamlNode::Kind::Null: return "nothing";
        case YamlNode::Kind::Scalar: return node.isQuoted() ? "the string " + inQuotes(node.text()) : inQuotes(node.text());
    }
    return "something else";
}

// One key/value pair of a mapping, with where each was written.
struct Entry {
    std::string key;
    YamlNode value;
    SourcePosition keyPosition;
    SourcePosition valuePosition;  // falls back to the key's when the value has no mark
};

// Reads one YAML mapping: resolves merge keys ("<<"), reports duplicate and unknown keys
// (with a suggestion), and hands out entries by name.
class MappingReader {
public:
    MappingReader(DiagnosticSink& sink, const YamlNode& node, std::string path, const Keys& allowed,
                  const std::map<std::string_view, std::string>& misplacedHints = {})
        : path_(std::move(path)), position_(positionOf(node)) {
        std::unordered_set<std::uint32_t> visited;
        collect(sink, node, visited, /*fromMerge=*/false);
        for (const Entry& entry : entries_) {
            if (contains(allowed, entry.key)) continue;
            std::string message = "unknown key " + inQuotes(entry.key);
            // Past the sink's limit the message is dropped: spare the suggestion's cost.
            std::optional<std::string> suggestion;
            if (!sink.full()) suggestion = suggestClosest(entry.key, allowed);
            if (suggestion)
                message += " (did you mean " + inQuotes(*suggestion) + "?)";
            else if (auto hint = misplacedHints.find(entry.key); hint != misplacedHints.end())
                message += " (" + hint->second + ")";
            sink.error(entry.keyPosition, childPath(entry.key), message);
        }
    }

    const Entry* find(std::string_view key) const {
        const auto it = index_.find(std::string(key));
        return it == index_.end() ? nullptr : &entries_[it->second];
    }
    bool has(std::string_view key) const { return find(key) != nullptr; }
    const std::vector<Entry>& entries() const { return entries_; }
    SourcePosition position() const { return position_; }
    const std::string& path() const { return path_; }
    std::string childPath(std::string_view key) const {
        const std::string shown = shortenForMessage(key);
        return path_.empty() ? shown : path_ + "." + shown;
    }

private:
    // `visited` holds every mapping already read, so a mapping that merges itself (through an
    // alias of an enclosing anchor) or one merged many times over is read only once. Keys and
    // mappings are looked up in hash sets: a mapping of 500,000 keys must not take 500,000^2.
    void collect(DiagnosticSink& sink, const YamlNode& node, std::unordered_set<std::uint32_t>& visited, bool fromMerge) {
        if (!visited.insert(node.id()).second) return;
        std::vector<YamlNode> merges;
        for (std::size_t i = 0; i < node.size(); ++i) {
            const YamlNode key = node.key(i);
            const YamlNode value = node.value(i);
            if (!key.isScalar()) {
                sink.error(positionOf(key), path_, "keys must be plain names, not " + describeNode(key));
                continue;
            }
            const std::string name(key.text());
            if (name == "<<" && key.isPlain()) {
                merges.push_back(value);
                continue;
            }
            if (index_.count(name)) {
                if (!fromMerge) {
                    const Entry* first = find(name);
                    sink.error(positionOf(key), childPath(name),
                               "duplicate key " + inQuotes(name) +
                                   (first ? " (first set at line " + std::to_string(first->keyPosition.line) + ")" : ""));
                }
                continue;
            }
            const SourcePosition keyPos = positionOf(key);
            SourcePosition valuePos = positionOf(value);
            if (valuePos.line == 0 || value.isNull()) valuePos = keyPos;
            index_.emplace(name, entries_.size());
            entries_.push_back({name, value, keyPos, valuePos});
        }
        // Explicit keys win over merged ones, whatever their order in the file.
        for (const YamlNode& merge : merges) {
            if (merge.isMapping()) {
                collect(sink, merge, visited, true);
            } else if (merge.isSequence()) {
                for (std::size_t i = 0; i < merge.size(); ++i) {
                    const YamlNode item = merge.item(i);
                    if (item.isMapping())
                        collect(sink, item, visited, true);
                    else
                        sink.error(positionOf(item), path_, "a merge key (<<) takes mappings only");
                }
            } else {
                sink.error(positionOf(merge), path_, "a merge key (<<) takes a mapping or a list of mappings");
            }
        }
    }

    std::string path_;
    SourcePosition position_;
    std::vector<Entry> entries_;
    std::unordered_map<std::string, std::size_t> index_;  // key -> entries_ index
};

// Reads one chief.yaml document into a Config, reporting every problem it finds.
class ConfigReader {
public:
    ConfigReader(const LoadContext& context, DiagnosticSink& sink)
        : context_(context),
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
    // ---- diagnostics ----------------------------------------------------------------------

    void error(const Entry& entry, const std::string& path, std::string message) {
        sink_.error(entry.valuePosition, path, std::move(message));
    }

    // ---- typed scalars --------------------------------------------------------------------

    // A plain (unquoted) scalar, or nullopt after reporting what was found instead.
    std::optional<std::string> plainScalar(const Entry& entry, const std::string& path, const char* expected) {
        // An explicit core tag such as !!int or !!bool asks for the same reading as a plain
        // scalar, while !!str (like quotes) asks for text.
        const std::string& tag = entry.value.tag();
        const std::string_view core = "tag:yaml.org,2002:";
        const bool coreTag = tag.starts_with(core) && tag != "tag:yaml.org,2002:str";
        if (entry.value.isScalar() && (entry.value.isPlain() || coreTag)) return std::string(entry.value.text());
        std::string found = describeNode(entry.value);
        std::string message = "expected " + std::string(expected) + ", got " + found;
        if (entry.value.isScalar()) {
            const std::string shown = shortenForMessage(tag.starts_with(core) ? "!!" + tag.substr(core.size()) : tag);
            message += tag.empty() ? " (remove the quotes)" : " (remove the tag " + shown + ")";
        }
        error(entry, path, message);
        return std::nullopt;
    }

    std::optional<bool> readBool(const Entry& entry, const std::string& path) {
        auto text = plainScalar(entry, path, "true or false");
        if (!text) return std::nullopt;
        // YAML 1.1 spellings too, since configs written for PyYAML use them.
        static const std::set<std::string> yes = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"};
        static const std::set<std::string> no = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"};
        if (yes.count(*text)) return true;
        if (no.count(*text)) return false;
        error(entry, path, "expected true or false, got " + inQuotes(*text));
        return std::nullopt;
    }

    std::optional<long long> readInt(const Entry& entry, const std::string& path, long long minimum,
                                     const char* minimumWords = nullptr) {
        auto text = plainScalar(entry, path, "a whole number");
        if (!text) return std::nullopt;
        long long value = 0;
        const std::string& t = *text;
        const char* begin = t.data() + (t.size() > 1 && t[0] == '+' ? 1 : 0);
        const auto [ptr, ec] = std::from_chars(begin, t.data() + t.size(), value);
        if (ec == std::errc::result_out_of_range || (ec == std::errc{} && ptr == t.data() + t.size() &&
                                                      (value > 2147483647LL || value < -2147483647LL))) {
            error(entry, path, inQuotes(t) + " is too large");
            return std::nullopt;
        }
        if (ec != std::errc{} || ptr != t.data() + t.size()) {
            error(entry, path, "expected a whole number, got " + inQuotes(t));
            return std::nullopt;
        }
        if (value < minimum) {
            error(entry, path,
                  minimumWords ? std::string(minimumWords)
                               : (minimum == 1 ? std::string("must be greater than 0")
                                               : "must be at least " + std::to_string(minimum)));
            return std::nullopt;
        }
        return value;
    }

    // Any scalar, quoted or not, as text.
    std::optional<std::string> readString(const Entry& entry, const std::string& path, bool allowEmpty = true) {
        if (!entry.value.isScalar()) {
            error(entry, path, "expected a text value, got " + describeNode(entry.value));
            return std::nullopt;
        }
        if (!allowEmpty && entry.value.text().empty()) {
            error(entry, path, "must not be empty");
            return std::nullopt;
        }
        if (!checkNoNul(entry.value, path)) return std::nullopt;
        return std::string(entry.value.text());
    }

    // A "\0" escape in a double-quoted scalar puts a NUL byte in the text. Text here ends up in
    // argv, the environment, paths, account names or an HTTP header, all C strings that would
    // silently end at the NUL: refuse it wherever it is written.
    bool checkNoNul(const YamlNode& node, const std::string& path) {
        if (node.text().find('\0') == std::string_view::npos) return true;
        sink_.error(positionOf(node), path, std::string(kNulMessage));
        return false;
    }
    static constexpr std::string_view kNulMessage =
        "contains a NUL byte (\\0), which cannot be passed to a program or used in a path";

    // A list of scalars, or a single scalar handled by `fromScalar` (e.g. shell words).
    std::optional<std::vector<std::string>> readScalarList(const Entry& entry, const std::string& path) {
        std::vector<std::string> items;
        if (entry.value.isNull()) return items;
        if (!entry.value.isSequence()) {
            error(entry, path, "expected a list, got " + describeNode(entry.value));
            return std::nullopt;
        }
        bool ok = true;
        std::size_t index = 0;
        for (const YamlNode& item : entry.value.items()) {
            const std::string itemPath = path + "[" + std::to_string(index) + "]";
            if (!item.isScalar()) {
                sink_.error(positionOf(item), itemPath, "expected a text value, got " + describeNode(item));
                ok = false;
            } else if (!checkNoNul(item, itemPath)) {
                ok = false;
            } else {
                items.emplace_back(item.text());
            }
            ++index;
        }
        if (!ok) return std::nullopt;
        return items;
    }

    std::optional<std::vector<std::string>> readWords(const Entry& entry, const std::string& path) {
        if (entry.value.isScalar()) {
            if (!checkNoNul(entry.value, path)) return std::nullopt;
            auto words = splitShellWords(entry.value.text());
            if (!words) {
                error(entry, path, words.error());
                return std::nullopt;
            }
            return words.value();
        }
        return readScalarList(entry, path);
    }

    std::optional<MappingReader> readMapping(const Entry& entry, const std::string& path, const Keys& allowed,
                                             const std::map<std::string_view, std::string>& hints = {}) {
        if (!entry.value.isMapping()) {
            error(entry, path, "expected a mapping of keys, got " + describeNode(entry.value));
            return std::nullopt;
        }
        return MappingReader(sink_, entry.value, path, allowed, hints);
    }

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

    ZoneHandle readZone(const Entry& entry, const std::string& path) {
        auto name = readString(entry, path, false);
        if (!name) return nullptr;
        return zoneOrError(*name, entry, path);
    }

    ZoneHandle zoneOrError(const std::string& name, const Entry& entry, const std::string& path) {
        if (auto it = zones_.find(name); it != zones_.end()) return it->second;
        auto zone = ZoneRules::locate(name);
        if (!zone) {
            std::string message = "invalid timezone " + inQuotes(name) + ": expected an IANA name such as \"America/New_York\"";
            // Past the sink's limit the message is dropped: spare the suggestion's cost.
            if (!sink_.full()) {
                if (zoneNames_.empty()) {
                    zoneNames_ = ZoneRules::allZoneNames();
                    zoneViews_.assign(zoneNames_.begin(), zoneNames_.end());
                }
                if (auto s = suggestClosest(name, zoneViews_)) message += " (did you mean " + inQuotes(*s) + "?)";
            }
            error(entry, path, message);
            return nullptr;
        }
        zones_.emplace(name, zone.value());
        return zone.value();
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
            for (std::string_view k : kScheduleKeys)
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
            if (auto schedule = readSchedule(*e, path + ".schedule", job.name, jobZone, zoneOk)) {
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

    // ---- schedule -------------------------------------------------------------------------

    std::optional<CompiledSchedule> readSchedule(const Entry& entry, const std::string& path, const std::string& jobName,
                                                 ZoneHandle zone, bool zoneOk) {
        static const std::map<std::string_view, std::string> hints = {
            {"scripts", "it belongs to the job, not the schedule"},
            {"name", "it belongs to the job, not the schedule"},
            {"overlap", "it belongs to the job, not the schedule"},
            {"weekday", "use \"day\" (weekly) or \"day_of_week\" (custom)"},
            {"days", "use \"day\""}};
        auto mapping = readMapping(entry, path, kScheduleKeys, hints);
        if (!mapping) return std::nullopt;
        const MappingReader& map = *mapping;
        const std::size_t errorsBefore = errorCount();
        ScheduleSpec spec;

        const Entry* frequencyEntry = map.find("frequency");
        if (!frequencyEntry) {
            sink_.error(map.position(), path + ".frequency",
                        "\"frequency\" is required (one of daily, weekly, monthly, yearly, interval, custom)");
            return std::nullopt;
        }
        auto frequencyText = readString(*frequencyEntry, path + ".frequency");
        if (!frequencyText) return std::nullopt;
        const auto frequency = frequencyFromName(*frequencyText);
        if (!frequency) {
            std::string message = "invalid frequency " + inQuotes(*frequencyText) +
                                  ": expected one of daily, weekly, monthly, yearly, interval, custom";
            if (auto s = suggestClosest(*frequencyText, kFrequencies)) message += " (did you mean " + inQuotes(*s) + "?)";
            error(*frequencyEntry, path + ".frequency", message);
            return std::nullopt;
        }
        spec.frequency = *frequency;
        const std::string freqName = frequencyName(spec.frequency);

        // Keys that belong to another frequency are conflicts, not typos.
        const Keys own = keysOf(spec.frequency);
        for (const Entry& e : map.entries()) {
            if (!contains(kScheduleKeys, e.key) || contains(kModifierKeys, e.key) || contains(own, e.key)) continue;
            if (spec.frequency == Frequency::Interval && e.key == "time")
                sink_.error(e.keyPosition, map.childPath(e.key), "interval mode cannot include \"time\"");
            else if (e.key == "day_match")
                sink_.error(e.keyPosition, map.childPath(e.key),
                            "\"day_match\" is only for frequency \"custom\" (it says whether day_of_month and "
                            "day_of_week must both match), not " + inQuotes(freqName));
            else
                sink_.error(e.keyPosition, map.childPath(e.key),
                            inQuotes(e.key) + " is not allowed with frequency " + inQuotes(freqName));
        }

        if (const Entry* e = map.find("timezone")) {
            zone = readZone(*e, path + ".timezone");
            zoneOk = zone != nullptr;
        }
        switch (spec.frequency) {
            case Frequency::Daily:
                readTime(map, path, freqName, spec);
                if (const Entry* e = map.find("weekdays_only"))
                    if (auto v = readBool(*e, path + ".weekdays_only")) spec.weekdaysOnly = *v;
                break;
            case Frequency::Weekly:
                if (const Entry* e = map.find("day")) {
                    if (auto days = readWeekdayList(*e, path + ".day")) spec.weekdays = *days;
                } else {
                    sink_.error(map.position(), path + ".day", "\"weekly\" requires \"day\" (for example monday or monday-friday)");
                }
                readTime(map, path, freqName, spec);
                break;
            case Frequency::Monthly: readMonthly(map, path, spec); break;
            case Frequency::Yearly: readYearly(map, path, spec); break;
            case Frequency::Interval:
                if (const Entry* e = map.find("every")) {
                    if (auto text = readString(*e, path + ".every")) {
                        auto minutes = parseInterval(*text);
                        if (minutes) {
                            spec.everyMinutes = minutes.value();
                            spec.every = *text;
                        } else {
                            error(*e, path + ".every", minutes.error());
                        }
                    }
                } else {
                    sink_.error(map.position(), path + ".every", "\"interval\" requires \"every\" (for example 5m, 2h or 1d)");
                }
                break;
            case Frequency::Custom: readCustom(map, path, spec); break;
        }

        if (!zoneOk || !zone) return std::nullopt;
        spec.zone = zone;
        readBounds(map, path, spec);
        if (errorCount() != errorsBefore) return std::nullopt;

        CompiledSchedule compiled = compileSchedule(spec);
        if (spec.start || spec.end) {
            const SysSeconds from = spec.start ? *spec.start - Seconds{1} : SysSeconds{Seconds{0}};
            if (!nextFireAfter(compiled.schedule, from))
                scheduleWarning(compiled, map.position(), path,
                                "no run falls between \"start\" and \"end\"; this job will never run");
        }
        if (spec.frequency == Frequency::Custom && !spec.dayMatch && !spec.dayOfMonthField.wildcard &&
            !spec.dayOfWeek.wildcard) {
            // The schedule that changes meaning silently on the way from cron or chief.py: say both
            // readings, and how to choose one (which also silences this warning).
            ScheduleSpec cronReading = spec;
            cronReading.dayMatch = DayMatch::Any;
            scheduleWarning(compiled, map.position(), path,
                            "job " + inQuotes(jobName) +
                                " restricts both day_of_month and day_of_week, which cron and chief.py read "
                                "differently: Chief runs it " + compiled.description +
                                " (both must match), cron and chief.py " + compileSchedule(cronReading).description +
                                " (either may match); add day_match: all to keep Chief's reading or day_match: any "
                                "for cron's");
        }
        return compiled;
    }

    // A warning about a schedule: reported now, and kept with it so preview can show it again.
    void scheduleWarning(CompiledSchedule& compiled, SourcePosition position, const std::string& path,
                         const std::string& message) {
        sink_.warning(position, path, message);
        compiled.warnings.push_back({Severity::Warning, sink_.file(), position, path, message});
    }

    static std::optional<Frequency> frequencyFromName(const std::string& name) {
        if (name == "daily") return Frequency::Daily;
        if (name == "weekly") return Frequency::Weekly;
        if (name == "monthly") return Frequency::Monthly;
        if (name == "yearly") return Frequency::Yearly;
        if (name == "interval") return Frequency::Interval;
        if (name == "custom") return Frequency::Custom;
        return std::nullopt;
    }

    void readTime(const MappingReader& map, const std::string& path, const std::string& freqName, ScheduleSpec& spec) {
        const Entry* e = map.find("time");
        if (!e) {
            sink_.error(map.position(), path + ".time", inQuotes(freqName) + " requires \"time\" (HH:MM, 24-hour)");
            return;
        }
        if (!e->value.isScalar()) {
            error(*e, path + ".time", "expected a time as \"HH:MM\", got " + describeNode(e->value));
            return;
        }
        auto time = parseTimeOfDay(e->value.text());
        if (time)
            spec.time = time.value();
        else
            error(*e, path + ".time", time.error());
    }

    std::optional<std::uint8_t> readWeekdayList(const Entry& entry, const std::string& path) {
        if (entry.value.isScalar()) {
            auto days = parseWeekdays(entry.value.text());
            if (!days) {
                error(entry, path, days.error());
                return std::nullopt;
            }
            return days.value();
        }
        if (!entry.value.isSequence()) {
            error(entry, path, "expected a weekday or a list of weekdays, got " + describeNode(entry.value));
            return std::nullopt;
        }
        if (entry.value.size() == 0) {
            error(entry, path, "the list of days is empty");
            return std::nullopt;
        }
        std::uint8_t bits = 0;
        bool ok = true;
        std::size_t index = 0;
        for (const YamlNode& item : entry.value.items()) {
            const std::string itemPath = path + "[" + std::to_string(index++) + "]";
            if (!item.isScalar()) {
                sink_.error(positionOf(item), itemPath, "expected a weekday, got " + describeNode(item));
                ok = false;
                continue;
            }
            auto days = parseWeekdays(item.text());
            if (!days) {
                sink_.error(positionOf(item), itemPath, days.error());
                ok = false;
                continue;
            }
            bits |= days.value();
        }
        if (!ok) return std::nullopt;
        return bits;
    }

    // 1-31, or 0 for "last" (the last day of the month; monthly and yearly).
    std::optional<int> readDayOfMonth(const Entry& entry, const std::string& path) {
        if (entry.value.isScalar()) {
            const std::string_view text = entry.value.text();
            if (text == "last" || text == "Last" || text == "LAST") return 0;
            if (text == "L") {
                error(entry, path, "invalid day_of_month \"L\": write last for the last day of the month (L is the "
                                   "spelling of custom's day_of_month)");
                return std::nullopt;
            }
        }
        auto value = readInt(entry, path, 1, "day_of_month must be between 1 and 31");
        if (!value) return std::nullopt;
        if (*value > 31) {
            error(entry, path, "day_of_month must be between 1 and 31");
            return std::nullopt;
        }
        return static_cast<int>(*value);
    }

    void readMonthly(const MappingReader& map, const std::string& path, ScheduleSpec& spec) {
        static const std::string kEither = "\"monthly\" requires either \"day_of_month\" or \"ordinal + day\".";
        const Entry* dom = map.find("day_of_month");
        const Entry* ordinal = map.find("ordinal");
        const Entry* day = map.find("day");
        if (dom && (ordinal || day)) {
            const Entry& conflict = ordinal ? *ordinal : *day;
            sink_.error(conflict.keyPosition, map.childPath(conflict.key),
                        "\"monthly\" takes either \"day_of_month\" or \"ordinal + day\", not both");
        } else if (dom) {
            if (auto d = readDayOfMonth(*dom, path + ".day_of_month")) {
                spec.dayOfMonth = *d;
                spec.lastDayOfMonth = *d == 0;
            }
        } else if (ordinal && day) {
            if (auto text = readString(*ordinal, path + ".ordinal")) {
                auto o = parseOrdinal(*text);
                if (o)
                    spec.ordinal = o.value();
                else
                    error(*ordinal, path + ".ordinal", o.error());
            }
            if (day->value.isSequence()) {
                error(*day, path + ".day", "with \"ordinal\", \"day\" must be a single weekday such as friday");
            } else if (auto text = readString(*day, path + ".day")) {
                auto wd = parseWeekdayName(*text);
                if (wd)
                    spec.weekdays = static_cast<std::uint8_t>(1U << wd.value());
                else
                    error(*day, path + ".day",
                          text->find_first_of(",-") != std::string::npos
                              ? "with \"ordinal\", \"day\" must be a single weekday such as friday"
                              : wd.error());
            }
        } else {
            const SourcePosition where = ordinal ? ordinal->keyPosition : day ? day->keyPosition : map.position();
            sink_.error(where, path, kEither);
        }
        readTime(map, path, "monthly", spec);
    }

    void readYearly(const MappingReader& map, const std::string& path, ScheduleSpec& spec) {
        const Entry* month = map.find("month");
        const Entry* dom = map.find("day_of_month");
        if (!month) sink_.error(map.position(), path + ".month", "\"yearly\" requires \"month\" (a name such as january, or 1-12)");
        if (!dom) sink_.error(map.position(), path + ".day_of_month", "\"yearly\" requires \"day_of_month\"");
        if (month) {
            if (auto text = readString(*month, path + ".month")) {
                auto m = parseMonth(*text);
                if (m)
                    spec.month = m.value();
                else
                    error(*month, path + ".month", m.error());
            }
        }
        if (dom) {
            if (auto d = readDayOfMonth(*dom, path + ".day_of_month")) {
                spec.dayOfMonth = *d;
                spec.lastDayOfMonth = *d == 0;
                static constexpr int kMaxDays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
                static constexpr const char* kNames[13] = {"",     "January", "February", "March",     "April",
                                                           "May",  "June",    "July",     "August",    "September",
                                                           "October", "November", "December"};
                if (spec.month > 0 && *d > kMaxDays[spec.month])
                    error(*dom, path + ".day_of_month",
                          std::string(kNames[spec.month]) + " has at most " + std::to_string(kMaxDays[spec.month]) +
                              " days, so day " + std::to_string(*d) + " never comes");
            }
        }
        readTime(map, path, "yearly", spec);
    }

    void readCustom(const MappingReader& map, const std::string& path, ScheduleSpec& spec) {
        struct FieldSlot {
            const char* key;
            CronFieldKind kind;
            CronField* field;
            std::uint64_t all;
        };
        const FieldSlot slots[] = {
            {"minute", CronFieldKind::Minute, &spec.minute, (std::uint64_t{1} << 60) - 1},
            {"hour", CronFieldKind::Hour, &spec.hour, (std::uint64_t{1} << 24) - 1},
            {"day_of_month", CronFieldKind::DayOfMonth, &spec.dayOfMonthField, ((std::uint64_t{1} << 32) - 1) & ~std::uint64_t{1}},
            {"month", CronFieldKind::Month, &spec.monthField, ((std::uint64_t{1} << 13) - 1) & ~std::uint64_t{1}},
            {"day_of_week", CronFieldKind::DayOfWeek, &spec.dayOfWeek, (std::uint64_t{1} << 7) - 1},
        };
        bool any = false;
        const std::size_t errorsBefore = errorCount();
        for (const FieldSlot& slot : slots) {
            slot.field->bits = slot.all;
            slot.field->wildcard = true;
            const Entry* e = map.find(slot.key);
            if (!e) continue;
            any = true;
            const std::string fp = path + "." + slot.key;
            std::string text;
            if (e->value.isScalar()) {
                text = std::string(e->value.text());
            } else if (auto items = readScalarList(*e, fp)) {
                if (items->empty()) {
                    error(*e, fp, std::string(slot.key) + " list is empty");
                    continue;
                }
                for (const std::string& item : *items) text += (text.empty() ? "" : ",") + item;
            } else {
                continue;
            }
            auto bits = parseCronField(text, slot.kind);
            if (!bits) {
                error(*e, fp, bits.error());
                continue;
            }
            // "0-59" restricts nothing, like "*"; so does "*,L".
            const std::uint64_t value = (bits.value() & slot.all) == slot.all ? slot.all : bits.value();
            slot.field->bits = value;
            slot.field->wildcard = value == slot.all;
        }
        if (const Entry* e = map.find("day_match")) {
            if (auto text = readString(*e, path + ".day_match")) {
                if (*text == "all") {
                    spec.dayMatch = DayMatch::All;
                } else if (*text == "any") {
                    spec.dayMatch = DayMatch::Any;
                } else {
                    static const Keys matches = {"all", "any"};
                    std::string message = "invalid day_match " + inQuotes(*text) +
                                          ": expected all (day_of_month and day_of_week must both match; the default) "
                                          "or any (either may match, as in cron)";
                    if (auto suggestion = suggestClosest(*text, matches))
                        message += " (did you mean " + inQuotes(*suggestion) + "?)";
                    error(*e, path + ".day_match", message);
                }
            }
        }
        if (!any) {
            sink_.error(map.position(), path,
                        "\"custom\" requires at least one of minute, hour, day_of_month, month, day_of_week");
            return;
        }
        // A day that no selected month has (e.g. day 30 in February only) never comes.
        static constexpr int kMaxDays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        // Every month has a last day; and under day_match: any a restricted day_of_week runs by itself.
        bool possible = (spec.dayOfMonthField.bits & kLastDayOfMonthBit) != 0 ||
                        (spec.dayMatch == DayMatch::Any && !spec.dayOfWeek.wildcard && !spec.dayOfMonthField.wildcard);
        for (int m = 1; m <= 12 && !possible; ++m) {
            if (!(spec.monthField.bits >> m & 1U)) continue;
            for (int d = 1; d <= kMaxDays[m]; ++d)
                if (spec.dayOfMonthField.bits >> d & 1U) possible = true;
        }
        if (!possible && errorCount() == errorsBefore) {
            // Only a restricted day_of_month can rule out every month, so point at it.
            const Entry* dom = map.find("day_of_month");
            sink_.error(dom ? dom->valuePosition : map.position(), dom ? path + ".day_of_month" : path,
                        "this schedule can never fire: none of the selected months has any of the selected days");
        }
    }

    void readBounds(const MappingReader& map, const std::string& path, ScheduleSpec& spec) {
        const ZoneRules& zone = *spec.zone;
        const Entry* start = map.find("start");
        const Entry* end = map.find("end");
        if (start) {
            if (auto text = readString(*start, path + ".start")) {
                auto parsed = parseDateTime(*text);
                if (!parsed) {
                    error(*start, path + ".start", "invalid start " + inQuotes(*text) + ": " + parsed.error());
                } else {
                    spec.start = resolveDateTime(parsed.value(), zone);
                    spec.startLocal = parsed.value().offset ? zone.toLocal(*spec.start) : parsed.value().local;
                }
            }
        }
        if (end) {
            if (auto text = readString(*end, path + ".end")) {
                auto parsed = parseDateTime(*text);
                if (!parsed) {
                    error(*end, path + ".end", "invalid end " + inQuotes(*text) + ": " + parsed.error());
                } else if (parsed.value().dateOnly) {
                    // A bare date as "end" means through the end of that day.
                    ParsedDateTime nextDay = parsed.value();
                    nextDay.local += date::days{1};
                    spec.end = resolveDateTime(nextDay, zone) - Seconds{1};
                } else {
                    spec.end = resolveDateTime(parsed.value(), zone);
                }
            }
        }
        if (spec.start && spec.end && *spec.start > *spec.end)
            error(*start, path + ".start",
                  "\"start\" (" + formatIsoInZone(*spec.start, zone) + ") is after \"end\" (" +
                      formatIsoInZone(*spec.end, zone) + ")");
        if (const Entry* e = map.find("exclude")) {
            std::optional<std::vector<std::string>> items;
            if (e->value.isScalar())
                items = std::vector<std::string>{std::string(e->value.text())};
            else
                items = readScalarList(*e, path + ".exclude");
            if (items) {
                std::size_t index = 0;
                for (const std::string& item : *items) {
                    auto day = parseDate(item);
                    if (day) {
                        spec.exclude.push_back(day.value());
                    } else {
                        const YamlNode node = e->value.isSequence() ? e->value.item(index) : e->value;
                        SourcePosition where = positionOf(node);
                        if (where.line == 0) where = e->valuePosition;
                        sink_.error(where, path + ".exclude" + (e->value.isSequence() ? "[" + std::to_string(index) + "]" : ""),
                                    "invalid date " + inQuotes(item) + ": " + day.error());
                    }
                    ++index;
                }
                std::sort(spec.exclude.begin(), spec.exclude.end());
                spec.exclude.erase(std::unique(spec.exclude.begin(), spec.exclude.end()), spec.exclude.end());
            }
        }
    }

    // Counted by the sink as errors come: counting the list here, once per job, made a config
    // of many broken jobs quadratic.
    std::size_t errorCount() const { return sink_.errorCount(); }

    const LoadContext& context_;
    DiagnosticSink& sink_;
    fs::path configDir_;
    ZoneHandle defaultZone_;
    bool defaultZoneBroken_ = false;
    bool defaultWorkingDirBroken_ = false;
    std::unordered_map<std::string, int> jobNameLines_;
    std::unordered_map<std::string, ZoneHandle> zones_;
    std::vector<std::string> zoneNames_;
    std::vector<std::string_view> zoneViews_;  // into zoneNames_
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
