#include "terminal_style.h"

#include <optional>

namespace chief::ctl {

namespace {

// systemd's parse_boolean() and its colour depths; nullopt for anything else, which systemd
// ignores (falling back to the terminal's say).
std::optional<bool> parseSystemdColors(std::string_view value) {
    for (std::string_view on : {"1", "yes", "y", "true", "t", "on", "16", "256", "24bit"})
        if (value == on) return true;
    for (std::string_view off : {"0", "no", "n", "false", "f", "off"})
        if (value == off) return false;
    return std::nullopt;
}

}  // namespace

bool colourWanted(const EnvironmentLookup& getenv, bool stdoutIsTerminal) {
    if (const char* systemdColors = getenv("SYSTEMD_COLORS"))
        if (const auto decided = parseSystemdColors(systemdColors)) return *decided;
    if (const char* noColor = getenv("NO_COLOR"); noColor && *noColor) return false;
    // systemd counts an unset TERM as dumb: no terminal program said what it can show.
    const char* term = getenv("TERM");
    if (!term || std::string_view(term) == "dumb") return false;
    return stdoutIsTerminal;
}

Tone toneOf(std::string_view word) {
    word = word.substr(0, word.find(','));
    if (word.empty() || word == "-" || word == "idle") return Tone::Plain;
    if (word == "succeeded") return Tone::Good;
    if (word == "failed" || word == "spawn-failed" || word == "timed-out") return Tone::Bad;
    if (word == "disabled") return Tone::Muted;
    return Tone::Notice;
}

std::string TerminalStyle::paint(std::string_view text, Tone tone) const {
    if (!colour_ || tone == Tone::Plain || text.empty()) return std::string(text);
    // systemd's ansi_green, ansi_highlight_red, ansi_yellow and a 16-colour grey: every terminal
    // that takes colour at all shows these.
    const char* on = "";
    switch (tone) {
        case Tone::Good: on = "\x1b[0;32m"; break;
        case Tone::Bad: on = "\x1b[0;1;31m"; break;
        case Tone::Notice: on = "\x1b[0;33m"; break;
        case Tone::Muted: on = "\x1b[0;90m"; break;
        case Tone::Plain: break;
    }
    return on + std::string(text) + "\x1b[0m";
}

}  // namespace chief::ctl
