#pragma once
// The TCP peer's address as Wazuh prints it: IPv4 dotted (an IPv4-mapped IPv6 peer unwrapped).
#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace herald::legacy {

inline std::string peer_address(const boost::asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  auto address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

}  // namespace herald::legacy
