#pragma once
// The TCP peer's address as Wazuh prints it: IPv4 dotted (an IPv4-mapped IPv6 peer unwrapped),
// the same text the HTTP listeners use.
#include <boost/asio/ip/tcp.hpp>

#include <string>

#include "http/connection_checks.h"

namespace herald::legacy {

inline std::string peer_address(const boost::asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string("unknown") : http::detail::peer_address(endpoint);
}

}  // namespace herald::legacy
