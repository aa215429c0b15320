#include "chief/service/sd_journal_writer.h"

#include <sys/uio.h>

#include <array>
#include <cerrno>
#include <vector>

// Without this, sd-journal.h turns sd_journal_sendv into a macro that adds CODE_FILE=,
// CODE_LINE= and CODE_FUNC= naming this file, which would be the same useless value on every entry.
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

namespace chief::service {

int SdJournalWriter::write(std::span<const std::string_view> fields) {
    if (fields.empty()) return -EINVAL;
    // Entries rarely have more than a dozen fields: keep those off the heap.
    constexpr std::size_t kInline = 24;
    std::array<iovec, kInline> inlineIov{};
    std::vector<iovec> heapIov;
    iovec* iov = inlineIov.data();
    if (fields.size() > kInline) {
        heapIov.resize(fields.size());
        iov = heapIov.data();
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
        // iovec has no const member; sd_journal_sendv only reads through it.
        iov[i].iov_base = const_cast<char*>(fields[i].data());
        iov[i].iov_len = fields[i].size();
    }
    // sd_journal_sendv uses each iovec's length, and switches to the protocol's binary framing
    // for values containing newlines, so NULs and arbitrary bytes survive.
    return sd_journal_sendv(iov, static_cast<int>(fields.size()));
}

}  // namespace chief::service
