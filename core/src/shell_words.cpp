#include "chief/shell_words.h"

namespace chief {

Result<std::vector<std::string>> splitShellWords(std::string_view text) {
    std::vector<std::string> words;
    std::string current;
    bool inWord = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (inWord) {
                words.push_back(std::move(current));
                current.clear();
                inWord = false;
            }
            continue;
        }
        inWord = true;
        if (c == '\\') {
            if (i + 1 == text.size()) return makeError("trailing backslash with nothing to escape");
            const char next = text[++i];
            if (next != '\n') current += next;  // backslash-newline is a line continuation
        } else if (c == '\'') {
            const std::size_t close = text.find('\'', i + 1);
            if (close == std::string_view::npos)
                return makeError("unbalanced single quote starting at character " + std::to_string(i + 1));
            current.append(text.substr(i + 1, close - i - 1));
            i = close;
        } else if (c == '"') {
            const std::size_t open = i;
            bool closed = false;
            for (++i; i < text.size(); ++i) {
                const char d = text[i];
                if (d == '"') {
                    closed = true;
                    break;
                }
                // Inside double quotes a backslash only escapes these, as in POSIX sh.
                if (d == '\\' && i + 1 < text.size()) {
                    const char e = text[i + 1];
                    if (e == '"' || e == '\\' || e == '$' || e == '`') {
                        current += e;
                        ++i;
                        continue;
                    }
                    if (e == '\n') {
                        ++i;
                        continue;
                    }
                }
                current += d;
            }
            if (!closed) return makeError("unbalanced double quote starting at character " + std::to_string(open + 1));
        } else {
            current += c;
        }
    }
    if (inWord) words.push_back(std::move(current));
    return words;
}

std::string quoteShellWord(std::string_view word) {
    if (word.empty()) return "''";
    bool safe = true;
    for (char c : word) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == '=' || c == '@' ||
                           c == ',' || c == '+' || c == '%';
        if (!plain) {
            safe = false;
            break;
        }
    }
    if (safe) return std::string(word);
    std::string out = "'";
    for (char c : word) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    out += '\'';
    return out;
}

std::string joinShellWords(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ' ';
        out += quoteShellWord(w);
    }
    return out;
}

}  // namespace chief
