#include "http/server_state.h"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "http/error_response.h"

namespace herald::http::detail {

namespace asio = boost::asio;

ServerState::ServerState(asio::io_context& io_context, ServerOptions server_options, const Router& server_router,
                         RequestObserver request_observer)
    : io(io_context),
      options(std::move(server_options)),
      router(server_router),
      observer(std::move(request_observer)),
      control(asio::make_strand(io_context)),
      acceptor(control),
      grace_timer_(control) {}

Response ServerState::error_reply(unsigned status, std::string_view detail) const {
  return options.error_response ? options.error_response(status, detail) : default_error_response(status, detail);
}

bool ServerState::try_register(const std::shared_ptr<Connection>& connection) {
  if (stopping) return false;
  if (connections_.size() >= options.max_connections) {
    // A flood of connections must not become a flood of log lines.
    const auto now = std::chrono::steady_clock::now();
    if (now - last_limit_log_ >= std::chrono::seconds(1)) {
      last_limit_log_ = now;
      spdlog::warn("{}: {} connections open (the limit); closing new ones", options.name, connections_.size());
    }
    return false;
  }
  connections_.insert(connection);
  open_connections = connections_.size();
  return true;
}

void ServerState::unregister(const std::shared_ptr<Connection>& connection) {
  connections_.erase(connection);
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
    // Only the connection's strand knows whether it is parked between requests right now.
    asio::post(connection->strand, [connection] {
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
    asio::post(connection->strand, [connection] {
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
