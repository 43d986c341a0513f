#pragma once
// The secure channel's primitives (legacy-4x-protocol.md §2.3), on OpenSSL EVP. Blowfish lives
// in OpenSSL 3's legacy provider, which is loaded on first use. Safe for concurrent use.
#include <optional>
#include <string>
#include <string_view>

namespace herald::legacy::wire {

enum class Cipher { aes, blowfish };

std::string md5_hex(std::string_view data);   // 32 lowercase hex characters
std::string sha1_hex(std::string_view data);  // 40 lowercase hex characters
std::string sha256_hex(std::string_view data);  // 64 lowercase hex characters (multigroup names)
// md5_hex without an allocation (the per-message checksum); false only if MD5 is unavailable.
bool md5_hex_into(std::string_view data, char (&out)[32]);

// EK = md5hex(key) ‖ md5hex(md5hex(name) ‖ md5hex(id))[0:15]: 47 ASCII characters. AES uses its
// first 32 bytes, Blowfish all 47.
std::string channel_key(std::string_view id, std::string_view name, std::string_view raw_key);

// The K field of a re-enrolling agent: SHA1(id ‖ name ‖ raw_key), lowercase hex.
std::string enrollment_key_hash(std::string_view id, std::string_view name, std::string_view raw_key);

// AES-256-CBC (IV "FEDCBA0987654321", PKCS#7) or Blowfish-CBC (IV fe dc ba 98 76 54 32 10, no
// padding: the plaintext must be a multiple of 8). nullopt when the cipher fails (a bad PKCS#7
// block after decryption: the wrong key; Blowfish input not a multiple of 8; Blowfish
// unavailable).
std::optional<std::string> encrypt(Cipher cipher, std::string_view channel_key, std::string_view plaintext);
std::optional<std::string> decrypt(Cipher cipher, std::string_view channel_key, std::string_view ciphertext);

// Whether this OpenSSL can do Blowfish (the legacy provider could be loaded).
bool blowfish_available();

}  // namespace herald::legacy::wire
