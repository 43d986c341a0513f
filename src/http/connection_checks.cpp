#include "http/connection_checks.h"

#include <poll.h>

#include <boost/beast/http/error.hpp>

namespace herald::http::detail {

namespace bhttp = boost::beast::http;

std::optional<ProtocolError> classify_read_error(const boost::system::error_code& ec) {
  if (ec == bhttp::error::header_limit) return ProtocolError{431, "request header fields too large"};
  if (ec == bhttp::error::body_limit) return ProtocolError{413, "request body too large"};
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return std::nullopt;
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
    return ProtocolError{400, "malformed request: " + ec.message()};
  }
  return std::nullopt;
}

bool peer_hung_up(boost::asio::ip::tcp::socket& socket) {
  pollfd descriptor{socket.native_handle(), POLLRDHUP, 0};
  return ::poll(&descriptor, 1, 0) > 0 && (descriptor.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

std::string peer_address(const boost::asio::ip::tcp::endpoint& remote) {
  const auto address = remote.address();
  // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d.
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

}  // namespace herald::http::detail
