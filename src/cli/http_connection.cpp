#include "cli/http_connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

#include "cli/failure.h"

namespace herald::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::uint64_t kBodyLimit = 1024ull * 1024 * 1024;  // a 100k-agent page is ~100 MB
// A POST is never resent, so it gets a new connection once the old one may have been dropped.
constexpr auto kPostIdleReuse = std::chrono::seconds(2);

bool is_idempotent(const std::string& method) {
  return method != "POST" && method != "PATCH";
}

// The server closed a kept-alive connection between requests.
bool is_stale_connection(const beast::error_code& ec) {
  return ec == beast::http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated;
}

bool is_ip_address(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

// The socket (plain or TLS) and the io_context that drives it. Every operation is started
// asynchronously and the context is run until it completes, because only asynchronous
// operations honour beast::tcp_stream's timeouts.
struct HttpConnection::Stream {
  asio::io_context io;
  std::optional<ssl::context> tls_context;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  Clock::time_point last_used = Clock::now();

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  template <class Start>
  beast::error_code run(Start start) {
    beast::error_code result;
    io.restart();
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    io.run();
    return result;
  }

  template <class Message>
  beast::error_code write(Message& message) {
    if (secure) return run([&](auto handler) { beast::http::async_write(*secure, message, handler); });
    return run([&](auto handler) { beast::http::async_write(*plain, message, handler); });
  }

  template <class Parser>
  beast::error_code read(Parser& parser) {
    if (secure) return run([&](auto handler) { beast::http::async_read(*secure, buffer, parser, handler); });
    return run([&](auto handler) { beast::http::async_read(*plain, buffer, parser, handler); });
  }
};

HttpConnection::HttpConnection(ServerUrl server, TlsOptions tls, Timeouts timeouts)
    : server_(std::move(server)), tls_(std::move(tls)), timeouts_(timeouts) {}

HttpConnection::~HttpConnection() = default;

std::string HttpConnection::describe() const {
  return (server_.tls ? "https://" : "http://") + server_.host_header + server_.base_path;
}

void HttpConnection::connect() {
  stream_.reset();
  auto stream = std::make_unique<Stream>();
  beast::error_code ec;
  tcp::resolver resolver(stream->io);
  auto endpoints = resolver.resolve(server_.host, server_.port, ec);
  if (ec) throw server_failure("cannot resolve " + server_.host + ": " + ec.message());

  if (server_.tls) {
    stream->tls_context.emplace(ssl::context::tls_client);
    auto& context = *stream->tls_context;
    if (tls_.verify) {
      context.set_verify_mode(ssl::verify_peer);
      if (tls_.ca_file.empty()) {
        context.set_default_verify_paths(ec);
      } else {
        context.load_verify_file(tls_.ca_file, ec);
      }
      if (ec) throw bad_arguments("cannot load CA certificates " + tls_.ca_file + ": " + ec.message());
    } else {
      context.set_verify_mode(ssl::verify_none);
    }
    stream->secure.emplace(stream->io, context);
    if (tls_.verify) stream->secure->set_verify_callback(ssl::host_name_verification(server_.host));
    // SNI carries names only, never addresses (RFC 6066 §3).
    if (!is_ip_address(server_.host)) SSL_set_tlsext_host_name(stream->secure->native_handle(), server_.host.c_str());
  } else {
    stream->plain.emplace(stream->io);
  }

  stream->lowest().expires_after(timeouts_.connect);
  ec = stream->run([&](auto handler) { stream->lowest().async_connect(endpoints, handler); });
  if (ec == beast::error::timeout) throw server_failure("timed out connecting to " + describe());
  if (ec) throw server_failure("cannot connect to " + describe() + ": " + ec.message());
  if (stream->secure) {
    stream->lowest().expires_after(timeouts_.connect);
    ec = stream->run([&](auto handler) { stream->secure->async_handshake(ssl::stream_base::client, handler); });
    if (ec) {
      throw server_failure(
          "TLS handshake with " + describe() + " failed: " + ec.message() +
          (tls_.verify ? " (trust its certificate with --ca-file, or skip checks with --insecure)" : ""));
    }
  }
  stream_ = std::move(stream);
}

HttpResponse HttpConnection::send(const HttpRequest& request) {
  namespace http = beast::http;
  for (int attempt = 0;; ++attempt) {
    bool idempotent = is_idempotent(request.method);
    if (stream_ && !idempotent && Clock::now() - stream_->last_used > kPostIdleReuse) stream_.reset();
    bool reused = stream_ != nullptr;
    if (!stream_) connect();

    http::request<http::string_body> message(http::string_to_verb(request.method), request.target, 11);
    message.set(http::field::host, server_.host_header);
    message.set(http::field::user_agent, "herald-cli");
    message.set(http::field::accept, "application/json");
    if (!request.authorization.empty()) message.set(http::field::authorization, request.authorization);
    if (!request.body.empty()) {
      message.set(http::field::content_type, request.content_type.empty() ? "application/json" : request.content_type);
    }
    message.body() = request.body;
    message.keep_alive(true);
    message.prepare_payload();

    stream_->lowest().expires_after(timeouts_.io);
    auto ec = stream_->write(message);
    http::response_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    if (!ec) ec = stream_->read(parser);
    if (ec) {
      stream_.reset();
      if (attempt == 0 && reused && idempotent && is_stale_connection(ec)) continue;
      if (ec == beast::error::timeout) {
        throw server_failure("timed out waiting for " + describe() + " (" + request.method + " " + request.target +
                             ")");
      }
      throw server_failure(request.method + " " + request.target + " on " + describe() + " failed: " + ec.message());
    }
    auto response = parser.release();
    HttpResponse result;
    result.status = response.result_int();
    result.content_type = std::string(response[http::field::content_type]);
    result.body = std::move(response.body());
    if (response.keep_alive()) {
      stream_->last_used = Clock::now();
    } else {
      stream_.reset();
    }
    return result;
  }
}

}  // namespace herald::cli
