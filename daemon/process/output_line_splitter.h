#pragma once
// OutputLineSplitter: turns one output stream's raw bytes into lines for an OutputSink, holding
// at most one line-limit of bytes however the child writes.

#include <cstddef>
#include <string>
#include <string_view>

#include "output_sink.h"

namespace chief::daemon {

// Splits on '\n' and hands each line to the sink without its terminator. The rules:
//  - "\r\n" ends a line like "\n" (the '\r' is dropped), so CRLF output does not leave a stray
//    '\r' in the journal; any other '\r' (progress bars, a '\r' right before EOF) is kept.
//  - A line longer than `limit` bytes arrives in pieces of exactly `limit` bytes with `continued`
//    set, then a last piece (1..limit bytes) without it. A line of exactly `limit` bytes is one
//    piece: a piece is only marked continued once a further byte of the same line has arrived.
//  - Bytes are passed through untouched: no UTF-8 validation, NUL and other control bytes kept.
//    A multi-byte character may straddle two pieces; the journal stores bytes, not text.
//  - An empty line is a line (onLine with an empty view). finish() flushes a final line that
//    has no terminating newline; a stream ending in '\n' produces no extra empty line.
// Memory is one buffer of `limit` bytes, reserved up front, whatever the input.
class OutputLineSplitter {
public:
    static constexpr std::size_t kDefaultLimit = 16 * 1024;

    // `limit` must be at least 1.
    OutputLineSplitter(OutputStream stream, OutputSink& sink, std::size_t limit = kDefaultLimit);

    // Accepts the next chunk of the stream, which may end anywhere (even inside "\r\n").
    void feed(std::string_view bytes);
    // The stream ended: delivers what is held back. The splitter is reusable afterwards.
    void finish();

    std::size_t limit() const { return limit_; }

private:
    void appendContent(std::string_view bytes);
    void endLine();

    OutputStream stream_;
    OutputSink& sink_;
    std::size_t limit_;
    std::string pending_;     // content of the current line not yet delivered, size <= limit_
    bool heldCr_ = false;     // a '\r' after pending_: dropped if '\n' follows, content otherwise
    bool inLine_ = false;     // bytes of an unfinished line have arrived (pending_ may be empty)
};

}  // namespace chief::daemon
