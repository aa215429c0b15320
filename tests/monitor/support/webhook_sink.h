#pragma once
// WebhookSink: a loopback HTTP server in a background thread that records every webhook POST
// and answers with a chosen status (e.g. 500 for the first N, to exercise retries).

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace chief::monitor::testing {

struct ReceivedWebhook {
    std::string target;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::chrono::steady_clock::time_point at;
    nlohmann::json json() const { return nlohmann::json::parse(body); }
};

class WebhookSink {
public:
    // Answers `failFirst` requests with `failStatus`, the rest with 200. Listens on `port`
    // (0: any free one); throws when it is taken.
    explicit WebhookSink(int failFirst = 0, int failStatus = 500, unsigned short port = 0)
        : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), port}), failFirst_(failFirst), failStatus_(failStatus) {
        port_ = acceptor_.local_endpoint().port();
        thread_ = std::thread([this] { serve(); });
    }
    ~WebhookSink() {
        stopping_ = true;
        // Wake the blocking accept with a connection of our own.
        try {
            boost::asio::io_context io;
            boost::asio::ip::tcp::socket socket(io);
            socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
        } catch (...) {
        }
        thread_.join();
    }

    unsigned short port() const { return port_; }
    std::string url(const std::string& path = "/hook") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }

    std::vector<ReceivedWebhook> received() const {
        std::lock_guard lock(mutex_);
        return {received_.begin(), received_.end()};
    }
    int attempts() const { return attempts_; }

private:
    void serve() {
        namespace http = boost::beast::http;
        while (!stopping_) {
            boost::asio::ip::tcp::socket socket(io_);
            boost::beast::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec || stopping_) continue;
            boost::beast::flat_buffer buffer;
            http::request<http::string_body> request;
            http::read(socket, buffer, request, ec);
            if (ec) continue;
            const int attempt = ++attempts_;
            const int status = attempt <= failFirst_ ? failStatus_ : 200;
            if (status == 200) {
                ReceivedWebhook received;
                received.target = std::string(request.target());
                for (const auto& field : request) {
                    std::string name(field.name_string());
                    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                    received.headers[name] = std::string(field.value());
                }
                received.body = request.body();
                received.at = std::chrono::steady_clock::now();
                std::lock_guard lock(mutex_);
                received_.push_back(std::move(received));
            }
            http::response<http::string_body> response{static_cast<http::status>(status), 11};
            response.body() = "{}";
            response.prepare_payload();
            http::write(socket, response, ec);
            socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
        }
    }

    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    int failFirst_;
    int failStatus_;
    std::atomic<int> attempts_{0};
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    std::deque<ReceivedWebhook> received_;
    std::thread thread_;
};

}  // namespace chief::monitor::testing
