// libFuzzer target over chief-monitord's ingest path and its HTTP request parsing. The first
// byte picks the path; the rest is the input:
//   0: a POST /v1/events/batch body -> validation -> the check/alert state machine (applied,
//      evaluated, deadlines), and every valid event through toJson and back (must round-trip);
//      the fast reader must accept nothing the general path refuses and read it identically;
//   1: a POST /v1/events body, likewise;
//   2: raw bytes on a connection -> Beast's request parser with the server's limits -> the
//      router's prepare step (auth, target decoding, ingest validation).
// Nothing may crash, hang, leak or trip a sanitizer, whatever the bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "monitor/core/fast_event_reader.h"
#include "monitor/core/ingest_body.h"
#include "monitor/core/monitor_state.h"
#include "monitor/core/query_string.h"
#include "monitor/http/api_router.h"
#include "monitor/store/sqlite_store.h"

namespace {

using namespace chief::monitor;
using chief::telemetry::EventTime;

class QuietLogger final : public chief::service::Logger {
public:
    void log(chief::service::LogLevel, std::string_view, const chief::service::LogFields&, std::string_view) override {}
};

class FixedClock final : public Clock {
public:
    EventTime now() const override { return EventTime{std::chrono::milliseconds{1798761600000}}; }
};

class NoObserver final : public ServiceObserver {
public:
    void committed(const StateChanges&, std::size_t) override {}
};

// prepare() touches no service state, but the router is built over one: an in-memory store.
ApiRouter& router() {
    static SqliteStore store(":memory:");
    static FixedClock clock;
    static NoObserver observer;
    static MonitorService service(store, clock, observer);
    static QuietLogger logger;
    static ApiRouter instance(service, logger, RouterOptions{"fuzz-key"});
    return instance;
}

void exerciseEvents(const IngestBody& body) {
    if (!body.ok()) return;
    MonitorState state;
    StateChanges changes;
    EventTime now{std::chrono::milliseconds{1798761600000}};
    for (const chief::telemetry::TelemetryEvent& event : body.events) {
        const chief::telemetry::ParsedTelemetryEvent again =
            chief::telemetry::parseTelemetryEvent(nlohmann::json::parse(chief::telemetry::toJson(event).dump()));
        if (!again.ok() || !(*again.event == event)) std::abort();  // encode-then-decode must hold
        state.applyEvent(event, event.eventAt.value_or(now), now, changes);
    }
    state.evaluate(now, changes);
    for (int step = 0; step < 4; ++step) {
        const auto deadline = state.nextDeadline();
        if (!deadline) break;
        now = std::max(now, *deadline);
        state.evaluate(now, changes);
    }
}

void exerciseHttp(std::string_view bytes) {
    namespace http = boost::beast::http;
    http::request_parser<http::string_body> parser;
    parser.body_limit(2 * 1024 * 1024);
    parser.header_limit(16 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec || !parser.is_done()) return;
    const auto& request = parser.get();
    HttpRequestView view;
    view.method = std::string_view(request.method_string().data(), request.method_string().size());
    view.target = std::string_view(request.target().data(), request.target().size());
    if (const auto key = request.find("x-api-key"); key != request.end())
        view.apiKey = std::string_view(key->value().data(), key->value().size());
    view.body = request.body();
    PreparedRequest prepared = router().prepare(view);
    (void)prepared;
    (void)parseRequestTarget(view.target);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 3) {
        case 0:
        case 1: {
            const bool batch = data[0] % 3 == 0;
            // The fast path may only take what the general path takes, and read it the same.
            const IngestBody general = batch ? readBatchBodyGeneral(input) : readSingleEventBodyGeneral(input);
            if (jsonNestingDepth(input, kMaxJsonDepth) <= kMaxJsonDepth) {
                if (const auto fast = fastReadEvents(input, batch); fast && (!general.ok() || general.events != *fast))
                    std::abort();
            }
            exerciseEvents(general);
            break;
        }
        default: exerciseHttp(input); break;
    }
    return 0;
}
