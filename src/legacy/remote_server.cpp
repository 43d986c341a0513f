#include "legacy/remote_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <atomic>

#include "legacy/remote_session.h"
#include "legacy/session_registry.h"

namespace herald::legacy {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct RemoteServer::State : std::enable_shared_from_this<RemoteServer::State> {
  State(http::IoPool& io_pool, LegacyServices& s)
      : pool(io_pool), io(io_pool.main()), services(s), acceptor(io), reload_timer(io) {}

  http::IoPool& pool;
  asio::io_context& io;
  LegacyServices& services;
  tcp::acceptor acceptor;
  asio::steady_timer reload_timer;
  SessionRegistry registry;
  std::atomic<bool> stopped{false};

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    while (!stopped) {
      // A named local: g++ 12 mishandles class temporaries inside co_await expressions.
      auto strand = asio::make_strand(pool.next());
      auto [ec, socket] = co_await acceptor.async_accept(strand, asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (stopped || ec == asio::error::operation_aborted) co_return;
        spdlog::warn("legacy remote: accept failed: {}", ec.message());
        if (ec == asio::error::no_descriptors) {
          // Out of file descriptors: give closing connections a moment instead of spinning.
          asio::steady_timer pause(io, std::chrono::milliseconds(100));
          co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        continue;
      }
      if (registry.connections() >= services.options.max_connections) {
        services.metrics
            .counter("herald_legacy_connections_refused_total",
                     "Wazuh 4.x connections closed for a bad frame, key or message, by reason", {"reason"}, {"full"})
            .inc();
        continue;  // closed: the agent retries later
      }
      std::make_shared<RemoteSession>(std::move(socket), services, registry)->start();
    }
  }

  // remoted re-reads client.keys every keyupdate_interval; so does this node (other nodes
  // enroll and replace agents in the shared store).
  asio::awaitable<void> reload_loop() {
    auto self = shared_from_this();
    while (!stopped) {
      reload_timer.expires_after(services.options.key_reload_interval);
      auto [ec] = co_await reload_timer.async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec || stopped) co_return;
      auto keys = co_await services.pool.run([this] { return services.store.list_legacy_keys(); });
      if (keys) {
        services.keys.replace_all(*keys);
      } else {
        spdlog::warn("legacy remote: keys not reloaded: {}", keys.error().message);
      }
    }
  }
};

RemoteServer::RemoteServer(http::IoPool& pool, LegacyServices& services)
    : state_(std::make_shared<State>(pool, services)) {
  auto messages = [&services](const char* kind) {
    return &services.metrics.counter("herald_legacy_messages_total", "Wazuh 4.x messages accepted, by kind", {"kind"},
                                     {kind});
  };
  services.control_messages = messages("control");
  services.event_messages = messages("event");
}

RemoteServer::~RemoteServer() { stop(); }

core::Result<tcp::endpoint> RemoteServer::listen() {
  auto& s = *state_;
  auto keys = s.services.store.list_legacy_keys();
  if (!keys) return keys.error();
  s.services.keys.replace_all(*keys);
  try {
    tcp::endpoint endpoint(asio::ip::make_address(s.services.options.host), s.services.options.port);
    s.acceptor.open(endpoint.protocol());
    s.acceptor.set_option(tcp::acceptor::reuse_address(true));
    s.acceptor.bind(endpoint);
    s.acceptor.listen(asio::socket_base::max_listen_connections);
    return s.acceptor.local_endpoint();
  } catch (const boost::system::system_error& e) {
    return core::unavailable(e.code().message());
  }
}

void RemoteServer::start() {
  asio::co_spawn(state_->acceptor.get_executor(), state_->accept_loop(), asio::detached);
  asio::co_spawn(state_->reload_timer.get_executor(), state_->reload_loop(), asio::detached);
}

void RemoteServer::stop() {
  auto state = state_;
  if (state->stopped.exchange(true)) return;
  asio::post(state->acceptor.get_executor(), [state] {
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
    state->reload_timer.cancel();
  });
  state->registry.close_all();
}

void RemoteServer::close_agent(const std::string& agent_id) {
  state_->registry.close_agent(agent_id, "its key was replaced by a new enrollment");
}

std::size_t RemoteServer::connections() const { return state_->registry.connections(); }
std::size_t RemoteServer::connected_agents() const { return state_->registry.agents(); }

}  // namespace herald::legacy
