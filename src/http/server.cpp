#include "http/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <exception>
#include <string>

#include "http/connection_checks.h"
#include "http/server_state.h"
#include "http/session.h"
#include "http/tls_context.h"

namespace herald::http {

namespace asio = boost::asio;
using boost::asio::ip::tcp;
using detail::Connection;
using detail::ServerState;

namespace {

core::Result<tcp::endpoint> resolve(asio::io_context& io, const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, port);
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) return core::invalid_argument("cannot resolve " + host + ": " + ec.message());
  return results.begin()->endpoint();
}

// Accepts until the acceptor is closed. Each connection is placed on the pool's io_contexts in
// turn and lives there: its session runs on that io_context's one thread, with no strand.
asio::awaitable<void> accept_loop(std::shared_ptr<ServerState> state) {
  for (;;) {
    // A named local: g++ 12 mishandles class temporaries inside co_await expressions.
    auto executor = state->pool.next().get_executor();
    auto [ec, socket] = co_await state->acceptor.async_accept(executor, asio::as_tuple(asio::use_awaitable));
    if (!state->acceptor.is_open()) co_return;
    if (ec) {
      // E.g. out of file descriptors: pause rather than spin on an accept that keeps failing.
      spdlog::warn("{}: accept failed: {}", state->options.name, ec.message());
      asio::steady_timer pause(state->control, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    boost::system::error_code peer_error;
    const auto remote = socket.remote_endpoint(peer_error);
    if (peer_error) continue;  // already gone
    auto connection = std::make_shared<Connection>(socket.get_executor(), detail::peer_address(remote));
    if (!state->try_register(connection)) {
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    detail::spawn_session(state, std::move(connection), tcp::socket(std::move(socket)));
  }
}

void log_if_failed(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("http accept loop stopped: {}", e.what());
  }
}

}  // namespace

Server::Server(IoPool& pool, ServerOptions options, const Router& router, RequestObserver observer)
    : state_(std::make_shared<ServerState>(pool, std::move(options), router, std::move(observer))) {}

Server::~Server() {
  asio::post(state_->control, [state = state_] {
    state->stopping = true;
    state->close_acceptor();
    state->cancel_all();
  });
}

core::Result<tcp::endpoint> Server::listen() {
  ServerState& state = *state_;
  if (state.options.tls.enabled) {
    auto tls = detail::make_tls_context(state.options.tls);
    if (!tls) return tls.error();
    state.tls = std::move(tls.value());
  }
  auto endpoint = resolve(state.io, state.options.host, state.options.port);
  if (!endpoint) return endpoint.error();

  const auto where = state.options.host + ":" + std::to_string(state.options.port);
  auto failed = [&](const char* step, const boost::system::error_code& ec) {
    boost::system::error_code ignored;
    state.acceptor.close(ignored);
    return core::unavailable(std::string("cannot ") + step + " " + where + ": " + ec.message());
  };
  boost::system::error_code ec;
  if (state.acceptor.open(endpoint->protocol(), ec); ec) return failed("open", ec);
  // Lets a restarted server bind while old connections linger in TIME_WAIT; a live listener on
  // the port still makes bind fail.
  if (state.acceptor.set_option(tcp::acceptor::reuse_address(true), ec); ec) return failed("configure", ec);
  if (state.acceptor.bind(*endpoint, ec); ec) return failed("bind", ec);
  if (state.acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) return failed("listen on", ec);
  auto bound = state.acceptor.local_endpoint(ec);
  if (ec) return failed("query", ec);

  spdlog::info("{}: listening on {}:{}{}", state.options.name, bound.address().to_string(), bound.port(),
               state.tls ? " (TLS)" : "");
  return bound;
}

void Server::start() { asio::co_spawn(state_->control, accept_loop(state_), log_if_failed); }

void Server::stop_accepting() {
  asio::post(state_->control, [state = state_] { state->close_acceptor(); });
}

void Server::shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
  asio::post(state_->control,
             [state = state_, grace, done = std::move(done)]() mutable { state->begin_shutdown(grace, std::move(done)); });
}

std::size_t Server::open_connections() const { return state_->open_connections; }

std::size_t Server::in_flight_requests() const { return state_->in_flight_requests; }

std::uint64_t Server::shed_connections() const { return state_->shed_connections; }

std::size_t Server::unauthenticated_body_bytes() const { return state_->unauthenticated_bodies.in_use(); }

}  // namespace herald::http
