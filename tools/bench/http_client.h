// A minimal HTTP/1.1 keep-alive client for driving heraldd: one TCP connection, one request in
// flight at a time, reconnecting when the server has closed an idle connection.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace herald::bench {

// Where the server listens: "http://HOST:PORT" split into its parts.
struct Endpoint {
  std::string host;
  std::string port;
};

// Parses "http://HOST:PORT[/]". Throws std::invalid_argument on anything else (no TLS, no path).
Endpoint parse_http_url(std::string_view url);

struct HttpRequest {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target;         // "/orders?status=failure&limit=1"
  std::string body;           // sent as is; empty: no body
  std::string content_type;   // empty: no Content-Type header
  std::string authorization;  // the whole header value ("Bearer ..."); empty: none
};

struct HttpReply {
  unsigned status = 0;
  std::string body;
};

// Not thread-safe: one coroutine uses a connection at a time.
class HttpConnection {
 public:
  HttpConnection(boost::asio::any_io_executor executor, Endpoint endpoint,
                 std::chrono::seconds request_timeout = std::chrono::seconds(300));
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends `request` and reads the whole reply (no body size limit). Connects first when needed;
  // if a reused connection turns out to be closed, reconnects and sends once more. Throws
  // boost::system::system_error on any other network failure (the connection is then closed).
  // `request` must stay alive until the returned awaitable completes.
  boost::asio::awaitable<HttpReply> send(const HttpRequest& request);

  void close();

 private:
  boost::asio::awaitable<void> connect();

  Endpoint endpoint_;
  std::chrono::seconds request_timeout_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace herald::bench
