#pragma once
// JobSelection: which jobs a request means, the one rule every entry point applies (chiefctl
// offline, chiefd's bus methods, chiefd --once): the named jobs, each of which must exist (and,
// for running, be enabled), or when none is named every job (or every enabled job).

#include <string>
#include <vector>

#include "chief/config_model.h"
#include "chief/result.h"

namespace chief {

enum class JobFilter {
    Any,          // reading: previews and exports show disabled jobs too
    EnabledOnly,  // running: a named disabled job is refused, unnamed ones are left out
};

// Why a selection was refused, with one message wording for every caller.
struct SelectionError {
    enum class Kind { NoSuchJob, Disabled };
    Kind kind = Kind::NoSuchJob;
    std::string job;
    std::string message;  // no job named "x" (did you mean "y"?) / job "x" is disabled
};

// All or nothing: one unknown or disabled name refuses the whole request, so a typo in the last
// name never leaves the first jobs started. YAML order when no names are given, request order
// otherwise.
Result<std::vector<const Job*>, SelectionError> selectJobs(const Config& config, const std::vector<std::string>& names,
                                                           JobFilter filter);

}  // namespace chief
