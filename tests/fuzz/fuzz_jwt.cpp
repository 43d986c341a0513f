// auth::TokenSigner::verify with a fixed secret and a fixed clock. The first byte picks how the
// rest becomes a token:
//   0  the bytes are the token;
//   1  a valid token's first N bytes (N from the next byte) followed by the bytes: mutations of a
//      valid prefix, e.g. a changed signature or payload;
//   2  header JSON and payload JSON (split at the first '\n'), base64url-encoded and signed with
//      the secret, so the claim checks behind the signature are reached;
//   3  the bytes as a subject and an extra claim of an issued token, which must verify back.
// Invariants: no exception escapes; whatever verifies names our issuer and audience, is signed
// HS256, has iat <= exp, was not issued in the future, has not expired and keeps registered
// claims out of `extra`.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "auth/jwt.h"
#include "fuzz_check.h"

namespace {

using herald::auth::TokenClaims;
using herald::auth::TokenError;
using herald::auth::TokenSigner;

constexpr std::string_view kIssuer = "wazuh";
constexpr std::string_view kAudience = "Wazuh Communications API";
constexpr std::int64_t kNow = 1'743'156'930;
const std::string kSecret = "0123456789abcdef0123456789abcdef";

std::string base64url(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(length));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

std::string sign(std::string_view header_json, std::string_view payload_json) {
  std::string token = base64url(header_json) + "." + base64url(payload_json);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(token.data()), token.size(), mac, &mac_length);
  return token + "." + base64url(std::string_view(reinterpret_cast<const char*>(mac), mac_length));
}

void check_accepted(const TokenClaims& claims, std::optional<std::chrono::seconds> lifetime) {
  FUZZ_CHECK(claims.issuer == kIssuer && claims.audience == kAudience, "issuer and audience are ours");
  FUZZ_CHECK(claims.issued_at >= 0 && claims.issued_at <= claims.expires_at, "0 <= iat <= exp");
  FUZZ_CHECK(claims.issued_at <= kNow + TokenSigner::kClockSkew.count(), "not issued in the future");
  FUZZ_CHECK(claims.expires_at > kNow, "not expired");
  if (lifetime) FUZZ_CHECK(claims.expires_at - claims.issued_at == lifetime->count(), "exact lifetime");
  for (std::string_view registered : {"iss", "aud", "sub", "iat", "exp", "nbf", "jti"}) {
    FUZZ_CHECK(!claims.extra.contains(std::string(registered)), "registered claims stay out of extra");
  }
}

// The header of a self-signed token must say exactly HS256 to be accepted. libjwt reads the
// decoded header as a C string, so what follows a NUL byte is not part of it.
bool header_says_hs256(std::string_view header_json) {
  header_json = header_json.substr(0, header_json.find('\0'));
  boost::system::error_code ec;
  auto header = boost::json::parse(header_json, ec);
  if (ec || !header.is_object()) return false;
  const auto* alg = header.get_object().if_contains("alg");
  return alg != nullptr && alg->is_string() && alg->get_string() == "HS256";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const herald::core::ManualClock clock(kNow);
  static const TokenSigner signer(kSecret, clock);
  static const std::string valid = signer.issue(kIssuer, kAudience, "", std::chrono::seconds(900),
                                                {{"uuid", "d5b250c4-dfa1-4d94-827f-9f99210dbe6c"}});
  if (size == 0) return 0;
  const unsigned mode = data[0] % 4;
  auto rest = herald::fuzz::as_text(data + 1, size - 1);
  const std::optional<std::chrono::seconds> lifetime =
      (data[0] & 0x80) != 0 ? std::optional(std::chrono::seconds(900)) : std::nullopt;

  std::string token;
  std::optional<std::string> signed_header;
  switch (mode) {
    case 0:
      token = std::string(rest);
      break;
    case 1: {
      if (rest.empty()) return 0;
      const std::size_t keep = static_cast<unsigned char>(rest[0]) * valid.size() / 255;
      token = valid.substr(0, keep) + std::string(rest.substr(1));
      break;
    }
    case 2: {
      const auto newline = rest.find('\n');
      if (newline == std::string_view::npos) return 0;
      signed_header = std::string(rest.substr(0, newline));
      token = sign(*signed_header, rest.substr(newline + 1));
      break;
    }
    case 3: {
      const auto newline = rest.find('\n');
      const std::string subject(rest.substr(0, newline));
      const std::string extra(newline == std::string_view::npos ? "" : rest.substr(newline + 1));
      const auto issued = FUZZ_NO_THROW(
          "issue", signer.issue(kIssuer, kAudience, subject, std::chrono::seconds(900), {{"uuid", extra}}));
      // libjwt refuses strings that are not UTF-8 (and C strings stop at NUL): then nothing is issued.
      if (issued.empty()) return 0;
      auto verified = FUZZ_NO_THROW("verify", signer.verify(issued, kIssuer, kAudience, std::chrono::seconds(900)));
      const auto* claims = std::get_if<TokenClaims>(&verified);
      FUZZ_CHECK(claims != nullptr, "a token we issued verifies");
      FUZZ_CHECK(claims->subject == subject, "the subject survives issue and verify");
      FUZZ_CHECK(claims->extra.size() == 1 && claims->extra.begin()->second == extra, "the extra claim survives");
      check_accepted(*claims, std::chrono::seconds(900));
      return 0;
    }
  }

  auto verified = FUZZ_NO_THROW("verify", signer.verify(token, kIssuer, kAudience, lifetime));
  if (const auto* claims = std::get_if<TokenClaims>(&verified)) {
    check_accepted(*claims, lifetime);
    if (signed_header) FUZZ_CHECK(header_says_hs256(*signed_header), "only an HS256 header is accepted");
  }
  return 0;
}
