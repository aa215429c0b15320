#include "chief/job_selection.h"

#include <string_view>

#include "chief/display_text.h"
#include "chief/key_suggester.h"

namespace chief {

Result<std::vector<const Job*>, SelectionError> selectJobs(const Config& config, const std::vector<std::string>& names,
                                                           JobFilter filter) {
    std::vector<const Job*> jobs;
    if (names.empty()) {
        for (const Job& job : config.jobs)
            if (filter == JobFilter::Any || job.enabled) jobs.push_back(&job);
        return jobs;
    }
    for (const std::string& name : names) {
        const Job* job = config.findJob(name);
        if (!job) {
            std::vector<std::string_view> known;
            for (const Job& j : config.jobs) known.push_back(j.name);
            std::string message = "no job named " + quoteForMessage(name);
            if (auto s = suggestClosest(name, known)) message += " (did you mean " + quoteForMessage(*s) + "?)";
            return SelectionError{SelectionError::Kind::NoSuchJob, name, message};
        }
        if (filter == JobFilter::EnabledOnly && !job->enabled)
            return SelectionError{SelectionError::Kind::Disabled, name, "job " + quoteForMessage(name) + " is disabled"};
        jobs.push_back(job);
    }
    return jobs;
}

}  // namespace chief
