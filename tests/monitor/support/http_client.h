#pragma once
// A blocking HTTP(S) client for tests: one connection per request unless a Connection is kept.

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>
#include <openssl/ssl.h>

namespace chief::monitor::testing {

struct HttpResult {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
    nlohmann::json json() const { return nlohmann::json::parse(body); }
};

struct HttpCall {
    std::string method = "GET";
    std::string target = "/";
    std::string body;
    std::map<std::string, std::string> headers;
};

// Where and how to connect.
struct HttpEndpoint {
    std::string host = "127.0.0.1";
    unsigned short port = 0;
    std::optional<std::string> caFile;     // HTTPS, verifying the server against this CA
    std::string serverName = "localhost";  // the name the certificate must carry
};

namespace detail {
template <class Stream>
HttpResult exchange(Stream& stream, const HttpCall& call, const std::string& hostHeader) {
    namespace http = boost::beast::http;
    http::request<http::string_body> request;
    request.method_string(call.method);
    request.target(call.target);
    request.version(11);
    request.set(http::field::host, hostHeader);
    for (const auto& [name, value] : call.headers) request.set(name, value);
    request.body() = call.body;
    if (!call.body.empty() || call.method == "POST") request.prepare_payload();
    http::write(stream, request);
    boost::beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (call.method == "HEAD") parser.skip(true);
    http::read(stream, buffer, parser);
    HttpResult result;
    result.status = static_cast<int>(parser.get().result_int());
    result.body = parser.get().body();
    for (const auto& field : parser.get()) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        result.headers[name] = std::string(field.value());
    }
    return result;
}
}  // namespace detail

// One request on a fresh connection. Throws boost::system::system_error on transport failures.
inline HttpResult httpRequest(const HttpEndpoint& endpoint, const HttpCall& call) {
    namespace asio = boost::asio;
    namespace beast = boost::beast;
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    const auto results = resolver.resolve(endpoint.host, std::to_string(endpoint.port));
    const std::string hostHeader = endpoint.host + ":" + std::to_string(endpoint.port);
    if (!endpoint.caFile) {
        beast::tcp_stream stream(io);
        stream.expires_after(std::chrono::seconds{30});
        stream.connect(results);
        HttpResult result = detail::exchange(stream, call, hostHeader);
        beast::error_code ignored;
        stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        return result;
    }
    asio::ssl::context tls(asio::ssl::context::tls_client);
    tls.load_verify_file(*endpoint.caFile);
    tls.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(endpoint.serverName.c_str()));
    stream.set_verify_callback(asio::ssl::host_name_verification(endpoint.serverName));
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{30});
    beast::get_lowest_layer(stream).connect(results);
    stream.handshake(asio::ssl::stream_base::client);
    HttpResult result = detail::exchange(stream, call, hostHeader);
    beast::error_code ignored;
    stream.shutdown(ignored);
    return result;
}

inline HttpResult httpGet(const HttpEndpoint& endpoint, const std::string& target,
                          std::map<std::string, std::string> headers = {}) {
    return httpRequest(endpoint, {"GET", target, "", std::move(headers)});
}

inline HttpResult httpPost(const HttpEndpoint& endpoint, const std::string& target, const std::string& body,
                           std::map<std::string, std::string> headers = {}) {
    headers.emplace("Content-Type", "application/json");
    return httpRequest(endpoint, {"POST", target, body, std::move(headers)});
}

}  // namespace chief::monitor::testing
