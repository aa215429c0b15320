#include "chief/config_model.h"

#include <nlohmann/json.hpp>

#include "chief/time_format.h"

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

std::string jobDefinitionKey(const Job& job) {
    nlohmann::json scripts = nlohmann::json::array();
    for (const Script& s : job.scripts)
        scripts.push_back({s.resolvedPath, s.args, s.interpreter, s.timeoutSeconds});
    const CompiledSchedule& c = job.schedule;
    const ScheduleBounds& b = c.schedule.bounds;
    nlohmann::json excluded = nlohmann::json::array();
    for (LocalDays d : b.excludedDates) excluded.push_back(formatDate(d));
    nlohmann::json rule;
    if (const auto* cal = std::get_if<CalendarRule>(&c.schedule.rule)) {
        rule = {cal->minutes, cal->hours, cal->daysOfMonth, cal->months, cal->weekdays,
                cal->ordinal ? static_cast<int>(cal->ordinal->ordinal) * 10 + cal->ordinal->weekday : -1, cal->dayMatchAny};
    } else {
        const auto& interval = std::get<IntervalRule>(c.schedule.rule);
        rule = {interval.everyMinutes, interval.anchorMinute};
    }
    const nlohmann::json key = {
        job.name, job.enabled, job.workingDir, job.stopOnFailure, static_cast<int>(job.overlap), job.timezone, rule,
        b.start ? b.start->time_since_epoch().count() : -1, b.end ? b.end->time_since_epoch().count() : -1, excluded,
        scripts, job.environment, job.user, job.group, job.killGraceSeconds, job.monitor.enabled, job.monitor.endpoint,
        job.monitor.apiKey, job.monitor.check.enabled, job.monitor.check.graceSeconds, job.monitor.check.alertOnFailure,
        job.monitor.check.alertOnMiss, job.description};
    // CBOR, not dump(): paths may hold bytes that are not UTF-8 (dump() throws on them, which
    // stopped chiefd at start), and the key must keep every byte to tell two paths apart.
    const std::vector<std::uint8_t> bytes = nlohmann::json::to_cbor(key);
    return std::string(bytes.begin(), bytes.end());
}

}  // namespace chief
