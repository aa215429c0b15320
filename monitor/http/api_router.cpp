#include "monitor/http/api_router.h"

#include <cstdint>

#include "monitor/core/api_key.h"
#include "monitor/core/ingest_body.h"
#include "monitor/core/message_ids.h"
#include "monitor/core/query_string.h"
#include "monitor/service/api_json.h"

namespace chief::monitor {

namespace {

using nlohmann::json;

constexpr std::int64_t kDefaultLimit = 100;
constexpr std::int64_t kMaxLimit = 1000;
constexpr std::int64_t kMaxOffset = 1000000;
constexpr std::size_t kMaxCloseReason = 200;

HttpReply jsonReply(int status, const json& body) {
    HttpReply reply;
    reply.status = status;
    reply.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    reply.headers.emplace_back("Cache-Control", "no-store");
    return reply;
}

HttpReply errorWith(int status, std::string message, json extra) {
    json body = {{"error", std::move(message)}};
    for (auto& [key, value] : extra.items()) body[key] = value;
    return jsonReply(status, body);
}

json fieldErrors(const std::string& field, const std::string& message) {
    return {{"details", {{"fieldErrors", {{field, json::array({message})}}}, {"formErrors", json::array()}}}};
}

// A query parameter that must be one of an enum's names, or absent.
template <typename Enum, typename Parse>
std::optional<Enum> enumParam(const RequestTarget& target, const char* name, Parse parse, const char* expected,
                              std::optional<HttpReply>& error) {
    const auto text = target.param(name);
    if (!text || text->empty()) return std::nullopt;
    if (const auto value = parse(*text)) return *value;
    error = errorWith(400, "Invalid query", fieldErrors(name, std::string("expected one of ") + expected));
    return std::nullopt;
}

std::optional<EventTime> timeParam(const RequestTarget& target, const char* name, std::optional<HttpReply>& error) {
    const auto text = target.param(name);
    if (!text || text->empty()) return std::nullopt;
    Result<EventTime> parsed = telemetry::parseEventTime(*text);
    if (!parsed) {
        error = errorWith(400, "Invalid query", fieldErrors(name, parsed.error()));
        return std::nullopt;
    }
    return parsed.value();
}

std::optional<std::string> textParam(const RequestTarget& target, const char* name) {
    auto text = target.param(name);
    if (text && text->empty()) return std::nullopt;
    return text;
}

bool needsKey(std::string_view method, const std::string& path) {
    if (path == "/metrics") return true;
    if (path.rfind("/v1/", 0) != 0 && path != "/v1") return false;
    return !(path == "/v1/health" && (method == "GET" || method == "HEAD"));
}

HttpReply methodNotAllowed(const char* allow) {
    HttpReply reply = errorReply(405, "Method not allowed");
    reply.headers.emplace_back("Allow", allow);
    return reply;
}

}  // namespace

ApiRouter::ApiRouter(MonitorService& service, service::Logger& logger, RouterOptions options, std::span<const StaticAsset> assets)
    : service_(service), logger_(logger), options_(std::move(options)), assets_(assets) {}

PreparedRequest ApiRouter::prepare(const HttpRequestView& request) const {
    PreparedRequest prepared;
    prepared.received = std::chrono::steady_clock::now();
    auto target = parseRequestTarget(request.target);
    if (!target) {
        prepared.reply = errorWith(400, "Malformed request target", json::object());
        return prepared;
    }
    const std::string& path = target->path;
    const std::string_view method = request.method;
    const bool get = method == "GET" || method == "HEAD";
    if (!options_.apiKey.empty() && needsKey(method, path) &&
        !(request.apiKey && apiKeyMatches(*request.apiKey, options_.apiKey))) {
        prepared.reply = errorReply(401, "Unauthorized");
        return prepared;
    }
    // The dashboard's files need no service state.
    if (path != "/metrics" && path.rfind("/v1/", 0) != 0 && path != "/v1") {
        if (auto reply = asset(request, path)) {
            prepared.reply = get ? std::move(*reply) : methodNotAllowed("GET, HEAD");
        } else {
            prepared.reply = errorReply(404, "Not found");
        }
        return prepared;
    }
    // Ingest bodies are read and validated here, off the service's thread.
    const bool single = path == "/v1/events" && method == "POST";
    const bool batch = path == "/v1/events/batch";
    if (single || batch) {
        if (method != "POST") {
            prepared.reply = methodNotAllowed("POST");
            return prepared;
        }
        IngestBody body = batch ? readBatchBody(request.body) : readSingleEventBody(request.body);
        if (!body.ok()) {
            prepared.reply = errorWith(400, body.error->error, {{"details", body.error->details}});
            return prepared;
        }
        prepared.ingest = true;
        prepared.events = std::move(body.events);
        return prepared;
    }
    prepared.method = std::string(method);
    prepared.target = std::move(*target);
    prepared.body = std::string(request.body);
    return prepared;
}

HttpReply ApiRouter::handle(const HttpRequestView& request) { return execute(prepare(request)); }

HttpReply ApiRouter::execute(PreparedRequest&& request) {
    if (request.reply) return std::move(*request.reply);
    if (request.ingest) {
        IngestOutcome outcome;
        try {
            outcome.result = service_.ingest(std::move(request.events));
        } catch (const StoreError& failure) {
            outcome.storeError = failure.what();
        }
        return ingestReply(outcome, request.received);
    }
    try {
        return route(request);
    } catch (const StoreError& failure) {
        logger_.log(service::LogLevel::Error, std::string("Store failed, request refused: ") + failure.what(), {},
                    message_id::kStoreError);
        return errorReply(503, "Storage unavailable; nothing was stored");
    }
}

HttpReply ApiRouter::ingestReply(const IngestOutcome& outcome, std::chrono::steady_clock::time_point received) {
    if (!outcome.result) {
        logger_.log(service::LogLevel::Error, "Store failed, ingest refused: " + outcome.storeError, {}, message_id::kStoreError);
        return errorReply(503, "Storage unavailable; nothing was stored");
    }
    ingestLatency_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count());
    return jsonReply(202, {{"inserted", outcome.result->inserted}, {"dropped", outcome.result->dropped}});
}

HttpReply ApiRouter::route(PreparedRequest& request) {
    const RequestTarget& target = request.target;
    const std::string& path = target.path;
    const std::string_view method = request.method;
    const bool get = method == "GET" || method == "HEAD";

    if (path == "/v1/health") {
        if (!get) return methodNotAllowed("GET, HEAD");
        return jsonReply(200, {{"ok", true}, {"service", "chief-monitor"}, {"now", telemetry::formatEventTime(service_.now())}});
    }
    if (path == "/v1/events") {
        if (!get) return methodNotAllowed("GET, HEAD, POST");
        std::optional<HttpReply> error;
        EventQuery query;
        query.jobName = textParam(target, "jobName");
        query.scriptPath = textParam(target, "scriptPath");
        query.eventType = textParam(target, "eventType");
        query.host = target.param("host");
        query.level = enumParam<telemetry::EventLevel>(target, "level", telemetry::parseEventLevel,
                                                       "DEBUG, INFO, WARN, ERROR, CRITICAL", error);
        query.from = timeParam(target, "from", error);
        query.to = timeParam(target, "to", error);
        if (error) return *error;
        query.limit = pagingValue(target.param("limit"), kDefaultLimit, kMaxLimit);
        query.offset = pagingValue(target.param("offset"), 0, kMaxOffset);
        json events = json::array();
        for (const StoredEvent& event : service_.events(query)) events.push_back(eventJson(event));
        return jsonReply(200, {{"events", std::move(events)}, {"limit", query.limit}, {"offset", query.offset}});
    }
    if (path == "/v1/status/summary") {
        if (!get) return methodNotAllowed("GET, HEAD");
        return jsonReply(200, summaryJson(service_.summary()));
    }
    if (path == "/v1/status/jobs") {
        if (!get) return methodNotAllowed("GET, HEAD");
        return jobs();
    }
    if (path.rfind("/v1/status/jobs/", 0) == 0) {
        if (!get) return methodNotAllowed("GET, HEAD");
        const std::string jobName = path.substr(std::string_view("/v1/status/jobs/").size());
        const auto detail = service_.job(jobName, target.param("host"));
        if (!detail) return errorWith(404, "Job not found in check state", {{"jobName", jobName}});
        return jsonReply(200, jobDetailJson(*detail));
    }
    if (path == "/v1/alerts") {
        if (!get) return methodNotAllowed("GET, HEAD");
        std::optional<HttpReply> error;
        AlertQuery query;
        query.jobName = textParam(target, "jobName");
        query.host = target.param("host");
        query.status = enumParam<AlertStatus>(target, "status", parseAlertStatus, "OPEN, CLOSED", error);
        query.type = enumParam<AlertType>(target, "alertType", parseAlertType,
                                          "FAILURE, MISSED, RECOVERY, RUNNING_TOO_LONG", error);
        query.severity = enumParam<telemetry::EventLevel>(target, "severity", telemetry::parseEventLevel,
                                                          "DEBUG, INFO, WARN, ERROR, CRITICAL", error);
        if (error) return *error;
        query.limit = pagingValue(target.param("limit"), kDefaultLimit, kMaxLimit);
        query.offset = pagingValue(target.param("offset"), 0, kMaxOffset);
        json alerts = json::array();
        for (const Alert& alert : service_.alerts(query)) alerts.push_back(alertJson(alert));
        return jsonReply(200, {{"alerts", std::move(alerts)}, {"limit", query.limit}, {"offset", query.offset}});
    }
    if (path.rfind("/v1/alerts/", 0) == 0) {
        const std::string_view rest = std::string_view(path).substr(std::string_view("/v1/alerts/").size());
        const std::size_t slash = rest.find('/');
        if (slash != std::string_view::npos && rest.substr(slash) == "/close") {
            if (method != "POST") return methodNotAllowed("POST");
            return closeAlert(rest.substr(0, slash), request.body);
        }
        return errorReply(404, "Not found");
    }
    if (path == "/v1/webhooks/deliveries") {
        if (!get) return methodNotAllowed("GET, HEAD");
        std::optional<std::int64_t> alertId;
        if (const auto text = target.param("alertId")) {
            const std::int64_t id = pagingValue(text, 0, INT64_MAX / 2);
            if (id <= 0) return errorReply(400, "alertId must be a positive integer");
            alertId = id;
        }
        const std::int64_t limit = pagingValue(target.param("limit"), kDefaultLimit, kMaxLimit);
        json deliveries = json::array();
        for (const WebhookDelivery& delivery : service_.deliveries(alertId, limit))
            deliveries.push_back(deliveryJson(delivery));
        return jsonReply(200, {{"deliveries", std::move(deliveries)}, {"limit", limit}});
    }
    if (path == "/metrics") {
        if (!get) return methodNotAllowed("GET, HEAD");
        return metrics();
    }
    return errorReply(404, "Not found");
}

HttpReply ApiRouter::jobs() {
    if (!jobsVersion_ || *jobsVersion_ != service_.stateVersion()) {
        jobsBody_ = jobListBody(service_.checks());
        jobsVersion_ = service_.stateVersion();
    }
    HttpReply reply;
    reply.body = jobsBody_;
    reply.headers.emplace_back("Cache-Control", "no-store");
    return reply;
}

HttpReply ApiRouter::closeAlert(std::string_view idText, std::string_view bodyText) {
    std::int64_t id = 0;
    bool valid = !idText.empty() && idText.size() <= 15;
    for (const char c : idText) {
        if (c < '0' || c > '9') valid = false;
        else id = id * 10 + (c - '0');
    }
    if (!valid || id <= 0) return errorReply(400, "alertId must be a positive integer");

    std::string reason = "manual";
    if (bodyText.find_first_not_of(" \t\r\n") != std::string_view::npos) {
        std::optional<BodyError> error;
        const json body = parseJsonBody(bodyText, error);
        if (error) return errorWith(400, error->error, {{"details", error->details}});
        if (!body.is_object())
            return errorWith(400, "Invalid close payload",
                              {{"details", {{"fieldErrors", json::object()}, {"formErrors", {"expected a JSON object"}}}}});
        if (const auto it = body.find("reason"); it != body.end() && !it->is_null()) {
            if (!it->is_string())
                return errorWith(400, "Invalid close payload", fieldErrors("reason", "expected a string"));
            std::string_view text = it->get_ref<const std::string&>();
            while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n')) text.remove_prefix(1);
            while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n')) text.remove_suffix(1);
            if (text.empty()) return errorWith(400, "Invalid close payload", fieldErrors("reason", "must not be empty"));
            if (text.size() > kMaxCloseReason)
                return errorWith(400, "Invalid close payload",
                                  fieldErrors("reason", "longer than " + std::to_string(kMaxCloseReason) + " characters"));
            reason = std::string(text);
        }
    }
    const CloseResult result = service_.closeAlert(id, reason);
    if (!result.found) return errorWith(404, "Alert not found", {{"alertId", id}});
    return jsonReply(200, {{"found", true},
                           {"updated", result.updated},
                           {"reason", result.updated ? reason : result.alert->closeReason.value_or(reason)},
                           {"alert", alertJson(*result.alert)}});
}

HttpReply ApiRouter::metrics() {
    MetricsSnapshot snapshot;
    snapshot.now = service_.now();
    snapshot.eventsInserted = service_.counters().eventsInserted;
    snapshot.eventsDropped = service_.counters().eventsDropped;
    snapshot.storeErrors = service_.counters().storeErrors;
    snapshot.eventsStored = service_.totalEvents();
    snapshot.checks = &service_.state().checks();
    snapshot.openAlerts = &service_.state().openAlerts();
    snapshot.hosts = &service_.state().hosts();
    snapshot.ingestLatency = &ingestLatency_;
    snapshot.traffic = traffic_;
    HttpReply reply;
    reply.contentType = "text/plain; version=0.0.4; charset=utf-8";
    reply.body = renderMetrics(snapshot);
    reply.headers.emplace_back("Cache-Control", "no-store");
    return reply;
}

std::optional<HttpReply> ApiRouter::asset(const HttpRequestView& request, const std::string& path) const {
    const std::string_view wanted = path == "/" ? std::string_view("/index.html") : std::string_view(path);
    for (const StaticAsset& file : assets_) {
        if (file.path != wanted) continue;
        HttpReply reply;
        reply.contentType = std::string(file.contentType);
        reply.headers.emplace_back("ETag", std::string(file.etag));
        // Revalidated on every load (cheap with the ETag), so an upgrade shows at once.
        reply.headers.emplace_back("Cache-Control", "no-cache");
        reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
        reply.headers.emplace_back("Content-Security-Policy",
                                   "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'");
        if (request.ifNoneMatch && *request.ifNoneMatch == file.etag) {
            reply.status = 304;
            return reply;
        }
        reply.body = std::string(file.body);
        return reply;
    }
    return std::nullopt;
}

}  // namespace chief::monitor
