#pragma once
// The schedule language of chief.yaml: reads a job's `schedule:` mapping (every frequency, its
// keys and conflicts, bounds and exclusions), compiles it, and reports each problem at its field.
// Private to chief_core: used by the config loader.

#include <optional>
#include <string>

#include "chief/schedule_compiler.h"
#include "config/yaml_field_reader.h"

namespace chief::config {

// Every key a `schedule:` mapping may hold (the loader points misplaced ones here).
const Keys& scheduleKeys();

// The compiled schedule, or nullopt after reporting why. `zone` is the job's (or the defaults')
// zone, which a `schedule.timezone` overrides; `zoneOk` false when that zone was already refused.
std::optional<CompiledSchedule> readSchedule(YamlFieldReader& fields, const Entry& entry, const std::string& path,
                                             const std::string& jobName, ZoneHandle zone, bool zoneOk);

}  // namespace chief::config
