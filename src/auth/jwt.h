#pragma once
// HS256 JSON Web Tokens (RFC 7519) over libjwt, for the comms API (agents) and the management API
// (users). Time comes from the injected Clock, never from time(), so expiry is testable.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/clock.h"

namespace herald::auth {

struct TokenClaims {
  std::string issuer;    // iss
  std::string audience;  // aud (a single string; array audiences are not issued nor accepted)
  std::string subject;   // sub, empty when absent
  std::int64_t issued_at = 0;   // iat, Unix seconds
  std::int64_t expires_at = 0;  // exp, Unix seconds
  // Every other claim whose value is a JSON string (e.g. the comms API's "uuid"). Registered
  // claims (iss, aud, sub, iat, exp, nbf, jti) never appear here.
  std::map<std::string, std::string> extra;
};

// Why verify() refused a token. `expired` is reported only for a token that is otherwise valid
// (good signature, issuer, audience, shape), so callers may say "token expired" safely.
enum class TokenError { invalid, expired };

// Issues and verifies HS256 tokens with one shared secret.
// Thread-safety: immutable after construction; issue() and verify() are safe for concurrent use.
// verify() remembers, per thread, the tokens it accepted (an agent presents the same token on
// every request for 15 minutes): a cached token costs a hash lookup and the time checks, no
// signature, no parse, no lock. The Clock is borrowed and must outlive the signer.
class TokenSigner {
 public:
  // Accepted clock skew for iat/nbf lying in the future (tokens minted by another node).
  static constexpr std::chrono::seconds kClockSkew{60};
  // Tokens longer than this are rejected before parsing.
  static constexpr std::size_t kMaxTokenSize = 8192;

  // `secret`: raw key bytes. Use at least 32 random bytes (see secrets.h random_bytes). An empty
  // secret makes issue() return "" and verify() reject everything.
  TokenSigner(std::string secret, const core::Clock& clock);

  TokenSigner(const TokenSigner&) = delete;
  TokenSigner& operator=(const TokenSigner&) = delete;

  // Issues a token with iss, aud, sub (omitted when empty), iat = nbf = now, exp = now + ttl,
  // plus `extra` as string claims. Extra entries named like a registered claim (iss, aud, sub,
  // iat, exp, nbf, jti) are ignored. Returns "" if libjwt fails (out of memory, no secret) or if
  // any of the strings holds a NUL byte (libjwt would cut it short).
  std::string issue(std::string_view issuer, std::string_view audience, std::string_view subject,
                    std::chrono::seconds ttl,
                    const std::map<std::string, std::string>& extra = {}) const;

  // Accepts `token` only if: its header says HS256 and the signature verifies with our secret
  // (alg "none" and every other algorithm are refused); iss == issuer and aud == audience
  // (strings); iat and exp are integers with iat <= exp; iat and nbf (if present) are not later
  // than now + kClockSkew; when `required_lifetime` is set, exp - iat == *required_lifetime
  // (the comms API's rule: exactly 900 s); and finally exp > now, else TokenError::expired.
  std::variant<TokenClaims, TokenError> verify(
      std::string_view token, std::string_view issuer, std::string_view audience,
      std::optional<std::chrono::seconds> required_lifetime = std::nullopt) const;

  // Tokens each thread remembers in each of its cache's two generations (see jwt.cpp).
  static constexpr std::size_t kCachedTokensPerThread = 2'048;

 private:
  // verify() without the cache; `valid_from` is the latest of iat and nbf.
  std::variant<TokenClaims, TokenError> verify_signed(std::string_view token, std::string_view issuer,
                                                      std::string_view audience,
                                                      std::optional<std::chrono::seconds> required_lifetime,
                                                      std::int64_t& valid_from) const;

  std::string secret_;
  const core::Clock& clock_;
  // Tells this signer's cache entries from another's (tests build many signers, and an address
  // may be reused).
  const std::uint64_t id_;
};

}  // namespace herald::auth
