#include "chief/service/level_filter_logger.h"

#include <string>

namespace chief::service {

Result<LogLevel> parseLogLevel(std::string_view text) {
    if (text == "err" || text == "error") return LogLevel::Error;
    if (text == "warning") return LogLevel::Warning;
    if (text == "notice") return LogLevel::Notice;
    if (text == "info") return LogLevel::Info;
    if (text == "debug") return LogLevel::Debug;
    return makeError("--log-level must be err, warning, notice, info or debug, got '" + std::string(text) + "'");
}

}  // namespace chief::service
