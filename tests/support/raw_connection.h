#pragma once
// A bare TCP client for hostile-input tests: connects from a chosen loopback source address,
// sends without blocking (a server that stops reading must not hang the test), and reads with a
// bound. Nothing HTTP-aware beyond finding a status line.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::test {

class RawConnection {
 public:
  // Connects to 127.0.0.1:port from `source` (any 127.0.0.0/8 address). Throws on failure.
  explicit RawConnection(std::uint16_t port, const std::string& source = "127.0.0.1");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  RawConnection(RawConnection&& other) noexcept;

  // Sends what the socket takes now; returns how many bytes that was (0 when full or closed).
  std::size_t send_some(std::string_view bytes);
  // Sends everything within `limit`; false when the peer stopped taking bytes or closed.
  bool send_all(std::string_view bytes, std::chrono::milliseconds limit = std::chrono::seconds(5));
  // Reads until a whole response header ("\r\n\r\n") arrived and returns its status code;
  // nullopt when the connection closed or `limit` passed first.
  std::optional<unsigned> read_status(std::chrono::milliseconds limit = std::chrono::seconds(5));
  // True when the peer closes (or resets) the connection within `limit`; what it sends first is
  // dropped.
  bool closed_by_peer(std::chrono::milliseconds limit = std::chrono::seconds(5));
  const std::string& received() const { return received_; }

 private:
  int fd_ = -1;
  std::string received_;
};

// The port of "http://host:port" or "https://host:port".
std::uint16_t port_of(const std::string& url);
// The resident set size of a process, in bytes (from /proc/<pid>/status).
std::size_t resident_bytes(int pid);

}  // namespace herald::test
