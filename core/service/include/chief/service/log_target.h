#pragma once
// LogTarget: where a daemon's log entries (and chiefd's script output) go (--log-target=auto|journal|console),
// and how "auto" is decided.

#include <cstdint>
#include <optional>
#include <string_view>

#include "chief/result.h"

namespace chief::service {

// A --log-target= value. Auto is resolved to Journal or Console once at start-up.
class LogTarget {
public:
    enum class Kind { Auto, Journal, Console };

    constexpr LogTarget() = default;
    constexpr explicit LogTarget(Kind kind) : kind_(kind) {}

    // Accepts exactly "auto", "journal" or "console" (lowercase, as in systemd's --log-target).
    static Result<LogTarget> parse(std::string_view text);

    constexpr Kind kind() const { return kind_; }
    // "auto", "journal" or "console".
    const char* name() const;
    friend constexpr bool operator==(LogTarget, LogTarget) = default;

private:
    Kind kind_ = Kind::Auto;
};

// A file's identity as fstat(2) reports it: what $JOURNAL_STREAM names.
struct FileIdentity {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    friend constexpr bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

// Reads $JOURNAL_STREAM's "<device>:<inode>" (both decimal, systemd.exec(5)); nullopt if malformed.
std::optional<FileIdentity> parseJournalStream(std::string_view text);

// Resolves `requested` to Journal or Console; explicit choices are kept as they are.
// Auto picks Journal exactly when $JOURNAL_STREAM is set and names stderr's device and inode,
// the rule systemd itself follows (log.c's stderr_is_journal()) and systemd.exec(5) recommends:
// systemd sets the variable when a unit's stderr is connected to journald, and comparing it with
// fstat() tells a process that still has that stream apart from one that merely inherited the
// variable (e.g. chiefd started by hand from a script run by a service, with stderr on a
// terminal or a file). Anything else, including an unreadable stderr, picks Console. Whether
// /run/systemd/journal/socket exists is not consulted: it says journald runs on the machine, not
// that chiefd's stderr goes there, and a daemon run by hand should log where its user looks.
// `journalStream` is $JOURNAL_STREAM (nullopt when unset); `stderrIdentity` is fstat(2) of fd 2
// (nullopt when it failed).
LogTarget::Kind resolveLogTarget(LogTarget requested, std::optional<std::string_view> journalStream,
                                 std::optional<FileIdentity> stderrIdentity);

// resolveLogTarget with this process's $JOURNAL_STREAM and fstat(STDERR_FILENO): the adapter
// main() calls.
LogTarget::Kind resolveLogTargetForThisProcess(LogTarget requested);

// True when journald's native socket (/run/systemd/journal/socket) exists. main() checks it when
// the journal was chosen explicitly: without the socket, sd_journal_sendv drops entries and
// still reports success, so chiefd should say so (on stderr) rather than log into the void.
bool journalSocketPresent();

}  // namespace chief::service
