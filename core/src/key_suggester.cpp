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
    // the commonest typo ("tiemzone").
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
    for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[n][m];
}

std::optional<std::string> suggestClosest(std::string_view word, std::span<const std::string_view> candidates) {
    std::optional<std::string> best;
    std::size_t bestDistance = 0;
    for (std::string_view candidate : candidates) {
        const std::size_t distance = editDistance(word, candidate);
        // Allow roughly one edit per three characters, at least one and at most three.
        const std::size_t limit = std::clamp<std::size_t>(std::max(word.size(), candidate.size()) / 3, 1, 3);
        if (distance <= limit && (!best || distance < bestDistance)) {
            best = std::string(candidate);
            bestDistance = distance;
        }
    }
    return best;
}

}  // namespace chief
