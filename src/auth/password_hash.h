#pragma once
// User password hashing: PBKDF2-HMAC-SHA256, deliberately slow. Passwords are low-entropy, so
// every guess must cost the attacker ~200k HMAC rounds. (Agent keys are random and use the fast
// salted hash in agent_key_hash.h instead.)
//
// Encoded form, self-describing so the iteration count can be raised without a migration:
//   pbkdf2-sha256$<iterations>$<base64 salt (16 bytes)>$<base64 derived key (32 bytes)>
//
// Safe for concurrent use. Each call takes tens of milliseconds at the default cost: do not call
// it on an I/O thread for every request (see credential_cache.h).
#include <string>
#include <string_view>

namespace herald::auth {

inline constexpr int kDefaultPasswordIterations = 210000;  // OWASP 2023 for PBKDF2-HMAC-SHA256

// Hashes `password` with a fresh random salt. `iterations` below 1 is clamped to 1.
std::string hash_password(std::string_view password, int iterations = kDefaultPasswordIterations);

// True iff `encoded` is a well-formed hash (as produced by hash_password) of `password`.
// Malformed input (wrong scheme, bad base64, wrong lengths, absurd iteration counts) yields
// false; never throws. The digest comparison is constant-time.
bool verify_password(std::string_view password, std::string_view encoded);

}  // namespace herald::auth
