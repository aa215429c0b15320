#pragma once
// YamlTree: a compact, read-only YAML document with source positions, built from libyaml events.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chief/diagnostic.h"

namespace chief {

class YamlTree;

// A node of a YamlTree: a handle (tree + index), cheap to copy, valid while the tree lives.
class YamlNode {
public:
    enum class Kind : std::uint8_t { Null, Scalar, Sequence, Mapping };

    YamlNode() = default;
    Kind kind() const;
    bool isNull() const { return kind() == Kind::Null; }
    bool isScalar() const { return kind() == Kind::Scalar; }
    bool isSequence() const { return kind() == Kind::Sequence; }
    bool isMapping() const { return kind() == Kind::Mapping; }
    // Written without quotes and without a tag, so "true" and 5 may be read as bool and int.
    bool isPlain() const;
    // Written in quotes (or as a block scalar), without a tag: always text.
    bool isQuoted() const;
    // The explicit tag, expanded ("tag:yaml.org,2002:int" for !!int); empty when none was written.
    const std::string& tag() const;
    // Whether both handles name the same node (aliases share nodes).
    bool sameAs(const YamlNode& other) const { return tree_ == other.tree_ && index_ == other.index_; }
    // A number unique to the node within its tree (shared by aliases), to keep sets of nodes.
    std::uint32_t id() const { return index_; }
    std::string_view text() const;    // scalar text ("" for other kinds)
    SourcePosition position() const;  // 1-based line and column of the node's first character

    std::size_t size() const;                    // sequence items or mapping entries
    YamlNode item(std::size_t index) const;      // sequence item
    std::vector<YamlNode> items() const;         // every sequence item, in order
    YamlNode key(std::size_t index) const;       // mapping key
    YamlNode value(std::size_t index) const;     // mapping value

private:
    friend class YamlTree;
    YamlNode(const YamlTree* tree, std::uint32_t index) : tree_(tree), index_(index) {}
    const YamlTree* tree_ = nullptr;
    std::uint32_t index_ = 0;
};

// A YAML syntax problem at a position, or a limit the document exceeds there.
struct YamlSyntaxError {
    SourcePosition position;
    std::string message;
    bool limit = false;  // a size or depth limit (the YAML itself may be fine)
};

// The most nodes (scalars, lists, mappings) one stream may hold, an alias counting as every node
// it repeats: four times a 10,000-job config (bench/gen_config.sh's has 245,009), and a bound on
// what the loader walks, however aliases multiply it.
inline constexpr std::size_t kMaxYamlNodes = 1'000'000;
// The deepest nesting of lists and mappings: chief.yaml needs about 6 levels.
inline constexpr std::size_t kMaxYamlDepth = 64;

// One parsed YAML stream. Aliases share the anchored node (no copies, no cycles: an alias
// may only name a node that is complete, so "&a [*a]" is an error).
class YamlTree {
public:
    // Parses `text` (UTF-8; a leading byte-order mark is skipped). Either every document, or the
    // first syntax error or exceeded limit.
    static std::pair<std::optional<YamlTree>, std::optional<YamlSyntaxError>> parse(std::string_view text);

    std::size_t documentCount() const { return documents_.size(); }
    YamlNode document(std::size_t index) const { return YamlNode(this, documents_[index].root); }
    // Where document `index` starts: its "---" marker, or its first content when it has none.
    SourcePosition documentPosition(std::size_t index) const { return documents_[index].start; }

    YamlTree(YamlTree&&) noexcept = default;
    YamlTree& operator=(YamlTree&&) noexcept = default;
    YamlTree(const YamlTree&) = delete;
    YamlTree& operator=(const YamlTree&) = delete;

private:
    friend class YamlNode;
    friend class YamlTreeBuilder;
    YamlTree() = default;

    // 28 bytes a node: a 10,000-job config has about 250,000 of them. Text lives in one arena,
    // children in one index array, tags (rare) in a side table.
    struct Node {
        YamlNode::Kind kind = YamlNode::Kind::Null;
        bool plain = false;
        bool quoted = false;
        std::int32_t line = 0;
        std::int32_t column = 0;
        std::uint32_t textOffset = 0;
        std::uint32_t textLength = 0;
        std::uint32_t tag = 0;  // index into tags_; 0 = none
        std::uint32_t firstChild = 0;  // into children_: sequence items, or mapping key, value, key, value...
        std::uint32_t childCount = 0;
    };
    struct Document {
        std::uint32_t root = 0;
        SourcePosition start;
    };
    std::vector<Node> nodes_;
    std::string text_;
    std::vector<std::uint32_t> children_;
    std::vector<std::string> tags_ = {std::string()};
    std::vector<Document> documents_;
};

}  // namespace chief
