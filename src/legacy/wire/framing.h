#pragma once
// The 1514/tcp framing (legacy-4x-protocol.md §2.1): every message, both ways, is a uint32
// little-endian length followed by that many payload bytes. Pure: no sockets.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace herald::legacy::wire {

// remoted's OS_MAXSTR: a longer frame is refused and the connection closed.
inline constexpr std::size_t kMaxPayloadBytes = 65536;

// The frame carrying `payload` (4-byte LE length, then the bytes).
std::string frame(std::string_view payload);

// Splits a TCP byte stream into payloads. Holds only the bytes of an unfinished frame, and gives
// its buffer back once that frame is complete, so an idle connection costs nothing here.
// REQUIRES: external synchronization (one per connection).
class FrameReader {
 public:
  explicit FrameReader(std::size_t max_payload = kMaxPayloadBytes) : max_payload_(max_payload) {}

  // Appends the complete payloads found in `bytes` (with what earlier calls left over) to
  // `payloads`. Returns false once a frame declares more than max_payload bytes: the stream is
  // unusable from there on (declared_length() says how much), every later call returns false.
  bool feed(std::string_view bytes, std::vector<std::string>& payloads);

  bool failed() const { return failed_; }
  std::uint32_t declared_length() const { return declared_; }
  // Bytes held for an unfinished frame (header included).
  std::size_t buffered() const { return header_filled_ + body_.size(); }

 private:
  std::size_t max_payload_;
  unsigned char header_[4] = {};
  std::size_t header_filled_ = 0;
  std::uint32_t declared_ = 0;
  std::string body_;
  bool failed_ = false;
};

}  // namespace herald::legacy::wire
