#pragma once
// InterruptHint: while chiefctl waits for a run, Ctrl-C (SIGINT) or SIGTERM ends the waiting,
// not the run, which goes on in chiefd. The handler says so, with the run id and how to cancel
// it, then ends chiefctl by the same signal as before (a shell sees 130 for Ctrl-C).

#include <string>

namespace chief::ctl {

// The line printed: "chiefctl: stopped waiting; run ID of JOB goes on in chiefd (chiefctl cancel
// ID stops it; chiefctl history JOB shows how it ends)".
std::string interruptHintText(const std::string& runId, const std::string& job);

class InterruptHint {
public:
    // Installs the handlers for SIGINT and SIGTERM; the previous ones come back on destruction.
    // One at a time: runs are waited for one after another.
    explicit InterruptHint(const std::string& text);
    ~InterruptHint();
    InterruptHint(const InterruptHint&) = delete;
    InterruptHint& operator=(const InterruptHint&) = delete;
};

}  // namespace chief::ctl
