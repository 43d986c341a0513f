#include "agent_http.h"

#include <netinet/in.h>

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <limits>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace herald::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::awaitable;
using asio::ip::tcp;

awaitable<AgentReply> agent_request(const asio::any_io_executor& executor, const tcp::endpoint& server,
                                    const std::optional<asio::ip::address>& source, const std::string& host,
                                    const AgentRequest& request, std::chrono::seconds timeout, RequestWatch* watch) {
  bhttp::request<bhttp::string_body> message{request.method, request.target, 11};
  message.set(bhttp::field::host, host);
  message.set(bhttp::field::user_agent, "WazuhXDR/6.0.0 (Endpoint; x86_64; Linux)");
  message.set(bhttp::field::accept, "application/json");
  message.set(bhttp::field::content_type, "application/json");
  if (!request.authorization.empty()) message.set(bhttp::field::authorization, request.authorization);
  message.body() = request.body;
  message.prepare_payload();

  beast::tcp_stream stream(executor);
  auto& socket = stream.socket();
  socket.open(server.protocol());
  if (source) {
    // Pick the port at connect time, per (source, destination): 28k ports per source address.
    const int one = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    const tcp::endpoint local(*source, 0);
    socket.bind(local);
  }
  stream.expires_after(timeout);
  // Forget the socket however this coroutine ends (reply, failure, hang-up).
  struct Unwatch {
    RequestWatch* watch;
    ~Unwatch() {
      if (watch != nullptr) watch->socket_ = nullptr;
    }
  } unwatch{watch};
  if (watch != nullptr) watch->socket_ = &socket;
  co_await stream.async_connect(server, asio::use_awaitable);
  socket.set_option(tcp::no_delay(true));
  co_await bhttp::async_write(stream, message, asio::use_awaitable);
  if (watch != nullptr && watch->on_written) watch->on_written();
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  co_await bhttp::async_read(stream, buffer, parser, asio::use_awaitable);
  AgentReply reply{parser.get().result_int(), std::move(parser.get().body())};
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  co_return reply;
}

bool RequestWatch::hang_up() {
  if (socket_ == nullptr || !socket_->is_open()) return false;
  beast::error_code ignored;
  socket_->close(ignored);
  return true;
}

}  // namespace herald::bench
