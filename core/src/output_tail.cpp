#include "chief/output_tail.h"

namespace chief {

void OutputTail::add(std::string_view line, bool continued) {
    if (open_ && !lines_.empty()) {
        std::string& last = lines_.back();
        last.pop_back();  // its '\n', put back below
        last.append(line);
        last.push_back('\n');
        bytes_ += line.size();
    } else {
        lines_.emplace_back(line);
        lines_.back().push_back('\n');
        bytes_ += line.size() + 1;
    }
    open_ = continued;
    trim();
}

void OutputTail::trim() {
    while (lines_.size() > kMaxLines) {
        bytes_ -= lines_.front().size();
        lines_.pop_front();
    }
    while (bytes_ > kMaxBytes && lines_.size() > 1) {
        bytes_ -= lines_.front().size();
        lines_.pop_front();
    }
    if (bytes_ > kMaxBytes) {
        // One line alone is too long: keep its end, where a message usually says what failed.
        std::string& only = lines_.front();
        only.erase(0, only.size() - kMaxBytes);
        bytes_ = only.size();
    }
}

std::string OutputTail::text() const {
    std::string out;
    out.reserve(bytes_);
    for (const std::string& line : lines_) out += line;
    return out;
}

}  // namespace chief
