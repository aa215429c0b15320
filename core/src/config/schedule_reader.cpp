#include "config/schedule_reader.h"

#include <algorithm>
#include <map>

#include "chief/display_text.h"
#include "chief/key_suggester.h"
#include "chief/schedule_fields.h"
#include "chief/time_format.h"

namespace chief::config {

namespace {

const Keys kScheduleKeys = {"frequency", "time",  "weekdays_only", "day",         "day_of_month", "ordinal",
                            "month",     "every", "minute",        "hour",        "day_of_week",  "day_match",
                            "timezone",  "start", "end",           "exclude"};
const Keys kFrequencies = {"daily", "weekly", "monthly", "yearly", "interval", "custom"};
const Keys kModifierKeys = {"frequency", "timezone", "start", "end", "exclude"};

// The keys each frequency uses, beyond the modifiers every frequency accepts.
Keys keysOf(Frequency frequency) {
    switch (frequency) {
        case Frequency::Daily: return {"time", "weekdays_only"};
        case Frequency::Weekly: return {"day", "time"};
        case Frequency::Monthly: return {"day_of_month", "ordinal", "day", "time"};
        case Frequency::Yearly: return {"month", "day_of_month", "time"};
        case Frequency::Interval: return {"every"};
        case Frequency::Custom: return {"minute", "hour", "day_of_month", "month", "day_of_week", "day_match"};
    }
    return {};
}

// One schedule mapping, read against the shared field reader (whose zone cache spans the load).
class ScheduleMappingReader {
public:
    explicit ScheduleMappingReader(YamlFieldReader& fields) : fields_(fields) {}

    std::optional<CompiledSchedule> read(const Entry& entry, const std::string& path, const std::string& jobName,
                                         ZoneHandle zone, bool zoneOk) {
        static const std::map<std::string_view, std::string> hints = {
            {"scripts", "it belongs to the job, not the schedule"},
            {"name", "it belongs to the job, not the schedule"},
            {"overlap", "it belongs to the job, not the schedule"},
            {"weekday", "use \"day\" (weekly) or \"day_of_week\" (custom)"},
            {"days", "use \"day\""}};
        auto mapping = fields_.readMapping(entry, path, kScheduleKeys, hints);
        if (!mapping) return std::nullopt;
        const MappingReader& map = *mapping;
        const std::size_t errorsBefore = fields_.errorCount();
        ScheduleSpec spec;

        const Entry* frequencyEntry = map.find("frequency");
        if (!frequencyEntry) {
            fields_.sink().error(map.position(), path + ".frequency",
                        "\"frequency\" is required (one of daily, weekly, monthly, yearly, interval, custom)");
            return std::nullopt;
        }
        auto frequencyText = fields_.readString(*frequencyEntry, path + ".frequency");
        if (!frequencyText) return std::nullopt;
        const auto frequency = frequencyFromName(*frequencyText);
        if (!frequency) {
            std::string message = "invalid frequency " + inQuotes(*frequencyText) +
                                  ": expected one of daily, weekly, monthly, yearly, interval, custom";
            if (auto s = suggestClosest(*frequencyText, kFrequencies)) message += " (did you mean " + inQuotes(*s) + "?)";
            fields_.error(*frequencyEntry, path + ".frequency", message);
            return std::nullopt;
        }
        spec.frequency = *frequency;
        const std::string freqName = frequencyName(spec.frequency);

        // Keys that belong to another frequency are conflicts, not typos.
        const Keys own = keysOf(spec.frequency);
        for (const Entry& e : map.entries()) {
            if (!contains(kScheduleKeys, e.key) || contains(kModifierKeys, e.key) || contains(own, e.key)) continue;
            if (spec.frequency == Frequency::Interval && e.key == "time")
                fields_.sink().error(e.keyPosition, map.childPath(e.key), "interval mode cannot include \"time\"");
            else if (e.key == "day_match")
                fields_.sink().error(e.keyPosition, map.childPath(e.key),
                            "\"day_match\" is only for frequency \"custom\" (it says whether day_of_month and "
                            "day_of_week must both match), not " + inQuotes(freqName));
            else
                fields_.sink().error(e.keyPosition, map.childPath(e.key),
                            inQuotes(e.key) + " is not allowed with frequency " + inQuotes(freqName));
        }

        if (const Entry* e = map.find("timezone")) {
            zone = fields_.readZone(*e, path + ".timezone");
            zoneOk = zone != nullptr;
        }
        switch (spec.frequency) {
            case Frequency::Daily:
                readTime(map, path, freqName, spec);
                if (const Entry* e = map.find("weekdays_only"))
                    if (auto v = fields_.readBool(*e, path + ".weekdays_only")) spec.weekdaysOnly = *v;
                break;
            case Frequency::Weekly:
                if (const Entry* e = map.find("day")) {
                    if (auto days = readWeekdayList(*e, path + ".day")) spec.weekdays = *days;
                } else {
                    fields_.sink().error(map.position(), path + ".day", "\"weekly\" requires \"day\" (for example monday or monday-friday)");
                }
                readTime(map, path, freqName, spec);
                break;
            case Frequency::Monthly: readMonthly(map, path, spec); break;
            case Frequency::Yearly: readYearly(map, path, spec); break;
            case Frequency::Interval:
                if (const Entry* e = map.find("every")) {
                    if (auto text = fields_.readString(*e, path + ".every")) {
                        auto minutes = parseInterval(*text);
                        if (minutes) {
                            spec.everyMinutes = minutes.value();
                            spec.every = *text;
                        } else {
                            fields_.error(*e, path + ".every", minutes.error());
                        }
                    }
                } else {
                    fields_.sink().error(map.position(), path + ".every", "\"interval\" requires \"every\" (for example 5m, 2h or 1d)");
                }
                break;
            case Frequency::Custom: readCustom(map, path, spec); break;
        }

        if (!zoneOk || !zone) return std::nullopt;
        spec.zone = zone;
        readBounds(map, path, spec);
        if (fields_.errorCount() != errorsBefore) return std::nullopt;

        CompiledSchedule compiled = compileSchedule(spec);
        if (spec.start || spec.end) {
            const SysSeconds from = spec.start ? *spec.start - Seconds{1} : SysSeconds{Seconds{0}};
            if (!nextFireAfter(compiled.schedule, from))
                scheduleWarning(compiled, map.position(), path,
                                "no run falls between \"start\" and \"end\"; this job will never run");
        }
        if (spec.frequency == Frequency::Custom && !spec.dayMatch && !spec.dayOfMonthField.wildcard &&
            !spec.dayOfWeek.wildcard) {
            // The schedule that changes meaning silently on the way from cron or chief.py: say both
            // readings, and how to choose one (which also silences this warning).
            ScheduleSpec cronReading = spec;
            cronReading.dayMatch = DayMatch::Any;
            scheduleWarning(compiled, map.position(), path,
                            "job " + inQuotes(jobName) +
                                " restricts both day_of_month and day_of_week, which cron and chief.py read "
                                "differently: Chief runs it " + compiled.description +
                                " (both must match), cron and chief.py " + compileSchedule(cronReading).description +
                                " (either may match); add day_match: all to keep Chief's reading or day_match: any "
                                "for cron's");
        }
        return compiled;
    }

    // A warning about a schedule: reported now, and kept with it so preview can show it again.
    void scheduleWarning(CompiledSchedule& compiled, SourcePosition position, const std::string& path,
                         const std::string& message) {
        fields_.sink().warning(position, path, message);
        compiled.warnings.push_back({Severity::Warning, fields_.sink().file(), position, path, message});
    }

    static std::optional<Frequency> frequencyFromName(const std::string& name) {
        if (name == "daily") return Frequency::Daily;
        if (name == "weekly") return Frequency::Weekly;
        if (name == "monthly") return Frequency::Monthly;
        if (name == "yearly") return Frequency::Yearly;
        if (name == "interval") return Frequency::Interval;
        if (name == "custom") return Frequency::Custom;
        return std::nullopt;
    }

    void readTime(const MappingReader& map, const std::string& path, const std::string& freqName, ScheduleSpec& spec) {
        const Entry* e = map.find("time");
        if (!e) {
            fields_.sink().error(map.position(), path + ".time", inQuotes(freqName) + " requires \"time\" (HH:MM, 24-hour)");
            return;
        }
        if (!e->value.isScalar()) {
            fields_.error(*e, path + ".time", "expected a time as \"HH:MM\", got " + describeNode(e->value));
            return;
        }
        auto time = parseTimeOfDay(e->value.text());
        if (time)
            spec.time = time.value();
        else
            fields_.error(*e, path + ".time", time.error());
    }

    std::optional<std::uint8_t> readWeekdayList(const Entry& entry, const std::string& path) {
        if (entry.value.isScalar()) {
            auto days = parseWeekdays(entry.value.text());
            if (!days) {
                fields_.error(entry, path, days.error());
                return std::nullopt;
            }
            return days.value();
        }
        if (!entry.value.isSequence()) {
            fields_.error(entry, path, "expected a weekday or a list of weekdays, got " + describeNode(entry.value));
            return std::nullopt;
        }
        if (entry.value.size() == 0) {
            fields_.error(entry, path, "the list of days is empty");
            return std::nullopt;
        }
        std::uint8_t bits = 0;
        bool ok = true;
        std::size_t index = 0;
        for (const YamlNode& item : entry.value.items()) {
            const std::string itemPath = path + "[" + std::to_string(index++) + "]";
            if (!item.isScalar()) {
                fields_.sink().error(positionOf(item), itemPath, "expected a weekday, got " + describeNode(item));
                ok = false;
                continue;
            }
            auto days = parseWeekdays(item.text());
            if (!days) {
                fields_.sink().error(positionOf(item), itemPath, days.error());
                ok = false;
                continue;
            }
            bits |= days.value();
        }
        if (!ok) return std::nullopt;
        return bits;
    }

    // 1-31, or 0 for "last" (the last day of the month; monthly and yearly).
    std::optional<int> readDayOfMonth(const Entry& entry, const std::string& path) {
        if (entry.value.isScalar()) {
            const std::string_view text = entry.value.text();
            if (text == "last" || text == "Last" || text == "LAST") return 0;
            if (text == "L") {
                fields_.error(entry, path, "invalid day_of_month \"L\": write last for the last day of the month (L is the "
                                   "spelling of custom's day_of_month)");
                return std::nullopt;
            }
        }
        auto value = fields_.readInt(entry, path, 1, "day_of_month must be between 1 and 31");
        if (!value) return std::nullopt;
        if (*value > 31) {
            fields_.error(entry, path, "day_of_month must be between 1 and 31");
            return std::nullopt;
        }
        return static_cast<int>(*value);
    }

    void readMonthly(const MappingReader& map, const std::string& path, ScheduleSpec& spec) {
        static const std::string kEither = "\"monthly\" requires either \"day_of_month\" or \"ordinal + day\".";
        const Entry* dom = map.find("day_of_month");
        const Entry* ordinal = map.find("ordinal");
        const Entry* day = map.find("day");
        if (dom && (ordinal || day)) {
            const Entry& conflict = ordinal ? *ordinal : *day;
            fields_.sink().error(conflict.keyPosition, map.childPath(conflict.key),
                        "\"monthly\" takes either \"day_of_month\" or \"ordinal + day\", not both");
        } else if (dom) {
            if (auto d = readDayOfMonth(*dom, path + ".day_of_month")) {
                spec.dayOfMonth = *d;
                spec.lastDayOfMonth = *d == 0;
            }
        } else if (ordinal && day) {
            if (auto text = fields_.readString(*ordinal, path + ".ordinal")) {
                auto o = parseOrdinal(*text);
                if (o)
                    spec.ordinal = o.value();
                else
                    fields_.error(*ordinal, path + ".ordinal", o.error());
            }
            if (day->value.isSequence()) {
                fields_.error(*day, path + ".day", "with \"ordinal\", \"day\" must be a single weekday such as friday");
            } else if (auto text = fields_.readString(*day, path + ".day")) {
                auto wd = parseWeekdayName(*text);
                if (wd)
                    spec.weekdays = static_cast<std::uint8_t>(1U << wd.value());
                else
                    fields_.error(*day, path + ".day",
                          text->find_first_of(",-") != std::string::npos
                              ? "with \"ordinal\", \"day\" must be a single weekday such as friday"
                              : wd.error());
            }
        } else {
            const SourcePosition where = ordinal ? ordinal->keyPosition : day ? day->keyPosition : map.position();
            fields_.sink().error(where, path, kEither);
        }
        readTime(map, path, "monthly", spec);
    }

    void readYearly(const MappingReader& map, const std::string& path, ScheduleSpec& spec) {
        const Entry* month = map.find("month");
        const Entry* dom = map.find("day_of_month");
        if (!month) fields_.sink().error(map.position(), path + ".month", "\"yearly\" requires \"month\" (a name such as january, or 1-12)");
        if (!dom) fields_.sink().error(map.position(), path + ".day_of_month", "\"yearly\" requires \"day_of_month\"");
        if (month) {
            if (auto text = fields_.readString(*month, path + ".month")) {
                auto m = parseMonth(*text);
                if (m)
                    spec.month = m.value();
                else
                    fields_.error(*month, path + ".month", m.error());
            }
        }
        if (dom) {
            if (auto d = readDayOfMonth(*dom, path + ".day_of_month")) {
                spec.dayOfMonth = *d;
                spec.lastDayOfMonth = *d == 0;
                static constexpr int kMaxDays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
                static constexpr const char* kNames[13] = {"",     "January", "February", "March",     "April",
                                                           "May",  "June",    "July",     "August",    "September",
                                                           "October", "November", "December"};
                if (spec.month > 0 && *d > kMaxDays[spec.month])
                    fields_.error(*dom, path + ".day_of_month",
                          std::string(kNames[spec.month]) + " has at most " + std::to_string(kMaxDays[spec.month]) +
                              " days, so day " + std::to_string(*d) + " never comes");
            }
        }
        readTime(map, path, "yearly", spec);
    }

    void readCustom(const MappingReader& map, const std::string& path, ScheduleSpec& spec) {
        struct FieldSlot {
            const char* key;
            CronFieldKind kind;
            CronField* field;
            std::uint64_t all;
        };
        const FieldSlot slots[] = {
            {"minute", CronFieldKind::Minute, &spec.minute, (std::uint64_t{1} << 60) - 1},
            {"hour", CronFieldKind::Hour, &spec.hour, (std::uint64_t{1} << 24) - 1},
            {"day_of_month", CronFieldKind::DayOfMonth, &spec.dayOfMonthField, ((std::uint64_t{1} << 32) - 1) & ~std::uint64_t{1}},
            {"month", CronFieldKind::Month, &spec.monthField, ((std::uint64_t{1} << 13) - 1) & ~std::uint64_t{1}},
            {"day_of_week", CronFieldKind::DayOfWeek, &spec.dayOfWeek, (std::uint64_t{1} << 7) - 1},
        };
        bool any = false;
        const std::size_t errorsBefore = fields_.errorCount();
        for (const FieldSlot& slot : slots) {
            slot.field->bits = slot.all;
            slot.field->wildcard = true;
            const Entry* e = map.find(slot.key);
            if (!e) continue;
            any = true;
            const std::string fp = path + "." + slot.key;
            std::string text;
            if (e->value.isScalar()) {
                text = std::string(e->value.text());
            } else if (auto items = fields_.readScalarList(*e, fp)) {
                if (items->empty()) {
                    fields_.error(*e, fp, std::string(slot.key) + " list is empty");
                    continue;
                }
                for (const std::string& item : *items) text += (text.empty() ? "" : ",") + item;
            } else {
                continue;
            }
            auto bits = parseCronField(text, slot.kind);
            if (!bits) {
                fields_.error(*e, fp, bits.error());
                continue;
            }
            // "0-59" restricts nothing, like "*"; so does "*,L".
            const std::uint64_t value = (bits.value() & slot.all) == slot.all ? slot.all : bits.value();
            slot.field->bits = value;
            slot.field->wildcard = value == slot.all;
        }
        if (const Entry* e = map.find("day_match")) {
            if (auto text = fields_.readString(*e, path + ".day_match")) {
                if (*text == "all") {
                    spec.dayMatch = DayMatch::All;
                } else if (*text == "any") {
                    spec.dayMatch = DayMatch::Any;
                } else {
                    static const Keys matches = {"all", "any"};
                    std::string message = "invalid day_match " + inQuotes(*text) +
                                          ": expected all (day_of_month and day_of_week must both match; the default) "
                                          "or any (either may match, as in cron)";
                    if (auto suggestion = suggestClosest(*text, matches))
                        message += " (did you mean " + inQuotes(*suggestion) + "?)";
                    fields_.error(*e, path + ".day_match", message);
                }
            }
        }
        if (!any) {
            fields_.sink().error(map.position(), path,
                        "\"custom\" requires at least one of minute, hour, day_of_month, month, day_of_week");
            return;
        }
        // A day that no selected month has (e.g. day 30 in February only) never comes.
        static constexpr int kMaxDays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        // Every month has a last day; and under day_match: any a restricted day_of_week runs by itself.
        bool possible = (spec.dayOfMonthField.bits & kLastDayOfMonthBit) != 0 ||
                        (spec.dayMatch == DayMatch::Any && !spec.dayOfWeek.wildcard && !spec.dayOfMonthField.wildcard);
        for (int m = 1; m <= 12 && !possible; ++m) {
            if (!(spec.monthField.bits >> m & 1U)) continue;
            for (int d = 1; d <= kMaxDays[m]; ++d)
                if (spec.dayOfMonthField.bits >> d & 1U) possible = true;
        }
        if (!possible && fields_.errorCount() == errorsBefore) {
            // Only a restricted day_of_month can rule out every month, so point at it.
            const Entry* dom = map.find("day_of_month");
            fields_.sink().error(dom ? dom->valuePosition : map.position(), dom ? path + ".day_of_month" : path,
                        "this schedule can never fire: none of the selected months has any of the selected days");
        }
    }

    void readBounds(const MappingReader& map, const std::string& path, ScheduleSpec& spec) {
        const ZoneRules& zone = *spec.zone;
        const Entry* start = map.find("start");
        const Entry* end = map.find("end");
        if (start) {
            if (auto text = fields_.readString(*start, path + ".start")) {
                auto parsed = parseDateTime(*text);
                if (!parsed) {
                    fields_.error(*start, path + ".start", "invalid start " + inQuotes(*text) + ": " + parsed.error());
                } else {
                    spec.start = resolveDateTime(parsed.value(), zone);
                    spec.startLocal = parsed.value().offset ? zone.toLocal(*spec.start) : parsed.value().local;
                }
            }
        }
        if (end) {
            if (auto text = fields_.readString(*end, path + ".end")) {
                auto parsed = parseDateTime(*text);
                if (!parsed) {
                    fields_.error(*end, path + ".end", "invalid end " + inQuotes(*text) + ": " + parsed.error());
                } else if (parsed.value().dateOnly) {
                    // A bare date as "end" means through the end of that day.
                    ParsedDateTime nextDay = parsed.value();
                    nextDay.local += date::days{1};
                    spec.end = resolveDateTime(nextDay, zone) - Seconds{1};
                } else {
                    spec.end = resolveDateTime(parsed.value(), zone);
                }
            }
        }
        if (spec.start && spec.end && *spec.start > *spec.end)
            fields_.error(*start, path + ".start",
                  "\"start\" (" + formatIsoInZone(*spec.start, zone) + ") is after \"end\" (" +
                      formatIsoInZone(*spec.end, zone) + ")");
        if (const Entry* e = map.find("exclude")) {
            std::optional<std::vector<std::string>> items;
            if (e->value.isScalar())
                items = std::vector<std::string>{std::string(e->value.text())};
            else
                items = fields_.readScalarList(*e, path + ".exclude");
            if (items) {
                std::size_t index = 0;
                for (const std::string& item : *items) {
                    auto day = parseDate(item);
                    if (day) {
                        spec.exclude.push_back(day.value());
                    } else {
                        const YamlNode node = e->value.isSequence() ? e->value.item(index) : e->value;
                        SourcePosition where = positionOf(node);
                        if (where.line == 0) where = e->valuePosition;
                        fields_.sink().error(where, path + ".exclude" + (e->value.isSequence() ? "[" + std::to_string(index) + "]" : ""),
                                    "invalid date " + inQuotes(item) + ": " + day.error());
                    }
                    ++index;
                }
                std::sort(spec.exclude.begin(), spec.exclude.end());
                spec.exclude.erase(std::unique(spec.exclude.begin(), spec.exclude.end()), spec.exclude.end());
            }
        }
    }

private:
    YamlFieldReader& fields_;
};

}  // namespace

const Keys& scheduleKeys() { return kScheduleKeys; }

std::optional<CompiledSchedule> readSchedule(YamlFieldReader& fields, const Entry& entry, const std::string& path,
                                             const std::string& jobName, ZoneHandle zone, bool zoneOk) {
    return ScheduleMappingReader(fields).read(entry, path, jobName, std::move(zone), zoneOk);
}

}  // namespace chief::config
