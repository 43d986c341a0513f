// The 1514/tcp path of one connection. The first byte picks the mode:
//   0x00–0x7f  arbitrary bytes through FrameReader (low 6 bits: the read size, so frames split at
//              every offset), then parse_header + decode_message of every payload with a fixed
//              channel key (the cipher the header names);
//   0x80–0xbf  the rest is the plaintext, encrypted with the key (bit 0: AES or Blowfish), so the
//              '!'/':' forms, zlib and the legacy parser see fuzzed input behind a valid cipher;
//   0xc0–0xff  the same with "!" + zlib(rest), so the checksum and counter checks do too.
// Then parse_control / parse_event of whatever decodes. Invariants: no crash or escaping exception; the reader never holds
// more than one frame; a decoded text re-encodes and decodes back to itself.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <zlib.h>

#include "fuzz_check.h"
#include "legacy/wire/control_message.h"
#include "legacy/wire/framing.h"
#include "legacy/wire/secure_message.h"

namespace {

using namespace herald::legacy::wire;

// legacy-4x-protocol.md §2.6.
constexpr std::string_view kChannelKey = "fe3a1ff59f3b89b2ad3d33f08984874bfda4af11475abae";

void check_text(const DecodedMessage& decoded, Cipher cipher) {
  if (is_control(decoded.text)) {
    const auto control = FUZZ_NO_THROW("parse_control", parse_control(decoded.text));
    if (control.kind == ControlMessage::Kind::startup && control.startup_version) {
      FUZZ_CHECK(!control.startup_json_invalid, "a startup with a version is not invalid");
    }
  } else if (auto event = FUZZ_NO_THROW("parse_event", parse_event(decoded.text))) {
    FUZZ_CHECK(event->location.size() + event->message.size() + 3 == decoded.text.size(), "event splits the text");
  }
  if (decoded.text.empty() || decoded.text.size() > kMaxMessageBytes) return;
  auto again = FUZZ_NO_THROW("encode", encode_message(cipher, kChannelKey, decoded.text, decoded.counters, decoded.random));
  FUZZ_CHECK(again.ok(), "a decoded text encodes");
  auto header = parse_header(*again);
  FUZZ_CHECK(header.ok() && !header->agent_id, "our header parses");
  auto back = decode_message(cipher, kChannelKey, std::string_view(*again).substr(header->body_offset));
  FUZZ_CHECK(back.ok() && back->text == decoded.text && back->counters == decoded.counters, "round trip");
}

}  // namespace

void decode_plaintext(std::string plain, Cipher cipher) {
  if (cipher == Cipher::blowfish) plain.append((8 - plain.size() % 8) % 8, '\0');
  auto ciphertext = encrypt(cipher, kChannelKey, plain);
  FUZZ_CHECK(ciphertext.has_value(), "an aligned plaintext encrypts");
  auto decoded = FUZZ_NO_THROW("decode", decode_message(cipher, kChannelKey, *ciphertext));
  if (decoded.ok()) check_text(*decoded, cipher);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  if (data[0] >= 0x80) {
    const Cipher cipher = (data[0] & 1) != 0 ? Cipher::blowfish : Cipher::aes;
    std::string rest(herald::fuzz::as_text(data + 1, size - 1));
    if (data[0] < 0xc0) {
      decode_plaintext(std::move(rest), cipher);
    } else {
      uLongf length = compressBound(static_cast<uLong>(rest.size()));
      std::string plain(1 + length, '!');
      compress2(reinterpret_cast<Bytef*>(plain.data() + 1), &length, reinterpret_cast<const Bytef*>(rest.data()),
                static_cast<uLong>(rest.size()), 9);
      plain.resize(1 + length);
      decode_plaintext(std::move(plain), cipher);
    }
    return 0;
  }
  const std::size_t chunk = 1 + data[0] % 64;
  auto bytes = herald::fuzz::as_text(data + 1, size - 1);
  FrameReader reader(4096);
  std::vector<std::string> payloads;
  while (!bytes.empty()) {
    const auto piece = bytes.substr(0, chunk);
    bytes.remove_prefix(piece.size());
    if (!FUZZ_NO_THROW("feed", reader.feed(piece, payloads))) break;
    FUZZ_CHECK(reader.buffered() <= 4 + 4096, "holds at most one frame");
  }
  for (const auto& payload : payloads) {
    auto header = FUZZ_NO_THROW("parse_header", parse_header(payload));
    if (!header.ok()) continue;
    FUZZ_CHECK(header->body_offset < payload.size(), "the header leaves a body");
    const auto body = std::string_view(payload).substr(header->body_offset);
    auto decoded = FUZZ_NO_THROW("decode", decode_message(header->cipher, kChannelKey, body));
    if (decoded.ok()) check_text(*decoded, header->cipher);
  }
  return 0;
}
