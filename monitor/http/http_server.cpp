#include "monitor/http/http_server.h"

#include <array>
#include <list>
#include <type_traits>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace chief::monitor {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

// A connection as the server sees it: something it can close at stop().
class ConnectionHandle {
public:
    virtual ~ConnectionHandle() = default;
    virtual void close() = 0;
};

struct HttpServer::Shared {
    Shared(RequestHandler& h, TrafficCounters& t, service::Logger& l, ServerOptions o)
        : handler(h), traffic(t), logger(l), options(std::move(o)) {}
    RequestHandler& handler;
    TrafficCounters& traffic;
    service::Logger& logger;
    ServerOptions options;
    std::optional<ssl::context> tls;
    std::list<std::weak_ptr<ConnectionHandle>> connections;
    bool stopped = false;
};

namespace {

constexpr const char* kServerName = "chief-monitord";
// How long, and how much, a closing connection's leftover input is read and thrown away.
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kLingerBytes = 4 * 1024 * 1024;

// One client connection over `Stream` (a plain tcp_stream or a TLS stream over one): reads
// requests one after another, answers each through the router, and ends on error, timeout,
// "Connection: close" or server stop.
template <class Stream>
class Connection final : public ConnectionHandle, public std::enable_shared_from_this<Connection<Stream>> {
public:
    static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

    Connection(tcp::socket&& socket, std::shared_ptr<HttpServer::Shared> shared)
        : stream_(makeStream(std::move(socket), *shared)), shared_(std::move(shared)) {
        ++shared_->traffic.connectionsOpen;
        ++shared_->traffic.connectionsAccepted;
    }
    ~Connection() override { --shared_->traffic.connectionsOpen; }

    void start() {
        if constexpr (kTls) {
            beast::get_lowest_layer(stream_).expires_after(shared_->options.handshakeTimeout);
            stream_.async_handshake(ssl::stream_base::server,
                                    [self = this->shared_from_this()](beast::error_code ec) {
                                        if (ec) return self->close();
                                        self->readRequest();
                                    });
        } else {
            readRequest();
        }
    }

    void close() override {
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(stream_).close();
    }

private:
    static Stream makeStream(tcp::socket&& socket, HttpServer::Shared& shared) {
        if constexpr (kTls) return Stream(std::move(socket), *shared.tls);
        else return Stream(std::move(socket));
    }

    void readRequest() {
        if (shared_->stopped) return close();
        parser_.emplace();
        parser_->body_limit(shared_->options.maxBodyBytes);
        parser_->header_limit(static_cast<std::uint32_t>(shared_->options.maxHeaderBytes));
        // The first request must come promptly; later ones may wait out the idle time.
        beast::get_lowest_layer(stream_).expires_after(requests_ == 0 ? shared_->options.requestTimeout
                                                                      : shared_->options.idleTimeout);
        http::async_read_header(stream_, buffer_, *parser_,
                                [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                    self->onHeader(ec);
                                });
    }

    void onHeader(beast::error_code ec) {
        if (ec) return onReadError(ec);
        beast::get_lowest_layer(stream_).expires_after(shared_->options.requestTimeout);
        if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
            // libcurl waits a second for this before sending a body over 1 KiB.
            continue_.emplace(http::status::continue_, parser_->get().version());
            http::async_write(stream_, *continue_, [self = this->shared_from_this()](beast::error_code writeError, std::size_t) {
                if (writeError) return self->close();
                self->readBody();
            });
            return;
        }
        readBody();
    }

    void readBody() {
        if (parser_->is_done()) return process();
        http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->onReadError(ec);
            self->process();
        });
    }

    // Answers what the parser refused, then closes; anything else (end of stream, timeout,
    // reset, stop) just closes.
    void onReadError(beast::error_code ec) {
        const beast::error_code anyHttpError = http::error::bad_target;
        std::optional<HttpReply> answer;
        if (ec == http::error::body_limit)
            answer = errorReply(413, "Request body larger than " + std::to_string(shared_->options.maxBodyBytes) +
                                         " bytes; nothing was stored");
        else if (ec == http::error::header_limit)
            answer = errorReply(431, "Request headers too large");
        else if (ec.category() == anyHttpError.category() && ec != http::error::end_of_stream &&
                 ec != http::error::partial_message)
            answer = errorReply(400, "Malformed HTTP request");
        if (!answer) return close();
        reply(std::move(*answer), /*keepAlive=*/false, /*head=*/false);
    }

    void process() {
        ++requests_;
        const auto& request = parser_->get();
        HttpRequestView view;
        view.method = std::string_view(request.method_string().data(), request.method_string().size());
        view.target = std::string_view(request.target().data(), request.target().size());
        if (const auto key = request.find("x-api-key"); key != request.end())
            view.apiKey = std::string_view(key->value().data(), key->value().size());
        if (const auto tag = request.find(http::field::if_none_match); tag != request.end())
            view.ifNoneMatch = std::string_view(tag->value().data(), tag->value().size());
        view.body = request.body();
        const bool keepAlive = request.keep_alive();
        const bool head = request.method() == http::verb::head;
        // The answer may come from another thread's work; it is delivered on this connection's.
        shared_->handler.handle(view, [self = this->shared_from_this(), keepAlive, head](HttpReply answer) {
            self->reply(std::move(answer), keepAlive, head);
        });
    }

    void reply(HttpReply&& answer, bool keepAlive, bool head) {
        shared_->traffic.countResponse(answer.status);
        response_.emplace();
        response_->version(parser_ && parser_->get().version() == 10 ? 10 : 11);
        response_->result(static_cast<unsigned>(answer.status));
        response_->set(http::field::server, kServerName);
        response_->set(http::field::content_type, answer.contentType);
        for (const auto& [name, value] : answer.headers) response_->set(name, value);
        response_->keep_alive(keepAlive && !shared_->stopped);
        if (head) {
            response_->content_length(answer.body.size());
        } else {
            response_->body() = std::move(answer.body);
            response_->prepare_payload();
        }
        beast::get_lowest_layer(stream_).expires_after(shared_->options.writeTimeout);
        http::async_write(stream_, *response_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            self->onWritten(ec);
        });
    }

    void onWritten(beast::error_code ec) {
        if (ec) return close();
        const bool keepAlive = response_->keep_alive();
        response_.reset();
        if (!keepAlive) return finish();
        readRequest();
    }

    void finish() {
        if constexpr (kTls) {
            beast::get_lowest_layer(stream_).expires_after(shared_->options.handshakeTimeout);
            stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close(); });
        } else {
            beast::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
            // A lingering close: after a 413 the client may still be sending the body it was
            // refused; closing with unread data would reset the connection and could lose the
            // answer. Read and discard a bounded amount, for a bounded time, then close.
            stream_.expires_after(kLingerTime);
            drain();
        }
    }

    void drain() {
        stream_.async_read_some(asio::buffer(discard_), [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
            self->discarded_ += n;
            if (ec || self->discarded_ > kLingerBytes) return self->close();
            self->drain();
        });
    }

    Stream stream_;
    std::shared_ptr<HttpServer::Shared> shared_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::optional<http::response<http::empty_body>> continue_;
    std::optional<http::response<http::string_body>> response_;
    std::uint64_t requests_ = 0;
    std::array<char, 16 * 1024> discard_{};
    std::size_t discarded_ = 0;
};

}  // namespace

HttpServer::HttpServer(asio::io_context& io, RequestHandler& handler, TrafficCounters& traffic, service::Logger& logger,
                       ServerOptions options)
    : options_(options),
      shared_(std::make_shared<Shared>(handler, traffic, logger, std::move(options))),
      acceptor_(io) {}

HttpServer::~HttpServer() { stop(); }

Result<tcp::endpoint> HttpServer::start() {
    beast::error_code ec;
    if (options_.tls) {
        shared_->tls.emplace(ssl::context::tls_server);
        ssl::context& context = *shared_->tls;
        context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                            ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
        context.use_certificate_chain_file(options_.tls->certificateChain, ec);
        if (ec) return makeError("cannot use certificate " + options_.tls->certificateChain + ": " + ec.message());
        context.use_private_key_file(options_.tls->privateKey, ssl::context::pem, ec);
        if (ec) return makeError("cannot use private key " + options_.tls->privateKey + ": " + ec.message());
    }
    const asio::ip::address address = asio::ip::make_address(options_.host, ec);
    if (ec) return makeError("listen address \"" + options_.host + "\" is not an IP address");
    const tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        beast::error_code ignored;
        acceptor_.close(ignored);
        return makeError("cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " + ec.message());
    }
    const tcp::endpoint bound = acceptor_.local_endpoint(ec);
    accept();
    return bound;
}

void HttpServer::stop() {
    if (shared_->stopped) return;
    shared_->stopped = true;
    beast::error_code ignored;
    acceptor_.close(ignored);
    for (const auto& weak : shared_->connections)
        if (const auto connection = weak.lock()) connection->close();
    shared_->connections.clear();
}

void HttpServer::accept() {
    acceptor_.async_accept([this, shared = shared_](beast::error_code ec, tcp::socket socket) {
        if (shared->stopped) return;
        if (ec) {
            // Out of descriptors and the like: say so, and keep accepting.
            shared->logger.log(service::LogLevel::Warning, "Accepting a connection failed, ignoring: " + ec.message());
            return accept();
        }
        std::erase_if(shared->connections, [](const std::weak_ptr<ConnectionHandle>& c) { return c.expired(); });
        if (shared->traffic.connectionsOpen >= shared->options.maxConnections) {
            ++shared->traffic.connectionsRejected;
            beast::error_code ignored;
            socket.close(ignored);
            return accept();
        }
        socket.set_option(tcp::no_delay(true), ec);
        if (shared->tls) {
            auto connection = std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), shared);
            shared->connections.push_back(connection);
            connection->start();
        } else {
            auto connection = std::make_shared<Connection<beast::tcp_stream>>(std::move(socket), shared);
            shared->connections.push_back(connection);
            connection->start();
        }
        accept();
    });
}

}  // namespace chief::monitor
