#include "emit_command.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ostream>

#include "chief/display_text.h"
#include "chief/json_text.h"
#include "chief/worker_environment.h"
#include "exit_codes.h"

namespace chief::ctl {

namespace {

using telemetry::EventLevel;

const char* const kUsage = "chiefctl emit [--strict] [--timeout-ms N] LEVEL MESSAGE [KEY=VALUE ...]";

std::string lowercase(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
}

std::optional<EventLevel> levelFromName(std::string_view name) {
    const std::string lower = lowercase(name);
    if (lower == "debug") return EventLevel::Debug;
    if (lower == "info") return EventLevel::Info;
    if (lower == "warn") return EventLevel::Warn;
    if (lower == "error") return EventLevel::Error;
    if (lower == "critical") return EventLevel::Critical;
    return std::nullopt;
}

bool blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

bool hasControlCharacter(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

// A whole number of milliseconds in [1, kMaxEmitTimeout]; nullopt for anything else.
std::optional<std::chrono::milliseconds> timeoutFrom(std::string_view text) {
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < 1 || value > kMaxEmitTimeout.count())
        return std::nullopt;
    return std::chrono::milliseconds{value};
}

// Text for a JSON string: the monitor cannot store bytes that are not UTF-8 (and nlohmann
// would throw writing them), and a worker's message may quote any file.
std::string jsonSafe(std::string_view text) { return escapeInvalidUtf8(text); }

std::optional<std::string> jsonSafeIfSet(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    return jsonSafe(*text);
}

}  // namespace

Result<EmitRequest> parseEmitArguments(const std::vector<std::string>& args) {
    EmitRequest request;
    std::vector<std::string> positional;
    bool optionsEnded = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (optionsEnded || arg == "-" || !arg.starts_with("-")) {
            positional.push_back(arg);
        } else if (arg == "--") {
            optionsEnded = true;
        } else if (arg == "-h" || arg == "--help") {
            request.help = true;
            return request;
        } else if (arg == "--strict") {
            request.strict = true;
        } else if (arg == "--no-pager") {
            // Accepted as by every chiefctl command, so that a wrapper may always pass it; emit's
            // one warning line never goes through a pager.
        } else if (arg == "--timeout-ms" || arg.starts_with("--timeout-ms=")) {
            std::string value;
            if (arg.size() > std::string_view("--timeout-ms").size()) {
                value = arg.substr(arg.find('=') + 1);
            } else {
                if (i + 1 >= args.size()) return makeError("--timeout-ms needs a value");
                value = args[++i];
            }
            request.timeout = timeoutFrom(value);
            if (!request.timeout)
                return makeError("--timeout-ms must be a whole number of milliseconds from 1 to " +
                                 std::to_string(kMaxEmitTimeout.count()) + ", got " + quoteForMessage(value));
        } else {
            return makeError("unknown option " + quoteForMessage(arg) + " (a MESSAGE that starts with '-' goes after --)");
        }
    }
    if (positional.size() < 2) return makeError(std::string("emit needs a level and a message: ") + kUsage);
    const auto level = levelFromName(positional[0]);
    if (!level)
        return makeError("LEVEL must be one of debug, info, warn, error, critical, got " + quoteForMessage(positional[0]));
    request.level = *level;
    if (blank(positional[1])) return makeError("MESSAGE must not be empty");
    request.message = jsonSafe(positional[1]);
    for (std::size_t i = 2; i < positional.size(); ++i) {
        const std::string& pair = positional[i];
        const auto eq = pair.find('=');
        if (eq == std::string::npos)
            return makeError("metadata must be KEY=VALUE, got " + quoteForMessage(pair) +
                             " (quote a MESSAGE of several words: chiefctl emit info \"two words\")");
        if (eq == 0) return makeError("metadata " + quoteForMessage(pair) + " has no key before the '='");
        const std::string key = jsonSafe(pair.substr(0, eq));
        if (request.metadata.contains(key)) return makeError("metadata key " + quoteForMessage(key) + " is given twice");
        request.metadata[key] = jsonSafe(pair.substr(eq + 1));
    }
    return request;
}

WorkerContext readWorkerContext(const std::function<std::optional<std::string>(const char*)>& lookup) {
    auto read = [&lookup](std::string_view name) -> std::optional<std::string> {
        auto value = lookup(std::string(name).c_str());
        if (!value || value->empty()) return std::nullopt;
        return value;
    };
    WorkerContext context;
    context.endpoint = read(worker_env::kMonitorEndpoint);
    context.apiKey = read(worker_env::kMonitorApiKey);
    context.runId = read(worker_env::kRunId);
    context.jobName = read(worker_env::kJobName);
    context.scriptPath = read(worker_env::kScriptPath);
    context.scheduledFor = read(worker_env::kScheduledFor);
    context.timeoutMs = read(kMonitorTimeoutVariable);
    return context;
}

Result<telemetry::TelemetryEvent> buildWorkerMessage(const EmitRequest& request, const WorkerContext& context,
                                                     const EmitStamp& stamp) {
    telemetry::TelemetryEvent event;
    event.sourceType = telemetry::SourceType::Worker;
    event.eventType = std::string(telemetry::event_type::kWorkerMessage);
    event.level = request.level;
    event.message = request.message;
    event.eventAt = stamp.now;
    event.runId = jsonSafeIfSet(context.runId);
    event.jobName = jsonSafeIfSet(context.jobName);
    event.scriptPath = jsonSafeIfSet(context.scriptPath);
    // Left out when unreadable, as the Python helper does: a worker run by hand with a stray
    // value should still be heard.
    if (context.scheduledFor)
        if (auto scheduled = telemetry::parseEventTime(*context.scheduledFor)) event.scheduledFor = scheduled.value();
    if (!request.metadata.empty()) event.metadata = request.metadata;
    event.eventId = stamp.eventId;
    if (!stamp.host.empty()) event.host = jsonSafe(stamp.host);

    // The monitor's own check, so that what it would refuse is refused here, with its words.
    const telemetry::ParsedTelemetryEvent checked = telemetry::parseTelemetryEvent(telemetry::toJson(event));
    if (!checked.ok()) {
        std::string problems;
        for (const telemetry::FieldError& e : checked.errors) {
            if (!problems.empty()) problems += "; ";
            problems += (e.field.empty() ? std::string() : e.field + ": ") + e.message;
        }
        return makeError("the monitor would refuse this event (" + problems + ")");
    }
    return event;
}

int runEmit(const EmitRequest& request, const WorkerContext& context, const EmitStamp& stamp, EventPoster& poster,
            std::ostream& out, std::ostream& err) {
    if (request.help) {
        out << emitHelpText();
        return kExitOk;
    }
    const auto event = buildWorkerMessage(request, context, stamp);
    if (!event) {
        err << "chiefctl emit: " << escapeForDisplay(event.error()) << "\n";
        return kExitUsage;
    }
    const int notTaken = request.strict ? kExitFailed : kExitOk;
    auto warn = [&err](const std::string& what) { err << "chiefctl emit: warning: " << what << "\n"; };

    if (!context.endpoint) {
        warn(std::string(worker_env::kMonitorEndpoint) +
             " is not set (the job's monitor is off, or this is not a Chief run): event not sent");
        return notTaken;
    }
    std::string base = *context.endpoint;
    if (!base.starts_with("http://") && !base.starts_with("https://")) {
        warn(std::string(worker_env::kMonitorEndpoint) + " " + quoteForMessage(base, kMaxShownPathChars) +
             " is not an http:// or https:// URL: event not sent");
        return notTaken;
    }
    if (context.apiKey && hasControlCharacter(*context.apiKey)) {
        warn(std::string(worker_env::kMonitorApiKey) + " holds control characters: event not sent");
        return notTaken;
    }
    while (base.ends_with('/')) base.pop_back();

    std::chrono::milliseconds timeout = kDefaultEmitTimeout;
    if (request.timeout) timeout = *request.timeout;
    else if (context.timeoutMs)
        if (auto fromVariable = timeoutFrom(*context.timeoutMs)) timeout = *fromVariable;

    const EventPost post{base + "/v1/events", context.apiKey, jsonText(telemetry::toJson(event.value())), timeout};
    const auto answer = poster.post(post);
    const std::string where = "the monitor at " + quoteForMessage(post.url, kMaxShownPathChars);
    if (!answer) {
        warn(where + " did not take the event: " + escapeForDisplay(answer.error()));
        return notTaken;
    }
    if (answer.value().status < 200 || answer.value().status > 299) {
        warn(where + " refused the event (HTTP " + std::to_string(answer.value().status) + ")");
        return notTaken;
    }
    return kExitOk;
}

std::string emitHelpText() {
    return R"(Usage: chiefctl emit [--strict] [--timeout-ms N] LEVEL MESSAGE [KEY=VALUE ...]

Send a worker.message event to Chief's monitor from a job's script: a shell worker's
counterpart of the Python helper's monitor.info(...). The run's correlation fields (run id,
job, script path, scheduled time) come from the CHIEF_* variables chiefd gives the script;
the monitor is CHIEF_MONITOR_ENDPOINT (POST /v1/events), with CHIEF_MONITOR_API_KEY as
x-api-key when set. No D-Bus and no chiefd are needed.

  LEVEL                    debug, info, warn, error or critical (any case).
  MESSAGE                  The message (one argument: quote it). After -- it may start with '-'.
  KEY=VALUE                Metadata, as strings; each KEY once.
  --strict                 Exit 1 when the monitor did not take the event.
  --timeout-ms N           Wait at most N ms for the monitor (1 to 60000; default: the
                           CHIEF_MONITOR_TIMEOUT_MS variable, else 400).
  --no-pager               Accepted, as by every chiefctl command (emit never pages).
  -h, --help               Show this help.

Telemetry never fails a job: when the monitor is off for the job (no CHIEF_MONITOR_ENDPOINT),
unreachable, slow or refuses the event, emit prints one warning line on stderr and exits 0.
The message is at most 16 KiB, the metadata at most 64 KiB as JSON.

Exit status:
  0  the event was taken, or (without --strict) it was not
  1  --strict, and the event was not taken (no endpoint, no answer in time, not a 2xx answer)
  2  usage error: unknown level or option, empty message, bad KEY=VALUE, an event too large

Example:
  chiefctl emit warn "high latency" duration_ms=1800 endpoint=api-x
)";
}

}  // namespace chief::ctl
