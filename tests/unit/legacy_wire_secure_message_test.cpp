#include "legacy/wire/secure_message.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "legacy/wire/framing.h"

namespace herald::legacy::wire {
namespace {

constexpr std::string_view kKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr std::string_view kChannelKey = "fe3a1ff59f3b89b2ad3d33f08984874bfda4af11475abae";
// §2.6: the agent→manager TCP frame of "#!-agent ack ", rand 12345, counters 0:1, agent 001.
constexpr std::string_view kSpecFrameHex =
    "5a0000002130303121234145533aece3f06654199c695c4b190b41abeef90408751e5b5f0ce9377c58f83af55d7121e792bdf0b4b3ba1"
    "421362d3bc51d5d8619ca58768d4f43c84975acd9bb60ff9afd71b15d3ab20f8e8955e997cb68bd";

std::string unhex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string compress(std::string_view data) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  std::string out(size, '\0');
  EXPECT_EQ(compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(data.data()),
                      static_cast<uLong>(data.size()), 9),
            Z_OK);
  out.resize(size);
  return out;
}

// What the wazuh-qa simulator sends: its own padding ('!' × (8 - len % 8), 8 when aligned).
std::string simulator_ciphertext(Cipher cipher, std::string_view inner_body, std::string_view checksum = {}) {
  std::string inner = checksum.empty() ? md5_hex(inner_body) : std::string(checksum);
  inner.append(inner_body);
  const std::string z = compress(inner);
  const std::size_t pad = 8 - z.size() % 8;
  return *encrypt(cipher, kChannelKey, std::string(pad, '!') + z);
}

TEST(LegacyWireSecureMessage, DecodesTheSpecVector) {
  const std::string frame_bytes = unhex(kSpecFrameHex);
  FrameReader reader;
  std::vector<std::string> payloads;
  ASSERT_TRUE(reader.feed(frame_bytes, payloads));
  ASSERT_EQ(payloads.size(), 1u);
  auto header = parse_header(payloads[0]);
  ASSERT_TRUE(header.ok()) << header.error().message;
  EXPECT_EQ(header->agent_id, "001");
  EXPECT_EQ(header->cipher, Cipher::aes);
  EXPECT_EQ(header->body_offset, 10u);
  auto decoded = decode_message(header->cipher, kChannelKey, std::string_view(payloads[0]).substr(header->body_offset));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->text, "#!-agent ack ");
  EXPECT_EQ(decoded->random, 12345);
  EXPECT_EQ(decoded->counters, (Counters{0, 1}));
  EXPECT_EQ(channel_key("001", "agent1", kKey), kChannelKey);
}

TEST(LegacyWireSecureMessage, EncodeReproducesTheSpecVectorByteForByte) {
  auto payload = encode_message(Cipher::aes, kChannelKey, "#!-agent ack ", {0, 1}, 12345, "001");
  ASSERT_TRUE(payload.ok()) << payload.error().message;
  EXPECT_EQ(frame(*payload), unhex(kSpecFrameHex));
}

TEST(LegacyWireSecureMessage, ManagerMessagesHaveNoAgentId) {
  auto payload = encode_message(Cipher::aes, kChannelKey, "#!-agent ack ", {0, 1}, 12345);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(payload->substr(0, 5), "#AES:");
  auto blowfish = encode_message(Cipher::blowfish, kChannelKey, "#!-agent ack ", {0, 1}, 12345);
  ASSERT_TRUE(blowfish.ok());
  EXPECT_EQ((*blowfish)[0], ':');
  EXPECT_EQ((blowfish->size() - 1) % 8, 0u);
}

TEST(LegacyWireSecureMessage, RoundTripsBothCiphers) {
  for (Cipher cipher : {Cipher::aes, Cipher::blowfish}) {
    for (std::size_t length : {1u, 7u, 8u, 13u, 100u, 4096u}) {
      std::string text(length, 'x');
      text[0] = '\0';  // binary is allowed
      auto payload = encode_message(cipher, kChannelKey, text, {42, 9997}, 7, "1000");
      ASSERT_TRUE(payload.ok());
      auto header = parse_header(*payload);
      ASSERT_TRUE(header.ok());
      EXPECT_EQ(header->agent_id, "1000");
      EXPECT_EQ(header->cipher, cipher);
      auto decoded = decode_message(cipher, kChannelKey, std::string_view(*payload).substr(header->body_offset));
      ASSERT_TRUE(decoded.ok()) << decoded.error().message;
      EXPECT_EQ(decoded->text, text);
      EXPECT_EQ(decoded->random, 7);
      EXPECT_EQ(decoded->counters, (Counters{42, 9997}));
    }
  }
}

TEST(LegacyWireSecureMessage, AcceptsTheSimulatorPadding) {
  for (Cipher cipher : {Cipher::aes, Cipher::blowfish}) {
    for (std::string_view text : {"#!-agent startup ", "1:x:y", "12345678"}) {
      auto decoded = decode_message(cipher, kChannelKey,
                                    simulator_ciphertext(cipher, "555551234567891:5555:" + std::string(text)));
      ASSERT_TRUE(decoded.ok()) << decoded.error().message;
      EXPECT_EQ(decoded->text, text);
      EXPECT_EQ(decoded->random, 55555);
      EXPECT_EQ(decoded->counters, (Counters{1234567891, 5555}));
    }
  }
}

TEST(LegacyWireSecureMessage, IgnoresBytesAfterTheZlibStream) {
  std::string inner = md5_hex("000010000000002:0003:hello") + "000010000000002:0003:hello";
  std::string plain = "!" + compress(inner) + "trailing";
  plain.insert(0, (8 - plain.size() % 8) % 8, '!');
  auto decoded = decode_message(Cipher::blowfish, kChannelKey, *encrypt(Cipher::blowfish, kChannelKey, plain));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->text, "hello");
}

TEST(LegacyWireSecureMessage, ParsesTheLegacyUncompressedForm) {
  const std::string body = "0000001234:0005:x:the message";
  std::string plain = ":" + md5_hex(body) + body;
  auto decoded = decode_message(Cipher::aes, kChannelKey, *encrypt(Cipher::aes, kChannelKey, plain));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->counters, (Counters{1234, 5}));
  EXPECT_EQ(decoded->text, "the message");
}

TEST(LegacyWireSecureMessage, HeaderErrors) {
  EXPECT_FALSE(parse_header("").ok());
  EXPECT_FALSE(parse_header("#AES:").ok());
  EXPECT_FALSE(parse_header(":").ok());
  EXPECT_FALSE(parse_header("#AESx").ok());
  EXPECT_FALSE(parse_header("!001").ok());
  EXPECT_FALSE(parse_header("!12a!#AES:xx").ok());
  EXPECT_FALSE(parse_header("!!#AES:xx").ok());
  EXPECT_FALSE(parse_header("!001!xyz").ok());
  auto blowfish = parse_header("!7!:abc");
  ASSERT_TRUE(blowfish.ok());
  EXPECT_EQ(blowfish->cipher, Cipher::blowfish);
  EXPECT_EQ(blowfish->body_offset, 4u);
  EXPECT_EQ(parse_header("!001").error().kind, core::ErrorKind::invalid_argument);
}

TEST(LegacyWireSecureMessage, DecodeErrorsNameWhatFailed) {
  auto payload = encode_message(Cipher::aes, kChannelKey, "hello", {0, 1}, 1);
  ASSERT_TRUE(payload.ok());
  const std::string ciphertext = payload->substr(5);
  std::string wrong(kChannelKey);
  wrong[3] = wrong[3] == 'a' ? 'b' : 'a';
  EXPECT_EQ(decode_message(Cipher::aes, wrong, ciphertext).error().message, "decryption failed");
  EXPECT_EQ(decode_message(Cipher::aes, kChannelKey, ciphertext.substr(0, ciphertext.size() - 16)).error().message,
            "decryption failed");
  EXPECT_EQ(decode_message(Cipher::aes, kChannelKey, ciphertext.substr(0, 5)).error().message, "decryption failed");
  EXPECT_EQ(decode_message(Cipher::aes, kChannelKey, "").error().message, "decryption failed");
  EXPECT_EQ(decode_message(Cipher::blowfish, kChannelKey, "123").error().message, "decryption failed");
  // AES ciphertext read as Blowfish: garbage, not '!' or ':' in front.
  EXPECT_FALSE(decode_message(Cipher::blowfish, kChannelKey, ciphertext).ok());

  EXPECT_EQ(decode_message(Cipher::aes, kChannelKey, *encrypt(Cipher::aes, kChannelKey, "!!!!!!!!not zlib at all"))
                .error()
                .message,
            "not a zlib stream");
  EXPECT_EQ(decode_message(Cipher::aes, kChannelKey, *encrypt(Cipher::aes, kChannelKey, "!!!!")).error().message,
            "not a zlib stream");
  EXPECT_EQ(decode_message(Cipher::aes, kChannelKey,
                           simulator_ciphertext(Cipher::aes, "000010000000002:0003:hello",
                                                "00000000000000000000000000000000"))
                .error()
                .message,
            "bad checksum");
  EXPECT_EQ(decode_message(Cipher::aes, kChannelKey, simulator_ciphertext(Cipher::aes, "short")).error().message,
            "bad checksum");
  EXPECT_EQ(decode_message(Cipher::aes, kChannelKey, simulator_ciphertext(Cipher::aes, "000010000000002x0003:hello"))
                .error()
                .message,
            "bad counters");
}

TEST(LegacyWireSecureMessage, ATruncatedZlibStreamIsRefused) {
  std::string inner = md5_hex("000010000000002:0003:hello") + "000010000000002:0003:hello";
  std::string z = compress(inner);
  std::string plain = "!" + z.substr(0, z.size() - 6);
  auto decoded = decode_message(Cipher::aes, kChannelKey, *encrypt(Cipher::aes, kChannelKey, plain));
  EXPECT_EQ(decoded.error().message, "not a zlib stream");
}

TEST(LegacyWireSecureMessage, AZlibBombIsBounded) {
  const std::string body = "000010000000002:0003:" + std::string(10 * 1024 * 1024, 'a');
  const std::string ciphertext = simulator_ciphertext(Cipher::aes, body);
  EXPECT_LT(ciphertext.size(), kMaxPayloadBytes);
  EXPECT_EQ(decode_message(Cipher::aes, kChannelKey, ciphertext).error().message, "message too large");
}

TEST(LegacyWireSecureMessage, EncodeRefusesEmptyAndOversizedText) {
  EXPECT_FALSE(encode_message(Cipher::aes, kChannelKey, "", {0, 1}, 1).ok());
  EXPECT_FALSE(encode_message(Cipher::aes, kChannelKey, std::string(kMaxMessageBytes + 1, 'a'), {0, 1}, 1).ok());
  auto largest = encode_message(Cipher::aes, kChannelKey, std::string(kMaxMessageBytes, 'a'), {0, 1}, 1);
  ASSERT_TRUE(largest.ok());
  auto decoded = decode_message(Cipher::aes, kChannelKey, std::string_view(*largest).substr(5));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->text.size(), kMaxMessageBytes);
}

TEST(LegacyWireSecureMessage, NextCountersWrapAt9997) {
  EXPECT_EQ(next_counters({0, 0}), (Counters{0, 1}));
  EXPECT_EQ(next_counters({0, 1}), (Counters{0, 2}));
  EXPECT_EQ(next_counters({0, 9996}), (Counters{0, 9997}));
  EXPECT_EQ(next_counters({0, 9997}), (Counters{1, 1}));
  EXPECT_EQ(next_counters({5, 12000}), (Counters{6, 1}));
}

TEST(LegacyWireSecureMessage, ReplayGuard) {
  ReplayGuard guard;
  EXPECT_TRUE(guard.accept({0, 1}));
  EXPECT_FALSE(guard.accept({0, 1}));  // duplicate (KS_RIDS)
  EXPECT_FALSE(guard.accept({0, 0}));
  EXPECT_TRUE(guard.accept({0, 2}));
  EXPECT_TRUE(guard.accept({1, 1}));   // higher global, lower local
  EXPECT_FALSE(guard.accept({0, 9997}));  // lower global (KS_ENCKEY)
  EXPECT_EQ(guard.last(), (Counters{1, 1}));
  ReplayGuard resumed({3, 4});
  EXPECT_FALSE(resumed.accept({3, 4}));
  EXPECT_TRUE(resumed.accept({3, 5}));
}

}  // namespace
}  // namespace herald::legacy::wire
