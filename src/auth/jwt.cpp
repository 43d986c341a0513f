#include "auth/jwt.h"
#include "core/string_hash.h"

#include <jwt.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <atomic>
#include <climits>
#include <cstdlib>
#include <functional>
#include <memory>
#include <unordered_map>

namespace herald::auth {
namespace {

constexpr std::array<std::string_view, 7> kRegisteredClaims = {"iss", "aud", "sub", "iat",
                                                               "exp", "nbf", "jti"};

bool is_registered_claim(std::string_view name) {
  for (std::string_view registered : kRegisteredClaims) {
    if (name == registered) return true;
  }
  return false;
}

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

// libjwt 1.10 has no jwt_free_str: strings it returns come from malloc and are released with free.
struct JwtStrFree {
  void operator()(char* text) const { std::free(text); }
};
using JwtString = std::unique_ptr<char, JwtStrFree>;

// libjwt verifies with whatever algorithm the token's header names (and matches names
// case-insensitively), so the header must say exactly "HS256": never "none", never an RSA/EC
// algorithm fed our HMAC secret as a "public key".
bool header_is_hs256(jwt_t* jwt) {
  const char* alg = jwt_get_header(jwt, "alg");
  return jwt_get_alg(jwt) == JWT_ALG_HS256 && alg != nullptr && std::string_view(alg) == "HS256";
}

std::optional<std::int64_t> integer_claim(const boost::json::object& claims, std::string_view name) {
  const boost::json::value* value = claims.if_contains(name);
  if (value == nullptr) return std::nullopt;
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64() && value->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(value->get_uint64());
  }
  return std::nullopt;
}

// nullopt: present but not a string (invalid). Empty optional string: absent.
std::optional<std::string> optional_string_claim(const boost::json::object& claims, std::string_view name) {
  const boost::json::value* value = claims.if_contains(name);
  if (value == nullptr) return std::string{};
  if (!value->is_string()) return std::nullopt;
  return std::string(value->get_string());
}

std::atomic<std::uint64_t> next_signer_id{1};

// A token some signer accepted on this thread, with what it was checked against (the issuer and
// audience are those of its claims).
struct AcceptedToken {
  std::uint64_t signer = 0;
  std::optional<std::chrono::seconds> required_lifetime;
  std::int64_t valid_from = 0;  // iat, or nbf when later
  TokenClaims claims;
};

using AcceptedTokens = std::unordered_map<std::string, AcceptedToken, core::StringHash, std::equal_to<>>;

// Per thread, so that the hot path of an authenticated request takes no lock. Two generations
// approximate an LRU in bounded memory: a full `recent` becomes `older` (whose entries are
// dropped), and a token found in `older` moves back to `recent`. The agents that send many
// requests stay; a large fleet of mostly parked agents costs at most 2 x kCachedTokensPerThread
// entries per thread.
struct TokenCache {
  AcceptedTokens recent, older;

  const AcceptedToken* find(std::string_view token) {
    if (auto found = recent.find(token); found != recent.end()) return &found->second;
    auto found = older.find(token);
    if (found == older.end()) return nullptr;
    auto moved = older.extract(found);
    return &remember(std::move(moved.key()), std::move(moved.mapped()));
  }
  const AcceptedToken& remember(std::string token, AcceptedToken accepted) {
    if (recent.size() >= TokenSigner::kCachedTokensPerThread) {
      older = std::move(recent);
      recent = AcceptedTokens();
    }
    return recent.insert_or_assign(std::move(token), std::move(accepted)).first->second;
  }
};
thread_local TokenCache accepted_tokens;

}  // namespace

TokenSigner::TokenSigner(std::string secret, const core::Clock& clock)
    : secret_(std::move(secret)), clock_(clock), id_(next_signer_id.fetch_add(1)) {}

std::string TokenSigner::issue(std::string_view issuer, std::string_view audience,
                               std::string_view subject, std::chrono::seconds ttl,
                               const std::map<std::string, std::string>& extra) const {
  if (secret_.empty() || secret_.size() > static_cast<std::size_t>(INT_MAX)) return {};
  // libjwt takes C strings: a NUL would silently cut a claim short, and a token for "admin\0x"
  // would name "admin". Refuse instead (found by tests/fuzz/fuzz_jwt).
  const auto has_nul = [](std::string_view text) { return text.find('\0') != std::string_view::npos; };
  if (has_nul(issuer) || has_nul(audience) || has_nul(subject)) return {};
  for (const auto& [name, value] : extra) {
    if (has_nul(name) || has_nul(value)) return {};
  }
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return {};
  JwtPtr jwt(raw);

  const std::int64_t now = clock_.now_seconds();
  const std::string issuer_text(issuer), audience_text(audience), subject_text(subject);
  bool ok = jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret_.data()),
                        static_cast<int>(secret_.size())) == 0;
  ok = ok && jwt_add_grant(jwt.get(), "iss", issuer_text.c_str()) == 0;
  ok = ok && jwt_add_grant(jwt.get(), "aud", audience_text.c_str()) == 0;
  if (!subject_text.empty()) ok = ok && jwt_add_grant(jwt.get(), "sub", subject_text.c_str()) == 0;
  ok = ok && jwt_add_grant_int(jwt.get(), "iat", static_cast<long>(now)) == 0;
  ok = ok && jwt_add_grant_int(jwt.get(), "nbf", static_cast<long>(now)) == 0;
  ok = ok && jwt_add_grant_int(jwt.get(), "exp", static_cast<long>(now + ttl.count())) == 0;
  for (const auto& [name, value] : extra) {
    if (is_registered_claim(name)) continue;
    ok = ok && jwt_add_grant(jwt.get(), name.c_str(), value.c_str()) == 0;
  }
  if (!ok) return {};

  JwtString encoded(jwt_encode_str(jwt.get()));
  if (!encoded) return {};
  return std::string(encoded.get());
}

std::variant<TokenClaims, TokenError> TokenSigner::verify(
    std::string_view token, std::string_view issuer, std::string_view audience,
    std::optional<std::chrono::seconds> required_lifetime) const {
  if (const AcceptedToken* cached = accepted_tokens.find(token)) {
    const AcceptedToken& accepted = *cached;
    // The signature, issuer, audience and lifetime checks hold for good; only time moves on.
    if (accepted.signer == id_ && accepted.claims.issuer == issuer && accepted.claims.audience == audience &&
        accepted.required_lifetime == required_lifetime) {
      const std::int64_t now = clock_.now_seconds();
      if (accepted.valid_from <= now + kClockSkew.count()) {
        if (accepted.claims.expires_at <= now) return TokenError::expired;
        return accepted.claims;
      }
    }
  }
  std::int64_t valid_from = 0;
  auto verified = verify_signed(token, issuer, audience, required_lifetime, valid_from);
  if (const auto* claims = std::get_if<TokenClaims>(&verified)) {
    accepted_tokens.remember(
        std::string(token),
        AcceptedToken{id_, required_lifetime, valid_from, *claims});
  }
  return verified;
}

std::variant<TokenClaims, TokenError> TokenSigner::verify_signed(
    std::string_view token, std::string_view issuer, std::string_view audience,
    std::optional<std::chrono::seconds> required_lifetime, std::int64_t& valid_from) const {
  if (secret_.empty() || token.empty() || token.size() > kMaxTokenSize ||
      token.find('\0') != std::string_view::npos) {
    return TokenError::invalid;
  }
  const std::string token_text(token);
  jwt_t* raw = nullptr;
  // With a key, libjwt fails unless the signature verifies under the algorithm named in the header;
  // header_is_hs256 then pins that algorithm.
  if (jwt_decode(&raw, token_text.c_str(), reinterpret_cast<const unsigned char*>(secret_.data()),
                 static_cast<int>(secret_.size())) != 0 ||
      raw == nullptr) {
    if (raw != nullptr) jwt_free(raw);
    return TokenError::invalid;
  }
  JwtPtr jwt(raw);
  if (!header_is_hs256(jwt.get())) return TokenError::invalid;

  // Read the claims as JSON so that types are exact (jwt_get_grant_int turns a string into 0).
  JwtString grants_json(jwt_get_grants_json(jwt.get(), nullptr));
  if (!grants_json) return TokenError::invalid;
  boost::system::error_code parse_error;
  boost::json::value parsed = boost::json::parse(grants_json.get(), parse_error);
  if (parse_error || !parsed.is_object()) return TokenError::invalid;
  const boost::json::object& claims = parsed.get_object();

  TokenClaims result;
  const boost::json::value* iss = claims.if_contains("iss");
  const boost::json::value* aud = claims.if_contains("aud");
  if (iss == nullptr || !iss->is_string() || iss->get_string() != issuer) return TokenError::invalid;
  if (aud == nullptr || !aud->is_string() || aud->get_string() != audience) return TokenError::invalid;
  result.issuer = std::string(issuer);
  result.audience = std::string(audience);

  std::optional<std::string> subject = optional_string_claim(claims, "sub");
  if (!subject) return TokenError::invalid;
  result.subject = std::move(*subject);

  const std::optional<std::int64_t> issued_at = integer_claim(claims, "iat");
  const std::optional<std::int64_t> expires_at = integer_claim(claims, "exp");
  // iat >= 0 also keeps exp - iat below from overflowing.
  if (!issued_at || !expires_at || *issued_at < 0 || *issued_at > *expires_at) return TokenError::invalid;
  result.issued_at = *issued_at;
  result.expires_at = *expires_at;

  const std::int64_t now = clock_.now_seconds();
  const std::int64_t latest_start = now + kClockSkew.count();
  if (*issued_at > latest_start) return TokenError::invalid;
  valid_from = *issued_at;
  if (claims.contains("nbf")) {
    const std::optional<std::int64_t> not_before = integer_claim(claims, "nbf");
    if (!not_before || *not_before > latest_start) return TokenError::invalid;
    valid_from = std::max(valid_from, *not_before);
  }
  if (required_lifetime && *expires_at - *issued_at != required_lifetime->count()) {
    return TokenError::invalid;
  }

  for (const auto& [name, value] : claims) {
    if (is_registered_claim(name) || !value.is_string()) continue;
    result.extra.emplace(std::string(name), std::string(value.get_string()));
  }

  if (*expires_at <= now) return TokenError::expired;
  return result;
}

}  // namespace herald::auth
