#pragma once
// PausedJobs: the jobs an operator paused with `chiefctl pause` ("<state dir>/paused-jobs"), kept
// across reloads and restarts. A name stays paused even while a reload has removed its job, so
// that a job put back into the config does not start running behind the operator's back.

#include <set>
#include <string>

#include "chief/result.h"

namespace chief::daemon {

class PausedJobs {
public:
    // The file holds one job name per line; lines are taken as they are (names may contain
    // spaces), empty ones skipped.
    static std::string pathIn(const std::string& stateDirectory);

    // The set in `path`; none when the file does not exist. A file that cannot be read (not a
    // regular file, too large, unreadable) is an error naming it.
    static Result<PausedJobs> load(const std::string& path);

    const std::set<std::string, std::less<>>& names() const { return names_; }
    bool contains(std::string_view name) const { return names_.find(name) != names_.end(); }

    // Adds or removes `name` and writes the file (a fresh file renamed over the old one, never
    // written through a planted link). On error nothing changed, in memory or on disk.
    Result<bool> pause(const std::string& path, const std::string& name);   // true: was not paused
    Result<bool> resume(const std::string& path, const std::string& name);  // true: was paused

private:
    Result<bool> write(const std::string& path, std::set<std::string, std::less<>> names);
    std::set<std::string, std::less<>> names_;
};

}  // namespace chief::daemon
