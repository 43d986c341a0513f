// One request the way the wazuh-agent sends it (wire-protocol c): a fresh TCP connection per
// request, agent headers, read the whole reply, close. The client socket can be bound to a chosen
// loopback source address, so tens of thousands of connections do not run out of ephemeral ports.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace herald::bench {

struct AgentRequest {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target;         // "/api/v1/commands"
  std::string body;           // empty: none
  std::string authorization;  // "Bearer ..."; empty: none
};

struct AgentReply {
  unsigned status = 0;
  std::string body;
};

class RequestWatch;

// `server`: the comms listener. `source`: local address to bind (port chosen at connect time,
// IP_BIND_ADDRESS_NO_PORT), or nullopt for the kernel's choice. `host`: the Host header (no port,
// as the agent sends it). Throws boost::system::system_error on network failures and timeout.
// `watch` (may be null) is told when the request has been written and can hang up. `request` and
// `watch` must stay alive until the awaitable completes.
boost::asio::awaitable<AgentReply> agent_request(const boost::asio::any_io_executor& executor,
                                                 const boost::asio::ip::tcp::endpoint& server,
                                                 const std::optional<boost::asio::ip::address>& source,
                                                 const std::string& host, const AgentRequest& request,
                                                 std::chrono::seconds timeout, RequestWatch* watch = nullptr);

// Lets the caller follow a request in flight (a parked long poll) and end it the way a dying agent
// does. Owned by the caller; one watch per request at a time. Same thread as the request.
class RequestWatch {
 public:
  std::function<void()> on_written;  // runs once the request has been written; may be empty

  // Closes the connection now: the server sees an orderly close, as when an agent process dies,
  // and the request fails with operation_aborted. False when no connection is open.
  bool hang_up();

 private:
  friend boost::asio::awaitable<AgentReply> agent_request(const boost::asio::any_io_executor&,
                                                          const boost::asio::ip::tcp::endpoint&,
                                                          const std::optional<boost::asio::ip::address>&,
                                                          const std::string&, const AgentRequest&,
                                                          std::chrono::seconds, RequestWatch*);
  boost::asio::ip::tcp::socket* socket_ = nullptr;  // set by agent_request while connected
};

}  // namespace herald::bench
