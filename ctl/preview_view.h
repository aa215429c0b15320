#pragma once
// PreviewView: one job's preview as the text printer reads it, typed. Offline it is filled from
// the core's JobPreview directly; from chiefd, from the PreviewJobs document (the same fields as
// `preview --json`'s "jobs"). One printer for both, with no JSON step offline (the JSON round trip
// doubled the time of a 10,000-job offline preview).

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chief/schedule_preview.h"
#include "chief/time_types.h"

namespace chief::ctl {

// A fire time as the wall clock of its zone shows it.
struct PreviewRun {
    LocalSeconds local{};
    Seconds offset{0};
    std::string unreadable;  // from chiefd: a value that is not an ISO time with offset, shown as is
};

struct PreviewScriptView {
    std::vector<std::string> interpreter;
    std::string path;
    std::vector<std::string> args;
    long long timeoutSeconds = 0;
};

struct PreviewNoteView {
    bool dst = false;  // a DST note, shown with "DST: "
    std::string message;
};

struct PreviewView {
    std::string name;
    bool enabled = true;
    std::string description;
    std::string timezone;
    std::string mode;
    std::string cron;   // empty: no cron form
    std::string guard;  // empty: no guard
    std::string start;  // ISO-8601 in the job's zone; empty: unbounded
    std::string end;
    std::vector<std::string> exclude;
    std::string overlap;
    bool stopOnFailure = true;
    std::string workingDir;
    std::vector<PreviewScriptView> scripts;
    std::vector<PreviewRun> nextRuns;
    std::vector<PreviewNoteView> notes;
};

PreviewView previewViewOf(const JobPreview& preview);
// Fields of the wrong type read as empty, as the printer always treated them.
PreviewView previewViewFromJson(const nlohmann::json& job);

}  // namespace chief::ctl
