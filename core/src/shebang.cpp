#include "chief/shebang.h"

#include "chief/shell_words.h"

namespace chief {

std::optional<Shebang> parseShebang(std::string_view start) {
    if (!start.starts_with("#!")) return std::nullopt;
    std::string_view line = start.substr(0, start.find('\n'));
    Shebang out;
    out.line = std::string(line);
    line.remove_prefix(2);
    const auto blank = [](char c) { return c == ' ' || c == '\t'; };
    const auto trimFront = [&](std::string_view& v) {
        while (!v.empty() && blank(v.front())) v.remove_prefix(1);
    };
    while (!line.empty() && blank(line.back())) line.remove_suffix(1);
    trimFront(line);
    std::size_t end = 0;
    while (end < line.size() && !blank(line[end])) ++end;
    out.interpreter = std::string(line.substr(0, end));
    line.remove_prefix(end);
    trimFront(line);
    out.argument = std::string(line);
    return out;
}

std::optional<std::string> envProgram(const Shebang& shebang) {
    const std::string& interpreter = shebang.interpreter;
    if (interpreter != "env" && !interpreter.ends_with("/env")) return std::nullopt;
    std::string_view argument = shebang.argument;
    if (argument.empty()) return std::nullopt;
    if (argument.starts_with("-S")) {
        argument.remove_prefix(2);
        auto words = splitShellWords(argument);
        if (!words) return std::nullopt;
        for (const std::string& word : words.value()) {
            if (word.starts_with('-') || word.find('=') != std::string::npos) return std::nullopt;
            return word;
        }
        return std::nullopt;
    }
    if (argument.starts_with('-') || argument.find('=') != std::string_view::npos) return std::nullopt;
    return std::string(argument);
}

}  // namespace chief
