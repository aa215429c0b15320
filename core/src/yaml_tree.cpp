#include "chief/yaml_tree.h"

#include <yaml.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <unordered_map>

#include "chief/display_text.h"

namespace chief {

namespace {

const std::string kEmpty;
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool isNullText(const std::string& text) { return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL"; }

SourcePosition positionOf(const yaml_mark_t& mark) {
    return {static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1};
}

// The line and column of byte `offset`, counting characters as libyaml does for its marks (a
// UTF-8 sequence is one column), for the reader errors libyaml gives only an offset for.
SourcePosition positionOfByte(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    const std::size_t lineStart = offset == 0 ? 0 : text.rfind('\n', offset - 1) + 1;  // npos + 1 == 0
    const auto line = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(lineStart), '\n') + 1;
    const auto continuation = std::count_if(text.begin() + static_cast<std::ptrdiff_t>(lineStart),
                                            text.begin() + static_cast<std::ptrdiff_t>(offset),
                                            [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; });
    return {static_cast<int>(line), static_cast<int>(offset - lineStart) - static_cast<int>(continuation) + 1};
}

}  // namespace

YamlNode::Kind YamlNode::kind() const { return tree_ ? tree_->nodes_[index_].kind : Kind::Null; }
bool YamlNode::isPlain() const { return tree_ && tree_->nodes_[index_].plain; }
bool YamlNode::isQuoted() const { return tree_ && tree_->nodes_[index_].quoted; }
const std::string& YamlNode::tag() const { return tree_ ? tree_->tags_[tree_->nodes_[index_].tag] : kEmpty; }
std::string_view YamlNode::text() const {
    if (!tree_) return {};
    const auto& n = tree_->nodes_[index_];
    return std::string_view(tree_->text_).substr(n.textOffset, n.textLength);
}
SourcePosition YamlNode::position() const {
    if (!tree_) return {};
    const auto& n = tree_->nodes_[index_];
    return {n.line, n.column};
}
std::size_t YamlNode::size() const {
    if (!tree_) return 0;
    const auto& n = tree_->nodes_[index_];
    if (n.kind == Kind::Sequence) return n.childCount;
    if (n.kind == Kind::Mapping) return n.childCount / 2;
    return 0;
}
std::vector<YamlNode> YamlNode::items() const {
    std::vector<YamlNode> out;
    if (kind() != Kind::Sequence) return out;
    const auto& n = tree_->nodes_[index_];
    for (std::uint32_t i = 0; i < n.childCount; ++i) out.push_back(YamlNode(tree_, tree_->children_[n.firstChild + i]));
    return out;
}
YamlNode YamlNode::item(std::size_t i) const {
    return YamlNode(tree_, tree_->children_[tree_->nodes_[index_].firstChild + i]);
}
YamlNode YamlNode::key(std::size_t i) const {
    return YamlNode(tree_, tree_->children_[tree_->nodes_[index_].firstChild + 2 * i]);
}
YamlNode YamlNode::value(std::size_t i) const {
    return YamlNode(tree_, tree_->children_[tree_->nodes_[index_].firstChild + 2 * i + 1]);
}

// Turns libyaml's event stream into YamlTree nodes with an explicit stack (no recursion, so
// deeply nested input cannot overflow the C++ stack).
class YamlTreeBuilder {
public:
    std::pair<std::optional<YamlTree>, std::optional<YamlSyntaxError>> build(std::string_view text) {
        // libyaml skips a byte-order mark only when it detects the encoding itself, and we name
        // UTF-8 (so UTF-16 is refused); PyYAML accepts the mark, and editors on Windows write it.
        if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
        text_ = text;
        // Sized up front (about one node per 8 bytes of YAML, never past the node limit) so the
        // arrays are not reallocated while parsing: a reallocation briefly holds old and new
        // arrays, doubling peak memory.
        const std::size_t expectedNodes = std::min(text.size() / 8, kMaxYamlNodes) + 16;
        tree_.nodes_.reserve(expectedNodes);
        tree_.children_.reserve(expectedNodes);
        expanded_.reserve(expectedNodes);
        tree_.text_.reserve(text.size() / 2 + 16);
        yaml_parser_t parser;
        if (!yaml_parser_initialize(&parser)) return fail({}, "out of memory starting the YAML parser");
        std::unique_ptr<yaml_parser_t, decltype(&yaml_parser_delete)> guard(&parser, yaml_parser_delete);
        yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
        while (true) {
            yaml_event_t event;
            if (!yaml_parser_parse(&parser, &event)) return syntaxError(parser, text);
            std::unique_ptr<yaml_event_t, decltype(&yaml_event_delete)> eventGuard(&event, yaml_event_delete);
            if (auto error = handle(event)) return {std::nullopt, error};
            if (event.type == YAML_STREAM_END_EVENT) break;
        }
        return {std::move(tree_), std::nullopt};
    }

private:
    static std::pair<std::optional<YamlTree>, std::optional<YamlSyntaxError>> fail(SourcePosition at, std::string message) {
        return {std::nullopt, YamlSyntaxError{at, std::move(message)}};
    }

    static std::pair<std::optional<YamlTree>, std::optional<YamlSyntaxError>> syntaxError(const yaml_parser_t& parser,
                                                                                            std::string_view text) {
        std::string message = parser.problem ? parser.problem : "malformed YAML";
        if (parser.context) message += std::string(" (") + parser.context + ")";
        // libyaml's words for a tab are cryptic; tabs are the commonest cause of this error.
        const std::size_t offset = parser.problem_mark.index;
        if (parser.error == YAML_SCANNER_ERROR && offset < text.size() && text[offset] == '\t')
            message = "tab characters are not allowed for indentation in YAML; indent with spaces";
        SourcePosition at = positionOf(parser.problem_mark);
        if (parser.error == YAML_READER_ERROR) {
            // Reader errors (bad UTF-8, control characters) have only a byte offset.
            message = parser.problem ? parser.problem : "unreadable input";
            if (parser.problem_value >= 0 && parser.problem_value <= 0xFF) {
                char byte[16];
                std::snprintf(byte, sizeof byte, " (byte 0x%02x)", static_cast<unsigned>(parser.problem_value));
                message += byte;
            } else if (parser.problem_value > 0xFF) {
                char character[24];
                std::snprintf(character, sizeof character, " (U+%04X)", static_cast<unsigned>(parser.problem_value));
                message += character;
            }
            at = positionOfByte(text, parser.problem_offset);
        }
        return fail(at, message);
    }

    std::optional<YamlSyntaxError> handle(const yaml_event_t& event) {
        switch (event.type) {
            case YAML_DOCUMENT_START_EVENT:
                anchors_.clear();
                documentStart_ = event.data.document_start.implicit ? SourcePosition{} : positionOf(event.start_mark);
                return std::nullopt;
            case YAML_SCALAR_EVENT: {
                const auto& s = event.data.scalar;
                std::string value(reinterpret_cast<const char*>(s.value), s.length);
                const std::string tag = s.tag ? reinterpret_cast<const char*>(s.tag) : "";
                const bool plain = tag.empty() && s.style == YAML_PLAIN_SCALAR_STYLE;
                const bool null = (plain && isNullText(value)) || tag == "tag:yaml.org,2002:null";
                yaml_mark_t mark = event.start_mark;
                // libyaml places the empty value of a bare "-" just after the dash; point at the dash.
                if (null && value.empty() && mark.index > 0 && mark.index <= text_.size() && text_[mark.index - 1] == '-' &&
                    mark.column > 0) {
                    --mark.column;
                    --mark.index;
                }
                if (auto error = charge(1, event.start_mark)) return error;
                const std::uint32_t index = add(null ? YamlNode::Kind::Null : YamlNode::Kind::Scalar, plain, mark);
                YamlTree::Node& node = tree_.nodes_[index];
                node.quoted = tag.empty() && s.style != YAML_PLAIN_SCALAR_STYLE;
                if (!tag.empty()) {
                    node.tag = static_cast<std::uint32_t>(tree_.tags_.size());
                    tree_.tags_.push_back(tag);
                }
                if (!null) {
                    node.textOffset = static_cast<std::uint32_t>(tree_.text_.size());
                    node.textLength = static_cast<std::uint32_t>(value.size());
                    tree_.text_ += value;
                }
                attach(index);
                return finish(index, s.anchor);
            }
            case YAML_SEQUENCE_START_EVENT:
                if (auto error = charge(1, event.start_mark)) return error;
                return open(add(YamlNode::Kind::Sequence, false, event.start_mark), event.data.sequence_start.anchor,
                            event.start_mark);
            case YAML_MAPPING_START_EVENT:
                if (auto error = charge(1, event.start_mark)) return error;
                return open(add(YamlNode::Kind::Mapping, false, event.start_mark), event.data.mapping_start.anchor,
                            event.start_mark);
            case YAML_SEQUENCE_END_EVENT:
            case YAML_MAPPING_END_EVENT: {
                Open top = std::move(stack_.back());
                stack_.pop_back();
                YamlTree::Node& node = tree_.nodes_[top.index];
                node.firstChild = static_cast<std::uint32_t>(tree_.children_.size());
                node.childCount = static_cast<std::uint32_t>(top.children.size());
                tree_.children_.insert(tree_.children_.end(), top.children.begin(), top.children.end());
                std::size_t expanded = 1;
                for (std::uint32_t child : top.children) expanded = std::min(expanded + expanded_[child], kMaxYamlNodes + 1);
                expanded_[top.index] = static_cast<std::uint32_t>(expanded);
                const auto result =
                    finish(top.index, top.anchor.empty() ? nullptr : reinterpret_cast<const yaml_char_t*>(top.anchor.c_str()));
                top.children.clear();
                spare_.push_back(std::move(top.children));  // reuse the allocation for the next container
                return result;
            }
            case YAML_ALIAS_EVENT: {
                const std::string name(reinterpret_cast<const char*>(event.data.alias.anchor));
                const auto it = anchors_.find(name);
                if (it == anchors_.end()) {
                    const bool enclosing = std::any_of(stack_.begin(), stack_.end(), [&](const Open& o) { return o.anchor == name; });
                    const std::string shown = shortenForMessage(name);
                    return YamlSyntaxError{positionOf(event.start_mark),
                                           enclosing ? "alias *" + shown + " refers to the node it is part of (&" + shown +
                                                           "); recursive structures are not allowed"
                                                     : "alias *" + shown + " has no anchor &" + shown + " before it"};
                }
                // An alias repeats its node wherever the loader reads it: count it that often, or
                // a few kilobytes of nested aliases ("billion laughs") make the loader walk billions.
                if (auto error = charge(expanded_[it->second], event.start_mark)) return error;
                attach(it->second);
                return std::nullopt;
            }
            default: return std::nullopt;
        }
    }

    std::uint32_t add(YamlNode::Kind kind, bool plain, const yaml_mark_t& mark) {
        YamlTree::Node node;
        node.kind = kind;
        node.plain = plain;
        node.line = static_cast<std::int32_t>(mark.line) + 1;
        node.column = static_cast<std::int32_t>(mark.column) + 1;
        tree_.nodes_.push_back(std::move(node));
        expanded_.push_back(1);
        return static_cast<std::uint32_t>(tree_.nodes_.size() - 1);
    }

    // Counts `nodes` more toward kMaxYamlNodes; the error, at `mark`, when that passes it. The
    // parser stops there: a 31-million-item list never becomes 31 million nodes.
    std::optional<YamlSyntaxError> charge(std::size_t nodes, const yaml_mark_t& mark) {
        static_assert(kMaxYamlNodes == 1'000'000, "the message below spells the limit out");
        total_ += nodes;
        if (total_ <= kMaxYamlNodes) return std::nullopt;
        return YamlSyntaxError{positionOf(mark),
                               "the document has more than 1,000,000 nodes (values, lists and mappings, counting each "
                               "alias as the nodes it repeats), the most Chief reads",
                               /*limit=*/true};
    }

    std::optional<YamlSyntaxError> open(std::uint32_t index, const yaml_char_t* anchor, const yaml_mark_t& mark) {
        // libyaml's scanner does work proportional to the nesting depth for every token, so
        // unbounded nesting turns a 200 kB file into a minute of CPU. chief.yaml needs ~6 levels.
        if (stack_.size() >= kMaxYamlDepth)
            return YamlSyntaxError{positionOf(mark), "nesting deeper than " + std::to_string(kMaxYamlDepth) + " levels",
                                   /*limit=*/true};
        attach(index);
        std::vector<std::uint32_t> children;
        if (!spare_.empty()) {
            children = std::move(spare_.back());
            spare_.pop_back();
        }
        stack_.push_back({index, anchor ? std::string(reinterpret_cast<const char*>(anchor)) : std::string(), std::move(children)});
        return std::nullopt;
    }

    // Anchors are registered once their node is complete, so an alias can never point into
    // an unfinished ancestor and the tree stays acyclic.
    std::optional<YamlSyntaxError> finish(std::uint32_t index, const yaml_char_t* anchor) {
        if (anchor) anchors_[reinterpret_cast<const char*>(anchor)] = index;
        return std::nullopt;
    }

    void attach(std::uint32_t index) {
        if (stack_.empty()) {
            const YamlTree::Node& node = tree_.nodes_[index];
            // An implicit document starts at its content (libyaml marks it where scanning stopped).
            const SourcePosition start = documentStart_.line ? documentStart_ : SourcePosition{node.line, node.column};
            tree_.documents_.push_back({index, start});
            return;
        }
        stack_.back().children.push_back(index);
    }

    struct Open {
        std::uint32_t index;
        std::string anchor;
        std::vector<std::uint32_t> children;  // collected until the container ends
    };
    std::vector<std::vector<std::uint32_t>> spare_;
    std::vector<std::uint32_t> expanded_;  // per node: how many nodes it stands for, its subtree's (capped)
    std::size_t total_ = 0;                // nodes so far, aliases counted as what they repeat
    std::string_view text_;
    YamlTree tree_;
    SourcePosition documentStart_;
    std::vector<Open> stack_;
    std::unordered_map<std::string, std::uint32_t> anchors_;
};

std::pair<std::optional<YamlTree>, std::optional<YamlSyntaxError>> YamlTree::parse(std::string_view text) {
    return YamlTreeBuilder().build(text);
}

}  // namespace chief
