#include "auth/secrets.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>

namespace herald::auth {
namespace {

constexpr std::string_view kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

void fill_random(unsigned char* out, std::size_t n) {
  while (n > 0) {
    const int chunk = n > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(n);
    if (RAND_bytes(out, chunk) != 1) {
      std::fputs("herald: RAND_bytes failed; refusing to continue without randomness\n", stderr);
      std::abort();
    }
    out += chunk;
    n -= static_cast<std::size_t>(chunk);
  }
}

bool is_base64_alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

}  // namespace

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (n > 0) fill_random(reinterpret_cast<unsigned char*>(out.data()), n);
  return out;
}

std::string random_alnum(std::size_t n) {
  // 62 * 4 = 248: bytes >= 248 are rejected so every character is equally likely.
  constexpr unsigned kLimit = 248;
  std::string out;
  out.reserve(n);
  unsigned char buffer[64];
  while (out.size() < n) {
    fill_random(buffer, sizeof buffer);
    for (unsigned char byte : buffer) {
      if (byte >= kLimit) continue;
      out.push_back(kAlnum[byte % kAlnum.size()]);
      if (out.size() == n) break;
    }
  }
  return out;
}

std::string random_hex(std::size_t bytes) { return to_hex(random_bytes(bytes)); }

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0x0f]);
  }
  return out;
}

std::string base64_encode(std::string_view data) {
  if (data.empty()) return {};
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');  // +1: EVP_EncodeBlock writes a NUL
  // EVP_EncodeBlock takes an int length; chunk on a multiple of 3 so no padding appears mid-way.
  constexpr std::size_t kChunk = 3 * (1u << 28);
  std::size_t written = 0;
  for (std::size_t pos = 0; pos < data.size(); pos += kChunk) {
    const std::size_t len = std::min(kChunk, data.size() - pos);
    written += static_cast<std::size_t>(
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()) + written,
                        reinterpret_cast<const unsigned char*>(data.data()) + pos, static_cast<int>(len)));
  }
  out.resize(written);
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty()) return std::string{};
  if (text.size() % 4 != 0 || text.size() > static_cast<std::size_t>(INT_MAX)) return std::nullopt;
  // EVP_DecodeBlock skips leading/trailing whitespace and is lax about '=' placement, so the
  // alphabet and padding are checked here first.
  std::size_t padding = 0;
  if (text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  for (std::size_t i = 0; i < text.size() - padding; ++i) {
    if (!is_base64_alphabet(text[i])) return std::nullopt;
  }
  std::string out(text.size() / 4 * 3, '\0');
  const int decoded = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  if (decoded < 0 || static_cast<std::size_t>(decoded) != out.size()) return std::nullopt;
  // EVP_DecodeBlock counts the zero bytes that padding stands for; drop them.
  out.resize(out.size() - padding);
  // Canonical form only: the bits that padding discards must be zero, so that every byte string
  // has exactly one accepted encoding.
  if (base64_encode(out) != text) return std::nullopt;
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string sha256(std::string_view data) {
  std::string digest(32, '\0');
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(digest.data()), &length,
                 EVP_sha256(), nullptr) != 1 ||
      length != digest.size()) {
    std::fputs("herald: EVP_Digest(SHA-256) failed\n", stderr);
    std::abort();
  }
  return digest;
}

std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }

}  // namespace herald::auth
