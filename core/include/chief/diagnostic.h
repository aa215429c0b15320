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

// Renders "FILE:LINE:COLUMN: path: message", or "FILE: path: message" when the position is
// unknown (line 0); warnings get a "warning: " prefix on the message. Everything is escaped for
// a terminal or a log (control characters, bytes that are not UTF-8: see display_text.h).
std::string formatDiagnostic(const Diagnostic& diagnostic);

// Collects diagnostics for one source file so callers need not repeat the file name.
class DiagnosticSink {
public:
    // The most diagnostics kept: a file of 300,000 broken jobs must not print (or log, at every
    // reload) 300,000 lines, nor compute a suggestion for each. The rest are only counted.
    static constexpr std::size_t kMaxListed = 1000;

    explicit DiagnosticSink(std::string file) : file_(std::move(file)) {}

    void error(SourcePosition position, std::string path, std::string message);
    void warning(SourcePosition position, std::string path, std::string message);

    bool hasErrors() const { return errorCount_ > 0; }
    // Errors reported so far, listed or not.
    std::size_t errorCount() const { return errorCount_; }
    // Whether further diagnostics are only counted: callers may skip costly detail then.
    bool full() const { return diagnostics_.size() >= kMaxListed; }
    // Diagnostics reported past kMaxListed.
    std::size_t dropped() const { return dropped_; }
    const std::string& file() const { return file_; }
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
    std::vector<Diagnostic> take() { return std::move(diagnostics_); }

private:
    void add(Severity severity, SourcePosition position, std::string path, std::string message);

    std::string file_;
    std::vector<Diagnostic> diagnostics_;
    std::size_t errorCount_ = 0;
    std::size_t dropped_ = 0;
};

}  // namespace chief
