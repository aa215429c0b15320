// Compiled as C++17 (see CMakeLists.txt): date 3.0.1's ptz.h is ambiguous under C++20.
#include "posix_zone_tail.h"

#include <date/ptz.h>

namespace chief::detail {

struct PosixZoneTail::Impl {
    explicit Impl(const std::string& rule) : zone(rule) {}
    Posix::time_zone zone;
};

std::unique_ptr<PosixZoneTail> PosixZoneTail::parse(const std::string& rule) {
    try {
        return std::unique_ptr<PosixZoneTail>(new PosixZoneTail(std::make_unique<Impl>(rule)));
    } catch (const std::exception&) {
        return nullptr;
    }
}

PosixZoneTail::PosixZoneTail(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PosixZoneTail::~PosixZoneTail() = default;

date::sys_info PosixZoneTail::infoAt(date::sys_seconds instant) const { return impl_->zone.get_info(instant); }
date::local_info PosixZoneTail::infoAt(date::local_seconds local) const { return impl_->zone.get_info(local); }

}  // namespace chief::detail
