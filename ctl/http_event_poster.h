#pragma once
// HttpEventPoster: EventPoster over HTTP(S) with libcurl. Workers may run where there is no
// D-Bus (a container, another user), so `chiefctl emit` talks to the monitor itself.

#include "event_poster.h"

namespace chief::ctl {

class HttpEventPoster final : public EventPoster {
public:
    Result<PostAnswer> post(const EventPost& request) override;
};

}  // namespace chief::ctl
