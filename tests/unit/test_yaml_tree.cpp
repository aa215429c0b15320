#include <catch2/catch.hpp>

#include "chief/yaml_tree.h"

using chief::YamlNode;
using chief::YamlTree;

namespace {
YamlTree parseOk(const std::string& text) {
    auto [tree, error] = YamlTree::parse(text);
    INFO((error ? error->message : std::string()));
    REQUIRE(tree);
    return std::move(*tree);
}
}  // namespace

TEST_CASE("yaml tree: mappings, sequences and scalars keep their positions", "[yaml]") {
    const YamlTree tree = parseOk("a: 1\nb:\n  - x\n  - 'y'\nc: {d: true}\n");
    REQUIRE(tree.documentCount() == 1);
    const YamlNode root = tree.document(0);
    REQUIRE(root.isMapping());
    REQUIRE(root.size() == 3);
    CHECK(root.key(0).text() == "a");
    CHECK(root.value(0).text() == "1");
    CHECK(root.value(0).isPlain());
    CHECK(root.value(0).position().line == 1);
    CHECK(root.value(0).position().column == 4);
    const YamlNode list = root.value(1);
    REQUIRE(list.isSequence());
    REQUIRE(list.size() == 2);
    CHECK(list.item(0).text() == "x");
    CHECK(list.item(1).text() == "y");
    CHECK_FALSE(list.item(1).isPlain());
    CHECK(list.item(1).position().line == 4);
    CHECK(list.item(1).position().column == 5);
    const YamlNode flow = root.value(2);
    REQUIRE(flow.isMapping());
    CHECK(flow.key(0).text() == "d");
    CHECK(flow.position().line == 5);
    CHECK(flow.position().column == 4);
}

TEST_CASE("yaml tree: null spellings and empty values are Null, quoted ones are text", "[yaml]") {
    const YamlTree tree = parseOk("a:\nb: ~\nc: null\nd: \"null\"\ne: ''\n");
    const YamlNode root = tree.document(0);
    CHECK(root.value(0).isNull());
    CHECK(root.value(1).isNull());
    CHECK(root.value(2).isNull());
    CHECK(root.value(3).isScalar());
    CHECK(root.value(3).text() == "null");
    CHECK(root.value(4).isScalar());
    CHECK(root.value(4).text().empty());
}

TEST_CASE("yaml tree: explicit tags make a scalar non-plain", "[yaml]") {
    const YamlTree tree = parseOk("a: !!str 5\nb: 5\n");
    CHECK_FALSE(tree.document(0).value(0).isPlain());
    CHECK(tree.document(0).value(1).isPlain());
}

TEST_CASE("yaml tree: aliases share the anchored node", "[yaml]") {
    const YamlTree tree = parseOk("base: &b {x: 1}\nuse: *b\n");
    const YamlNode root = tree.document(0);
    REQUIRE(root.value(1).isMapping());
    CHECK(root.value(1).value(0).text() == "1");
    CHECK(root.value(1).position().line == 1);  // the anchored node's own position
}

TEST_CASE("yaml tree: an alias to an unfinished ancestor is refused", "[yaml]") {
    auto [tree, error] = YamlTree::parse("a: &x [1, *x]\n");
    REQUIRE_FALSE(tree);
    REQUIRE(error);
    CHECK(error->message == "alias *x refers to the node it is part of (&x); recursive structures are not allowed");
    CHECK(error->position.line == 1);
    CHECK(error->position.column == 11);
}

TEST_CASE("yaml tree: undefined alias is an error with its position", "[yaml]") {
    auto [tree, error] = YamlTree::parse("a: 1\nb: *nope\n");
    REQUIRE(error);
    CHECK(error->message == "alias *nope has no anchor &nope before it");
    CHECK(error->position.line == 2);
    CHECK(error->position.column == 4);
}

TEST_CASE("yaml tree: syntax errors carry libyaml's position and message", "[yaml]") {
    auto [tree, error] = YamlTree::parse("a: [1, 2\nb: 3\n");
    REQUIRE_FALSE(tree);
    REQUIRE(error);
    CHECK(error->position.line >= 2);
    CHECK_FALSE(error->message.empty());
    auto [tree2, error2] = YamlTree::parse("a:\n\tb: 1\n");
    REQUIRE(error2);
    CHECK(error2->position.line == 2);
    CHECK(error2->position.column == 1);
    CHECK(error2->message == "tab characters are not allowed for indentation in YAML; indent with spaces");
}

TEST_CASE("yaml tree: documents are counted, an empty stream has none", "[yaml]") {
    CHECK(parseOk("").documentCount() == 0);
    CHECK(parseOk("# only a comment\n").documentCount() == 0);
    CHECK(parseOk("a: 1\n---\nb: 2\n").documentCount() == 2);
}

TEST_CASE("yaml tree: nesting is limited to 64 levels", "[yaml]") {
    auto [ok, okError] = YamlTree::parse(std::string(64, '[') + std::string(64, ']'));
    CHECK(ok);
    // Without the limit libyaml spends about a minute on this input (quadratic in depth).
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    auto [tree, error] = YamlTree::parse(deep);
    CHECK_FALSE(tree);
    REQUIRE(error);
    CHECK(error->message == "nesting deeper than 64 levels");
    CHECK(error->position.line == 1);
    CHECK(error->position.column == 65);
}

TEST_CASE("yaml tree: invalid UTF-8 is a reader error, not a crash", "[yaml]") {
    auto [tree, error] = YamlTree::parse(std::string("a: \xff\xfe\n"));
    REQUIRE(error);
    CHECK(error->message.find("byte") != std::string::npos);
}
