#pragma once
// TelemetrySink: a loopback stand-in for chief-monitord's batch endpoint, under the test's
// control: it answers 202 and records every event by eventId, or answers a chosen status, or
// hangs (accepts, reads, never answers), or goes down (nothing listens on its port) and comes
// back up on the same port. Keep-alive connections are served one thread each.

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace chief::testing {

class TelemetrySink {
public:
    enum class Mode { Accept, Hang, Status };

    // Listens on a port below Linux's ephemeral range (32768-60999): while the sink is down,
    // the client's own outgoing connections must not take its port, or up() could not bind it.
    TelemetrySink() {
        const auto seed = static_cast<unsigned>(::getpid()) * 7919u + static_cast<unsigned>(
                              std::chrono::steady_clock::now().time_since_epoch().count() % 10007);
        for (unsigned attempt = 0; attempt < 200; ++attempt) {
            try {
                listen(static_cast<unsigned short>(20000 + (seed + attempt * 37) % 10000));
                return;
            } catch (const boost::system::system_error&) {
            }
        }
        listen(0);
    }
    ~TelemetrySink() { down(); }

    unsigned short port() const { return port_; }
    std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

    void setMode(Mode mode, int status = 503) {
        std::lock_guard lock(mutex_);
        mode_ = mode;
        status_ = status;
        changed_.notify_all();
    }

    // Stops listening and drops every connection: connecting fails until up().
    void down() {
        {
            std::lock_guard lock(mutex_);
            if (!listening_) return;
            listening_ = false;
            stopping_ = true;
            changed_.notify_all();
        }
        boost::system::error_code ec;
        // Wake the blocking accept with a connection of our own.
        try {
            boost::asio::io_context io;
            boost::asio::ip::tcp::socket socket(io);
            socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
        } catch (...) {
        }
        acceptThread_.join();
        acceptor_.reset();
        {
            std::lock_guard lock(mutex_);
            for (auto& socket : sockets_) socket->shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
        }
        for (auto& t : connectionThreads_) t.join();
        connectionThreads_.clear();
        sockets_.clear();
    }
    void up() {
        // Retried for a moment: the kernel may still hold the port for a closing connection.
        for (int attempt = 0;; ++attempt) {
            try {
                listen(port_);
                return;
            } catch (const boost::system::system_error&) {
                if (attempt >= 100) throw;
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
    }

    // Every event received with a 202, by eventId (a repeat increases the count).
    std::map<std::string, int> countsById() const {
        std::lock_guard lock(mutex_);
        return counts_;
    }
    std::vector<nlohmann::json> events() const {
        std::lock_guard lock(mutex_);
        return events_;
    }
    std::size_t eventCount() const {
        std::lock_guard lock(mutex_);
        return events_.size();
    }
    std::vector<std::map<std::string, std::string>> requestHeaders() const {
        std::lock_guard lock(mutex_);
        return headers_;
    }
    int requests() const { return requests_; }

    // Waits until `condition` holds for the received events (checked at each request, under the
    // sink's lock: the condition must not call the sink).
    bool waitFor(const std::function<bool(const std::vector<nlohmann::json>&)>& condition, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        return received_.wait_for(lock, timeout, [&] { return condition(events_); });
    }

private:
    void listen(unsigned short port) {
        // SO_REUSEPORT as well as SO_REUSEADDR (inherited by accepted sockets): a connection of
        // the previous listener still closing must not keep up() from binding the port again.
        const boost::asio::ip::tcp::endpoint endpoint{boost::asio::ip::make_address("127.0.0.1"), port};
        acceptor_ = std::make_unique<boost::asio::ip::tcp::acceptor>(io_);
        acceptor_->open(endpoint.protocol());
        acceptor_->set_option(boost::asio::socket_base::reuse_address(true));
        const int one = 1;
        ::setsockopt(acceptor_->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        acceptor_->bind(endpoint);
        acceptor_->listen();
        port_ = acceptor_->local_endpoint().port();
        {
            std::lock_guard lock(mutex_);
            listening_ = true;
            stopping_ = false;
        }
        acceptThread_ = std::thread([this] { acceptLoop(); });
    }

    void acceptLoop() {
        while (true) {
            auto socket = std::make_shared<boost::asio::ip::tcp::socket>(io_);
            boost::system::error_code ec;
            acceptor_->accept(*socket, ec);
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            if (ec) continue;
            sockets_.push_back(socket);
            connectionThreads_.emplace_back([this, socket] { serve(*socket); });
        }
    }

    void serve(boost::asio::ip::tcp::socket& socket) {
        namespace http = boost::beast::http;
        boost::beast::flat_buffer buffer;
        while (true) {
            http::request<http::string_body> request;
            boost::beast::error_code ec;
            http::read(socket, buffer, request, ec);
            if (ec) return;
            ++requests_;
            std::unique_lock lock(mutex_);
            std::map<std::string, std::string> headers;
            for (const auto& field : request) {
                std::string name(field.name_string());
                for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                headers[name] = std::string(field.value());
            }
            headers_.push_back(headers);
            if (mode_ == Mode::Hang) {
                // Never answers; the client's timeout ends the request.
                changed_.wait(lock, [&] { return stopping_ || mode_ != Mode::Hang; });
                return;
            }
            int status = 202;
            if (mode_ == Mode::Status) {
                status = status_;
            } else {
                const auto body = nlohmann::json::parse(request.body(), nullptr, false);
                for (const auto& event : body) {
                    ++counts_[event.value("eventId", std::string())];
                    events_.push_back(event);
                }
            }
            lock.unlock();
            received_.notify_all();
            http::response<http::string_body> response{static_cast<http::status>(status), 11};
            response.body() = status == 202 ? R"({"inserted":1,"dropped":0})" : R"({"error":"unavailable"})";
            response.keep_alive(request.keep_alive());
            response.prepare_payload();
            http::write(socket, response, ec);
            if (ec || !request.keep_alive()) return;
        }
    }

    boost::asio::io_context io_;
    std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
    unsigned short port_ = 0;
    std::thread acceptThread_;
    std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> sockets_;
    std::vector<std::thread> connectionThreads_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::condition_variable received_;
    bool listening_ = false;
    bool stopping_ = false;
    Mode mode_ = Mode::Accept;
    int status_ = 503;
    std::atomic<int> requests_{0};
    std::map<std::string, int> counts_;
    std::vector<nlohmann::json> events_;
    std::vector<std::map<std::string, std::string>> headers_;
};

}  // namespace chief::testing
