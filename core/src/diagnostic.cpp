#include "chief/diagnostic.h"

#include "chief/display_text.h"

namespace chief {

std::string formatDiagnostic(const Diagnostic& diagnostic) {
    // Messages quote user text already escaped; escaping again changes nothing there and catches
    // what was not quoted (a file name, a resolved path).
    std::string out = escapeForDisplay(diagnostic.file);
    if (diagnostic.position.line > 0) {
        out += ':' + std::to_string(diagnostic.position.line);
        if (diagnostic.position.column > 0) out += ':' + std::to_string(diagnostic.position.column);
    }
    out += ": ";
    if (!diagnostic.path.empty()) out += escapeForDisplay(diagnostic.path) + ": ";
    if (diagnostic.severity == Severity::Warning) out += "warning: ";
    out += escapeForDisplay(diagnostic.message);
    return out;
}

void DiagnosticSink::add(Severity severity, SourcePosition position, std::string path, std::string message) {
    if (severity == Severity::Error) ++errorCount_;
    if (full()) {
        ++dropped_;
        return;
    }
    // Messages quote user text through quoteForMessage; one that quoted it raw (10 kB of
    // "invalid time ...") is cut here rather than printed or logged whole.
    if (message.size() > kMaxMessageChars) message = shortenForMessage(message, kMaxMessageChars);
    diagnostics_.push_back({severity, file_, position, std::move(path), std::move(message)});
}

void DiagnosticSink::error(SourcePosition position, std::string path, std::string message) {
    add(Severity::Error, position, std::move(path), std::move(message));
}

void DiagnosticSink::warning(SourcePosition position, std::string path, std::string message) {
    add(Severity::Warning, position, std::move(path), std::move(message));
}

}  // namespace chief
