#pragma once
// OutputTail: the last lines a script wrote, kept with its run record so that `chiefctl run`
// can show why a script failed without a journal. Bounded twice, whatever the script writes:
// at most kMaxLines lines and kMaxBytes bytes, the newest kept.

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

namespace chief {

class OutputTail {
public:
    static constexpr std::size_t kMaxLines = 20;
    static constexpr std::size_t kMaxBytes = 4096;

    // One line without its newline; `continued` when the next piece belongs to the same line
    // (the splitter cuts very long lines). A single line longer than kMaxBytes keeps its end.
    void add(std::string_view line, bool continued = false);

    // The kept lines, each ending in '\n' ("" when the script wrote nothing).
    std::string text() const;

private:
    void trim();
    std::deque<std::string> lines_;
    std::size_t bytes_ = 0;    // sum of the kept lines' sizes, newlines included
    bool open_ = false;        // the last line continues with the next piece
};

}  // namespace chief
