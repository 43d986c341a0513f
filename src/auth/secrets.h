#pragma once
// Random secrets, encodings and digests for the auth layer. Every primitive is OpenSSL's; nothing
// here implements cryptography itself.
//
// All functions are safe for concurrent use (OpenSSL 3's RNG is thread-safe). The random
// functions abort the process if the system RNG fails: handing out a predictable secret is worse
// than stopping.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace herald::auth {

// `n` cryptographically random bytes (any byte value).
std::string random_bytes(std::size_t n);

// `n` characters drawn uniformly from [A-Za-z0-9] (rejection sampling, so unbiased).
std::string random_alnum(std::size_t n);

// `bytes` random bytes rendered as 2*bytes lowercase hex digits.
std::string random_hex(std::size_t bytes);

// Standard base64 (RFC 4648 §4, with '=' padding, no line breaks).
std::string base64_encode(std::string_view data);

// Strict inverse of base64_encode: the length must be a multiple of 4, only the standard
// alphabet is accepted, '=' may appear only as the last one or two characters, no whitespace.
// Returns nullopt on any violation. The empty string decodes to the empty string.
std::optional<std::string> base64_decode(std::string_view text);

// Compares in time that depends only on the lengths, never on where the inputs differ.
// Different lengths compare unequal (the length is not treated as a secret).
bool constant_time_equal(std::string_view a, std::string_view b);

// Raw 32-byte SHA-256 digest of `data`.
std::string sha256(std::string_view data);

// SHA-256 of `data` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

// Lowercase hex rendering of arbitrary bytes.
std::string to_hex(std::string_view bytes);

}  // namespace herald::auth
