#pragma once
// Internal to src/http: small socket and protocol checks the session makes.
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <optional>
#include <string>

namespace herald::http::detail {

// An error the server answers itself, before any handler runs.
struct ProtocolError {
  unsigned status;
  std::string detail;
};

// Maps a failed request read to its reply: 431 header too large, 413 body too large, 400
// malformed. nullopt when the client went away or was too slow: there is nobody to answer.
std::optional<ProtocolError> classify_read_error(const boost::system::error_code& ec);

// True once the peer has closed its side (FIN/RST), without consuming any byte: the request it
// sent may be followed by a pipelined one that must stay readable. A client that half-closes
// after its request is treated as gone, like the agent that gives up on a long-poll.
bool peer_hung_up(boost::asio::ip::tcp::socket& socket);

// The peer's IP address as text; IPv4-mapped IPv6 addresses as plain IPv4.
std::string peer_address(const boost::asio::ip::tcp::endpoint& remote);

}  // namespace herald::http::detail
