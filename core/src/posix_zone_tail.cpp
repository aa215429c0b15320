// A self-contained POSIX TZ string evaluator (see posix_zone_tail.h for why not date/ptz.h).
// Still compiled as C++17 (core/CMakeLists.txt), which this file does not depend on.
#include "posix_zone_tail.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

namespace chief::detail {

namespace {

using date::days;
using date::local_days;
using date::local_seconds;
using date::sys_info;
using date::sys_seconds;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// When in the year a transition happens, as local wall-clock time in the offset in force
// just before it.
struct TransitionRule {
    enum class Kind { Julian1, Julian0, MonthWeekDay };  // Jn (no Feb 29), n (0-based), Mm.w.d
    Kind kind = Kind::MonthWeekDay;
    unsigned n = 0;
    unsigned month = 0, week = 0, weekday = 0;
    seconds time = hours{2};  // RFC 8536: -167h..+167h

    local_seconds at(date::year y) const {
        local_days day;
        switch (kind) {
            case Kind::Julian1:
                day = local_days{y / date::January / 1} + days{n - 1 + ((y.is_leap() && n > 59) ? 1 : 0)};
                break;
            case Kind::Julian0:
                day = local_days{y / date::January / 1} + days{n};
                break;
            case Kind::MonthWeekDay: {
                const date::month m{month};
                const date::weekday wd{weekday};
                day = week == 5 ? local_days{y / m / wd[date::last]} : local_days{y / m / wd[week]};
                break;
            }
        }
        return day + time;
    }
};

class Parser {
public:
    explicit Parser(const std::string& text) : s_(text) {}

    bool done() const { return i_ == s_.size(); }
    bool peek(char c) const { return i_ < s_.size() && s_[i_] == c; }
    bool accept(char c) {
        if (!peek(c)) return false;
        ++i_;
        return true;
    }
    bool peekOffsetStart() const {
        return i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-' || std::isdigit(static_cast<unsigned char>(s_[i_])));
    }

    std::optional<std::string> name() {
        std::string out;
        if (accept('<')) {
            while (i_ < s_.size() && s_[i_] != '>') out.push_back(s_[i_++]);
            if (!accept('>')) return std::nullopt;
        } else {
            while (i_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[i_]))) out.push_back(s_[i_++]);
        }
        if (out.size() < 3) return std::nullopt;
        return out;
    }

    std::optional<unsigned> number(unsigned maxDigits) {
        unsigned value = 0, digits = 0;
        while (i_ < s_.size() && digits < maxDigits && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
            value = value * 10 + static_cast<unsigned>(s_[i_++] - '0');
            ++digits;
        }
        if (digits == 0) return std::nullopt;
        return value;
    }

    // [+-]hh[:mm[:ss]] with hh <= maxHours.
    std::optional<seconds> signedTime(unsigned maxHours) {
        bool negative = false;
        if (accept('-'))
            negative = true;
        else
            accept('+');
        const auto h = number(3);
        if (!h || *h > maxHours) return std::nullopt;
        seconds t = hours{*h};
        if (accept(':')) {
            const auto m = number(2);
            if (!m || *m > 59) return std::nullopt;
            t += minutes{*m};
            if (accept(':')) {
                const auto sec = number(2);
                if (!sec || *sec > 59) return std::nullopt;
                t += seconds{*sec};
            }
        }
        return negative ? -t : t;
    }

    std::optional<TransitionRule> rule() {
        TransitionRule r;
        if (accept('J')) {
            const auto n = number(3);
            if (!n || *n < 1 || *n > 365) return std::nullopt;
            r.kind = TransitionRule::Kind::Julian1;
            r.n = *n;
        } else if (accept('M')) {
            const auto m = number(2);
            if (!m || *m < 1 || *m > 12 || !accept('.')) return std::nullopt;
            const auto w = number(1);
            if (!w || *w < 1 || *w > 5 || !accept('.')) return std::nullopt;
            const auto d = number(1);
            if (!d || *d > 6) return std::nullopt;
            r.kind = TransitionRule::Kind::MonthWeekDay;
            r.month = *m;
            r.week = *w;
            r.weekday = *d;
        } else {
            const auto n = number(3);
            if (!n || *n > 365) return std::nullopt;
            r.kind = TransitionRule::Kind::Julian0;
            r.n = *n;
        }
        if (accept('/')) {
            const auto t = signedTime(167);
            if (!t) return std::nullopt;
            r.time = *t;
        }
        return r;
    }

private:
    const std::string& s_;
    std::size_t i_ = 0;
};

// One change between standard and daylight time.
struct Change {
    sys_seconds at;
    bool toDst;
};

}  // namespace

struct PosixZoneTail::Impl {
    std::string stdName, dstName;
    seconds stdOffset{0}, dstOffset{0};  // east of UTC (the string writes them west-positive)
    bool hasDst = false;
    TransitionRule start, end;

    sys_info periodInfo(sys_seconds begin, sys_seconds endAt, bool dst) const {
        sys_info info;
        info.begin = begin;
        info.end = endAt;
        info.offset = dst ? dstOffset : stdOffset;
        info.save = dst ? date::floor<minutes>(dstOffset - stdOffset) : minutes{0};
        info.abbrev = dst ? dstName : stdName;
        return info;
    }

    // The changes of years y-3..y+2, in order; at one instant a change to DST wins (so DST all
    // year, "0/0,J365/25", never shows a zero-length standard period).
    std::vector<Change> changesAround(date::year y) const {
        std::vector<Change> out;
        for (date::year k = y - date::years{3}; k <= y + date::years{2}; k += date::years{1}) {
            out.push_back({sys_seconds{start.at(k).time_since_epoch() - stdOffset}, true});
            out.push_back({sys_seconds{end.at(k).time_since_epoch() - dstOffset}, false});
        }
        std::sort(out.begin(), out.end(), [](const Change& a, const Change& b) {
            return a.at != b.at ? a.at < b.at : (!a.toDst && b.toDst);
        });
        return out;
    }

    sys_info infoAt(sys_seconds t) const {
        if (!hasDst) return periodInfo(sys_seconds::min(), sys_seconds::max(), false);
        const date::year y = date::year_month_day{date::floor<days>(t)}.year();
        const std::vector<Change> changes = changesAround(y);
        // Collapse changes at the same instant to their final state, then keep only real ones.
        std::vector<Change> real;
        std::optional<bool> state;
        for (std::size_t i = 0; i < changes.size(); ++i) {
            if (i + 1 < changes.size() && changes[i + 1].at == changes[i].at) continue;
            if (!state || *state != changes[i].toDst) real.push_back(changes[i]);
            state = changes[i].toDst;
        }
        // real[0] only bounds the window (the state before it is unknown); t lies well after it.
        std::size_t k = 0;
        while (k + 1 < real.size() && real[k + 1].at <= t) ++k;
        const sys_seconds endAt = k + 1 < real.size() ? real[k + 1].at : sys_seconds::max();
        return periodInfo(real[k].at, endAt, real[k].toDst);
    }

    date::local_info infoAt(local_seconds local) const {
        date::local_info out{};
        if (!hasDst) {
            out.result = date::local_info::unique;
            out.first = infoAt(sys_seconds{local.time_since_epoch() - stdOffset});
            return out;
        }
        const sys_seconds asStd{local.time_since_epoch() - stdOffset};
        const sys_seconds asDst{local.time_since_epoch() - dstOffset};
        const sys_info stdInfo = infoAt(asStd);
        const sys_info dstInfo = infoAt(asDst);
        const bool stdOk = stdInfo.offset == stdOffset;
        const bool dstOk = dstInfo.offset == dstOffset;
        if (stdOk && dstOk && asStd != asDst) {
            out.result = date::local_info::ambiguous;
            out.first = asStd < asDst ? stdInfo : dstInfo;
            out.second = asStd < asDst ? dstInfo : stdInfo;
        } else if (stdOk || dstOk) {
            out.result = date::local_info::unique;
            out.first = stdOk ? stdInfo : dstInfo;
        } else {
            // In a gap: reading it in the smaller offset lands after the change that opened it.
            out.result = date::local_info::nonexistent;
            out.second = infoAt(std::max(asStd, asDst));
            out.first = infoAt(out.second.begin - seconds{1});
        }
        return out;
    }
};

std::unique_ptr<PosixZoneTail> PosixZoneTail::parse(const std::string& rule) {
    auto impl = std::make_unique<Impl>();
    Parser p(rule);
    const auto stdName = p.name();
    if (!stdName) return nullptr;
    const auto stdWest = p.signedTime(24);
    if (!stdWest) return nullptr;
    impl->stdName = *stdName;
    impl->stdOffset = -*stdWest;
    impl->dstName = *stdName;
    impl->dstOffset = impl->stdOffset;
    if (!p.done()) {
        const auto dstName = p.name();
        if (!dstName) return nullptr;
        impl->hasDst = true;
        impl->dstName = *dstName;
        impl->dstOffset = impl->stdOffset + hours{1};
        if (p.peekOffsetStart()) {
            const auto dstWest = p.signedTime(24);
            if (!dstWest) return nullptr;
            impl->dstOffset = -*dstWest;
        }
        if (p.accept(',')) {
            const auto start = p.rule();
            if (!start || !p.accept(',')) return nullptr;
            const auto end = p.rule();
            if (!end) return nullptr;
            impl->start = *start;
            impl->end = *end;
        } else {
            // No rule given: the POSIX/glibc default, US rules.
            impl->start = TransitionRule{TransitionRule::Kind::MonthWeekDay, 0, 3, 2, 0, hours{2}};
            impl->end = TransitionRule{TransitionRule::Kind::MonthWeekDay, 0, 11, 1, 0, hours{2}};
        }
        if (!p.done()) return nullptr;
    }
    return std::unique_ptr<PosixZoneTail>(new PosixZoneTail(std::move(impl)));
}

PosixZoneTail::PosixZoneTail(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PosixZoneTail::~PosixZoneTail() = default;

date::sys_info PosixZoneTail::infoAt(date::sys_seconds instant) const { return impl_->infoAt(instant); }
date::local_info PosixZoneTail::infoAt(date::local_seconds local) const { return impl_->infoAt(local); }

}  // namespace chief::detail
