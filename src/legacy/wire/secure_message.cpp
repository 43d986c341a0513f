#include "legacy/wire/secure_message.h"

#include <zlib.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "legacy/wire/framing.h"

namespace herald::legacy::wire {
namespace {

constexpr std::size_t kChecksumChars = 32;
// "%05hu%010u:%04u:" after the checksum.
constexpr std::size_t kCountersChars = 5 + 10 + 1 + 4 + 1;
// os_zlib_uncompress inflates into an OS_MAXSTR buffer: a longer message fails there, and so it
// does here (which also caps what a zlib bomb can make us allocate).
constexpr std::size_t kMaxInflatedBytes = kMaxPayloadBytes;

// atoi over a fixed-width field: leading digits only, like the C code (which never checks them).
std::uint32_t leading_number(std::string_view field) {
  std::uint64_t value = 0;
  for (char c : field) {
    if (c < '0' || c > '9') break;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return static_cast<std::uint32_t>(value);
}

enum class InflateResult { ok, not_zlib, too_large };

// inflateInit allocates and clears a 32 KiB window: per thread once, then inflateReset.
struct Inflater {
  z_stream stream{};
  bool ready = false;
  Inflater() { ready = inflateInit(&stream) == Z_OK; }
  ~Inflater() {
    if (ready) inflateEnd(&stream);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
};

// deflateInit at level 9 allocates ~270 KiB (window, hash chains): past glibc's mmap threshold, so
// compress2 per message means an mmap, page faults and an munmap with TLB shootdowns every time.
// Per thread once, then deflateReset; the output is what compress2(level 9) gives.
struct Deflater {
  z_stream stream{};
  bool ready = false;
  Deflater() { ready = deflateInit(&stream, Z_BEST_COMPRESSION) == Z_OK; }
  ~Deflater() {
    if (ready) deflateEnd(&stream);
  }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;
};

// Compresses `input` into out[0, out_size) as one zlib stream; false when it does not fit.
bool deflate_into(std::string_view input, char* out, uLongf& out_size) {
  thread_local Deflater deflater;
  if (!deflater.ready || deflateReset(&deflater.stream) != Z_OK) return false;
  z_stream& stream = deflater.stream;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out);
  stream.avail_out = static_cast<uInt>(out_size);
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) return false;
  out_size = stream.total_out;
  return true;
}

// Inflates one zlib stream; what follows its end is ignored, as uncompress() does.
InflateResult inflate_into(std::string_view input, std::string& out) {
  thread_local Inflater inflater;
  if (!inflater.ready || inflateReset(&inflater.stream) != Z_OK) return InflateResult::not_zlib;
  z_stream& stream = inflater.stream;
  out.resize(std::min<std::size_t>(kMaxInflatedBytes + 1, std::max<std::size_t>(256, input.size() * 4)));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  InflateResult result = InflateResult::not_zlib;
  for (;;) {
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + stream.total_out);
    stream.avail_out = static_cast<uInt>(out.size() - stream.total_out);
    const int rc = inflate(&stream, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      result = stream.total_out > kMaxInflatedBytes ? InflateResult::too_large : InflateResult::ok;
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) break;
    if (stream.avail_out == 0) {
      if (out.size() > kMaxInflatedBytes) {
        result = InflateResult::too_large;
        break;
      }
      out.resize(std::min<std::size_t>(kMaxInflatedBytes + 1, out.size() * 2));
      continue;
    }
    break;  // input ended before the stream did
  }
  out.resize(result == InflateResult::ok ? stream.total_out : 0);
  return result;
}

bool checksum_matches(std::string_view expected_hex, std::string_view data) {
  char actual[kChecksumChars];
  return md5_hex_into(data, actual) && std::memcmp(actual, expected_hex.data(), kChecksumChars) == 0;
}

// The uncompressed form ReadSecMSG still reads: ":" <md5> <time>":"<count>":"… <msg>. The C code
// takes time at +0 and count at +11, then the message after the next ':' from +16.
core::Result<DecodedMessage> decode_legacy(std::string_view clear) {
  clear.remove_prefix(1);
  if (clear.size() < kChecksumChars + 16) return core::invalid_argument("bad counters");
  if (!checksum_matches(clear.substr(0, kChecksumChars), clear.substr(kChecksumChars))) {
    return core::invalid_argument("bad checksum");
  }
  const std::string_view body = clear.substr(kChecksumChars);
  DecodedMessage decoded;
  decoded.counters.global = leading_number(body.substr(0, 10));
  decoded.counters.local = leading_number(body.substr(11, 4));
  const auto colon = body.find(':', 16);
  if (colon == std::string_view::npos) return core::invalid_argument("bad counters");
  decoded.text.assign(body.substr(colon + 1));
  return decoded;
}

}  // namespace

Counters next_counters(Counters counters) {
  if (counters.local >= 9997) {
    counters.local = 0;
    ++counters.global;
  }
  ++counters.local;
  return counters;
}

core::Result<PayloadHeader> parse_header(std::string_view payload) {
  PayloadHeader header;
  std::size_t at = 0;
  if (!payload.empty() && payload[0] == '!') {
    const auto end = payload.find('!', 1);
    if (end == std::string_view::npos) return core::invalid_argument("unterminated agent id");
    const std::string_view id = payload.substr(1, end - 1);
    if (id.empty() || id.size() > 8 || id.find_first_not_of("0123456789") != std::string_view::npos) {
      return core::invalid_argument("agent id is not numeric");
    }
    header.agent_id = std::string(id);
    at = end + 1;
  }
  // ReadSecMSG: "#AES" selects AES, anything else Blowfish; then ':' is required.
  if (payload.substr(at, 4) == "#AES") {
    header.cipher = Cipher::aes;
    at += 4;
  } else {
    header.cipher = Cipher::blowfish;
  }
  if (at >= payload.size() || payload[at] != ':') return core::invalid_argument("format error: no ':' after the cipher");
  ++at;
  if (at >= payload.size()) return core::invalid_argument("no ciphertext");
  header.body_offset = at;
  return header;
}

core::Result<DecodedMessage> decode_message(Cipher cipher, std::string_view channel_key, std::string_view ciphertext) {
  auto clear = decrypt(cipher, channel_key, ciphertext);
  if (!clear || clear->empty()) return core::invalid_argument("decryption failed");
  std::string_view plain(*clear);
  if (plain[0] == ':') return decode_legacy(plain);
  // Neither form: ReadSecMSG's KS_ENCKEY (how a wrong Blowfish key shows, there being no padding).
  if (plain[0] != '!') return core::invalid_argument("decryption failed");
  const auto start = plain.find_first_not_of('!');
  if (start == std::string_view::npos) return core::invalid_argument("not a zlib stream");

  thread_local std::string inflated;
  switch (inflate_into(plain.substr(start), inflated)) {
    case InflateResult::ok:
      break;
    case InflateResult::too_large:
      return core::invalid_argument("message too large");
    case InflateResult::not_zlib:
      return core::invalid_argument("not a zlib stream");
  }
  const std::string_view full(inflated);
  if (full.size() < kChecksumChars + kCountersChars) return core::invalid_argument("bad checksum");
  if (!checksum_matches(full.substr(0, kChecksumChars), full.substr(kChecksumChars))) {
    return core::invalid_argument("bad checksum");
  }
  const std::string_view body = full.substr(kChecksumChars);
  if (body[15] != ':') return core::invalid_argument("bad counters");
  DecodedMessage decoded;
  decoded.random = static_cast<std::uint16_t>(leading_number(body.substr(0, 5)));
  decoded.counters.global = leading_number(body.substr(5, 10));
  decoded.counters.local = leading_number(body.substr(16, 4));
  decoded.text.assign(body.substr(kCountersChars));
  return decoded;
}

core::Result<std::string> encode_message(Cipher cipher, std::string_view channel_key, std::string_view text,
                                         Counters counters, std::uint16_t random,
                                         std::optional<std::string_view> agent_id) {
  // CreateSecMSG refuses empty messages as well as long ones.
  if (text.empty() || text.size() > kMaxMessageBytes) return core::invalid_argument("message size out of range");
  char prefix[64];
  const int prefix_length = std::snprintf(prefix, sizeof prefix, "%05hu%010u:%04u:", static_cast<unsigned short>(random),
                                          counters.global, counters.local);
  std::string inner;
  inner.reserve(kChecksumChars + static_cast<std::size_t>(prefix_length) + text.size());
  inner.resize(kChecksumChars);
  inner.append(prefix, static_cast<std::size_t>(prefix_length)).append(text);
  char checksum[kChecksumChars];
  if (!md5_hex_into(std::string_view(inner).substr(kChecksumChars), checksum)) {
    return core::internal_error("md5 unavailable");
  }
  std::memcpy(inner.data(), checksum, kChecksumChars);

  uLongf compressed_size = compressBound(static_cast<uLong>(inner.size()));
  std::string plain(8 + compressed_size, '!');
  if (!deflate_into(inner, plain.data() + 8, compressed_size)) {
    return core::internal_error("compression failed");
  }
  // 1 + p '!' so that the total is a multiple of 8 (CreateSecMSG's bfsize).
  const std::size_t with_one = compressed_size + 1;
  const std::size_t padding = (8 - with_one % 8) % 8;
  const std::size_t bangs = 1 + padding;
  plain.erase(0, 8 - bangs);
  plain.resize(bangs + compressed_size);

  auto encrypted = encrypt(cipher, channel_key, plain);
  if (!encrypted) return core::internal_error("encryption failed");
  std::string payload;
  payload.reserve(16 + encrypted->size());
  if (agent_id) payload.append("!").append(*agent_id).append("!");
  payload.append(cipher == Cipher::aes ? "#AES:" : ":");
  payload.append(*encrypted);
  return payload;
}

bool ReplayGuard::accept(Counters counters) {
  if (counters <= last_) return false;
  last_ = counters;
  return true;
}

}  // namespace herald::legacy::wire
