#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "process/output_line_splitter.h"

using chief::daemon::OutputLineSplitter;
using chief::daemon::OutputSink;
using chief::daemon::OutputStream;

namespace {

struct Piece {
    OutputStream stream;
    std::string text;
    bool continued;
    bool operator==(const Piece& other) const {
        return stream == other.stream && text == other.text && continued == other.continued;
    }
};

std::ostream& operator<<(std::ostream& os, const Piece& p) {
    return os << (p.stream == OutputStream::Stdout ? "out" : "err") << ":\"" << p.text << "\""
              << (p.continued ? "+" : "");
}

class RecordingSink : public OutputSink {
public:
    void onLine(OutputStream stream, std::string_view line, bool continued) override {
        pieces.push_back({stream, std::string(line), continued});
    }
    std::vector<Piece> pieces;
};

Piece out(std::string text, bool continued = false) { return {OutputStream::Stdout, std::move(text), continued}; }

// Feeds `input` in chunks of `chunk` bytes and returns what the sink saw after finish().
std::vector<Piece> splitInChunks(const std::string& input, std::size_t chunk, std::size_t limit = 16) {
    RecordingSink sink;
    OutputLineSplitter splitter(OutputStream::Stdout, sink, limit);
    for (std::size_t i = 0; i < input.size(); i += chunk) splitter.feed(std::string_view(input).substr(i, chunk));
    splitter.finish();
    return sink.pieces;
}

}  // namespace

TEST_CASE("splitter: lines are the same whatever the chunk boundaries", "[splitter]") {
    const std::string input = "alpha\nbeta gamma\n\ndelta\r\nepsilon";
    const std::vector<Piece> expected{out("alpha"), out("beta gamma"), out(""), out("delta"), out("epsilon")};
    for (std::size_t chunk = 1; chunk <= input.size(); ++chunk) {
        INFO("chunk size " << chunk);
        CHECK(splitInChunks(input, chunk, 64) == expected);
    }
}

TEST_CASE("splitter: stderr lines are tagged", "[splitter]") {
    RecordingSink sink;
    OutputLineSplitter splitter(OutputStream::Stderr, sink);
    splitter.feed("oops\n");
    REQUIRE(sink.pieces.size() == 1);
    CHECK(sink.pieces[0] == Piece{OutputStream::Stderr, "oops", false});
}

TEST_CASE("splitter: CRLF drops one \\r, other \\r bytes are kept", "[splitter]") {
    for (std::size_t chunk : {1, 2, 3, 100}) {
        INFO("chunk size " << chunk);
        CHECK(splitInChunks("a\r\n", chunk) == std::vector<Piece>{out("a")});
        CHECK(splitInChunks("\r\n", chunk) == std::vector<Piece>{out("")});
        CHECK(splitInChunks("a\r\r\n", chunk) == std::vector<Piece>{out("a\r")});
        CHECK(splitInChunks("50%\r100%\n", chunk) == std::vector<Piece>{out("50%\r100%")});
        CHECK(splitInChunks("end\r", chunk) == std::vector<Piece>{out("end\r")});
        CHECK(splitInChunks("\r", chunk) == std::vector<Piece>{out("\r")});
    }
}

TEST_CASE("splitter: a long line is split at exactly the limit", "[splitter]") {
    const std::size_t limit = 8;
    for (std::size_t chunk : {1, 3, 8, 9, 100}) {
        INFO("chunk size " << chunk);
        SECTION("exactly the limit is one piece") {
            CHECK(splitInChunks("12345678\nx\n", chunk, limit) == std::vector<Piece>{out("12345678"), out("x")});
        }
        SECTION("one byte over is a full piece and a one-byte tail") {
            CHECK(splitInChunks("123456789\n", chunk, limit) ==
                  std::vector<Piece>{out("12345678", true), out("9")});
        }
        SECTION("an exact multiple ends with a full, uncontinued piece") {
            CHECK(splitInChunks("abcdefghABCDEFGH\n", chunk, limit) ==
                  std::vector<Piece>{out("abcdefgh", true), out("ABCDEFGH")});
        }
        SECTION("CRLF after exactly the limit does not make an extra piece") {
            CHECK(splitInChunks("12345678\r\n", chunk, limit) == std::vector<Piece>{out("12345678")});
        }
        SECTION("a kept \\r past the limit goes into the next piece") {
            CHECK(splitInChunks("12345678\rz\n", chunk, limit) ==
                  std::vector<Piece>{out("12345678", true), out("\rz")});
        }
        SECTION("an unterminated long line is flushed in pieces at the end") {
            CHECK(splitInChunks("123456789abcdefgh", chunk, limit) ==
                  std::vector<Piece>{out("12345678", true), out("9abcdefg", true), out("h")});
        }
    }
}

TEST_CASE("splitter: memory stays at the limit for a huge line", "[splitter]") {
    class CountingSink : public OutputSink {
    public:
        void onLine(OutputStream, std::string_view line, bool continued) override {
            bytes += line.size();
            maxPiece = std::max(maxPiece, line.size());
            if (continued) ++continuedPieces;
            else ++lines;
        }
        std::size_t bytes = 0, maxPiece = 0, continuedPieces = 0, lines = 0;
    } sink;
    OutputLineSplitter splitter(OutputStream::Stdout, sink);
    const std::string chunk(10000, 'x');
    for (int i = 0; i < 1000; ++i) splitter.feed(chunk);
    splitter.feed("\n");
    splitter.finish();
    CHECK(sink.bytes == 10'000'000);
    CHECK(sink.maxPiece == OutputLineSplitter::kDefaultLimit);
    CHECK(sink.lines == 1);
    CHECK(sink.continuedPieces == 10'000'000 / OutputLineSplitter::kDefaultLimit);
}

TEST_CASE("splitter: binary bytes and NUL pass through unchanged", "[splitter]") {
    std::string input("a\0b\xff\xfe\xc3(", 7);
    input += "\x01\x7f\n";
    input += std::string("\0\0", 2);
    const auto pieces = splitInChunks(input, 2, 64);
    REQUIRE(pieces.size() == 2);
    CHECK(pieces[0].text == input.substr(0, 9));
    CHECK(pieces[0].text.size() == 9);
    CHECK(pieces[1].text == std::string("\0\0", 2));
    CHECK_FALSE(pieces[1].continued);
}

TEST_CASE("splitter: final unterminated line and empty lines", "[splitter]") {
    CHECK(splitInChunks("last", 2) == std::vector<Piece>{out("last")});
    CHECK(splitInChunks("one\n", 2) == std::vector<Piece>{out("one")});
    CHECK(splitInChunks("\n\n\n", 1) == std::vector<Piece>{out(""), out(""), out("")});
    CHECK(splitInChunks("", 1).empty());
    CHECK(splitInChunks("a\n\nb", 1) == std::vector<Piece>{out("a"), out(""), out("b")});
}

TEST_CASE("splitter: finish() leaves it ready for another stream", "[splitter]") {
    RecordingSink sink;
    OutputLineSplitter splitter(OutputStream::Stdout, sink, 4);
    splitter.feed("abcde");
    splitter.finish();
    splitter.finish();  // nothing held: nothing more
    splitter.feed("x\n");
    CHECK(sink.pieces == std::vector<Piece>{out("abcd", true), out("e"), out("x")});
}
