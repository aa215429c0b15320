#include "chief/config_model.h"

namespace chief {

const char* overlapName(OverlapPolicy policy) {
    switch (policy) {
        case OverlapPolicy::Skip: return "skip";
        case OverlapPolicy::Queue: return "queue";
        case OverlapPolicy::Parallel: return "parallel";
    }
    return "";
}

const Job* Config::findJob(std::string_view name) const {
    for (const Job& job : jobs)
        if (job.name == name) return &job;
    return nullptr;
}

}  // namespace chief
