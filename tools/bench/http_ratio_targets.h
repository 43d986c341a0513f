// What each http-ratio target sends, and where: the request bytes are built once per target run,
// with the headers the wazuh-agent sends (wire-protocol c), so every target, nginx's included,
// parses the same head.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <string>
#include <string_view>

#include "http_load_generator.h"
#include "http_ratio_agent.h"

namespace herald::bench {

struct RatioListeners {
  boost::asio::ip::tcp::endpoint nginx;
  boost::asio::ip::tcp::endpoint comms;
  boost::asio::ip::tcp::endpoint management;
};

// "GET /api/v1/" and the like, for the log and the JSON.
std::string ratio_target_request_line(std::string_view name);

// Whether the target's requests carry the agent's Bearer token.
bool ratio_target_needs_agent(std::string_view name);

// The listener and request bytes of target `name` (one of http_ratio_target_names()).
// `authorization` ("Bearer ...") is used only by the targets that need the agent. Throws
// std::invalid_argument for an unknown name.
LoadTarget ratio_load_target(std::string_view name, const RatioListeners& listeners, const RatioAgent& agent,
                             const std::string& authorization);

}  // namespace herald::bench
