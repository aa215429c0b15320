#pragma once
// PosixZoneTail: a POSIX TZ rule string ("EST5EDT,M3.2.0,M11.1.0") as found in a TZif footer,
// evaluated for any instant or local time. Internal to chief_core.
//
// Chief evaluates the string itself rather than with date/ptz.h: date 3.0.1's parser rejects
// the RFC 8536 extension that lets a transition time be negative or exceed 24 hours
// ("<-02>2<-01>,M3.5.0/-1,M10.5.0/0", America/Nuuk since 2023), which silently froze those
// zones' DST after the TZif file's last explicit transition.

#include <date/tz.h>

#include <memory>
#include <string>

namespace chief::detail {

// The rule a TZif file's footer gives for instants after its last explicit transition.
class PosixZoneTail {
public:
    // nullptr when the string is not a valid POSIX TZ rule (RFC 8536 section 3.3.1).
    static std::unique_ptr<PosixZoneTail> parse(const std::string& rule);
    ~PosixZoneTail();
    PosixZoneTail(const PosixZoneTail&) = delete;
    PosixZoneTail& operator=(const PosixZoneTail&) = delete;

    // The offset period containing `instant`. begin/end are the surrounding offset changes;
    // without DST they are sys_seconds::min()/max().
    date::sys_info infoAt(date::sys_seconds instant) const;
    // How `local` maps to instants, with the same conventions as date::time_zone::get_info.
    date::local_info infoAt(date::local_seconds local) const;

private:
    struct Impl;
    explicit PosixZoneTail(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace chief::detail
