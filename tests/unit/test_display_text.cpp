// Showing user text safely: terminal escapes, stray bytes, long strings, JSON, plurals.
#include <catch2/catch.hpp>

#include "chief/display_text.h"
#include "chief/json_text.h"

using namespace chief;

TEST_CASE("display text: control characters and stray bytes are escaped, the rest kept", "[display]") {
    CHECK(escapeForDisplay("plain /etc/chief caf\xc3\xa9 \xe2\x9c\x93") == "plain /etc/chief caf\xc3\xa9 \xe2\x9c\x93");
    CHECK(escapeForDisplay("a\x1b[31mb\nc\td\re\x7f") == "a\\x1b[31mb\\nc\\td\\re\\x7f");
    CHECK(escapeForDisplay(std::string("nul\0x", 5)) == "nul\\x00x");
    CHECK(escapeForDisplay("dir-\xff-\xc3") == "dir-\\xff-\\xc3");
    CHECK(escapeForDisplay("\xc2\x9b" "2J") == "\\u009b2J");           // C1 CSI
    CHECK(escapeForDisplay("a\xe2\x80\xae" "b") == "a\\u202eb");       // right-to-left override
    CHECK(escapeForDisplay("\xc0\xaf \xed\xa0\x80") == "\\xc0\\xaf \\xed\\xa0\\x80");  // overlong, surrogate
    CHECK(escapeForDisplay("a\\x1b") == "a\\x1b");  // escaping twice changes nothing
    CHECK(escapeForDisplay("one\ntwo\x1b", /*keepNewlines=*/true) == "one\ntwo\\x1b");
}

TEST_CASE("display text: UTF-8 validity and the JSON repair", "[display]") {
    CHECK(isValidUtf8("caf\xc3\xa9 \xf0\x9f\x98\x80"));
    CHECK_FALSE(isValidUtf8("\xff"));
    CHECK_FALSE(isValidUtf8("\xe2\x82"));  // cut short
    CHECK(escapeInvalidUtf8("a\xff\n\xc3\xa9") == "a\\xff\n\xc3\xa9");
}

TEST_CASE("display text: messages quote at most 64 characters and say how long the rest was", "[display]") {
    CHECK(quoteForMessage("backup") == "\"backup\"");
    CHECK(quoteForMessage(std::string(64, 'a')) == "\"" + std::string(64, 'a') + "\"");
    CHECK(quoteForMessage(std::string(65, 'a')) == "\"" + std::string(64, 'a') + "\xE2\x80\xA6\" (65 characters)");
    // Characters, not bytes: 70 two-byte letters.
    std::string accents;
    for (int i = 0; i < 70; ++i) accents += "\xc3\xa9";
    const std::string shown = quoteForMessage(accents);
    CHECK(shown.ends_with("\" (70 characters)"));
    CHECK(shown.size() == 1 + 64 * 2 + 3 + std::string("\" (70 characters)").size());
    // An escape is never cut in half.
    CHECK(quoteForMessage(std::string(63, 'a') + "\x1b" "bc") ==
          "\"" + std::string(63, 'a') + "\\x1b\xE2\x80\xA6\" (66 characters)");
    CHECK(shortenForMessage(std::string(100, 'k')) == std::string(64, 'k') + "\xE2\x80\xA6");
    CHECK(shortenForMessage("key") == "key");
}

TEST_CASE("display text: counts agree with their nouns", "[display]") {
    CHECK(countOf(0, "job") == "0 jobs");
    CHECK(countOf(1, "job") == "1 job");
    CHECK(countOf(2, "error") == "2 errors");
    CHECK(countOf(1, "more problem") == "1 more problem");
}

TEST_CASE("json text: strings and keys that are not UTF-8 are written escaped, never thrown", "[display][json]") {
    const nlohmann::json document = {{"config", "/srv/conf-\xff/chief.yaml"},
                                     {"list", {"ok", std::string("\xfe")}},
                                     {"nested", {{"k\xff", 1}}}};
    const std::string text = jsonText(document, 2);
    const auto parsed = nlohmann::json::parse(text);
    CHECK(parsed["config"] == "/srv/conf-\\xff/chief.yaml");
    CHECK(parsed["list"][1] == "\\xfe");
    CHECK(parsed["nested"]["k\\xff"] == 1);
    CHECK(jsonText(nlohmann::json{{"a", "caf\xc3\xa9"}}) == "{\"a\":\"caf\xc3\xa9\"}");
}
