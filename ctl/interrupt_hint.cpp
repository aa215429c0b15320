#include "interrupt_hint.h"

#include <signal.h>
#include <unistd.h>

#include <cstring>

#include "chief/display_text.h"

namespace chief::ctl {

namespace {

// A signal handler reaches only static storage: the text is copied here before the handlers
// are installed, and only read (with write(2), async-signal-safe) from them.
char gText[1024];
volatile sig_atomic_t gLength = 0;
struct sigaction gPreviousInt {};
struct sigaction gPreviousTerm {};

extern "C" void onInterrupt(int sig) {
    if (gLength > 0) {
        [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, gText, static_cast<size_t>(gLength));
    }
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

}  // namespace

std::string interruptHintText(const std::string& runId, const std::string& job) {
    const std::string id = escapeForDisplay(runId), name = escapeForDisplay(job);
    return "chiefctl: stopped waiting; run " + id + " of " + name + " goes on in chiefd (chiefctl cancel " + id +
           " stops it; chiefctl history " + name + " shows how it ends)";
}

InterruptHint::InterruptHint(const std::string& text) {
    // A line of its own: Ctrl-C leaves the cursor after the terminal's "^C".
    const std::string line = "\n" + text + "\n";
    const std::size_t length = std::min(line.size(), sizeof gText);
    std::memcpy(gText, line.data(), length);
    gLength = static_cast<sig_atomic_t>(length);
    struct sigaction action {};
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &gPreviousInt);
    ::sigaction(SIGTERM, &action, &gPreviousTerm);
}

InterruptHint::~InterruptHint() {
    ::sigaction(SIGINT, &gPreviousInt, nullptr);
    ::sigaction(SIGTERM, &gPreviousTerm, nullptr);
    gLength = 0;
}

}  // namespace chief::ctl
