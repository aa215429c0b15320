#pragma once
// Shebang: a script's "#!" line as the kernel reads it, for checks at validate time and for
// naming a missing interpreter when exec fails.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace chief {

struct Shebang {
    std::string line;         // the "#!" line as written, without the newline
    std::string interpreter;  // the path the kernel runs
    std::string argument;     // the rest of the line: one argument, spaces and all
};

// The kernel reads this much of a script for its "#!" line (BINPRM_BUF_SIZE).
inline constexpr std::size_t kShebangBytes = 256;

// The "#!" line as binfmt_script reads it from the start of a file: blanks after "#!" skipped,
// the interpreter up to the next blank, the rest (trimmed of spaces and tabs) one argument. A
// carriage return is not trimmed, by the kernel either: "#!/bin/sh\r" (a file saved with CRLF)
// names "/bin/sh\r". Nothing when the file does not start with "#!".
std::optional<Shebang> parseShebang(std::string_view fileStart);

// The program "#!/usr/bin/env ARG" runs: ARG itself (env gets it as one word, so "python3 -u"
// names a program with a space), or the first word after -S. Nothing when ARG is another option
// or an assignment, which is not modelled, or when the interpreter is not env.
std::optional<std::string> envProgram(const Shebang& shebang);

}  // namespace chief
