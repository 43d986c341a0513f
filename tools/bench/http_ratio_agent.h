// The one agent whose authenticated requests the http-ratio bench measures: enrolled over the
// management API, in a group that has a configuration file, holding a comms-API token.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <string>

#include "bench_context.h"

namespace herald::bench {

struct RatioAgent {
  std::string id;     // v4 UUID
  std::string key;    // its 32-character enrollment key
  std::string name;   // agent name and hostname, as enrolled
  std::string group;  // holds the agent and a configuration
};

// Enrolls one agent, creates a group, stores a small configuration for it and assigns the agent.
// Throws std::runtime_error on any refusal.
boost::asio::awaitable<RatioAgent> prepare_ratio_agent(const BenchContext& context);

// POST /api/v1/authentication on the comms listener, the way the wazuh-agent does (wire-protocol
// c1). Returns the Authorization value ("Bearer <jwt>"). Throws std::runtime_error on refusal.
boost::asio::awaitable<std::string> authenticate_ratio_agent(const boost::asio::any_io_executor& executor,
                                                             const boost::asio::ip::tcp::endpoint& comms,
                                                             const RatioAgent& agent);

// A stateless events body as the wazuh-agent batches it (wire-protocol c4/c5): the agent metadata
// line, then one logcollector header and its event.
std::string stateless_events_body(const RatioAgent& agent);

}  // namespace herald::bench
