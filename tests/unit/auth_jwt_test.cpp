#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <thread>

#include "auth/jwt.h"
#include "auth/secrets.h"

namespace herald::auth {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kIssuer = "wazuh";
constexpr std::string_view kAudience = "Wazuh Communications API";
const std::string kSecret = "0123456789abcdef0123456789abcdef";

std::string base64url(std::string_view data) {
  std::string text = base64_encode(data);
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &length);
  return std::string(reinterpret_cast<char*>(out), length);
}

// A token built by hand, so the tests do not trust libjwt to produce the attacks.
std::string craft(std::string_view header_json, std::string_view payload_json, std::string_view key = kSecret) {
  const std::string signing_input = base64url(header_json) + "." + base64url(payload_json);
  return signing_input + "." + base64url(hmac_sha256(key, signing_input));
}

std::string payload(std::int64_t iat, std::int64_t exp, std::string_view more = "") {
  return R"({"iss":"wazuh","aud":"Wazuh Communications API","iat":)" + std::to_string(iat) +
         R"(,"exp":)" + std::to_string(exp) + std::string(more) + "}";
}

class AuthJwt : public ::testing::Test {
 protected:
  core::ManualClock clock_{1'743'156'930};
  TokenSigner signer_{kSecret, clock_};
};

TEST_F(AuthJwt, IssueThenVerify) {
  const std::string token = signer_.issue(kIssuer, kAudience, "user-1", 900s, {{"uuid", "agent-uuid"}, {"role", "x"}});
  ASSERT_FALSE(token.empty());
  const auto result = signer_.verify(token, kIssuer, kAudience, 900s);
  ASSERT_TRUE(std::holds_alternative<TokenClaims>(result));
  const auto& claims = std::get<TokenClaims>(result);
  EXPECT_EQ(claims.issuer, "wazuh");
  EXPECT_EQ(claims.audience, kAudience);
  EXPECT_EQ(claims.subject, "user-1");
  EXPECT_EQ(claims.issued_at, 1'743'156'930);
  EXPECT_EQ(claims.expires_at, 1'743'156'930 + 900);
  EXPECT_EQ(claims.extra, (std::map<std::string, std::string>{{"uuid", "agent-uuid"}, {"role", "x"}}));
}

TEST_F(AuthJwt, SubjectIsOptionalAndRegisteredExtrasAreIgnored) {
  const std::string token = signer_.issue(kIssuer, kAudience, "", 60s, {{"exp", "1"}, {"iss", "evil"}});
  const auto result = signer_.verify(token, kIssuer, kAudience);
  ASSERT_TRUE(std::holds_alternative<TokenClaims>(result));
  EXPECT_EQ(std::get<TokenClaims>(result).subject, "");
  EXPECT_TRUE(std::get<TokenClaims>(result).extra.empty());
  EXPECT_EQ(std::get<TokenClaims>(result).expires_at, clock_.now_seconds() + 60);
}

TEST_F(AuthJwt, AcceptsAHandCraftedUpstreamShapedToken) {
  const std::int64_t now = clock_.now_seconds();
  const std::string token = craft(R"({"alg":"HS256","typ":"JWT"})", payload(now, now + 900, R"(,"uuid":"u-1")"));
  const auto result = signer_.verify(token, kIssuer, kAudience, 900s);
  ASSERT_TRUE(std::holds_alternative<TokenClaims>(result));
  EXPECT_EQ(std::get<TokenClaims>(result).extra.at("uuid"), "u-1");
}

TEST_F(AuthJwt, WrongSecretIsInvalid) {
  TokenSigner other("another secret, also 32 bytes long", clock_);
  const std::string token = other.issue(kIssuer, kAudience, "s", 900s);
  EXPECT_EQ(std::get<TokenError>(signer_.verify(token, kIssuer, kAudience)), TokenError::invalid);
}

TEST_F(AuthJwt, WrongIssuerOrAudienceIsInvalid) {
  const std::string token = signer_.issue(kIssuer, kAudience, "s", 900s);
  EXPECT_EQ(std::get<TokenError>(signer_.verify(token, "Wazuh", kAudience)), TokenError::invalid);
  EXPECT_EQ(std::get<TokenError>(signer_.verify(token, kIssuer, "Wazuh API REST")), TokenError::invalid);
}

TEST_F(AuthJwt, ExpiresWithTheClock) {
  const std::string token = signer_.issue(kIssuer, kAudience, "s", 900s);
  clock_.advance(899s);
  EXPECT_TRUE(std::holds_alternative<TokenClaims>(signer_.verify(token, kIssuer, kAudience, 900s)));
  clock_.advance(1s);  // now == exp
  EXPECT_EQ(std::get<TokenError>(signer_.verify(token, kIssuer, kAudience, 900s)), TokenError::expired);
  clock_.advance(10000s);
  EXPECT_EQ(std::get<TokenError>(signer_.verify(token, kIssuer, kAudience, 900s)), TokenError::expired);
  // An expired token that is also wrong in another way is just invalid.
  EXPECT_EQ(std::get<TokenError>(signer_.verify(token, kIssuer, "other")), TokenError::invalid);
}

TEST_F(AuthJwt, LifetimeRule) {
  const std::string short_token = signer_.issue(kIssuer, kAudience, "s", 899s);
  EXPECT_EQ(std::get<TokenError>(signer_.verify(short_token, kIssuer, kAudience, 900s)), TokenError::invalid);
  EXPECT_TRUE(std::holds_alternative<TokenClaims>(signer_.verify(short_token, kIssuer, kAudience)));
  const std::string long_token = signer_.issue(kIssuer, kAudience, "s", 901s);
  EXPECT_EQ(std::get<TokenError>(signer_.verify(long_token, kIssuer, kAudience, 900s)), TokenError::invalid);
  // Accepted (and remembered) without the rule, the token still fails it.
  EXPECT_EQ(std::get<TokenError>(signer_.verify(short_token, kIssuer, kAudience, 900s)), TokenError::invalid);
}

// verify() remembers accepted tokens per thread: what it remembers must never let a token pass a
// check it would fail when verified afresh.
TEST_F(AuthJwt, RememberedTokensAreCheckedLikeNewOnes) {
  const std::string token = signer_.issue(kIssuer, kAudience, "s", 900s, {{"uuid", "u-7"}});
  ASSERT_TRUE(std::holds_alternative<TokenClaims>(signer_.verify(token, kIssuer, kAudience, 900s)));
  // Another key never accepts it, though this thread has it cached for signer_.
  TokenSigner other("another secret, also 32 bytes long", clock_);
  EXPECT_EQ(std::get<TokenError>(other.verify(token, kIssuer, kAudience, 900s)), TokenError::invalid);
  EXPECT_EQ(std::get<TokenError>(signer_.verify(token, "Wazuh", kAudience, 900s)), TokenError::invalid);
  EXPECT_EQ(std::get<TokenError>(signer_.verify(token, kIssuer, "Wazuh API REST", 900s)), TokenError::invalid);
  const auto again = signer_.verify(token, kIssuer, kAudience, 900s);
  ASSERT_TRUE(std::holds_alternative<TokenClaims>(again));
  EXPECT_EQ(std::get<TokenClaims>(again).extra.at("uuid"), "u-7");
  clock_.advance(900s);
  EXPECT_EQ(std::get<TokenError>(signer_.verify(token, kIssuer, kAudience, 900s)), TokenError::expired);
}

TEST_F(AuthJwt, TheCacheStaysBoundedAndCorrectWhenItStartsOver) {
  std::vector<std::string> tokens;
  for (std::size_t i = 0; i < 3 * TokenSigner::kCachedTokensPerThread + 5; ++i) {
    tokens.push_back(signer_.issue(kIssuer, kAudience, "", 900s, {{"uuid", std::to_string(i)}}));
  }
  for (const auto& token : tokens) ASSERT_TRUE(std::holds_alternative<TokenClaims>(signer_.verify(token, kIssuer, kAudience)));
  for (std::size_t i = 0; i < tokens.size(); i += 997) {
    const auto result = signer_.verify(tokens[i], kIssuer, kAudience);
    ASSERT_TRUE(std::holds_alternative<TokenClaims>(result));
    EXPECT_EQ(std::get<TokenClaims>(result).extra.at("uuid"), std::to_string(i));
  }
}

TEST_F(AuthJwt, AlgNoneIsRejected) {
  const std::int64_t now = clock_.now_seconds();
  const std::string body = payload(now, now + 900);
  const std::string unsigned_token = base64url(R"({"alg":"none","typ":"JWT"})") + "." + base64url(body) + ".";
  EXPECT_EQ(std::get<TokenError>(signer_.verify(unsigned_token, kIssuer, kAudience)), TokenError::invalid);
  const std::string no_dot = base64url(R"({"alg":"none"})") + "." + base64url(body);
  EXPECT_EQ(std::get<TokenError>(signer_.verify(no_dot, kIssuer, kAudience)), TokenError::invalid);
  // "none" header but an HMAC signature attached anyway.
  EXPECT_EQ(std::get<TokenError>(signer_.verify(craft(R"({"alg":"none"})", body), kIssuer, kAudience)),
            TokenError::invalid);
  EXPECT_EQ(std::get<TokenError>(signer_.verify(craft(R"({"alg":"NONE"})", body), kIssuer, kAudience)),
            TokenError::invalid);
}

TEST_F(AuthJwt, OtherAlgorithmsAreRejected) {
  const std::int64_t now = clock_.now_seconds();
  const std::string body = payload(now, now + 900);
  // Signed with HMAC-SHA256 over our secret but labelled as another algorithm: must not pass.
  for (const char* header : {R"({"alg":"RS256","typ":"JWT"})", R"({"alg":"ES256"})", R"({"alg":"HS512"})",
                             R"({"alg":"HS384"})", R"({"typ":"JWT"})", R"({"alg":"hs256"})", "{}", "[]", "x"}) {
    const auto result = signer_.verify(craft(header, body), kIssuer, kAudience);
    ASSERT_TRUE(std::holds_alternative<TokenError>(result)) << header;
    EXPECT_EQ(std::get<TokenError>(result), TokenError::invalid) << header;
  }
}

TEST_F(AuthJwt, TamperedTokenIsRejected) {
  const std::string token = signer_.issue(kIssuer, kAudience, "user", 900s, {{"uuid", "a"}});
  const std::size_t first_dot = token.find('.');
  const std::size_t second_dot = token.find('.', first_dot + 1);
  const std::int64_t now = clock_.now_seconds();
  const std::string forged_payload =
      base64url(payload(now, now + 900, R"(,"sub":"user","nbf":)" + std::to_string(now) + R"(,"uuid":"b")"));
  const std::string forged = token.substr(0, first_dot + 1) + forged_payload + token.substr(second_dot);
  EXPECT_EQ(std::get<TokenError>(signer_.verify(forged, kIssuer, kAudience)), TokenError::invalid);

  std::string flipped_signature = token;
  flipped_signature.back() = flipped_signature.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(std::get<TokenError>(signer_.verify(flipped_signature, kIssuer, kAudience)), TokenError::invalid);
  EXPECT_EQ(std::get<TokenError>(signer_.verify(token.substr(0, second_dot), kIssuer, kAudience)),
            TokenError::invalid);
  EXPECT_EQ(std::get<TokenError>(signer_.verify(token + ".x", kIssuer, kAudience)), TokenError::invalid);
}

TEST_F(AuthJwt, GarbageIsInvalid) {
  for (const std::string& bad : {std::string(), std::string("."), std::string(".."), std::string("a.b.c"),
                                 std::string("not a token"), std::string(10000, 'a'), std::string("a\0b", 3)}) {
    EXPECT_EQ(std::get<TokenError>(signer_.verify(bad, kIssuer, kAudience)), TokenError::invalid);
  }
}

// A payload with the given raw JSON for iss, aud, iat and exp (empty: claim omitted).
std::string raw_payload(std::string_view iss, std::string_view aud, std::string_view iat, std::string_view exp) {
  std::string json;
  const auto add = [&json](std::string_view name, std::string_view value) {
    if (value.empty()) return;
    json += json.empty() ? "{" : ",";
    json += "\"" + std::string(name) + "\":" + std::string(value);
  };
  add("iss", iss);
  add("aud", aud);
  add("iat", iat);
  add("exp", exp);
  return json + "}";
}

TEST_F(AuthJwt, ClaimTypesAndTimesMustBeSane) {
  const std::int64_t now = clock_.now_seconds();
  const std::string iss = R"("wazuh")", aud = R"("Wazuh Communications API")";
  const std::string iat = std::to_string(now), exp = std::to_string(now + 900);
  const std::string h = R"({"alg":"HS256","typ":"JWT"})";
  for (const std::string& body : {
           raw_payload(iss, aud, "\"" + iat + "\"", exp),  // iat as a string
           raw_payload(iss, aud, iat, "\"" + exp + "\""),  // exp as a string
           raw_payload(iss, aud, "", exp),                 // no iat
           raw_payload(iss, aud, iat, ""),                 // no exp
           raw_payload(iss, aud, iat + ".5", exp),         // fractional iat
           raw_payload("", aud, iat, exp),                 // no iss
           raw_payload(iss, "", iat, exp),                 // no aud
           raw_payload(iss, "[" + aud + "]", iat, exp),    // array audience
           payload(now, now + 900, R"(,"sub":42)"),
           payload(now, now + 900, R"(,"nbf":")" + iat + R"(")"),
           payload(now + 3600, now + 4500),                                   // issued in the future
           payload(now, now + 900, R"(,"nbf":)" + std::to_string(now + 600)),  // not yet valid
           payload(now, now - 1),                                             // exp before iat
           payload(-100, now + 900),
       }) {
    EXPECT_EQ(std::get<TokenError>(signer_.verify(craft(h, body), kIssuer, kAudience)), TokenError::invalid) << body;
  }
  // Small skew is tolerated (another node's clock slightly ahead).
  const std::string skewed = payload(now + 30, now + 930, R"(,"nbf":)" + std::to_string(now + 30));
  EXPECT_TRUE(std::holds_alternative<TokenClaims>(signer_.verify(craft(h, skewed), kIssuer, kAudience)));
}

// Found by tests/fuzz/fuzz_jwt: libjwt takes C strings, so a NUL cut the subject short and the
// token named another subject ("admin\0x" came back as "admin").
TEST_F(AuthJwt, RefusesToIssueStringsWithANulByte) {
  using namespace std::string_literals;
  EXPECT_EQ(signer_.issue(kIssuer, kAudience, "admin\0x"s, 900s), "");
  EXPECT_EQ(signer_.issue(kIssuer, kAudience, "", 900s, {{"uuid", "agent\0other"s}}), "");
  EXPECT_EQ(signer_.issue(kIssuer, kAudience, "", 900s, {{"uu\0id"s, "agent"}}), "");
  EXPECT_EQ(signer_.issue("wazuh\0"s, kAudience, "", 900s), "");
  EXPECT_FALSE(signer_.issue(kIssuer, kAudience, "admin", 900s).empty());
}

TEST_F(AuthJwt, EmptySecretNeverAuthenticates) {
  TokenSigner empty("", clock_);
  EXPECT_EQ(empty.issue(kIssuer, kAudience, "s", 900s), "");
  const std::int64_t now = clock_.now_seconds();
  const std::string token = craft(R"({"alg":"HS256"})", payload(now, now + 9), "");
  EXPECT_EQ(std::get<TokenError>(empty.verify(token, kIssuer, kAudience)), TokenError::invalid);
}

TEST_F(AuthJwt, ConcurrentIssueAndVerify) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string uuid = std::to_string(t) + "-" + std::to_string(i);
        const std::string token = signer_.issue(kIssuer, kAudience, "", 900s, {{"uuid", uuid}});
        const auto result = signer_.verify(token, kIssuer, kAudience, 900s);
        const auto* claims = std::get_if<TokenClaims>(&result);
        if (claims == nullptr || claims->extra.count("uuid") == 0 || claims->extra.at("uuid") != uuid) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace herald::auth
