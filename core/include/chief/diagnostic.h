#pragma once
// Diagnostics: user-facing problems found in a config file, each tied to a position.

#include <string>
#include <vector>

namespace chief {

// A 1-based line and column in a source file; 0 means "unknown".
struct SourcePosition {
    int line = 0;
    int column = 0;
};

enum class Severity { Error, Warning };

// One problem (or warning) found while reading a config, in FILE:LINE:COLUMN: path: message form.
struct Diagnostic {
    Severity severity = Severity::Error;
    std::string file;
    SourcePosition position;
    std::string path;  // dotted field path, e.g. jobs[2].schedule.time
    std::string message;
};

// Renders "FILE:LINE:COLUMN: path: message" (warnings get a "warning: " prefix on the message).
std::string formatDiagnostic(const Diagnostic& diagnostic);

// Collects diagnostics for one source file so callers need not repeat the file name.
class DiagnosticSink {
public:
    explicit DiagnosticSink(std::string file) : file_(std::move(file)) {}

    void error(SourcePosition position, std::string path, std::string message);
    void warning(SourcePosition position, std::string path, std::string message);

    bool hasErrors() const;
    const std::string& file() const { return file_; }
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
    std::vector<Diagnostic> take() { return std::move(diagnostics_); }

private:
    std::string file_;
    std::vector<Diagnostic> diagnostics_;
};

}  // namespace chief
