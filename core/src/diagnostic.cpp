#include "chief/diagnostic.h"

#include <algorithm>

namespace chief {

std::string formatDiagnostic(const Diagnostic& diagnostic) {
    std::string out = diagnostic.file;
    out += ':' + std::to_string(diagnostic.position.line) + ':' + std::to_string(diagnostic.position.column) + ": ";
    if (!diagnostic.path.empty()) out += diagnostic.path + ": ";
    if (diagnostic.severity == Severity::Warning) out += "warning: ";
    out += diagnostic.message;
    return out;
}

void DiagnosticSink::error(SourcePosition position, std::string path, std::string message) {
    diagnostics_.push_back({Severity::Error, file_, position, std::move(path), std::move(message)});
}

void DiagnosticSink::warning(SourcePosition position, std::string path, std::string message) {
    diagnostics_.push_back({Severity::Warning, file_, position, std::move(path), std::move(message)});
}

bool DiagnosticSink::hasErrors() const {
    return std::any_of(diagnostics_.begin(), diagnostics_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

}  // namespace chief
