#pragma once
// HttpServer: the Boost.Beast adapter in front of the API (a RequestHandler). HTTP/1.1 with keep-alive, plain or
// TLS (Asio's OpenSSL stream), on the io_context it is given. Hostile clients are bounded:
// header and body size limits (431, 413), a deadline for each request and for idle keep-alive
// connections, and a cap on open connections.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "chief/result.h"
#include "chief/service/logger.h"
#include "monitor/core/metrics.h"
#include "monitor/http/request_handler.h"

namespace chief::monitor {

// A certificate chain and its private key, both PEM files.
struct TlsFiles {
    std::string certificateChain;
    std::string privateKey;
};

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 7410;  // 0: any free port (see HttpServer::endpoint())
    std::optional<TlsFiles> tls;
    std::size_t maxConnections = 256;
    std::size_t maxBodyBytes = 2 * 1024 * 1024;  // the contract's limit: larger gets 413
    std::size_t maxHeaderBytes = 16 * 1024;      // larger gets 431
    std::chrono::milliseconds requestTimeout{30000};  // to read one request, from its first byte
    std::chrono::milliseconds idleTimeout{60000};     // keep-alive connection with nothing to read
    std::chrono::milliseconds writeTimeout{30000};
    std::chrono::milliseconds handshakeTimeout{10000};
};

class HttpServer {
public:
    // `handler` answers the requests; the server counts connections and responses in `traffic`.
    HttpServer(boost::asio::io_context& io, RequestHandler& handler, TrafficCounters& traffic, service::Logger& logger,
               ServerOptions options);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Loads the TLS files (when given), binds and starts accepting. The error says what failed.
    Result<boost::asio::ip::tcp::endpoint> start();
    // Stops accepting and closes every open connection.
    void stop();

    bool tls() const { return options_.tls.has_value(); }

    struct Shared;  // state the server shares with its connections (they may outlive it)

private:
    void accept();

    ServerOptions options_;
    std::shared_ptr<Shared> shared_;
    boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace chief::monitor
