#include "chief/service/log_target.h"

#include <charconv>
#include <string>

namespace chief::service {

Result<LogTarget> LogTarget::parse(std::string_view text) {
    if (text == "auto") return LogTarget{Kind::Auto};
    if (text == "journal") return LogTarget{Kind::Journal};
    if (text == "console") return LogTarget{Kind::Console};
    if (text.empty()) return makeError("log target is empty; expected auto, journal or console");
    return makeError("unknown log target '" + std::string(text) + "'; expected auto, journal or console");
}

const char* LogTarget::name() const {
    switch (kind_) {
        case Kind::Auto: return "auto";
        case Kind::Journal: return "journal";
        case Kind::Console: return "console";
    }
    return "";
}

namespace {

// Whole-string unsigned decimal: no sign, no spaces, no overflow.
std::optional<std::uint64_t> parseDecimal(std::string_view text) {
    if (text.empty()) return std::nullopt;
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

std::optional<FileIdentity> parseJournalStream(std::string_view text) {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const auto device = parseDecimal(text.substr(0, colon));
    const auto inode = parseDecimal(text.substr(colon + 1));
    if (!device || !inode) return std::nullopt;
    return FileIdentity{*device, *inode};
}

LogTarget::Kind resolveLogTarget(LogTarget requested, std::optional<std::string_view> journalStream,
                                 std::optional<FileIdentity> stderrIdentity) {
    if (requested.kind() != LogTarget::Kind::Auto) return requested.kind();
    if (!journalStream || !stderrIdentity) return LogTarget::Kind::Console;
    const auto named = parseJournalStream(*journalStream);
    return named && *named == *stderrIdentity ? LogTarget::Kind::Journal : LogTarget::Kind::Console;
}

}  // namespace chief::service
