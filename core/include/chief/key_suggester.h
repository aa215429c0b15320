#pragma once
// "Did you mean" suggestions for misspelt keys, names and enum values.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace chief {

// Edit distance (insertions, deletions, substitutions, adjacent swaps), case-insensitive.
std::size_t editDistance(std::string_view a, std::string_view b);

// The closest candidate if it is close enough to be a plausible typo of `word`.
std::optional<std::string> suggestClosest(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace chief
