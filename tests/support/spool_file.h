#pragma once
// Reading chiefd's telemetry spool (JSON Lines, one event per line) from tests, as chiefd's
// own reader would: lines that are not an event object are skipped.

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace chief::testing {

// The eventIds in the spool at `path`, oldest first; none when the file does not exist.
inline std::vector<std::string> spooledIds(const std::string& path) {
    std::vector<std::string> ids;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        const auto json = nlohmann::json::parse(line, nullptr, false);
        if (json.is_object() && json.contains("eventId") && json["eventId"].is_string()) ids.push_back(json["eventId"]);
    }
    return ids;
}

}  // namespace chief::testing
