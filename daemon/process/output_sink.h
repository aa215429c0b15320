#pragma once
// OutputSink: where a script's stdout and stderr lines go (the journal, in chiefd).

#include <string_view>

namespace chief::daemon {

enum class OutputStream { Stdout, Stderr };

// Receives a script's output one line at a time, without the trailing newline. A line longer
// than the splitter's limit arrives in pieces, each but the last with `continued` set.
class OutputSink {
public:
    virtual ~OutputSink() = default;
    virtual void onLine(OutputStream stream, std::string_view line, bool continued) = 0;
};

}  // namespace chief::daemon
