#include "chief/json_text.h"

#include "chief/display_text.h"

namespace chief {

namespace {

bool allValid(const nlohmann::json& value) {
    if (value.is_string()) return isValidUtf8(value.get_ref<const std::string&>());
    if (value.is_array()) {
        for (const auto& item : value)
            if (!allValid(item)) return false;
    } else if (value.is_object()) {
        for (const auto& [key, item] : value.items())
            if (!isValidUtf8(key) || !allValid(item)) return false;
    }
    return true;
}

nlohmann::json repaired(const nlohmann::json& value) {
    if (value.is_string()) return escapeInvalidUtf8(value.get_ref<const std::string&>());
    if (value.is_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& item : value) out.push_back(repaired(item));
        return out;
    }
    if (value.is_object()) {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& [key, item] : value.items()) out[escapeInvalidUtf8(key)] = repaired(item);
        return out;
    }
    return value;
}

}  // namespace

std::string jsonText(const nlohmann::json& document, int indent) {
    // Checking first keeps the common case free of a copy of the whole document.
    if (allValid(document)) return document.dump(indent);
    return repaired(document).dump(indent, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

}  // namespace chief
