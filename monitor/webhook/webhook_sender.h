#pragma once
// WebhookSender: one JSON POST to a webhook URL, asynchronously; the seam the dispatcher is
// tested through. BeastWebhookSender is the real one (HTTP, or HTTPS verified against the
// system CA store).

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

namespace chief::monitor {

struct WebhookPost {
    std::string url;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type and User-Agent
};

// Either the receiver's status, or why none came (connection refused, timeout, TLS, bad URL).
struct WebhookOutcome {
    std::optional<int> status;
    std::string error;
};

class WebhookSender {
public:
    virtual ~WebhookSender() = default;
    // Calls `done` exactly once, on the io_context, with the outcome.
    virtual void post(WebhookPost request, std::function<void(WebhookOutcome)> done) = 0;
};

class BeastWebhookSender final : public WebhookSender {
public:
    BeastWebhookSender(boost::asio::io_context& io, std::chrono::milliseconds timeout);
    void post(WebhookPost request, std::function<void(WebhookOutcome)> done) override;

private:
    boost::asio::io_context& io_;
    std::chrono::milliseconds timeout_;
    boost::asio::ssl::context tls_;
};

}  // namespace chief::monitor
