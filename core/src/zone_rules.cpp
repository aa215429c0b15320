#include "chief/zone_rules.h"

#include "posix_zone_tail.h"

#include <date/tz.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace chief {

namespace {

// Where Debian's tzdata lives; date/tz's system-tzdb mode reads the same tree.
constexpr const char* kZoneInfoDir = "/usr/share/zoneinfo";

// The POSIX TZ string at the end of a version 2+ TZif file ("EST5EDT,M3.2.0,M11.1.0"),
// or empty when there is none.
std::string readTzifFooter(const std::string& zoneName) {
    std::ifstream in(std::string(kZoneInfoDir) + "/" + zoneName, std::ios::binary);
    if (!in) return {};
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < 6 || bytes.compare(0, 4, "TZif") != 0 || bytes[4] < '2') return {};
    if (bytes.back() != '\n') return {};
    const std::size_t start = bytes.rfind('\n', bytes.size() - 2);
    if (start == std::string::npos) return {};
    return bytes.substr(start + 1, bytes.size() - start - 2);
}

LocalResolution fromLocalInfo(const date::local_info& info, LocalSeconds local) {
    LocalResolution r;
    switch (info.result) {
        case date::local_info::unique:
            r.kind = LocalResolution::Kind::Unique;
            r.first = r.second = SysSeconds{local.time_since_epoch() - info.first.offset};
            break;
        case date::local_info::nonexistent:
            r.kind = LocalResolution::Kind::Nonexistent;
            r.first = r.second = info.first.end;
            break;
        case date::local_info::ambiguous:
            r.kind = LocalResolution::Kind::Ambiguous;
            r.first = SysSeconds{local.time_since_epoch() - info.first.offset};
            r.second = SysSeconds{local.time_since_epoch() - info.second.offset};
            break;
    }
    return r;
}

}  // namespace

LocalSeconds OffsetTransition::localBegin() const {
    return LocalSeconds{at.time_since_epoch() + std::min(offsetBefore, offsetAfter)};
}

LocalSeconds OffsetTransition::localEnd() const {
    return LocalSeconds{at.time_since_epoch() + std::max(offsetBefore, offsetAfter)};
}

Result<std::shared_ptr<const ZoneRules>> ZoneRules::locate(std::string_view name) {
    if (name.empty()) return makeError("empty time zone name");
    if (name.starts_with("right/") || name.starts_with("posix/") || name == "posixrules" || name == "localtime")
        return makeError("\"" + std::string(name) + "\" is not an IANA zone name");
    const date::time_zone* zone = nullptr;
    try {
        zone = date::locate_zone(name);
    } catch (const std::exception&) {
        return makeError("unknown time zone \"" + std::string(name) + "\"");
    }
    std::unique_ptr<detail::PosixZoneTail> tail;
    SysSeconds tailFrom = SysSeconds::max();
    const std::string footer = readTzifFooter(std::string(name));
    if (!footer.empty()) {
        // An unparsable footer leaves tail empty: date/tz alone then answers everything.
        tail = detail::PosixZoneTail::parse(footer);
        // The last explicit transition in the file; date/tz keeps that offset forever after it.
        if (tail) tailFrom = zone->get_info(SysSeconds{date::sys_days{date::year{9000} / 1 / 1}}).begin;
    }
    return std::shared_ptr<const ZoneRules>(std::make_shared<ZoneRules>(zone, std::move(tail), tailFrom));
}

std::vector<std::string> ZoneRules::allZoneNames() {
    std::vector<std::string> names;
    try {
        for (const auto& zone : date::get_tzdb().zones) {
            const std::string n(zone.name());
            if (n.starts_with("right/") || n.starts_with("posix/")) continue;
            names.push_back(n);
        }
    } catch (const std::exception&) {
    }
    return names;
}

ZoneRules::ZoneRules(const date::time_zone* zone, std::unique_ptr<detail::PosixZoneTail> tail, SysSeconds tailFrom)
    : name_(zone->name()), zone_(zone), tail_(std::move(tail)), tailFrom_(tailFrom) {}

ZoneRules::~ZoneRules() = default;

LocalSeconds ZoneRules::toLocal(SysSeconds instant) const {
    return LocalSeconds{instant.time_since_epoch() + offsetAt(instant).offset};
}

OffsetInfo ZoneRules::offsetAt(SysSeconds instant) const {
    const date::sys_info info = (tail_ && instant >= tailFrom_) ? tail_->infoAt(instant) : zone_->get_info(instant);
    return OffsetInfo{info.offset, info.abbrev, info.save != std::chrono::minutes{0}};
}

LocalResolution ZoneRules::resolve(LocalSeconds local) const {
    // Two days of margin keep every local time near the last explicit transition on the
    // table date/tz has, where both sources agree anyway.
    if (tail_ && local.time_since_epoch() >= tailFrom_.time_since_epoch() + std::chrono::hours{48})
        return fromLocalInfo(tail_->infoAt(local), local);
    return fromLocalInfo(zone_->get_info(local), local);
}

std::vector<OffsetTransition> ZoneRules::transitionsBetween(SysSeconds from, SysSeconds to) const {
    std::vector<OffsetTransition> out;
    SysSeconds cursor = from;
    while (cursor < to) {
        const bool useTail = tail_ && cursor >= tailFrom_;
        const date::sys_info info = useTail ? tail_->infoAt(cursor) : zone_->get_info(cursor);
        const SysSeconds boundary = info.end;
        if (boundary > to || boundary <= cursor) break;
        const bool nextTail = tail_ && boundary >= tailFrom_;
        const date::sys_info next = nextTail ? tail_->infoAt(boundary) : zone_->get_info(boundary);
        if (next.offset != info.offset) out.push_back({boundary, info.offset, next.offset});
        cursor = boundary;
    }
    return out;
}

}  // namespace chief
