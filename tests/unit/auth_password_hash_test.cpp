#include <gtest/gtest.h>

#include "auth/password_hash.h"
#include "auth/secrets.h"

namespace herald::auth {
namespace {

constexpr int kFastIterations = 1000;  // keeps the tests fast; the format is the same

TEST(AuthPasswordHash, FormatIsSelfDescribing) {
  const std::string encoded = hash_password("secret", kFastIterations);
  ASSERT_TRUE(encoded.starts_with("pbkdf2-sha256$1000$")) << encoded;
  const std::string_view rest = std::string_view(encoded).substr(std::string_view("pbkdf2-sha256$1000$").size());
  const std::size_t dollar = rest.find('$');
  ASSERT_NE(dollar, std::string_view::npos);
  EXPECT_EQ(base64_decode(rest.substr(0, dollar))->size(), 16u);
  EXPECT_EQ(base64_decode(rest.substr(dollar + 1))->size(), 32u);
}

TEST(AuthPasswordHash, VerifiesCorrectPasswordOnly) {
  const std::string encoded = hash_password("correct horse", kFastIterations);
  EXPECT_TRUE(verify_password("correct horse", encoded));
  EXPECT_FALSE(verify_password("correct horsf", encoded));
  EXPECT_FALSE(verify_password("", encoded));
  EXPECT_FALSE(verify_password("correct horse ", encoded));
}

TEST(AuthPasswordHash, SaltMakesEachHashDifferent) {
  EXPECT_NE(hash_password("same", kFastIterations), hash_password("same", kFastIterations));
}

TEST(AuthPasswordHash, DefaultIterationsRoundTrip) {
  const std::string encoded = hash_password("p@ss:word$");
  EXPECT_TRUE(encoded.starts_with("pbkdf2-sha256$210000$"));
  EXPECT_TRUE(verify_password("p@ss:word$", encoded));
}

TEST(AuthPasswordHash, VerifiesHashFromAnotherImplementation) {
  // base64(PBKDF2-HMAC-SHA256("password", "saltsaltsaltsalt", 1000, 32)) from Python's hashlib.
  const std::string encoded =
      "pbkdf2-sha256$1000$" + base64_encode("saltsaltsaltsalt") + "$8nX7hwFEzIB8aPajJTYK8weHQc5Ngz0pFVAKvSu4jQA=";
  EXPECT_TRUE(verify_password("password", encoded));
  EXPECT_FALSE(verify_password("Password", encoded));
}

TEST(AuthPasswordHash, MalformedInputIsFalseNotAThrow) {
  const std::string good = hash_password("pw", kFastIterations);
  const std::string salt_and_hash = good.substr(std::string("pbkdf2-sha256$1000$").size());
  for (const std::string& bad : {std::string(), std::string("pw"), std::string("pbkdf2-sha256$"),
                                 "pbkdf2-sha1$1000$" + salt_and_hash, "pbkdf2-sha256$$" + salt_and_hash,
                                 "pbkdf2-sha256$0$" + salt_and_hash, "pbkdf2-sha256$-5$" + salt_and_hash,
                                 "pbkdf2-sha256$01000$" + salt_and_hash, "pbkdf2-sha256$1e3$" + salt_and_hash,
                                 "pbkdf2-sha256$99999999999999999999$" + salt_and_hash,
                                 "pbkdf2-sha256$1000000000$" + salt_and_hash, good + "$", good + "x",
                                 "pbkdf2-sha256$1000$AAAA$" + salt_and_hash.substr(salt_and_hash.find('$') + 1),
                                 std::string("pbkdf2-sha256$1000$!!!!$!!!!"), std::string("pbkdf2-sha256$1000$$")}) {
    EXPECT_FALSE(verify_password("pw", bad)) << bad;
  }
}

}  // namespace
}  // namespace herald::auth
