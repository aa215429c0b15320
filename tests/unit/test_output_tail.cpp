// OutputTail: the last lines of a script's output kept with its run record, bounded by lines
// and by bytes whatever the script writes.
#include <catch2/catch.hpp>

#include <string>

#include "chief/output_tail.h"

using chief::OutputTail;

TEST_CASE("output tail: the newest 20 lines, in order, each ending in a newline", "[output-tail]") {
    OutputTail tail;
    CHECK(tail.text().empty());
    for (int i = 1; i <= 25; ++i) tail.add("line " + std::to_string(i));
    std::string expected;
    for (int i = 6; i <= 25; ++i) expected += "line " + std::to_string(i) + "\n";
    CHECK(tail.text() == expected);
}

TEST_CASE("output tail: at most 4 KiB, oldest lines dropped first, one huge line keeps its end", "[output-tail]") {
    OutputTail tail;
    const std::string kilo(1023, 'x');  // 1 KiB with its newline
    for (int i = 0; i < 6; ++i) tail.add(kilo);
    CHECK(tail.text().size() == 4 * 1024);
    tail.add(std::string(10000, 'a') + "the end");
    const std::string text = tail.text();
    CHECK(text.size() == OutputTail::kMaxBytes);
    CHECK(text.ends_with("the end\n"));
    CHECK(text.find('x') == std::string::npos);
}

TEST_CASE("output tail: pieces of a long line (continued) join into one line", "[output-tail]") {
    OutputTail tail;
    tail.add("first ");
    tail.add("part, ", true);
    tail.add("second part", false);
    CHECK(tail.text() == "first \npart, second part\n");
    tail.add("next");
    CHECK(tail.text() == "first \npart, second part\nnext\n");
}
