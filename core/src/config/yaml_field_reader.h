#pragma once
// YamlFieldReader: typed reading of YAML values for the config loader (whole numbers, booleans in
// their YAML 1.1 spellings, text without NUL bytes, lists, shell words, IANA zones), each failure
// reported to the DiagnosticSink with the field's path and position. MappingReader: one mapping's
// keys, with merge keys resolved and unknown or duplicate keys reported.
// Private to chief_core: the loader and the schedule reader share it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "chief/diagnostic.h"
#include "chief/display_text.h"
#include "chief/yaml_tree.h"
#include "chief/zone_rules.h"

namespace chief::config {

// The keys a mapping accepts.
using Keys = std::vector<std::string_view>;

bool contains(const Keys& keys, std::string_view key);
// User text in a message: escaped and cut to a sane length (see display_text.h).
std::string inQuotes(std::string_view text);
inline SourcePosition positionOf(const YamlNode& node) { return node.position(); }
// "a mapping", "a list", "nothing", or the scalar itself, quoted: what was found instead.
std::string describeNode(const YamlNode& node);

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
                  const std::map<std::string_view, std::string>& misplacedHints = {});

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
    // alias of an enclosing anchor) or one merged many times over is read only once.
    void collect(DiagnosticSink& sink, const YamlNode& node, std::unordered_set<std::uint32_t>& visited, bool fromMerge);

    std::string path_;
    SourcePosition position_;
    std::vector<Entry> entries_;
    std::unordered_map<std::string, std::size_t> index_;  // key -> entries_ index
};

// Reads typed values out of mapping entries; every refusal is a diagnostic, never an exception.
class YamlFieldReader {
public:
    explicit YamlFieldReader(DiagnosticSink& sink) : sink_(sink) {}

    DiagnosticSink& sink() const { return sink_; }
    // Counted by the sink as errors come: counting the list here, once per job, made a config
    // of many broken jobs quadratic.
    std::size_t errorCount() const { return sink_.errorCount(); }
    void error(const Entry& entry, const std::string& path, std::string message);

    // A plain (unquoted) scalar, or nullopt after reporting what was found instead.
    std::optional<std::string> plainScalar(const Entry& entry, const std::string& path, const char* expected);
    std::optional<bool> readBool(const Entry& entry, const std::string& path);
    std::optional<long long> readInt(const Entry& entry, const std::string& path, long long minimum,
                                     const char* minimumWords = nullptr);
    // Any scalar, quoted or not, as text.
    std::optional<std::string> readString(const Entry& entry, const std::string& path, bool allowEmpty = true);
    // A "\0" escape in a double-quoted scalar puts a NUL byte in the text. Text here ends up in
    // argv, the environment, paths, account names or an HTTP header, all C strings that would
    // silently end at the NUL: refuse it wherever it is written.
    bool checkNoNul(const YamlNode& node, const std::string& path);
    // A list of scalars.
    std::optional<std::vector<std::string>> readScalarList(const Entry& entry, const std::string& path);
    // A list of scalars, or one scalar split into shell words.
    std::optional<std::vector<std::string>> readWords(const Entry& entry, const std::string& path);
    std::optional<MappingReader> readMapping(const Entry& entry, const std::string& path, const Keys& allowed,
                                             const std::map<std::string_view, std::string>& hints = {});
    // An IANA zone name, located in the tz database (each name once per load).
    ZoneHandle readZone(const Entry& entry, const std::string& path);
    ZoneHandle zoneOrError(const std::string& name, const Entry& entry, const std::string& path);

private:
    DiagnosticSink& sink_;
    std::unordered_map<std::string, ZoneHandle> zones_;
    std::vector<std::string> zoneNames_;       // for suggestions, read on the first unknown zone
    std::vector<std::string_view> zoneViews_;  // into zoneNames_
};

}  // namespace chief::config
