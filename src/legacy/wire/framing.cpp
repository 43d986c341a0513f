#include "legacy/wire/framing.h"

#include <algorithm>

namespace herald::legacy::wire {

std::string frame(std::string_view payload) {
  const auto length = static_cast<std::uint32_t>(payload.size());
  std::string out;
  out.reserve(4 + payload.size());
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>((length >> shift) & 0xff));
  out.append(payload);
  return out;
}

bool FrameReader::feed(std::string_view bytes, std::vector<std::string>& payloads) {
  while (!failed_ && !bytes.empty()) {
    if (header_filled_ < 4) {
      while (header_filled_ < 4 && !bytes.empty()) {
        header_[header_filled_++] = static_cast<unsigned char>(bytes.front());
        bytes.remove_prefix(1);
      }
      if (header_filled_ < 4) break;
      declared_ = static_cast<std::uint32_t>(header_[0]) | (static_cast<std::uint32_t>(header_[1]) << 8) |
                  (static_cast<std::uint32_t>(header_[2]) << 16) | (static_cast<std::uint32_t>(header_[3]) << 24);
      if (declared_ > max_payload_) {
        failed_ = true;
        break;
      }
      // Reserve only what the frame needs: the declared length is bounded by max_payload_.
      body_.reserve(declared_);
    }
    const std::size_t take = std::min<std::size_t>(declared_ - body_.size(), bytes.size());
    body_.append(bytes.data(), take);
    bytes.remove_prefix(take);
    if (body_.size() == declared_) {
      payloads.push_back(std::move(body_));
      body_ = std::string();  // moved-from: make it empty and capacity-free explicitly
      header_filled_ = 0;
    }
  }
  return !failed_;
}

}  // namespace herald::legacy::wire
