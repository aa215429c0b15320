#include "chief/system/config_source.h"

#include <date/tz.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "chief/zone_rules.h"

namespace chief::system {

namespace {
// Far beyond any real config (10,000 jobs is about 2 MB); refuses to read /dev/zero forever.
constexpr std::uintmax_t kMaxConfigBytes = 64ULL * 1024 * 1024;
}  // namespace

LoadResult loadConfigFile(const std::string& path, const HostProbe& files, const std::string& systemTimezone) {
    std::error_code ec;
    std::filesystem::path absolute = std::filesystem::absolute(path, ec);
    if (ec) absolute = path;
    absolute = absolute.lexically_normal();
    LoadResult result;
    DiagnosticSink sink(absolute.string());
    auto fail = [&](const std::string& message) {
        sink.error({}, "", message);
        result.diagnostics = sink.take();
        return result;
    };
    if (files.isDirectory(absolute.string())) return fail("is a directory, not a config file");
    std::ifstream in(absolute, std::ios::binary);
    if (!in) return fail(std::string("cannot open config file: ") + std::strerror(errno));
    const auto size = std::filesystem::file_size(absolute, ec);
    if (!ec && size > kMaxConfigBytes) return fail("config file is larger than 64 MiB");
    // One allocation of the file's size: a 10,000-job config is 2 MB, and a stream buffer plus
    // a copy would double the daemon's peak memory for nothing.
    std::string text;
    if (!ec) text.reserve(static_cast<std::size_t>(size));
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) return fail(std::string("cannot read config file: ") + std::strerror(errno));
    LoadContext context;
    context.sourcePath = absolute.string();
    context.files = &files;
    context.systemTimezone = systemTimezone;
    return loadConfig(text, context);
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
