#pragma once
// SchedulePreview: a job's next fire times plus notes on DST effects inside that window.

#include <optional>
#include <string>
#include <vector>

#include "chief/config_model.h"

namespace chief {

// One remark shown under a preview: a DST effect on a run, or a static caveat of the schedule.
struct PreviewNote {
    enum class Kind { DstSkipped, DstAmbiguous, Schedule, Ended, Warning };
    Kind kind = Kind::Schedule;
    std::string message;
    std::optional<Diagnostic> diagnostic;  // Warning: the loader's warning, with its position
};

const char* noteKindName(PreviewNote::Kind kind);

// The preview of one job.
struct JobPreview {
    const Job* job = nullptr;
    std::vector<FireTime> nextRuns;
    std::vector<PreviewNote> notes;
};

// The next `count` fire times strictly after `from`, with every DST effect met on the way.
JobPreview previewJob(const Job& job, SysSeconds from, int count);

}  // namespace chief
