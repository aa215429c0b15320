#include "telemetry/curl_multi_transport.h"

#include <unistd.h>

#include <boost/asio/post.hpp>
#include <stdexcept>

namespace chief::daemon::telemetry {

namespace {

// Enough of an answer to log the monitor's error; a larger body is cut here.
constexpr std::size_t kMaxResponseBytes = 16 * 1024;

size_t appendBody(char* data, size_t size, size_t count, void* target) {
    auto& body = *static_cast<std::string*>(target);
    const size_t bytes = size * count;
    if (body.size() < kMaxResponseBytes) body.append(data, std::min(bytes, kMaxResponseBytes - body.size()));
    return bytes;
}

}  // namespace

std::string batchUrl(const std::string& endpoint) {
    std::string base = endpoint;
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (base.ends_with("/v1")) return base + "/events/batch";
    return base + "/v1/events/batch";
}

// curl owns the socket; the descriptor only watches it (released, never closed, by us).
struct CurlMultiTransport::Socket {
    Socket(boost::asio::io_context& io, curl_socket_t fd) : descriptor(io, fd) {}
    ~Socket() {
        boost::system::error_code ignored;
        descriptor.cancel(ignored);
        descriptor.release();
    }
    boost::asio::posix::stream_descriptor descriptor;
    int what = 0;
    bool reading = false;
    bool writing = false;
};

struct CurlMultiTransport::Request {
    std::string body;
    Done done;
    std::string response;
    char error[CURL_ERROR_SIZE] = {};
};

CurlMultiTransport::CurlMultiTransport(boost::asio::io_context& io, CurlLibrary curl, TransportSettings settings)
    : io_(io), curl_(curl), settings_(std::move(settings)), url_(batchUrl(settings_.endpoint)), timer_(io) {
    multi_ = curl_.multiInit();
    if (multi_ == nullptr) throw std::runtime_error("curl_multi_init failed");
    curl_.multiSetopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlMultiTransport::onSocket);
    curl_.multiSetopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_.multiSetopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlMultiTransport::onTimer);
    curl_.multiSetopt(multi_, CURLMOPT_TIMERDATA, this);
    headers_ = curl_.slistAppend(headers_, "Content-Type: application/json");
    headers_ = curl_.slistAppend(headers_, "Expect:");  // no 100-continue round trip
    if (!settings_.apiKey.empty()) headers_ = curl_.slistAppend(headers_, ("x-api-key: " + settings_.apiKey).c_str());
}

CurlMultiTransport::~CurlMultiTransport() {
    *alive_ = false;
    timer_.cancel();
    for (auto& [easy, request] : requests_) {
        curl_.multiRemoveHandle(multi_, easy);
        curl_.easyCleanup(easy);
    }
    requests_.clear();
    curl_.multiCleanup(multi_);
    sockets_.clear();
    curl_.slistFreeAll(headers_);
}

void CurlMultiTransport::post(std::string body, Done done) {
    CURL* easy = curl_.easyInit();
    if (easy == nullptr) {
        boost::asio::post(io_, [done = std::move(done)] { done(HttpResult{0, {}, "curl_easy_init failed"}); });
        return;
    }
    auto request = std::make_unique<Request>();
    request->body = std::move(body);
    request->done = std::move(done);
    curl_.easySetopt(easy, CURLOPT_URL, url_.c_str());
    curl_.easySetopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_.easySetopt(easy, CURLOPT_POST, 1L);
    curl_.easySetopt(easy, CURLOPT_POSTFIELDS, request->body.data());
    curl_.easySetopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request->body.size()));
    curl_.easySetopt(easy, CURLOPT_HTTPHEADER, headers_);
    curl_.easySetopt(easy, CURLOPT_TIMEOUT_MS, settings_.timeoutMs);
    curl_.easySetopt(easy, CURLOPT_CONNECTTIMEOUT_MS, settings_.timeoutMs);
    curl_.easySetopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_.easySetopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_.easySetopt(easy, CURLOPT_WRITEFUNCTION, &appendBody);
    curl_.easySetopt(easy, CURLOPT_WRITEDATA, &request->response);
    curl_.easySetopt(easy, CURLOPT_ERRORBUFFER, request->error);
    curl_.easySetopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &CurlMultiTransport::onCloseSocket);
    curl_.easySetopt(easy, CURLOPT_CLOSESOCKETDATA, this);
    // Verification stays on (curl's default); a bundle replaces the system store when given.
    if (!settings_.caFile.empty()) curl_.easySetopt(easy, CURLOPT_CAINFO, settings_.caFile.c_str());
    requests_.emplace(easy, std::move(request));
    if (curl_.multiAddHandle(multi_, easy) != CURLM_OK) {
        auto node = requests_.extract(easy);
        curl_.easyCleanup(easy);
        boost::asio::post(io_, [done = std::move(node.mapped()->done)] { done(HttpResult{0, {}, "curl_multi_add_handle failed"}); });
    }
}

int CurlMultiTransport::onSocket(CURL*, curl_socket_t fd, int what, void* self, void*) {
    static_cast<CurlMultiTransport*>(self)->watch(fd, what);
    return 0;
}

int CurlMultiTransport::onTimer(CURLM*, long timeoutMs, void* self) {
    auto& transport = *static_cast<CurlMultiTransport*>(self);
    if (timeoutMs < 0) {
        transport.timer_.cancel();
        return 0;
    }
    // Never curl_multi_socket_action from inside this callback: the wait below calls it from
    // the loop, even for a zero timeout.
    transport.timer_.expires_after(std::chrono::milliseconds(timeoutMs));
    transport.timer_.async_wait([&transport, alive = std::weak_ptr<bool>(transport.alive_)](const boost::system::error_code& ec) {
        const auto live = alive.lock();
        if (ec || !live || !*live) return;
        transport.act(CURL_SOCKET_TIMEOUT, 0);
    });
    return 0;
}

int CurlMultiTransport::onCloseSocket(void* self, curl_socket_t fd) {
    static_cast<CurlMultiTransport*>(self)->sockets_.erase(fd);
    return ::close(fd);
}

void CurlMultiTransport::watch(curl_socket_t fd, int what) {
    if (what == CURL_POLL_REMOVE) {
        sockets_.erase(fd);
        return;
    }
    auto it = sockets_.find(fd);
    if (it == sockets_.end()) it = sockets_.emplace(fd, std::make_unique<Socket>(io_, fd)).first;
    Socket& socket = *it->second;
    socket.what = what;
    if ((what & CURL_POLL_IN) && !socket.reading) arm(socket, false);
    if ((what & CURL_POLL_OUT) && !socket.writing) arm(socket, true);
}

void CurlMultiTransport::arm(Socket& socket, bool write) {
    (write ? socket.writing : socket.reading) = true;
    const curl_socket_t fd = socket.descriptor.native_handle();
    const Socket* armed = &socket;
    socket.descriptor.async_wait(
        write ? boost::asio::posix::stream_descriptor::wait_write : boost::asio::posix::stream_descriptor::wait_read,
        [this, fd, write, armed, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
            const auto live = alive.lock();
            if (!live || !*live) return;
            // The socket may be gone (curl removed it, and its number may be reused by now).
            auto it = sockets_.find(fd);
            if (it == sockets_.end() || it->second.get() != armed) return;
            (write ? it->second->writing : it->second->reading) = false;
            if (ec) return;
            act(fd, write ? CURL_CSELECT_OUT : CURL_CSELECT_IN);
            it = sockets_.find(fd);
            if (it == sockets_.end() || it->second.get() != armed) return;
            Socket& watched = *it->second;
            const bool wanted = (watched.what & (write ? CURL_POLL_OUT : CURL_POLL_IN)) != 0;
            if (wanted && !(write ? watched.writing : watched.reading)) arm(watched, write);
        });
}

void CurlMultiTransport::act(curl_socket_t fd, int flags) {
    int running = 0;
    curl_.multiSocketAction(multi_, fd, flags, &running);
    collectFinished();
}

void CurlMultiTransport::collectFinished() {
    int queued = 0;
    while (CURLMsg* message = curl_.multiInfoRead(multi_, &queued)) {
        if (message->msg != CURLMSG_DONE) continue;
        CURL* easy = message->easy_handle;
        const CURLcode code = message->data.result;
        auto node = requests_.extract(easy);
        curl_.multiRemoveHandle(multi_, easy);
        HttpResult result;
        if (code == CURLE_OK) {
            curl_.easyGetinfo(easy, CURLINFO_RESPONSE_CODE, &result.status);
        } else if (node) {
            result.error = node.mapped()->error[0] != '\0' ? node.mapped()->error : curl_.easyStrerror(code);
        } else {
            result.error = curl_.easyStrerror(code);
        }
        curl_.easyCleanup(easy);
        if (!node) continue;
        result.body = std::move(node.mapped()->response);
        // Answered from the loop, not from inside curl: the handler may post the next request.
        boost::asio::post(io_, [done = std::move(node.mapped()->done), result = std::move(result),
                                alive = std::weak_ptr<bool>(alive_)]() mutable {
            const auto live = alive.lock();
            if (live && *live) done(std::move(result));
        });
    }
}

}  // namespace chief::daemon::telemetry
