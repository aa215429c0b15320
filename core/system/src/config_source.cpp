#include "chief/system/config_source.h"

#include <date/tz.h>

#include <cstdlib>
#include <filesystem>

#include "chief/system/bounded_file_reader.h"
#include "chief/zone_rules.h"

namespace chief::system {

namespace {
// Far beyond any real config (10,000 jobs is about 2 MB); refuses to read /dev/zero forever.
constexpr std::size_t kMaxConfigBytes = 64ULL * 1024 * 1024;
}  // namespace

LoadResult loadConfigFile(const std::string& path, const HostProbe& files, const std::string& systemTimezone) {
    std::error_code ec;
    std::filesystem::path absolute = std::filesystem::absolute(path, ec);
    if (ec) absolute = path;
    absolute = absolute.lexically_normal();
    auto file = readRegularFileWithMode(absolute.string(), kMaxConfigBytes);
    if (!file) {
        DiagnosticSink sink(absolute.string());
        sink.error({}, "", file.error());
        LoadResult result;
        result.diagnostics = sink.take();
        return result;
    }
    LoadContext context;
    context.sourcePath = absolute.string();
    context.files = &files;
    context.systemTimezone = systemTimezone;
    context.sourceMode = file.value().mode;
    return loadConfig(file.value().contents, context);
}

std::string detectSystemTimezone() {
    if (const char* tz = std::getenv("TZ"); tz && *tz) {
        std::string name = tz[0] == ':' ? tz + 1 : tz;
        if (ZoneRules::locate(name)) return name;
    }
    try {
        return std::string(date::current_zone()->name());
    } catch (const std::exception&) {
        return "UTC";
    }
}

}  // namespace chief::system
