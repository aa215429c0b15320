// The one place logging reads process and system state: $JOURNAL_STREAM, fstat(2) of stderr,
// and whether journald's socket exists.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "chief/service/log_target.h"

namespace chief::service {

LogTarget::Kind resolveLogTargetForThisProcess(LogTarget requested) {
    std::optional<std::string_view> journalStream;
    if (const char* value = std::getenv("JOURNAL_STREAM")) journalStream = value;
    std::optional<FileIdentity> stderrIdentity;
    struct stat st {};
    if (fstat(STDERR_FILENO, &st) == 0)
        stderrIdentity = FileIdentity{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
    return resolveLogTarget(requested, journalStream, stderrIdentity);
}

bool journalSocketPresent() { return access("/run/systemd/journal/socket", F_OK) == 0; }

}  // namespace chief::service
