#pragma once
// OutputDirectory: where export-systemd and export-kubernetes write their files. chiefctl, not
// chiefd, writes them (chiefd only returns their text), as the user running chiefctl. Each file
// is written to a temporary file in the same directory and renamed into place, so a reader
// (systemd, kubectl) never sees half a file; without `replace` the rename refuses an existing
// name (renameat2 RENAME_NOREPLACE), so a file created meanwhile is not overwritten either.

#include <string>
#include <vector>

#include "chief/result.h"

namespace chief::ctl {

struct OutputFile {
    std::string name;  // a file name, no '/'
    std::string content;
};

// An error when `directory` is not an existing directory.
Result<bool> checkOutputDirectory(const std::string& directory);

// The names among `files` that already exist in `directory` (what --force would replace).
std::vector<std::string> existingFiles(const std::string& directory, const std::vector<OutputFile>& files);

// Writes `file` into `directory` (mode 0644). Returns the path written.
Result<std::string> writeOutputFile(const std::string& directory, const OutputFile& file, bool replace);

}  // namespace chief::ctl
