#pragma once
// MonitorStore: where events, checks, alerts, hosts and webhook deliveries are kept. The HTTP
// and check code see only this interface, so another store can be added beside SQLite.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "chief/telemetry_event.h"
#include "monitor/core/alert.h"
#include "monitor/core/check.h"
#include "monitor/core/host_presence.h"

namespace chief::monitor {

// A storage failure (disk full, I/O error, corrupt file): not the client's fault.
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// An event as stored: the event (eventAt always set) and when it arrived.
struct StoredEvent {
    std::int64_t id = 0;
    EventTime receivedAt;
    telemetry::TelemetryEvent event;
    std::string metadataJson;  // the metadata as stored (compact JSON text)
};

// GET /v1/events filters; every one optional. Newest first (eventAt, then id).
struct EventQuery {
    std::optional<std::string> jobName;
    std::optional<std::string> scriptPath;
    std::optional<std::string> eventType;
    std::optional<std::string> host;
    std::optional<telemetry::EventLevel> level;
    std::optional<EventTime> from;  // inclusive
    std::optional<EventTime> to;    // inclusive
    std::int64_t limit = 100;
    std::int64_t offset = 0;
};

// GET /v1/alerts filters. Newest first (openedAt, then id).
struct AlertQuery {
    std::optional<std::string> jobName;
    std::optional<std::string> host;
    std::optional<AlertStatus> status;
    std::optional<AlertType> type;
    std::optional<telemetry::EventLevel> severity;
    std::int64_t limit = 100;
    std::int64_t offset = 0;
};

// One webhook delivery of one alert transition: queued in the transaction that changed the
// alert, then attempted until delivered or out of attempts. The rows are the delivery log.
struct WebhookDelivery {
    enum class Status { Pending, Delivered, Failed };
    std::int64_t id = 0;
    std::int64_t alertId = 0;
    std::string transition;  // "opened" | "closed"
    std::string url;
    std::string payload;     // the JSON body, signed as sent
    Status status = Status::Pending;
    std::int64_t attempts = 0;
    EventTime createdAt;
    std::optional<EventTime> nextAttemptAt;
    std::optional<EventTime> lastAttemptAt;
    std::optional<std::int64_t> responseCode;
    std::optional<std::string> error;
};
std::string_view deliveryStatusName(WebhookDelivery::Status status);

// The outcome of one attempt, as the sender reports it.
struct DeliveryAttempt {
    std::int64_t deliveryId = 0;
    EventTime attemptedAt;
    WebhookDelivery::Status status = WebhookDelivery::Status::Pending;  // Pending: retry at nextAttemptAt
    std::optional<EventTime> nextAttemptAt;
    std::optional<std::int64_t> responseCode;
    std::optional<std::string> error;
};

class MonitorStore {
public:
    virtual ~MonitorStore() = default;

    // ---- the write transaction: one at a time, durable when commit() returns ----------------
    virtual void begin() = 0;
    // Stores one event (eventAt set); false when an event with its eventId is already stored.
    virtual bool insertEvent(const telemetry::TelemetryEvent& event, EventTime receivedAt) = 0;
    virtual void putCheck(const Check& check) = 0;
    virtual void putAlert(const Alert& alert) = 0;
    virtual void putHost(const HostPresence& host) = 0;
    virtual void addDelivery(const WebhookDelivery& delivery) = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;

    // ---- what the state machine starts from ---------------------------------------------------
    virtual std::vector<Check> loadChecks() = 0;
    virtual std::vector<Alert> loadOpenAlerts() = 0;
    virtual std::vector<HostPresence> loadHosts() = 0;
    virtual std::int64_t maxAlertId() = 0;
    virtual std::int64_t countEvents() = 0;
    virtual std::optional<EventTime> latestEventAt() = 0;

    // ---- reads ---------------------------------------------------------------------------------
    virtual std::vector<StoredEvent> findEvents(const EventQuery& query) = 0;
    virtual std::vector<Alert> findAlerts(const AlertQuery& query) = 0;
    virtual std::optional<Alert> findAlert(std::int64_t id) = 0;
    virtual std::vector<WebhookDelivery> findDeliveries(std::optional<std::int64_t> alertId, std::int64_t limit) = 0;

    // ---- retention: each call is its own short transaction; returns the rows removed ---------
    virtual std::size_t pruneEvents(EventTime before, std::size_t maxRows) = 0;
    virtual std::size_t pruneClosedAlerts(EventTime before, std::size_t maxRows) = 0;
    virtual std::size_t pruneDeliveries(EventTime before, std::size_t maxRows) = 0;

    // ---- the webhook outbox --------------------------------------------------------------------
    virtual std::vector<WebhookDelivery> dueDeliveries(EventTime now, std::size_t maxRows) = 0;
    virtual std::optional<EventTime> nextDeliveryAt() = 0;
    // Moves a delivery's next attempt to `until` while it is being sent, so it is not due again
    // meanwhile (and is retried after `until` if chief-monitord stops mid-send).
    virtual void leaseDelivery(std::int64_t deliveryId, EventTime until) = 0;
    // Records one attempt in its own transaction.
    virtual void recordAttempt(const DeliveryAttempt& attempt) = 0;
};

}  // namespace chief::monitor
