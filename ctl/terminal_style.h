#pragma once
// TerminalStyle: whether chiefctl's text output is coloured, and the colours of result words,
// as systemctl does it (green for good, red for bad, yellow for in between).

#include <functional>
#include <string>
#include <string_view>

namespace chief::ctl {

// Reads one environment variable (nullptr when unset): std::getenv, or a map in tests.
using EnvironmentLookup = std::function<const char*(const char*)>;

// systemd's rules (terminal-util.c, get_color_mode): a valid $SYSTEMD_COLORS decides ("0",
// "false", "no", ... off; "1", "true", "yes", "16", "256", "24bit" on, even when not a
// terminal); otherwise no colour when $NO_COLOR is set and not empty, when $TERM is unset or
// "dumb", or when standard output is not a terminal.
bool colourWanted(const EnvironmentLookup& getenv, bool stdoutIsTerminal);

// What a word says about a run or a job, for its colour.
enum class Tone {
    Plain,   // nothing to point out: "-", "idle"
    Good,    // succeeded
    Bad,     // failed
    Notice,  // in between: running, queued, skipped, cancelled, any other word
    Muted,   // disabled
};

// The tone of a result or state word as chiefd and chiefctl write them ("succeeded",
// "failed", "running", "running, 1 queued", "failed, disabled", ...): the first word decides.
Tone toneOf(std::string_view word);

// Passed down to the printers; plain (no colour) unless told otherwise.
class TerminalStyle {
public:
    TerminalStyle() = default;
    explicit TerminalStyle(bool colour) : colour_(colour) {}

    bool colour() const { return colour_; }
    // `text` between the tone's escape codes, or unchanged without colour or for Plain.
    // `text` must already be safe to print (escapeForDisplay): the codes go around it.
    std::string paint(std::string_view text, Tone tone) const;

private:
    bool colour_ = false;
};

}  // namespace chief::ctl
