#pragma once
// One secure message (legacy-4x-protocol.md §2.2, §2.4, §2.5): header, cipher, zlib, MD5 and the
// counters. Pure: the caller supplies the channel key and the random part.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "legacy/wire/crypto.h"

namespace herald::legacy::wire {

// The sender's message counters. local runs 1…9997; global changes on a wrap.
struct Counters {
  std::uint32_t global = 0;
  std::uint32_t local = 0;
  friend auto operator<=>(const Counters&, const Counters&) = default;
};

// Advances counters as CreateSecMSG does: local >= 9997 wraps to 0 with global++, then local++.
Counters next_counters(Counters counters);

// The clear header of an agent→manager payload.
struct PayloadHeader {
  std::optional<std::string> agent_id;  // from a leading "!<digits>!", if present
  Cipher cipher = Cipher::aes;          // "#AES:" → aes, ":" → blowfish
  std::size_t body_offset = 0;          // where the ciphertext starts in the payload
};

// Errors (ErrorKind::invalid_argument, message for the log): an unterminated or non-numeric
// "!id!", no ':' where the cipher token must end, nothing after the header.
core::Result<PayloadHeader> parse_header(std::string_view payload);

struct DecodedMessage {
  std::uint16_t random = 0;
  Counters counters;
  std::string text;  // the message: may be binary
};

// Decrypts, inflates, checks the MD5 and splits the counters of the ciphertext after the header.
// Accepts any number (>= 1) of leading '!' and ignores bytes after the zlib stream (the wazuh-qa
// simulator relies on both), and the legacy uncompressed ':' form. Errors name what failed:
// "decryption failed" (wrong key), "not a zlib stream", "bad checksum", "bad counters".
core::Result<DecodedMessage> decode_message(Cipher cipher, std::string_view channel_key, std::string_view ciphertext);

// The whole payload for `text` (no frame): counters and random part as given, zlib level 9,
// '!' padding to a multiple of 8, encrypted; with "!<agent_id>!" in front when agent_id is set
// (an agent's message whose key IP is not a single IPv4 host). Errors: the cipher failed, or the
// text is longer than kMaxMessageBytes.
inline constexpr std::size_t kMaxMessageBytes = 65408;  // OS_MAXSTR - OS_HEADER_SIZE
core::Result<std::string> encode_message(Cipher cipher, std::string_view channel_key, std::string_view text,
                                         Counters counters, std::uint16_t random,
                                         std::optional<std::string_view> agent_id = std::nullopt);

// remoted.verify_msg_id: accepts a message only when its counters are above the last accepted
// ones. REQUIRES: external synchronization (one per agent).
class ReplayGuard {
 public:
  // `last`: the last accepted counters (0:0 for an agent never seen).
  explicit ReplayGuard(Counters last = {}) : last_(last) {}
  // True (and remembers `counters`) when (global, local) > the last accepted pair.
  bool accept(Counters counters);
  Counters last() const { return last_; }

 private:
  Counters last_;
};

}  // namespace herald::legacy::wire
