#pragma once
// An HTTP/1.1 server (plain or TLS) that serves a Router with C++20 coroutines. Beast stays in
// src/http/*.cpp; users of this header see only Asio's io_context and endpoint types.
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "core/result.h"
#include "http/io_pool.h"
#include "http/router.h"
#include "http/server_options.h"

namespace herald::http {

namespace detail {
struct ServerState;
}

// Every method may be called from any thread. The acceptor runs on pool.main(); each accepted
// connection is placed on the pool's next io_context and stays there, so its handlers run on that
// io_context's one thread. The router must stay alive (and unchanged) until the pool has stopped
// running this server's connections.
class Server {
 public:
  Server(IoPool& pool, ServerOptions options, const Router& router, RequestObserver observer = {});
  // Stops accepting and closes every remaining connection (handlers are cancelled). The
  // connections unwind on the io_context afterwards.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; returns the bound endpoint (e.g. 127.0.0.1 and the real port) or an error
  // such as "address already in use". Creates the TLS context here (errors reported the same way).
  // Never throws.
  core::Result<boost::asio::ip::tcp::endpoint> listen();
  // Begins accepting (an accept loop co_spawned on pool.main()). REQUIRES: listen() succeeded.
  void start();
  // Closes the listening socket; existing connections continue.
  void stop_accepting();
  // Graceful stop: stops accepting, lets in-flight requests finish (their responses are written,
  // then their connections close), closes idle keep-alive connections at once, and after `grace`
  // cancels whatever is left. `done` is posted to pool.main() once no connection remains.
  void shutdown(std::chrono::milliseconds grace, std::function<void()> done);

  std::size_t open_connections() const;
  std::size_t in_flight_requests() const;
  // Connections closed to make room for a new one (see ServerOptions::max_connections).
  std::uint64_t shed_connections() const;
  // Bytes of unauthenticated bodies being held now (see ServerOptions::max_unauthenticated_body_bytes).
  std::size_t unauthenticated_body_bytes() const;

 private:
  std::shared_ptr<detail::ServerState> state_;
};

}  // namespace herald::http
