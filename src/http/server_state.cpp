#include "http/server_state.h"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "http/error_response.h"

namespace herald::http::detail {

namespace asio = boost::asio;

ServerState::ServerState(IoPool& io_pool, ServerOptions server_options, const Router& server_router,
                         RequestObserver request_observer)
    : pool(io_pool),
      io(io_pool.main()),
      options(std::move(server_options)),
      router(server_router),
      observer(std::move(request_observer)),
      control(asio::make_strand(io)),
      acceptor(control),
      unauthenticated_bodies(options.max_unauthenticated_body_bytes,
                             options.max_unauthenticated_body_bytes_per_address),
      grace_timer_(control) {}

Response ServerState::error_reply(unsigned status, std::string_view detail) const {
  return options.error_response ? options.error_response(status, detail) : default_error_response(status, detail);
}

bool ServerState::try_register(const std::shared_ptr<Connection>& connection) {
  if (stopping) return false;
  const auto counted = counted_by_address_.find(connection->address);
  const std::size_t of_address = counted == counted_by_address_.end() ? 0 : counted->second;
  if (of_address >= options.max_connections_per_address && !shed_oldest_waiting(&connection->address)) {
    log_limit("from " + connection->address + " (the per-address limit)");
    return false;
  }
  if (counted_connections_ >= options.max_connections && !shed_oldest_waiting(nullptr)) {
    log_limit("(the limit)");
    return false;
  }
  connection->registry.position = connections_.insert(connections_.end(), connection);
  ++counted_connections_;
  ++counted_by_address_[connection->address];
  open_connections = connections_.size();
  return true;
}

bool ServerState::shed_oldest_waiting(const std::string* address) {
  for (const auto& candidate : connections_) {
    if (candidate->registry.shed || !candidate->header_pending) continue;
    if (address != nullptr && candidate->address != *address) continue;
    candidate->registry.shed = true;
    --counted_connections_;
    if (auto found = counted_by_address_.find(candidate->address); found != counted_by_address_.end()) {
      if (--found->second == 0) counted_by_address_.erase(found);
    }
    ++shed_connections;
    // Only the connection's thread may touch its socket, and only it knows whether the request
    // it was waiting for has begun meanwhile (then it is served; the limit is passed by one).
    asio::post(candidate->executor, [candidate] {
      if (candidate->header_pending && candidate->close_socket) candidate->close_socket();
    });
    return true;
  }
  return false;
}

void ServerState::log_limit(std::string_view what) {
  // A flood of connections must not become a flood of log lines.
  const auto now = std::chrono::steady_clock::now();
  if (now - last_limit_log_ < std::chrono::seconds(1)) return;
  last_limit_log_ = now;
  spdlog::warn("{}: {} connections open, none idle to shed; closing new ones {}", options.name, counted_connections_,
               what);
}

void ServerState::unregister(const std::shared_ptr<Connection>& connection) {
  if (!connection->registry.shed) {
    --counted_connections_;
    if (auto found = counted_by_address_.find(connection->address); found != counted_by_address_.end()) {
      if (--found->second == 0) counted_by_address_.erase(found);
    }
  }
  connections_.erase(connection->registry.position);
  open_connections = connections_.size();
  finish_shutdown_if_idle();
}

void ServerState::close_acceptor() {
  boost::system::error_code ignored;
  acceptor.close(ignored);
}

void ServerState::begin_shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
  stopping = true;
  close_acceptor();
  shutdown_done_ = std::move(done);
  for (const auto& connection : connections_) {
    // Only the connection's thread knows whether it is parked between requests right now.
    asio::post(connection->executor, [connection] {
      if (connection->awaiting_request && connection->close_socket) connection->close_socket();
    });
  }
  grace_timer_.expires_after(grace);
  grace_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return;  // every connection closed in time
    if (!self->connections_.empty()) {
      spdlog::info("{}: {} connections still open after the grace period; cancelling them", self->options.name,
                   self->connections_.size());
    }
    self->cancel_all();
  });
  finish_shutdown_if_idle();
}

void ServerState::cancel_all() {
  for (const auto& connection : connections_) {
    asio::post(connection->executor, [connection] {
      if (connection->close_socket) connection->close_socket();
      connection->cancel.emit(asio::cancellation_type::terminal);
    });
  }
}

void ServerState::finish_shutdown_if_idle() {
  if (!stopping || !connections_.empty() || !shutdown_done_) return;
  grace_timer_.cancel();
  asio::post(io, std::move(shutdown_done_));
  shutdown_done_ = nullptr;
}

}  // namespace herald::http::detail
