#pragma once
// JsonText: the one way Chief turns a JSON document into text, so that no caller can forget that
// user strings (paths above all) may hold bytes that are not UTF-8.

#include <nlohmann/json.hpp>
#include <string>

namespace chief {

// `document` as text (`indent` as nlohmann's dump: -1 is one line). Stray bytes in strings and
// keys are written as the six characters \\xNN instead of making dump() throw type_error 316:
// a config path is whatever bytes the file system holds.
std::string jsonText(const nlohmann::json& document, int indent = -1);

}  // namespace chief
