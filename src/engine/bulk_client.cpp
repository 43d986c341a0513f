#include "engine/bulk_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/system/system_error.hpp>

namespace herald::engine {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using asio::awaitable;
using asio::ip::tcp;

core::Result<IndexerUrl> parse_indexer_url(std::string_view url) {
  IndexerUrl out;
  out.text = std::string(url);
  std::string_view rest;
  if (url.starts_with("https://")) {
    out.tls = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return core::invalid_argument("indexer host '" + out.text + "' must start with https:// or http://");
  }
  if (rest.ends_with('/')) rest.remove_suffix(1);
  const auto colon = rest.rfind(':');
  if (rest.find('/') != std::string_view::npos || rest.find('@') != std::string_view::npos ||
      colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size()) {
    return core::invalid_argument("indexer host '" + out.text + "' must be scheme://host:port, without a path or user");
  }
  out.host = std::string(rest.substr(0, colon));
  out.port = std::string(rest.substr(colon + 1));
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']')
    out.host = out.host.substr(1, out.host.size() - 2);
  for (char c : out.port) {
    if (c < '0' || c > '9') return core::invalid_argument("indexer host '" + out.text + "' has a bad port");
  }
  if (out.port.size() > 5 || std::stoul(out.port) == 0 || std::stoul(out.port) > 65535) {
    return core::invalid_argument("indexer host '" + out.text + "' has a bad port");
  }
  return out;
}

core::Result<EndpointUrl> parse_endpoint_url(std::string_view url) {
  const bool tls = url.starts_with("https://");
  if (!tls && !url.starts_with("http://")) return core::invalid_argument("URL must start with https:// or http://");
  const std::string_view scheme = tls ? "https://" : "http://";
  std::string_view rest = url.substr(scheme.size());
  const auto slash = rest.find_first_of("/?");
  std::string authority(rest.substr(0, slash));
  EndpointUrl out;
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.target.front() == '?') out.target.insert(0, "/");
  const auto bracket = authority.rfind(']');
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos || (bracket != std::string::npos && colon < bracket)) authority += tls ? ":443" : ":80";
  auto server = parse_indexer_url(std::string(scheme) + authority);
  if (!server) return core::invalid_argument("URL must be scheme://host[:port]/path, without a user");
  out.server = std::move(*server);
  out.server.text = std::string(scheme) + authority;
  return out;
}

core::Result<std::shared_ptr<ssl::context>> make_client_tls_context(const std::string& ca_file) {
  std::shared_ptr<ssl::context> context;
  try {
    context = std::make_shared<ssl::context>(ssl::context::tls_client);
  } catch (const boost::system::system_error& e) {
    return core::invalid_argument("TLS context: " + e.code().message());
  }
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  context->set_verify_mode(ssl::verify_peer, ec);
  if (ca_file.empty()) {
    context->set_default_verify_paths(ec);
  } else {
    context->load_verify_file(ca_file, ec);
  }
  if (ec)
    return core::invalid_argument("TLS CA " + (ca_file.empty() ? std::string("(system)") : ca_file) + ": " +
                                  ec.message());
  return context;
}

struct BulkClient::Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};

namespace {

template <class Stream>
awaitable<BulkReply> exchange(Stream& stream, beast::tcp_stream& tcp, beast::flat_buffer& buffer,
                              bhttp::request<bhttp::string_body>& message, std::chrono::milliseconds timeout,
                              bool& keep_alive) {
  tcp.expires_after(timeout);
  co_await bhttp::async_write(stream, message, asio::use_awaitable);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64ull << 20);
  tcp.expires_after(timeout);
  co_await bhttp::async_read(stream, buffer, parser, asio::use_awaitable);
  auto& response = parser.get();
  keep_alive = response.keep_alive();
  co_return BulkReply{response.result_int(), std::move(response.body())};
}

}  // namespace

BulkClient::BulkClient(IndexerUrl url, std::shared_ptr<ssl::context> tls, std::string authorization,
                       std::chrono::milliseconds timeout)
    : url_(std::move(url)),
      tls_(std::move(tls)),
      authorization_(std::move(authorization)),
      timeout_(timeout),
      io_(std::make_unique<asio::io_context>(1)) {}

BulkClient::~BulkClient() = default;

void BulkClient::interrupt() {
  io_->stop();
}

core::Result<BulkReply> BulkClient::post(const std::string& target, const std::string& body,
                                         const std::string& content_type) {
  bhttp::request<bhttp::string_body> message{bhttp::verb::post, target, 11};
  message.set(bhttp::field::host, url_.host + ":" + url_.port);
  message.set(bhttp::field::content_type, content_type);
  if (!authorization_.empty()) message.set(bhttp::field::authorization, authorization_);
  message.keep_alive(true);
  message.body() = body;
  message.prepare_payload();

  core::Result<BulkReply> result = core::unavailable(url_.text + ": no reply");
  auto attempt = [&]() -> awaitable<void> {
    for (int round = 0;; ++round) {
      const bool reused = connection_ != nullptr;
      try {
        if (!connection_) {
          auto fresh = std::make_unique<Connection>();
          if (url_.tls) {
            fresh->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io_->get_executor(), *tls_);
          } else {
            fresh->plain = std::make_unique<beast::tcp_stream>(io_->get_executor());
          }
          tcp::resolver resolver(io_->get_executor());
          auto endpoints = co_await resolver.async_resolve(url_.host, url_.port, asio::use_awaitable);
          fresh->tcp().expires_after(timeout_);
          co_await fresh->tcp().async_connect(endpoints, asio::use_awaitable);
          fresh->tcp().socket().set_option(tcp::no_delay(true));
          if (fresh->secure) {
            SSL_set_tlsext_host_name(fresh->secure->native_handle(), url_.host.c_str());
            fresh->secure->set_verify_callback(ssl::host_name_verification(url_.host));
            fresh->tcp().expires_after(timeout_);
            boost::system::error_code handshake;
            co_await fresh->secure->async_handshake(ssl::stream_base::client,
                                                    asio::redirect_error(asio::use_awaitable, handshake));
            if (handshake) {
              // OpenSSL's own words say why a certificate was refused (expired, unknown CA ...).
              const long verify = SSL_get_verify_result(fresh->secure->native_handle());
              result = core::unavailable(
                  url_.text + ": TLS handshake: " + handshake.message() +
                  (verify == X509_V_OK ? "" : std::string(" (") + X509_verify_cert_error_string(verify) + ")"));
              co_return;
            }
          }
          connection_ = std::move(fresh);
        }
        bool keep_alive = true;
        // Not a conditional expression with co_await in both arms: GCC 12 destroys its result twice.
        BulkReply reply;
        if (connection_->secure) {
          reply = co_await exchange(*connection_->secure, connection_->tcp(), connection_->buffer, message, timeout_,
                                    keep_alive);
        } else {
          reply = co_await exchange(*connection_->plain, connection_->tcp(), connection_->buffer, message, timeout_,
                                    keep_alive);
        }
        if (!keep_alive) connection_.reset();
        result = std::move(reply);
        co_return;
      } catch (const boost::system::system_error& e) {
        connection_.reset();
        // Only a kept-alive connection the node dropped while idle earns a second try.
        if (!reused || round > 0) {
          result = core::unavailable(url_.text + ": " + e.code().message());
          co_return;
        }
      } catch (const std::exception& e) {
        connection_.reset();
        result = core::unavailable(url_.text + ": " + e.what());
        co_return;
      }
    }
  };
  io_->restart();
  asio::co_spawn(*io_, attempt(), asio::detached);
  io_->run();
  return result;
}

}  // namespace herald::engine
