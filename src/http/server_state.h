#pragma once
// Internal to src/http: what the Server facade, its accept loop and its sessions share. Sessions
// hold it by shared_ptr, so it outlives the Server object while the last connections unwind.
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string_view>
#include <unordered_set>

#include "http/router.h"
#include "http/server_options.h"

namespace boost::asio::ssl {
class context;
}

namespace herald::http::detail {

// One open connection as the server sees it, so that shutdown can close idle connections and
// cancel the rest. Every member is touched on `strand` (the connection's own) only.
struct Connection {
  explicit Connection(boost::asio::any_io_executor executor) : strand(std::move(executor)) {}

  boost::asio::any_io_executor strand;
  bool awaiting_request = false;            // parked before the first byte of a request
  std::function<void()> close_socket;       // set by the session while its stream exists
  boost::asio::cancellation_signal cancel;  // bound to the session coroutine
};

struct ServerState : std::enable_shared_from_this<ServerState> {
  ServerState(boost::asio::io_context& io, ServerOptions options, const Router& router, RequestObserver observer);

  // The reply for errors the server detects itself, via options.error_response.
  Response error_reply(unsigned status, std::string_view detail) const;

  // --- Connection registry. REQUIRES: called on `control` only. ---
  // Adds an accepted connection; false (and a throttled log line) when at max_connections or
  // stopping, in which case the caller closes the socket.
  bool try_register(const std::shared_ptr<Connection>& connection);
  void unregister(const std::shared_ptr<Connection>& connection);
  void close_acceptor();
  // Closes connections parked between requests now, lets the others finish their request (a
  // request whose first bytes have arrived is answered), and cancels what is left after `grace`.
  void begin_shutdown(std::chrono::milliseconds grace, std::function<void()> done);
  // Closes every connection and cancels its handler.
  void cancel_all();

  boost::asio::io_context& io;
  const ServerOptions options;
  const Router& router;
  const RequestObserver observer;
  std::shared_ptr<boost::asio::ssl::context> tls;  // null for plain TCP; set by listen()

  // Serialises the acceptor, the registry and shutdown bookkeeping.
  boost::asio::strand<boost::asio::io_context::executor_type> control;
  boost::asio::ip::tcp::acceptor acceptor;

  std::atomic<bool> stopping{false};  // read by sessions: no keep-alive once set
  std::atomic<std::size_t> open_connections{0};
  std::atomic<std::size_t> in_flight_requests{0};

 private:
  void finish_shutdown_if_idle();

  std::unordered_set<std::shared_ptr<Connection>> connections_;
  std::function<void()> shutdown_done_;
  boost::asio::steady_timer grace_timer_;
  std::chrono::steady_clock::time_point last_limit_log_{};
};

}  // namespace herald::http::detail
