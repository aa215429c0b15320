#include "output_line_splitter.h"

#include <algorithm>
#include <cassert>

namespace chief::daemon {

OutputLineSplitter::OutputLineSplitter(OutputStream stream, OutputSink& sink, std::size_t limit)
    : stream_(stream), sink_(sink), limit_(limit) {
    assert(limit_ >= 1);
    pending_.reserve(limit_);
}

void OutputLineSplitter::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        const std::size_t newline = bytes.find('\n');
        std::string_view segment = bytes.substr(0, newline);
        if (!segment.empty()) {
            inLine_ = true;
            // A '\r' held from the previous chunk was not followed by '\n', so it is content.
            if (heldCr_) {
                heldCr_ = false;
                appendContent("\r");
            }
            // A '\r' at the end of a segment is decided by what follows it: the '\n' of this
            // chunk (dropped), or the next chunk (held until then).
            if (segment.back() == '\r') {
                segment.remove_suffix(1);
                heldCr_ = true;
            }
            appendContent(segment);
        }
        if (newline == std::string_view::npos) return;
        heldCr_ = false;
        endLine();
        bytes.remove_prefix(newline + 1);
    }
}

void OutputLineSplitter::finish() {
    if (!inLine_) return;
    if (heldCr_) {
        heldCr_ = false;
        appendContent("\r");
    }
    endLine();
}

void OutputLineSplitter::appendContent(std::string_view bytes) {
    while (!bytes.empty()) {
        // A full buffer is only delivered now that we know the line goes on past it.
        if (pending_.size() == limit_) {
            sink_.onLine(stream_, pending_, /*continued=*/true);
            pending_.clear();
        }
        const std::size_t take = std::min(limit_ - pending_.size(), bytes.size());
        pending_.append(bytes.substr(0, take));
        bytes.remove_prefix(take);
    }
}

void OutputLineSplitter::endLine() {
    sink_.onLine(stream_, pending_, /*continued=*/false);
    pending_.clear();
    inLine_ = false;
}

}  // namespace chief::daemon
