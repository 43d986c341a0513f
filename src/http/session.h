#pragma once
// Internal to src/http: serving one accepted connection.
#include <boost/asio/ip/tcp.hpp>

#include <memory>

#include "http/server_state.h"

namespace herald::http::detail {

// Runs the connection (TLS when server->tls is set) on connection->executor until it closes, then
// unregisters it. REQUIRES: connection is registered and socket's executor is connection->executor.
void spawn_session(std::shared_ptr<ServerState> server, std::shared_ptr<Connection> connection,
                   boost::asio::ip::tcp::socket socket);

}  // namespace herald::http::detail
