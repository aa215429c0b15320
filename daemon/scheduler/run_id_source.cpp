#include "scheduler/run_id_source.h"

#include <cstdio>

namespace chief::daemon {

RunId RunIdSource::next(SysMillis now) {
    if (now < last_) now = last_;
    last_ = now;
    sequence_ = (sequence_ + 1) % 10000;
    const auto day = date::floor<date::days>(now);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss<std::chrono::milliseconds> tod{now - day};
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02d.%03dZ-%04u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                  static_cast<int>(tod.seconds().count()), static_cast<int>(tod.subseconds().count()), sequence_);
    return suffix_.empty() ? RunId(buf) : RunId(buf) + "-" + suffix_;
}

}  // namespace chief::daemon
