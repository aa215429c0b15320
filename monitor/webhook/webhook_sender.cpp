#include "monitor/webhook/webhook_sender.h"

#include <memory>
#include <variant>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include "monitor/core/http_url.h"

namespace chief::monitor {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr std::size_t kMaxResponseBody = 64 * 1024;

// One POST: resolve, connect, (TLS handshake), write, read, done. Owns itself through the
// handlers' shared_ptrs; every step runs under the stream's deadline.
template <class Stream>
class Exchange : public std::enable_shared_from_this<Exchange<Stream>> {
public:
    static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

    Exchange(asio::io_context& io, ssl::context& tls, HttpUrl url, WebhookPost post, std::chrono::milliseconds timeout,
             std::function<void(WebhookOutcome)> done)
        : resolver_(io),
          stream_(makeStream(io, tls)),
          url_(std::move(url)),
          timeout_(timeout),
          done_(std::move(done)) {
        request_.method(http::verb::post);
        request_.target(url_.target);
        request_.version(11);
        request_.set(http::field::host, url_.hostHeader);
        request_.set(http::field::user_agent, "chief-monitord");
        request_.set(http::field::content_type, "application/json");
        request_.set(http::field::connection, "close");
        for (const auto& [name, value] : post.headers) request_.set(name, value);
        request_.body() = std::move(post.body);
        request_.prepare_payload();
    }

    void start() {
        if constexpr (kTls) {
            // SNI, and the certificate must name the host we asked for.
            // SSL_set_tlsext_host_name(), spelled out: the macro's C cast trips -Wold-style-cast.
            if (SSL_ctrl(stream_.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                         const_cast<char*>(url_.host.c_str())) != 1)
                return finish({std::nullopt, "cannot set the TLS server name"});
            stream_.set_verify_callback(ssl::host_name_verification(url_.host));
        }
        beast::get_lowest_layer(stream_).expires_after(timeout_);
        resolver_.async_resolve(url_.host, std::to_string(url_.port),
                                [self = this->shared_from_this()](beast::error_code ec, tcp::resolver::results_type results) {
                                    if (ec) return self->finish({std::nullopt, "resolving: " + ec.message()});
                                    self->connect(results);
                                });
    }

private:
    static Stream makeStream(asio::io_context& io, ssl::context& tls) {
        if constexpr (kTls) return Stream(io, tls);
        else return Stream(io);
    }

    void connect(const tcp::resolver::results_type& results) {
        beast::get_lowest_layer(stream_).async_connect(
            results, [self = this->shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
                if (ec) return self->finish({std::nullopt, "connecting: " + ec.message()});
                if constexpr (kTls) {
                    self->stream_.async_handshake(ssl::stream_base::client, [self](beast::error_code handshakeError) {
                        if (handshakeError) return self->finish({std::nullopt, "TLS: " + handshakeError.message()});
                        self->write();
                    });
                } else {
                    self->write();
                }
            });
    }

    void write() {
        http::async_write(stream_, request_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->finish({std::nullopt, "sending: " + ec.message()});
            self->read();
        });
    }

    void read() {
        parser_.body_limit(kMaxResponseBody);
        http::async_read(stream_, buffer_, parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec && ec != http::error::body_limit) return self->finish({std::nullopt, "reading the answer: " + ec.message()});
            self->finish({static_cast<int>(self->parser_.get().result_int()), {}});
        });
    }

    void finish(WebhookOutcome outcome) {
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(stream_).close();
        if (done_) std::exchange(done_, nullptr)(std::move(outcome));
    }

    tcp::resolver resolver_;
    Stream stream_;
    HttpUrl url_;
    std::chrono::milliseconds timeout_;
    std::function<void(WebhookOutcome)> done_;
    http::request<http::string_body> request_;
    beast::flat_buffer buffer_;
    http::response_parser<http::string_body> parser_;
};

}  // namespace

BeastWebhookSender::BeastWebhookSender(asio::io_context& io, std::chrono::milliseconds timeout)
    : io_(io), timeout_(timeout), tls_(ssl::context::tls_client) {
    // The system CA store (OpenSSL's default paths; SSL_CERT_FILE / SSL_CERT_DIR override them).
    tls_.set_default_verify_paths();
    tls_.set_verify_mode(ssl::verify_peer);
    tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
}

void BeastWebhookSender::post(WebhookPost request, std::function<void(WebhookOutcome)> done) {
    Result<HttpUrl> url = parseHttpUrl(request.url);
    if (!url) {
        asio::post(io_, [done = std::move(done), why = url.error()] { done({std::nullopt, "bad URL: " + why}); });
        return;
    }
    if (url.value().tls) {
        std::make_shared<Exchange<beast::ssl_stream<beast::tcp_stream>>>(io_, tls_, std::move(url).value(), std::move(request),
                                                                          timeout_, std::move(done))
            ->start();
    } else {
        std::make_shared<Exchange<beast::tcp_stream>>(io_, tls_, std::move(url).value(), std::move(request), timeout_,
                                                      std::move(done))
            ->start();
    }
}

}  // namespace chief::monitor
