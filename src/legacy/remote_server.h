#pragma once
// The agents connection service (remoted, TCP 1514, secure): accepts Wazuh 4.x agents' TCP
// connections, one RemoteSession each (no thread per agent), and keeps the key cache fresh.
#include <boost/asio/ip/tcp.hpp>

#include <memory>

#include "core/result.h"
#include "http/io_pool.h"
#include "legacy/legacy_services.h"

namespace herald::legacy {

class RemoteServer {
 public:
  // The acceptor and the key reload run on pool.main(); each connection on the pool's next
  // io_context (on a strand of its own there).
  RemoteServer(http::IoPool& pool, LegacyServices& services);
  ~RemoteServer();
  RemoteServer(const RemoteServer&) = delete;
  RemoteServer& operator=(const RemoteServer&) = delete;

  // Loads the keys (blocking) and binds. Errors: the store, or the address (in use …).
  core::Result<boost::asio::ip::tcp::endpoint> listen();
  void start();
  // Stops accepting and closes every connection without reporting its agent disconnected
  // (heraldd is stopping; the agents reconnect).
  void stop();

  // Closes the agent's connection, if it has one here (its key was replaced by a re-enrollment).
  void close_agent(const std::string& agent_id);
  std::size_t connections() const;
  std::size_t connected_agents() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace herald::legacy
