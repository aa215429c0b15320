#pragma once
// FakeJournalWriter: a service::JournalWriter for tests that records every entry instead of sending it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chief/service/journal_writer.h"

namespace chief::testing {

// One recorded entry: its "FIELD=value" items, copied byte for byte, in order.
using JournalEntryItems = std::vector<std::string>;

// Records entries; `result` is what write() returns (set it negative to play a refusing journald).
class FakeJournalWriter final : public service::JournalWriter {
public:
    int write(std::span<const std::string_view> fields) override {
        entries.emplace_back(fields.begin(), fields.end());
        return result;
    }

    // The value of `name` in entry `index` (first occurrence), or nullopt if absent.
    std::optional<std::string> field(std::size_t index, std::string_view name) const {
        for (const std::string& item : entries.at(index)) {
            if (item.size() > name.size() && item.compare(0, name.size(), name) == 0 && item[name.size()] == '=')
                return item.substr(name.size() + 1);
        }
        return std::nullopt;
    }

    std::vector<JournalEntryItems> entries;
    int result = 0;
};

}  // namespace chief::testing
