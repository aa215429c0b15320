#include "chief/display_text.h"

#include <cstdint>
#include <cstdio>

namespace chief {

namespace {

// Length of the well-formed UTF-8 sequence at text[i], or 0 when the byte there starts none.
std::size_t sequenceLength(std::string_view text, std::size_t i, char32_t& codePoint) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        codePoint = b0;
        return 1;
    }
    std::size_t length = 0;
    char32_t minimum = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
        codePoint = b0 & 0x1F;
        minimum = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        codePoint = b0 & 0x0F;
        minimum = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        codePoint = b0 & 0x07;
        minimum = 0x10000;
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        const unsigned char b = byte(i + k);
        if ((b & 0xC0) != 0x80) return 0;
        codePoint = (codePoint << 6) | (b & 0x3F);
    }
    if (codePoint < minimum || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) return 0;
    return length;
}

void appendHexByte(std::string& out, unsigned char byte) {
    char buf[5];
    std::snprintf(buf, sizeof buf, "\\x%02x", byte);
    out += buf;
}

// Whether a terminal could act on this code point instead of showing it: C0 and C1 controls,
// DEL, and the bidirectional embeddings, overrides and isolates that reorder what follows.
bool isUnsafeToShow(char32_t c) {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

// Appends the display form of the character at text[i]; returns how many bytes it used.
std::size_t appendShown(std::string& out, std::string_view text, std::size_t i, bool keepNewlines = false) {
    char32_t c = 0;
    const std::size_t length = sequenceLength(text, i, c);
    if (length == 0) {
        appendHexByte(out, static_cast<unsigned char>(text[i]));
        return 1;
    }
    if (!isUnsafeToShow(c) || (keepNewlines && c == '\n')) {
        out.append(text.substr(i, length));
    } else if (c == '\n') {
        out += "\\n";
    } else if (c == '\r') {
        out += "\\r";
    } else if (c == '\t') {
        out += "\\t";
    } else if (c < 0x80) {
        appendHexByte(out, static_cast<unsigned char>(c));
    } else {
        char buf[7];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        out += buf;
    }
    return length;
}

// Characters as a reader counts them: code points, each stray byte counting as one.
std::size_t characterCount(std::string_view text) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++count) {
        char32_t c = 0;
        const std::size_t length = sequenceLength(text, i, c);
        i += length ? length : 1;
    }
    return count;
}

// The display form of at most `maxChars` characters of `text`; `cut` says whether some were left.
std::string shownPrefix(std::string_view text, std::size_t maxChars, bool& cut) {
    std::string out;
    std::size_t i = 0, shown = 0;
    while (i < text.size() && shown < maxChars) {
        i += appendShown(out, text, i);
        ++shown;
    }
    cut = i < text.size();
    return out;
}

}  // namespace

bool isValidUtf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        char32_t c = 0;
        const std::size_t length = sequenceLength(text, i, c);
        if (length == 0) return false;
        i += length;
    }
    return true;
}

std::string escapeInvalidUtf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t c = 0;
        const std::size_t length = sequenceLength(text, i, c);
        if (length == 0) {
            appendHexByte(out, static_cast<unsigned char>(text[i]));
            ++i;
        } else {
            out.append(text.substr(i, length));
            i += length;
        }
    }
    return out;
}

std::string escapeForDisplay(std::string_view text, bool keepNewlines) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) i += appendShown(out, text, i, keepNewlines);
    return out;
}

std::string quoteForMessage(std::string_view text, std::size_t maxChars) {
    bool cut = false;
    std::string out = "\"" + shownPrefix(text, maxChars, cut);
    if (!cut) return out + "\"";
    return out + "\xE2\x80\xA6\" (" + std::to_string(characterCount(text)) + " characters)";
}

std::string shortenForMessage(std::string_view text, std::size_t maxChars) {
    bool cut = false;
    std::string out = shownPrefix(text, maxChars, cut);
    return cut ? out + "\xE2\x80\xA6" : out;
}

std::string countOf(std::size_t count, std::string_view noun) {
    return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

}  // namespace chief
