#include "chief/fire_window.h"

namespace chief {

FireWindow fireTimesBetween(const Schedule& schedule, SysSeconds after, SysSeconds until, std::size_t cap) {
    FireWindow window;
    SysSeconds from = after;
    while (auto fire = nextFireAfter(schedule, from)) {
        if (fire->instant > until) break;
        if (window.count == cap) {
            window.capped = true;
            break;
        }
        if (!window.first) window.first = fire->instant;
        window.last = fire->instant;
        ++window.count;
        from = fire->instant;
    }
    return window;
}

}  // namespace chief
