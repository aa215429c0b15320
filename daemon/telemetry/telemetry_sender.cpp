#include "telemetry/telemetry_sender.h"

#include <set>

#include <nlohmann/json.hpp>

#include "logging/message_ids.h"

namespace chief::daemon::telemetry {

namespace {

std::string plural(std::size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

}  // namespace

TelemetrySender::TelemetrySender(boost::asio::io_context& io, TelemetrySpool& spool, TelemetryTransport& transport,
                                 TelemetryInbox& inbox, TelemetryStatus& status, SenderSettings settings, SenderLog log)
    : io_(io),
      spool_(spool),
      transport_(transport),
      inbox_(inbox),
      status_(status),
      settings_(settings),
      log_(std::move(log)),
      tick_(io),
      retry_(io),
      backoff_(settings.backoffInitial.count(), settings.backoffMax.count()),
      random_(std::random_device{}()) {}

void TelemetrySender::start() {
    if (!settings_.ownEventsOnly) {
        if (auto count = spool_.countFrom({}); count) {
            const std::size_t backlog = count.value();
            status_.update([&](TelemetrySnapshot& s) { s.pendingSpool = backlog; });
            if (backlog > 0)
                log_(service::LogLevel::Info, plural(backlog, "telemetry event") + " left in " + spool_.path() + "; sending them", {});
        }
    }
    tick();
}

void TelemetrySender::tick() {
    if (stopped_) return;
    spoolInbox();
    // (A tick may come a little early: nine tenths of the interval count as the interval.)
    if (std::chrono::steady_clock::now() - lastBatch_ >= settings_.flushInterval * 9 / 10) trySend();
    // Events reach the spool within a second even when batches go out less often.
    tick_.expires_after(std::min<std::chrono::milliseconds>(settings_.flushInterval, std::chrono::milliseconds(1000)));
    tick_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) tick();
    });
}

void TelemetrySender::wake() {
    if (stopped_) return;
    spoolInbox();
    trySend();
}

void TelemetrySender::stop() {
    spoolInbox();
    stopped_ = true;
    tick_.cancel();
    retry_.cancel();
}

void TelemetrySender::spoolInbox() {
    std::vector<std::string> lines = inbox_.take();
    if (lines.empty()) return;
    auto appended = spool_.append(lines);
    if (!appended) {
        // The events cannot be kept: counted as dropped, said once until the spool works again.
        if (!spoolFailing_)
            log_(service::LogLevel::Error,
                 "cannot write the telemetry spool: " + appended.error() + "; telemetry events are being dropped",
                 message_id::kTelemetrySpoolFailed);
        spoolFailing_ = true;
        status_.update([&](TelemetrySnapshot& s) {
            s.dropped += lines.size();
            s.lastError = appended.error();
        });
        return;
    }
    if (spoolFailing_) log_(service::LogLevel::Notice, "writing the telemetry spool works again", {});
    spoolFailing_ = false;
    const std::size_t dropped = appended.value().dropped;
    if (dropped > 0)
        log_(service::LogLevel::Error,
             "telemetry spool " + spool_.path() + " reached monitor.buffer.spool_max_bytes: dropped the oldest " +
                 plural(dropped, "event") + " unsent",
             message_id::kTelemetryDropped);
    if (settings_.ownEventsOnly) {
        for (std::string& line : lines)
            if (auto id = TelemetrySpool::idOfLine(line)) own_.push_back({std::move(*id), std::move(line)});
    }
    status_.update([&](TelemetrySnapshot& s) {
        s.dropped += dropped;
        s.pendingSpool = settings_.ownEventsOnly ? own_.size() : s.pendingSpool + lines.size() - std::min(s.pendingSpool + lines.size(), dropped);
    });
    if (dropped > 0) {
        // What was in flight may be among the dropped: the next batch starts from what is left.
        cursor_ = {};
    }
}

void TelemetrySender::trySend() {
    if (stopped_ || inFlight_ || waiting_) return;
    if (!batcher_.active()) {
        std::vector<SpoolRecord> records;
        if (settings_.ownEventsOnly) {
            std::size_t bytes = 0;
            for (const SpoolRecord& record : own_) {
                if (records.size() >= settings_.maxEvents || (!records.empty() && bytes + record.line.size() > settings_.maxBatchBytes))
                    break;
                bytes += record.line.size() + 1;
                records.push_back(record);
            }
        } else {
            auto read = spool_.read(cursor_, settings_.maxEvents, settings_.maxBatchBytes);
            if (!read) {
                retryLater(HttpResult{0, {}, "cannot read the telemetry spool: " + read.error()});
                return;
            }
            SpoolRead& batch = read.value();
            if (batch.corruptLines > 0)
                log_(service::LogLevel::Warning,
                     "skipped " + plural(batch.corruptLines, "line") + " of " + spool_.path() +
                         " that are not telemetry events (a crash mid-write, or an edit)",
                     message_id::kTelemetrySpoolCorrupt);
            if (batch.tornTail && !tornLogged_) {
                tornLogged_ = true;
                log_(service::LogLevel::Warning,
                     spool_.path() + " ends in an incomplete line (chiefd stopped mid-write); it is skipped",
                     message_id::kTelemetrySpoolCorrupt);
            }
            if (batch.records.empty()) {
                if (batch.end.offset != cursor_.offset) {
                    // Only skipped lines: drop them from the spool too.
                    if (auto removed = spool_.removeThrough(batch.end)) cursor_ = removed.value();
                }
                return;
            }
            batchEnd_ = batch.end;
            records = std::move(batch.records);
        }
        if (records.empty()) return;
        batcher_.begin(std::move(records));
        lastBatch_ = std::chrono::steady_clock::now();
    }
    send();
}

void TelemetrySender::send() {
    inFlight_ = true;
    transport_.post(batcher_.request().body, [this](HttpResult result) { onAnswer(std::move(result)); });
}

void TelemetrySender::onAnswer(HttpResult result) {
    inFlight_ = false;
    if (stopped_) return;
    switch (batcher_.answer(result)) {
        case EventBatcher::Step::Retry: retryLater(result); return;
        case EventBatcher::Step::Next:
            if (classify(result) == Verdict::Delivered) delivered();
            send();
            return;
        case EventBatcher::Step::Done:
            if (classify(result) == Verdict::Delivered) delivered();
            finishBatch();
            trySend();  // a backlog goes out batch after batch
            return;
    }
}

void TelemetrySender::delivered() {
    backoff_.reset();
    if (failing_)
        log_(service::LogLevel::Notice, "the monitor answers again; sending the spooled telemetry events",
             message_id::kTelemetryRecovered);
    failing_ = false;
    status_.update([](TelemetrySnapshot& s) {
        s.connected = true;
        s.lastError.clear();
    });
}

void TelemetrySender::finishBatch() {
    std::vector<DeadEvent> dead = batcher_.takeDead();
    if (!dead.empty()) {
        std::vector<std::string> lines;
        for (const DeadEvent& d : dead) {
            nlohmann::json entry = {{"status", d.status}, {"error", d.error}};
            entry["event"] = nlohmann::json::parse(d.record.line, nullptr, false);
            lines.push_back(entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        }
        auto written = spool_.appendDead(lines);
        const std::size_t deadDropped = written ? written.value().dropped : 0;
        if (deadDropped > 0) {
            // Said once per chiefd: a monitor that refuses everything would repeat it at every batch.
            if (!deadDroppedLogged_)
                log_(service::LogLevel::Error,
                     spool_.deadPath() + " reached monitor.buffer.spool_max_bytes: dropped the oldest " +
                         plural(deadDropped, "refused event") + " (said once; TelemetryDropped counts them)",
                     message_id::kTelemetryDropped);
            deadDroppedLogged_ = true;
            status_.update([&](TelemetrySnapshot& s) { s.dropped += deadDropped; });
        }
        log_(service::LogLevel::Error,
             "the monitor refused " + plural(dead.size(), "telemetry event") + " (HTTP " + std::to_string(dead.front().status) +
                 ": " + dead.front().error.substr(0, 300) + "); " +
                 (written ? "moved to " + spool_.deadPath() + " (chiefctl telemetry replay-dead sends them again)"
                          : "and they could not be kept: " + written.error()),
             message_id::kTelemetryRefused);
    }
    const std::size_t done = batcher_.size();
    if (settings_.ownEventsOnly) {
        std::set<std::string> ids;
        for (const SpoolRecord& record : batcher_.records()) ids.insert(record.id);
        for (std::size_t i = 0; i < done && !own_.empty(); ++i) own_.pop_front();
        if (auto removed = spool_.removeIds(ids); !removed)
            log_(service::LogLevel::Warning, "cannot remove delivered events from the spool: " + removed.error() +
                                                 " (chiefd sends them again; the monitor drops repeats)", {});
    } else if (auto removed = spool_.removeThrough(batchEnd_); removed) {
        cursor_ = removed.value();
    } else {
        cursor_ = batchEnd_;  // delivered all the same; removed at the next batch
        log_(service::LogLevel::Warning, "cannot remove delivered events from the spool: " + removed.error(), {});
    }
    batcher_.begin({});
    const std::size_t deadCount = dead.size();
    status_.update([&](TelemetrySnapshot& s) {
        s.delivered += done - deadCount;
        s.dead += deadCount;
        s.pendingSpool = settings_.ownEventsOnly ? own_.size() : (s.pendingSpool > done ? s.pendingSpool - done : 0);
    });
}

std::string TelemetrySender::describe(const HttpResult& result) const {
    if (result.status == 0) return result.error.empty() ? std::string("no answer") : result.error;
    std::string text = "HTTP " + std::to_string(result.status);
    if (result.status == 401) text += " (monitor.api_key is missing or wrong)";
    if (result.status == 404) text += " (is monitor.endpoint a chief-monitord?)";
    if (!result.body.empty()) text += ": " + result.body.substr(0, 200);
    return text;
}

void TelemetrySender::retryLater(const HttpResult& result) {
    const std::string why = describe(result);
    if (!failing_)
        log_(service::LogLevel::Warning,
             "cannot deliver telemetry to the monitor: " + why +
                 "; events are kept in the spool and sent when it answers (said once per outage)",
             message_id::kTelemetryOutage);
    failing_ = true;
    status_.update([&](TelemetrySnapshot& s) {
        s.connected = false;
        s.lastError = why;
    });
    waiting_ = true;
    const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
    retry_.expires_after(std::chrono::milliseconds(backoff_.nextDelayMs(unit)));
    retry_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        waiting_ = false;
        spoolInbox();
        trySend();
    });
}

}  // namespace chief::daemon::telemetry
