#include "pager.h"

#include <string_view>

#include "chief/shell_words.h"

namespace chief::ctl {

bool pagerWanted(bool longTextOutput, bool stdoutIsTerminal, const EnvironmentLookup& getenv) {
    if (!longTextOutput || !stdoutIsTerminal) return false;
    const char* term = getenv("TERM");
    return term && std::string_view(term) != "dumb";
}

std::vector<std::vector<std::string>> pagerCandidates(const EnvironmentLookup& getenv) {
    std::vector<std::vector<std::string>> candidates;
    const char* chosen = getenv("SYSTEMD_PAGER");
    if (!chosen) chosen = getenv("PAGER");
    if (chosen) {
        const std::string_view value(chosen);
        if (value.empty() || value == "cat") return {};
        // A value a shell could not split (an unbalanced quote) is ignored, as systemd does:
        // the defaults below still page.
        if (auto words = splitShellWords(value); words && !words.value().empty())
            candidates.push_back(std::move(words).value());
    }
    candidates.push_back({"less"});
    candidates.push_back({"more"});
    return candidates;
}

std::vector<std::pair<std::string, std::string>> pagerEnvironment(const EnvironmentLookup& getenv) {
    std::vector<std::pair<std::string, std::string>> environment;
    if (!getenv("LESS")) environment.emplace_back("LESS", "FRSXMK");
    if (!getenv("LESSCHARSET")) environment.emplace_back("LESSCHARSET", "utf-8");
    return environment;
}

}  // namespace chief::ctl
