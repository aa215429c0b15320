#pragma once
// ZoneRules: one IANA zone's offsets, with exact local-to-instant resolution across DST.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chief/result.h"
#include "chief/time_types.h"

namespace date {
class time_zone;
}

namespace chief {

namespace detail {
class PosixZoneTail;
}

// How a local wall-clock time maps to instants in a zone.
struct LocalResolution {
    enum class Kind { Unique, Nonexistent, Ambiguous };
    Kind kind = Kind::Unique;
    // Unique: the instant. Ambiguous: the first occurrence. Nonexistent: the instant the gap ends.
    SysSeconds first;
    // Ambiguous: the second occurrence. Otherwise equal to first.
    SysSeconds second;
};

// The offset in force at an instant, with its abbreviation (e.g. EDT).
struct OffsetInfo {
    Seconds offset{0};
    std::string abbreviation;
    bool isDst = false;
};

// A change of UTC offset at an instant (a DST transition or a permanent zone change).
struct OffsetTransition {
    SysSeconds at;
    Seconds offsetBefore{0};
    Seconds offsetAfter{0};
    // The local wall-clock range that is skipped (offset grows) or repeated (offset shrinks).
    LocalSeconds localBegin() const;  // earliest affected local time
    LocalSeconds localEnd() const;    // first local time after the affected range
    bool isGap() const { return offsetAfter > offsetBefore; }
};

// One IANA zone. Wraps date/tz's system-tzdb zone and, because date/tz ignores the POSIX
// rule string at the end of TZif files, applies that rule itself for instants after the
// file's last explicit transition (2037 in Debian's files) so DST stays right beyond it.
class ZoneRules {
public:
    // Looks a zone up in the system tz database; the error names the zone.
    static Result<std::shared_ptr<const ZoneRules>> locate(std::string_view name);
    // Every zone name the system database knows (for suggestions).
    static std::vector<std::string> allZoneNames();

    ZoneRules(const date::time_zone* zone, std::unique_ptr<detail::PosixZoneTail> tail, SysSeconds tailFrom);
    ~ZoneRules();
    ZoneRules(const ZoneRules&) = delete;
    ZoneRules& operator=(const ZoneRules&) = delete;

    const std::string& name() const { return name_; }
    LocalSeconds toLocal(SysSeconds instant) const;
    OffsetInfo offsetAt(SysSeconds instant) const;
    LocalResolution resolve(LocalSeconds local) const;
    // Offset changes in (from, to], in order.
    std::vector<OffsetTransition> transitionsBetween(SysSeconds from, SysSeconds to) const;

private:
    std::string name_;
    const date::time_zone* zone_;
    std::unique_ptr<detail::PosixZoneTail> tail_;
    SysSeconds tailFrom_;
};

using ZoneHandle = std::shared_ptr<const ZoneRules>;

}  // namespace chief
