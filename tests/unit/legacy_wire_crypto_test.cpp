#include "legacy/wire/crypto.h"

#include <gtest/gtest.h>

namespace herald::legacy::wire {
namespace {

// §2.6 of legacy-4x-protocol.md.
constexpr std::string_view kKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr std::string_view kChannelKey = "fe3a1ff59f3b89b2ad3d33f08984874bfda4af11475abae";

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

TEST(LegacyWireCrypto, Digests) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  char out[32];
  ASSERT_TRUE(md5_hex_into("abc", out));
  EXPECT_EQ(std::string(out, 32), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(LegacyWireCrypto, ChannelKeyOfTheSpecVector) {
  EXPECT_EQ(channel_key("001", "agent1", kKey), kChannelKey);
  EXPECT_EQ(channel_key("001", "agent1", kKey).size(), 47u);
}

TEST(LegacyWireCrypto, EnrollmentKeyHashIsSha1OfIdNameKey) {
  EXPECT_EQ(enrollment_key_hash("001", "agent1", kKey), sha1_hex(std::string("001agent1") + std::string(kKey)));
}

// Derived with `openssl enc -aes-256-cbc -K <hex of EK[0:32]> -iv <hex of "FEDCBA0987654321">`
// over "0123456789abcdef" (PKCS#7 adds a full block).
TEST(LegacyWireCrypto, AesMatchesOpensslEnc) {
  auto encrypted = encrypt(Cipher::aes, kChannelKey, "0123456789abcdef");
  ASSERT_TRUE(encrypted);
  EXPECT_EQ(hex(*encrypted), "481d84efec683d8120a336d71407b57e9a752fe13552190add5888e722314cff");
  auto decrypted = decrypt(Cipher::aes, kChannelKey, *encrypted);
  ASSERT_TRUE(decrypted);
  EXPECT_EQ(*decrypted, "0123456789abcdef");
}

// Derived with pycryptodome: Blowfish.new(EK (all 47 bytes), MODE_CBC, iv=fedcba9876543210)
// .encrypt(b"0123456789abcdef").
TEST(LegacyWireCrypto, BlowfishMatchesPycryptodomeWithTheWhole47ByteKey) {
  ASSERT_TRUE(blowfish_available());
  auto encrypted = encrypt(Cipher::blowfish, kChannelKey, "0123456789abcdef");
  ASSERT_TRUE(encrypted);
  EXPECT_EQ(hex(*encrypted), "0f32688d79090c9f0acc07e25262fd7b");
  auto decrypted = decrypt(Cipher::blowfish, kChannelKey, *encrypted);
  ASSERT_TRUE(decrypted);
  EXPECT_EQ(*decrypted, "0123456789abcdef");
}

TEST(LegacyWireCrypto, BlowfishNeedsWholeBlocks) {
  EXPECT_FALSE(encrypt(Cipher::blowfish, kChannelKey, "1234567"));
  EXPECT_FALSE(decrypt(Cipher::blowfish, kChannelKey, "123456789"));
  EXPECT_TRUE(encrypt(Cipher::blowfish, kChannelKey, ""));
}

TEST(LegacyWireCrypto, AesWrongKeyIsABadPadding) {
  auto encrypted = encrypt(Cipher::aes, kChannelKey, "some text that spans blocks");
  ASSERT_TRUE(encrypted);
  std::string other(kChannelKey);
  other[0] = '0';
  // A wrong key almost always leaves an invalid PKCS#7 block (1 in 256 it does not).
  EXPECT_FALSE(decrypt(Cipher::aes, other, *encrypted));
  EXPECT_FALSE(decrypt(Cipher::aes, kChannelKey, encrypted->substr(0, 17)));
  EXPECT_FALSE(decrypt(Cipher::aes, "short", *encrypted));
}

TEST(LegacyWireCrypto, AesIgnoresTheKeyBeyond32Bytes) {
  auto a = encrypt(Cipher::aes, kChannelKey, "x");
  auto b = encrypt(Cipher::aes, kChannelKey.substr(0, 32), "x");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
}

// Contexts are cached per key, cipher and direction: more keys than the cache holds, both
// ciphers interleaved, and a failed decryption in between must not leak state into the next.
TEST(LegacyWireCrypto, ManyKeysAndCiphersInterleaved) {
  std::vector<std::string> ciphertexts;
  for (int i = 0; i < 100; ++i) {
    const std::string key = channel_key("001", "agent" + std::to_string(i), kKey);
    const Cipher cipher = i % 2 == 0 ? Cipher::aes : Cipher::blowfish;
    ciphertexts.push_back(*encrypt(cipher, key, "message number " + std::to_string(i % 10)));
    EXPECT_FALSE(decrypt(Cipher::aes, key, "0123456789abcdef"));  // almost surely a bad padding
  }
  for (int round = 0; round < 2; ++round) {
    for (int i = 99; i >= 0; --i) {
      const std::string key = channel_key("001", "agent" + std::to_string(i), kKey);
      const Cipher cipher = i % 2 == 0 ? Cipher::aes : Cipher::blowfish;
      auto clear = decrypt(cipher, key, ciphertexts[static_cast<std::size_t>(i)]);
      ASSERT_TRUE(clear) << i;
      EXPECT_EQ(clear->substr(0, 16), "message number " + std::to_string(i % 10)) << i;
    }
  }
}

}  // namespace
}  // namespace herald::legacy::wire
