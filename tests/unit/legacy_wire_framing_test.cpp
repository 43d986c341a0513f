#include "legacy/wire/framing.h"

#include <gtest/gtest.h>

namespace herald::legacy::wire {
namespace {

TEST(LegacyWireFraming, FrameIsLittleEndianLengthThenPayload) {
  EXPECT_EQ(frame("abc"), std::string("\x03\x00\x00\x00" "abc", 7));
  EXPECT_EQ(frame(""), std::string(4, '\0'));
  EXPECT_EQ(frame(std::string(0x0102, 'x')).substr(0, 4), std::string("\x02\x01\x00\x00", 4));
}

TEST(LegacyWireFraming, ReaderSplitsAStreamFedByteByByte) {
  const std::string stream = frame("first") + frame("") + frame("third one");
  FrameReader reader;
  std::vector<std::string> payloads;
  for (char c : stream) ASSERT_TRUE(reader.feed(std::string_view(&c, 1), payloads));
  EXPECT_EQ(payloads, (std::vector<std::string>{"first", "", "third one"}));
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(LegacyWireFraming, ReaderKeepsOnlyTheUnfinishedFrame) {
  FrameReader reader;
  std::vector<std::string> payloads;
  const std::string two = frame("hello") + frame("world");
  ASSERT_TRUE(reader.feed(std::string_view(two).substr(0, 12), payloads));
  EXPECT_EQ(payloads, std::vector<std::string>{"hello"});
  EXPECT_EQ(reader.buffered(), 3u);  // the 4-byte header was split: 3 of them held
  ASSERT_TRUE(reader.feed(std::string_view(two).substr(12), payloads));
  EXPECT_EQ(payloads.back(), "world");
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(LegacyWireFraming, OversizeDeclarationFailsForGood) {
  FrameReader reader;
  std::vector<std::string> payloads;
  std::string header("\x01\x00\x01\x00", 4);  // 65537
  EXPECT_FALSE(reader.feed(header, payloads));
  EXPECT_TRUE(reader.failed());
  EXPECT_EQ(reader.declared_length(), 65537u);
  EXPECT_FALSE(reader.feed(frame("ok"), payloads));
  EXPECT_TRUE(payloads.empty());
}

TEST(LegacyWireFraming, ExactlyTheLimitIsAccepted) {
  FrameReader reader;
  std::vector<std::string> payloads;
  EXPECT_TRUE(reader.feed(frame(std::string(kMaxPayloadBytes, 'a')), payloads));
  ASSERT_EQ(payloads.size(), 1u);
  EXPECT_EQ(payloads[0].size(), kMaxPayloadBytes);
}

TEST(LegacyWireFraming, SmallerLimit) {
  FrameReader reader(8);
  std::vector<std::string> payloads;
  EXPECT_TRUE(reader.feed(frame("12345678"), payloads));
  EXPECT_FALSE(reader.feed(frame("123456789"), payloads));
  EXPECT_EQ(payloads.size(), 1u);
}

}  // namespace
}  // namespace herald::legacy::wire
