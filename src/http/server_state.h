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
#include <list>
#include <string>
#include <unordered_map>

#include "http/body_budget.h"
#include "http/io_pool.h"
#include "http/router.h"
#include "http/server_options.h"

namespace boost::asio::ssl {
class context;
}

namespace herald::http::detail {

// One open connection as the server sees it, so that shutdown can close idle connections and
// cancel the rest, and a new connection can shed an idle one. `close_socket` and `cancel` are
// touched on `executor` (the io_context the connection lives on, run by one thread) only;
// `registry` fields on the server's control strand only; `awaiting_request` from both.
struct Connection {
  Connection(boost::asio::any_io_executor io_executor, std::string peer)
      : executor(std::move(io_executor)), address(std::move(peer)) {}

  boost::asio::any_io_executor executor;
  const std::string address;  // the peer's IP address as text
  // Parked before the first byte of a request: closed at once by a graceful shutdown.
  std::atomic<bool> awaiting_request{false};
  // True until a whole request header is in (TLS handshake, idle keep-alive, a slow header):
  // the connection has nothing in progress that shedding it would lose.
  std::atomic<bool> header_pending{true};
  std::function<void()> close_socket;       // set by the session while its stream exists
  boost::asio::cancellation_signal cancel;  // bound to the session coroutine

  struct {
    std::list<std::shared_ptr<Connection>>::iterator position;
    bool shed = false;  // asked to close to make room; no longer counted against the limits
  } registry;
};

struct ServerState : std::enable_shared_from_this<ServerState> {
  ServerState(IoPool& pool, ServerOptions options, const Router& router, RequestObserver observer);

  // The reply for errors the server detects itself, via options.error_response.
  Response error_reply(unsigned status, std::string_view detail) const;

  // --- Connection registry. REQUIRES: called on `control` only. ---
  // Adds an accepted connection. At max_connections (or max_connections_per_address for its
  // address) it first sheds the oldest connection awaiting a request (of that address, or of
  // any); false (and a throttled log line) when there is none to shed or when stopping, in which
  // case the caller closes the socket.
  bool try_register(const std::shared_ptr<Connection>& connection);
  void unregister(const std::shared_ptr<Connection>& connection);
  void close_acceptor();
  // Closes connections parked between requests now, lets the others finish their request (a
  // request whose first bytes have arrived is answered), and cancels what is left after `grace`.
  void begin_shutdown(std::chrono::milliseconds grace, std::function<void()> done);
  // Closes every connection and cancels its handler.
  void cancel_all();

  IoPool& pool;               // connections are spread over its io_contexts
  boost::asio::io_context& io;  // pool.main(): the acceptor, the registry, shutdown
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
  std::atomic<std::uint64_t> shed_connections{0};
  BodyBudget unauthenticated_bodies;

 private:
  void finish_shutdown_if_idle();
  // Asks the oldest connection awaiting a request (from `address`, or from any when empty) to
  // close; false when there is none.
  bool shed_oldest_waiting(const std::string* address);
  void log_limit(std::string_view what);

  std::list<std::shared_ptr<Connection>> connections_;  // oldest first
  std::size_t counted_connections_ = 0;                 // connections_ minus the shed ones
  std::unordered_map<std::string, std::size_t> counted_by_address_;
  std::function<void()> shutdown_done_;
  boost::asio::steady_timer grace_timer_;
  std::chrono::steady_clock::time_point last_limit_log_{};
};

}  // namespace herald::http::detail
