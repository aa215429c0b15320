#pragma once
// DisplayText: user-provided text (names, keys, values, paths) made safe to show in messages,
// on terminals, in logs and in JSON, whatever bytes it holds.

#include <cstddef>
#include <string>
#include <string_view>

namespace chief {

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool isValidUtf8(std::string_view text);

// `text` with every byte that is not part of well-formed UTF-8 written as \xNN; the rest is kept.
// For JSON, which escapes control characters itself but cannot hold such bytes.
std::string escapeInvalidUtf8(std::string_view text);

// `text` safe to print to a terminal or a log: control characters become \n, \r, \t or \xNN
// (ESC is \x1b), C1 controls and the bidirectional overrides \uNNNN, bytes that are not UTF-8
// \xNN. Backslashes are kept, so escaping escaped text changes nothing. With `keepNewlines`,
// text of several lines stays several lines.
std::string escapeForDisplay(std::string_view text, bool keepNewlines = false);

// How many characters messages show of one user-provided string, of a path built from one (a
// script resolved against its working directory), and of a whole message (a safety net for text
// quoted without quoteForMessage).
inline constexpr std::size_t kMaxShownChars = 64;
inline constexpr std::size_t kMaxShownPathChars = 200;
inline constexpr std::size_t kMaxMessageChars = 500;

// `text` escaped for display, in double quotes; past `maxChars` characters it is cut and its
// length added: "aaaa…" (10000 characters). Every message quoting user text uses this.
std::string quoteForMessage(std::string_view text, std::size_t maxChars = kMaxShownChars);

// The same without quotes or length, for names inside a field path: "aaaa…".
std::string shortenForMessage(std::string_view text, std::size_t maxChars = kMaxShownChars);

// "1 job", "2 jobs": `count` and `noun`, with an "s" unless the count is 1.
std::string countOf(std::size_t count, std::string_view noun);

}  // namespace chief
