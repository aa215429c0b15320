#include "chief/key_suggester.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace chief {

namespace {
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
}  // namespace

std::size_t editDistance(std::string_view a, std::string_view b) {
    // Optimal string alignment distance: Levenshtein plus transposition of neighbours,
    // the commonest typo ("tiemzone"). Three rows, not the whole matrix: the cost of a long
    // word is its time alone, not memory as well.
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::size_t> before(m + 1), previous(m + 1), current(m + 1);
    for (std::size_t j = 0; j <= m; ++j) previous[j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
                current[j] = std::min(current[j], before[j - 2] + 1);
        }
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return previous[m];
}

std::optional<std::string> suggestClosest(std::string_view word, std::span<const std::string_view> candidates) {
    // Nothing Chief suggests (keys, zones, job names, enum values) is near this long, and the
    // edit distance costs length x length per candidate: a 100,000-character zone name took
    // 30 s against the 600 zones, on chiefd's event loop at reload.
    if (word.size() > kMaxSuggestedLength) return std::nullopt;
    std::optional<std::string> best;
    std::size_t bestDistance = 0;
    for (std::string_view candidate : candidates) {
        // Allow roughly one edit per three characters, at least one and at most three.
        const std::size_t limit = std::clamp<std::size_t>(std::max(word.size(), candidate.size()) / 3, 1, 3);
        // Lengths further apart than the limit cannot be within it: no need to compute.
        const std::size_t gap = word.size() > candidate.size() ? word.size() - candidate.size() : candidate.size() - word.size();
        if (gap > limit || candidate.size() > kMaxSuggestedLength) continue;
        const std::size_t distance = editDistance(word, candidate);
        if (distance <= limit && (!best || distance < bestDistance)) {
            best = std::string(candidate);
            bestDistance = distance;
        }
    }
    return best;
}

}  // namespace chief
