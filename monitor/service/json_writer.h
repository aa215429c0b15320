#pragma once
// JsonWriter: appends JSON text to a string directly, for the few responses too large to build
// as a nlohmann::json tree first (GET /v1/status/jobs with 1,000 jobs). The caller keeps the
// structure right (keys inside objects, commas are inserted here).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chief::monitor {

class JsonWriter {
public:
    explicit JsonWriter(std::string& out) : out_(out) {}

    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(std::string_view name);
    // Strings are valid UTF-8 here (they came through the JSON parser); quotes, backslashes and
    // control characters are escaped.
    JsonWriter& string(std::string_view text);
    JsonWriter& number(std::int64_t value);
    JsonWriter& boolean(bool value);
    JsonWriter& null();
    JsonWriter& optionalString(const std::optional<std::string>& text);
    JsonWriter& optionalNumber(const std::optional<std::int64_t>& value);

private:
    void separate();

    std::string& out_;
    std::vector<bool> first_;  // per open container: nothing written in it yet
    bool afterKey_ = false;
};

}  // namespace chief::monitor
