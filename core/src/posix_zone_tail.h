#pragma once
// PosixZoneTail: a POSIX TZ rule string ("EST5EDT,M3.2.0,M11.1.0") evaluated with date/ptz.h.
// Internal to chief_core: ptz.h only compiles as C++17, so its one user is a C++17 file.

#include <date/tz.h>

#include <memory>
#include <string>

namespace chief::detail {

// The rule a TZif file's footer gives for instants after its last explicit transition.
class PosixZoneTail {
public:
    // nullptr when date/ptz.h cannot parse the rule.
    static std::unique_ptr<PosixZoneTail> parse(const std::string& rule);
    ~PosixZoneTail();
    PosixZoneTail(const PosixZoneTail&) = delete;
    PosixZoneTail& operator=(const PosixZoneTail&) = delete;

    date::sys_info infoAt(date::sys_seconds instant) const;
    date::local_info infoAt(date::local_seconds local) const;

private:
    struct Impl;
    explicit PosixZoneTail(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace chief::detail
