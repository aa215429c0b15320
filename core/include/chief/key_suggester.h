#pragma once
// "Did you mean" suggestions for misspelt keys, names and enum values.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace chief {

// Words longer than this get no suggestion (job names may be 128 characters long).
inline constexpr std::size_t kMaxSuggestedLength = 128;

// Edit distance (insertions, deletions, substitutions, adjacent swaps), case-insensitive.
// Time is a.size() x b.size(): callers bound the lengths (suggestClosest does).
std::size_t editDistance(std::string_view a, std::string_view b);

// The closest candidate if it is close enough to be a plausible typo of `word`; nothing for a
// word longer than kMaxSuggestedLength.
std::optional<std::string> suggestClosest(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace chief
