#pragma once
// POSIX-shell-style word splitting and quoting for script args and printed commands.

#include <string>
#include <string_view>
#include <vector>

#include "chief/result.h"

namespace chief {

// Splits text into words the way a POSIX shell would, without expansion:
// single quotes, double quotes (with \" \\ \$ \` escapes) and backslash escapes.
// An unbalanced quote or a trailing backslash is an error.
Result<std::vector<std::string>> splitShellWords(std::string_view text);

// Quotes one word so that a POSIX shell reads it back unchanged.
std::string quoteShellWord(std::string_view word);

// Joins words with spaces, quoting each one that needs it.
std::string joinShellWords(const std::vector<std::string>& words);

}  // namespace chief
