#include "http_client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <limits>
#include <stdexcept>

namespace herald::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::awaitable;
using asio::ip::tcp;

Endpoint parse_http_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) throw std::invalid_argument("URL must start with http://: " + std::string(url));
  auto authority = url.substr(scheme.size());
  if (auto slash = authority.find('/'); slash != std::string_view::npos) {
    if (slash + 1 != authority.size()) throw std::invalid_argument("URL must not have a path: " + std::string(url));
    authority = authority.substr(0, slash);
  }
  auto colon = authority.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == authority.size()) {
    throw std::invalid_argument("URL must name HOST:PORT: " + std::string(url));
  }
  return Endpoint{std::string(authority.substr(0, colon)), std::string(authority.substr(colon + 1))};
}

HttpConnection::HttpConnection(asio::any_io_executor executor, Endpoint endpoint, std::chrono::seconds request_timeout)
    : endpoint_(std::move(endpoint)), request_timeout_(request_timeout), stream_(std::move(executor)) {}

void HttpConnection::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  buffer_.clear();
}

awaitable<void> HttpConnection::connect() {
  tcp::resolver resolver(stream_.get_executor());
  auto endpoints = co_await resolver.async_resolve(endpoint_.host, endpoint_.port, asio::use_awaitable);
  stream_.expires_after(request_timeout_);
  co_await stream_.async_connect(endpoints, asio::use_awaitable);
  // Requests are small and latency is what we measure: never wait for Nagle.
  stream_.socket().set_option(tcp::no_delay(true));
  buffer_.clear();
}

awaitable<HttpReply> HttpConnection::send(const HttpRequest& request) {
  bhttp::request<bhttp::string_body> message{request.method, request.target, 11};
  message.set(bhttp::field::host, endpoint_.host);
  message.keep_alive(true);
  if (!request.content_type.empty()) message.set(bhttp::field::content_type, request.content_type);
  if (!request.authorization.empty()) message.set(bhttp::field::authorization, request.authorization);
  message.body() = request.body;
  message.prepare_payload();

  for (int attempt = 0;; ++attempt) {
    const bool reused = stream_.socket().is_open();
    if (!reused) co_await connect();
    beast::error_code ec;
    stream_.expires_after(request_timeout_);
    co_await bhttp::async_write(stream_, message, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      co_await bhttp::async_read(stream_, buffer_, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) {
        auto& response = parser.get();
        HttpReply reply{response.result_int(), std::move(response.body())};
        if (!response.keep_alive()) close();
        co_return reply;
      }
    }
    close();
    // Only a kept-alive connection the server dropped while idle earns a second try.
    if (!reused || attempt > 0) throw boost::system::system_error(ec);
  }
}

}  // namespace herald::bench
