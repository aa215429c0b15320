#pragma once
// Reading a config file from disk and loading it, with file-level errors as diagnostics.

#include <string>

#include "chief/config_loader.h"
#include "chief/host_probe.h"

namespace chief::system {

// Reads PATH (made absolute) and loads it; unreadable or oversized files become a diagnostic.
LoadResult loadConfigFile(const std::string& path, const HostProbe& files, const std::string& systemTimezone);

// The zone name the host runs in: $TZ if it names a zone, else /etc/localtime, else "UTC".
std::string detectSystemTimezone();

}  // namespace chief::system
