#include <gtest/gtest.h>

#include <set>

#include "auth/secrets.h"

namespace herald::auth {
namespace {

TEST(AuthSecrets, RandomBytesHaveRequestedLengthAndDiffer) {
  EXPECT_EQ(random_bytes(0).size(), 0u);
  EXPECT_EQ(random_bytes(32).size(), 32u);
  EXPECT_NE(random_bytes(32), random_bytes(32));
}

TEST(AuthSecrets, RandomAlnumUsesOnlyAlphabetAndCoversIt) {
  const std::string text = random_alnum(20000);
  ASSERT_EQ(text.size(), 20000u);
  std::set<char> seen;
  for (char c : text) {
    ASSERT_TRUE((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << c;
    seen.insert(c);
  }
  EXPECT_EQ(seen.size(), 62u);
  EXPECT_EQ(random_alnum(0), "");
}

TEST(AuthSecrets, RandomHexIsLowercaseHex) {
  const std::string hex = random_hex(16);
  ASSERT_EQ(hex.size(), 32u);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(AuthSecrets, Base64KnownVectors) {
  // RFC 4648 §10.
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    const auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(AuthSecrets, Base64RoundTripsBinaryOfEveryLength) {
  for (std::size_t n = 0; n < 70; ++n) {
    const std::string data = random_bytes(n);
    const auto decoded = base64_decode(base64_encode(data));
    ASSERT_TRUE(decoded.has_value()) << n;
    EXPECT_EQ(*decoded, data) << n;
  }
  const std::string zeros(5, '\0');
  EXPECT_EQ(base64_decode(base64_encode(zeros)), zeros);  // padding fix-up keeps real zero bytes
}

TEST(AuthSecrets, Base64DecodeIsStrict) {
  for (const char* bad : {"Zg", "Zg=", "Zm9", "Z===", "====", "Zg==Zg==", "Zm=v", "Zm9v\n", " Zm9v", "Zm9v ",
                          "Zm9-", "Zm9_", "Zm.v", "Zh==", "Zm9=" /* non-zero discarded bits */, "Zg=a"}) {
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
  }
  EXPECT_FALSE(base64_decode(std::string_view("Zm\0v", 4)).has_value());
}

TEST(AuthSecrets, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_FALSE(constant_time_equal("", "a"));
}

TEST(AuthSecrets, Sha256Hex) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256("abc").size(), 32u);
}

}  // namespace
}  // namespace herald::auth
