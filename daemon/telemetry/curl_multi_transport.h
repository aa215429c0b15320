#pragma once
// CurlMultiTransport: libcurl's multi interface driven by an Asio io_context. curl tells us
// which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when its next timeout is
// (CURLMOPT_TIMERFUNCTION); each socket is watched with a posix::stream_descriptor and the
// timeout with a steady_timer, so requests run on the loop with no thread per request. The
// multi handle keeps connections alive between batches. libcurl itself comes from
// CurlLibrary (loaded on demand), never from the link line.

#include <curl/curl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <string>

#include "telemetry/curl_library.h"
#include "telemetry/telemetry_transport.h"

namespace chief::daemon::telemetry {

struct TransportSettings {
    std::string endpoint;  // monitor.endpoint, e.g. http://127.0.0.1:7410
    std::string apiKey;    // sent as x-api-key when not empty; never logged
    long timeoutMs = 400;  // per request, connecting included
    std::string caFile;    // https: verify against this bundle instead of the system store
};

// The batch endpoint's URL for a monitor.endpoint ("…:7410", "…:7410/" or "…:7410/v1").
std::string batchUrl(const std::string& endpoint);

class CurlMultiTransport final : public TelemetryTransport {
public:
    CurlMultiTransport(boost::asio::io_context& io, CurlLibrary curl, TransportSettings settings);
    ~CurlMultiTransport() override;
    CurlMultiTransport(const CurlMultiTransport&) = delete;
    CurlMultiTransport& operator=(const CurlMultiTransport&) = delete;

    void post(std::string body, Done done) override;

private:
    struct Request;
    struct Socket;

    static int onSocket(CURL* easy, curl_socket_t fd, int what, void* self, void* socketData);
    static int onTimer(CURLM* multi, long timeoutMs, void* self);
    static int onCloseSocket(void* self, curl_socket_t fd);

    void watch(curl_socket_t fd, int what);
    void arm(Socket& socket, bool write);
    void act(curl_socket_t fd, int flags);
    void collectFinished();

    boost::asio::io_context& io_;
    CurlLibrary curl_;
    TransportSettings settings_;
    std::string url_;
    CURLM* multi_ = nullptr;
    curl_slist* headers_ = nullptr;
    boost::asio::steady_timer timer_;
    std::map<curl_socket_t, std::unique_ptr<Socket>> sockets_;
    std::map<CURL*, std::unique_ptr<Request>> requests_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace chief::daemon::telemetry
