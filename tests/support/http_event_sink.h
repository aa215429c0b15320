#pragma once
// HttpEventSink: a loopback HTTP server standing in for chief-monitord in tests of the worker
// helpers. It listens before the constructor returns (so a client started afterwards is never
// early: no readiness wait, no sleep), records every request, and answers each with a chosen
// status, or, hanging, never answers at all (to test a client's timeout). Each connection has
// its own thread: a client that connects and says nothing (a keep-alive pool, chiefd's own
// emitter) holds up no one else.

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace chief::testing {

struct SinkRequest {
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;

    // The body as JSON, or discarded when it is not.
    nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

class HttpEventSink {
public:
    struct Options {
        int status = 202;
        bool hang = false;  // read each request, never answer
    };

    HttpEventSink() : HttpEventSink(Options{}) {}
    explicit HttpEventSink(Options options) : options_(options) {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof addr;
        if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(listener_, 64) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &length) != 0)
            throw std::runtime_error("HttpEventSink: cannot listen on 127.0.0.1");
        port_ = ntohs(addr.sin_port);
        if (::pipe2(wake_, O_CLOEXEC) != 0) throw std::runtime_error("HttpEventSink: pipe2 failed");
        thread_ = std::thread([this] { serve(); });
    }
    ~HttpEventSink() {
        (void)!::write(wake_[1], "x", 1);  // never read: every poll from now on sees it
        thread_.join();
        for (std::thread& connection : connections_) connection.join();
        for (int fd : held_) ::close(fd);
        ::close(listener_);
        ::close(wake_[0]);
        ::close(wake_[1]);
    }
    HttpEventSink(const HttpEventSink&) = delete;
    HttpEventSink& operator=(const HttpEventSink&) = delete;

    // "http://127.0.0.1:PORT": what CHIEF_MONITOR_ENDPOINT or monitor.endpoint names.
    std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

    std::vector<SinkRequest> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }

    // The bodies of the requests whose event has eventType `type` (chiefd's own events, sent to
    // the same endpoint, are not the worker helpers' business).
    std::vector<nlohmann::json> eventsOfType(const std::string& type) const {
        std::vector<nlohmann::json> events;
        for (const SinkRequest& request : requests()) {
            const nlohmann::json event = request.json();
            if (event.is_object() && event.value("eventType", "") == type) events.push_back(event);
        }
        return events;
    }

    // Waits until `count` requests have arrived; false when `timeout` passes first.
    bool waitForRequests(std::size_t count, std::chrono::milliseconds timeout) const {
        std::unique_lock lock(mutex_);
        return arrived_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
    }

private:
    // Waits for `fd` to be readable; false when the sink is stopping.
    bool readable(int fd) const {
        pollfd fds[2] = {{fd, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        for (;;) {
            if (::poll(fds, 2, -1) < 0) continue;
            if (fds[1].revents) return false;
            if (fds[0].revents) return true;
        }
    }

    void serve() {
        while (readable(listener_)) {
            const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
            if (connection >= 0) connections_.emplace_back([this, connection] { handle(connection); });
        }
    }

    // Reads one request and answers it (or, hanging, keeps the connection open and silent).
    void handle(int connection) {
        std::string data;
        std::size_t headerEnd = std::string::npos;
        std::size_t contentLength = 0;
        char buffer[65536];
        for (;;) {
            if (headerEnd != std::string::npos && data.size() >= headerEnd + 4 + contentLength) break;
            if (!readable(connection)) {
                ::close(connection);
                return;
            }
            const ssize_t n = ::read(connection, buffer, sizeof buffer);
            if (n <= 0) break;
            data.append(buffer, static_cast<std::size_t>(n));
            if (headerEnd == std::string::npos && (headerEnd = data.find("\r\n\r\n")) != std::string::npos)
                contentLength = parseHeaders(data.substr(0, headerEnd)).contentLength;
        }
        if (headerEnd == std::string::npos) {
            ::close(connection);
            return;
        }
        Parsed parsed = parseHeaders(data.substr(0, headerEnd));
        parsed.request.body = data.substr(headerEnd + 4, contentLength);
        {
            std::lock_guard lock(mutex_);
            requests_.push_back(std::move(parsed.request));
            if (options_.hang) held_.push_back(connection);  // open and silent until the sink ends
        }
        arrived_.notify_all();
        if (options_.hang) return;
        const std::string body = options_.status / 100 == 2 ? R"({"inserted":1,"dropped":0})" : R"({"error":"test"})";
        const std::string answer = "HTTP/1.1 " + std::to_string(options_.status) +
                                   " Test\r\nContent-Type: application/json\r\nContent-Length: " +
                                   std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
        (void)!::write(connection, answer.data(), answer.size());
        ::close(connection);
    }

    struct Parsed {
        SinkRequest request;
        std::size_t contentLength = 0;
    };

    static Parsed parseHeaders(const std::string& head) {
        Parsed parsed;
        std::size_t lineEnd = head.find("\r\n");
        const std::string requestLine = head.substr(0, lineEnd);
        const auto space = requestLine.find(' ');
        parsed.request.method = requestLine.substr(0, space);
        parsed.request.path = requestLine.substr(space + 1, requestLine.rfind(' ') - space - 1);
        while (lineEnd != std::string::npos) {
            const std::size_t start = lineEnd + 2;
            lineEnd = head.find("\r\n", start);
            const std::string line = head.substr(start, lineEnd == std::string::npos ? std::string::npos : lineEnd - start);
            const auto colon = line.find(':');
            if (colon == std::string::npos) continue;
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            parsed.request.headers[name] = value;
        }
        if (const auto it = parsed.request.headers.find("content-length"); it != parsed.request.headers.end())
            parsed.contentLength = std::stoul(it->second);
        return parsed;
    }

    Options options_;
    int listener_ = -1;
    int wake_[2] = {-1, -1};
    std::uint16_t port_ = 0;
    std::thread thread_;                    // accepts
    std::vector<std::thread> connections_;  // one per connection; touched by thread_ only, until joined
    std::vector<int> held_;                 // hanging connections (under mutex_)
    mutable std::mutex mutex_;
    mutable std::condition_variable arrived_;
    std::vector<SinkRequest> requests_;
};

}  // namespace chief::testing
