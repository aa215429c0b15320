#pragma once
// Writing YAML text by hand (the exporters and the crontab importer): quoting scalars so that
// any YAML 1.1 reader, libyaml and PyYAML included, reads back exactly what was meant.

#include <string>
#include <string_view>

namespace chief {

// A YAML double-quoted scalar that reads back as exactly `text` (UTF-8 kept, control
// characters escaped): never a number, boolean or null, whatever the text.
std::string quoteYamlString(std::string_view text);

}  // namespace chief
