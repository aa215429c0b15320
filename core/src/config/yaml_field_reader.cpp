#include "config/yaml_field_reader.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "chief/display_text.h"
#include "chief/key_suggester.h"
#include "chief/shell_words.h"

namespace chief::config {

namespace {

constexpr std::string_view kNulMessage = "contains a NUL byte (\\0), which cannot be passed to a program or used in a path";

}  // namespace

bool contains(const Keys& keys, std::string_view key) { return std::find(keys.begin(), keys.end(), key) != keys.end(); }

std::string inQuotes(std::string_view text) { return quoteForMessage(text); }

std::string describeNode(const YamlNode& node) {
    switch (node.kind()) {
        case YamlNode::Kind::Mapping: return "a mapping";
        case YamlNode::Kind::Sequence: return "a list";
        case YamlNode::Kind::Null: return "nothing";
        case YamlNode::Kind::Scalar: return node.isQuoted() ? "the string " + inQuotes(node.text()) : inQuotes(node.text());
    }
    return "something else";
}

MappingReader::MappingReader(DiagnosticSink& sink, const YamlNode& node, std::string path, const Keys& allowed,
                         const std::map<std::string_view, std::string>& misplacedHints)
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

// Keys and mappings are looked up in hash sets: a mapping of 500,000 keys must not take 500,000^2.
void MappingReader::collect(DiagnosticSink& sink, const YamlNode& node, std::unordered_set<std::uint32_t>& visited, bool fromMerge) {
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

void YamlFieldReader::error(const Entry& entry, const std::string& path, std::string message) {
    sink_.error(entry.valuePosition, path, std::move(message));
}

// A plain (unquoted) scalar, or nullopt after reporting what was found instead.
std::optional<std::string> YamlFieldReader::plainScalar(const Entry& entry, const std::string& path, const char* expected) {
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

std::optional<bool> YamlFieldReader::readBool(const Entry& entry, const std::string& path) {
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

std::optional<long long> YamlFieldReader::readInt(const Entry& entry, const std::string& path, long long minimum,
                                 const char* minimumWords) {
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
std::optional<std::string> YamlFieldReader::readString(const Entry& entry, const std::string& path, bool allowEmpty) {
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

bool YamlFieldReader::checkNoNul(const YamlNode& node, const std::string& path) {
    if (node.text().find('\0') == std::string_view::npos) return true;
    sink_.error(positionOf(node), path, std::string(kNulMessage));
    return false;
}
std::optional<std::vector<std::string>> YamlFieldReader::readScalarList(const Entry& entry, const std::string& path) {
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

std::optional<std::vector<std::string>> YamlFieldReader::readWords(const Entry& entry, const std::string& path) {
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

std::optional<MappingReader> YamlFieldReader::readMapping(const Entry& entry, const std::string& path, const Keys& allowed,
                                         const std::map<std::string_view, std::string>& hints) {
    if (!entry.value.isMapping()) {
        error(entry, path, "expected a mapping of keys, got " + describeNode(entry.value));
        return std::nullopt;
    }
    return MappingReader(sink_, entry.value, path, allowed, hints);
}

ZoneHandle YamlFieldReader::readZone(const Entry& entry, const std::string& path) {
    auto name = readString(entry, path, false);
    if (!name) return nullptr;
    return zoneOrError(*name, entry, path);
}

ZoneHandle YamlFieldReader::zoneOrError(const std::string& name, const Entry& entry, const std::string& path) {
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

}  // namespace chief::config
