// UTC timestamps, operator durations and identifier rules.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "core/names.h"
#include "core/time_format.h"

namespace herald::core {
namespace {

TEST(CoreTimeFormat, FormatsUtcAtSecondPrecision) {
  EXPECT_EQ(format_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_utc(1743156930), "2025-03-28T10:15:30Z");
  EXPECT_EQ(format_utc(1743156930 + 100), "2025-03-28T10:17:10Z");
  EXPECT_EQ(format_utc(951782400), "2000-02-29T00:00:00Z");  // leap day
  EXPECT_EQ(format_utc(4102444799), "2099-12-31T23:59:59Z");
  EXPECT_EQ(format_utc_date(1743156930), "2025-03-28");
  EXPECT_EQ(format_utc_date(0), "1970-01-01");
}

TEST(CoreTimeFormat, ParseUtcRoundTrips) {
  for (std::int64_t t : {std::int64_t{0}, std::int64_t{1}, std::int64_t{951782400}, std::int64_t{1743156930},
                         std::int64_t{1735689599}, std::int64_t{4102444799}}) {
    SCOPED_TRACE(t);
    EXPECT_EQ(parse_utc(format_utc(t)), t);
  }
  // Every second of a whole day, across a month boundary.
  for (std::int64_t t = 1738367000; t < 1738367000 + 86400; t += 7) ASSERT_EQ(parse_utc(format_utc(t)), t);
}

TEST(CoreTimeFormat, ParseUtcAcceptsFractionalSeconds) {
  EXPECT_EQ(parse_utc("2025-03-28T10:15:30.123Z"), 1743156930);
  EXPECT_EQ(parse_utc("2025-03-28T10:15:30.999999Z"), 1743156930);
}

TEST(CoreTimeFormat, ParseUtcRejectsMalformedText) {
  for (const char* text : {"", "2025-03-28", "2025-03-28T10:15:30", "2025-03-28 10:15:30Z", "2025-03-28T10:15Z",
                           "2025-13-28T10:15:30Z", "2025-00-28T10:15:30Z", "2025-03-00T10:15:30Z",
                           "2025-03-32T10:15:30Z", "2025-03-28T24:00:00Z", "2025-03-28T10:60:30Z",
                           "2025-03-28T10:15:61Z", "2025-03-28T10:15:30+00:00", "not a timestamp at all",
                           "xxxx-03-28T10:15:30Z"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_utc(text), std::nullopt);
  }
}

TEST(CoreTimeFormat, ParseUtcRejectsNegativeFields) {
  // sscanf's %2d reads a sign, so "-1" fits in a two-character field.
  for (const char* text : {"2025-03-28T-1:15:30Z", "2025-03-28T10:-5:30Z", "2025-03-28T10:15:-1Z"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_utc(text), std::nullopt);
  }
}

TEST(CoreTimeFormat, ParseUtcRejectsLenientForms) {
  // Each of these is accepted today and silently turned into some other instant.
  for (const char* text : {
           " 2025-03-28T10:15:30Z",     // leading space: read as 10:15:03
           "2025-3-28T10:15:30ZZ",      // one-digit month
           "2025-03-28T1:15:30ZZ",      // one-digit hour
           "2025-03-28T10:15:30abcZ",   // anything between the seconds and the Z
           "2025-02-30T10:15:30Z",      // impossible date, normalized to March 2
           "2025-03-28T10:15:60Z",      // leap second, normalized to 10:16:00
       }) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_utc(text), std::nullopt);
  }
}

TEST(CoreDuration, ParsesEveryUnit) {
  EXPECT_EQ(parse_duration_seconds("30d"), 30 * 86400);
  EXPECT_EQ(parse_duration_seconds("15m"), 15 * 60);
  EXPECT_EQ(parse_duration_seconds("300s"), 300);
  EXPECT_EQ(parse_duration_seconds("2h"), 7200);
  EXPECT_EQ(parse_duration_seconds("1w"), 7 * 86400);
  EXPECT_EQ(parse_duration_seconds("45"), 45);
  EXPECT_EQ(parse_duration_seconds("0"), 0);
  EXPECT_EQ(parse_duration_seconds("0s"), 0);
  EXPECT_EQ(parse_duration_seconds("900s"), 900);
}

TEST(CoreDuration, RejectsMalformedText) {
  for (const char* text : {"", "-1", "-1s", "5x", "1.5m", "1.5", "s", "m", "d", " 5", "5 ", "5 m", "+5", "5ms",
                           "1e3", "5M", "5S", "abc", "0x10", "1h30m"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_duration_seconds(text), std::nullopt);
  }
}

TEST(CoreDuration, RejectsOverflow) {
  const auto max = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(parse_duration_seconds(std::to_string(max)), max);
  EXPECT_EQ(parse_duration_seconds(std::to_string(max) + "s"), max);
  EXPECT_EQ(parse_duration_seconds("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_duration_seconds("99999999999999999999999"), std::nullopt);
  EXPECT_EQ(parse_duration_seconds(std::to_string(max / 60 + 1) + "m"), std::nullopt);
  EXPECT_EQ(parse_duration_seconds(std::to_string(max / 60) + "m"), (max / 60) * 60);
  EXPECT_EQ(parse_duration_seconds(std::to_string(max / (7 * 86400) + 1) + "w"), std::nullopt);
  EXPECT_EQ(parse_duration_seconds(std::to_string(max / 86400 + 1) + "d"), std::nullopt);
  EXPECT_EQ(parse_duration_seconds(std::to_string(max / 3600 + 1) + "h"), std::nullopt);
}

TEST(CoreNames, GroupNames) {
  EXPECT_TRUE(is_valid_group_name("default"));
  EXPECT_TRUE(is_valid_group_name("g"));
  EXPECT_TRUE(is_valid_group_name("Linux_servers-01.prod"));
  EXPECT_TRUE(is_valid_group_name("..."));
  EXPECT_TRUE(is_valid_group_name(".hidden"));
  EXPECT_TRUE(is_valid_group_name(std::string(128, 'a')));
  EXPECT_FALSE(is_valid_group_name(std::string(129, 'a')));
  for (const char* name : {"", ".", "..", "a/b", "a,b", "a b", "a\\b", "a%b", "a:b", "a*b", "grüppe", "a\nb",
                           "/", "../etc"}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(is_valid_group_name(name));
  }
  EXPECT_FALSE(is_valid_group_name(std::string_view("a\0b", 3)));
}

TEST(CoreNames, AgentNames) {
  EXPECT_TRUE(is_valid_agent_name("web1"));
  EXPECT_TRUE(is_valid_agent_name("web-1.example.com"));
  EXPECT_TRUE(is_valid_agent_name("host_%01"));
  EXPECT_TRUE(is_valid_agent_name(std::string(128, 'x')));
  EXPECT_FALSE(is_valid_agent_name(std::string(129, 'x')));
  for (const char* name : {"", "web 1", "web/1", "web,1", "web:1", "wéb", "a@b", "a\tb", "a'b", "a\"b"}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(is_valid_agent_name(name));
  }
}

TEST(CoreNames, UuidV4) {
  EXPECT_TRUE(is_uuid_v4("d5b250c4-dfa1-4d94-827f-9f99210dbe6c"));
  EXPECT_TRUE(is_uuid_v4("3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60"));
  EXPECT_TRUE(is_uuid_v4("D5B250C4-DFA1-4D94-A27F-9F99210DBE6C"));
  EXPECT_TRUE(is_uuid_v4("00000000-0000-4000-b000-000000000000"));
  EXPECT_TRUE(is_uuid_v4("ffffffff-ffff-4fff-8fff-ffffffffffff"));
  EXPECT_TRUE(is_uuid_v4("d5b250c4-dfa1-4d94-B27f-9f99210dbe6c"));  // upper-case variant digit
}

TEST(CoreNames, UuidV4RejectsOtherVersionsAndVariants) {
  for (const char* id : {
           "d5b250c4-dfa1-1d94-827f-9f99210dbe6c",  // v1
           "d5b250c4-dfa1-3d94-827f-9f99210dbe6c",  // v3
           "d5b250c4-dfa1-5d94-827f-9f99210dbe6c",  // v5
           "0195d4a1-2b3c-7d94-827f-9f99210dbe6c",  // v7
           "00000000-0000-0000-0000-000000000000",  // nil
           "d5b250c4-dfa1-4d94-027f-9f99210dbe6c",  // NCS variant
           "d5b250c4-dfa1-4d94-727f-9f99210dbe6c",
           "d5b250c4-dfa1-4d94-c27f-9f99210dbe6c",  // Microsoft variant
           "d5b250c4-dfa1-4d94-f27f-9f99210dbe6c",
       }) {
    SCOPED_TRACE(id);
    EXPECT_FALSE(is_uuid_v4(id));
  }
}

TEST(CoreNames, UuidV4RejectsWrongShape) {
  for (const char* id : {
           "",
           "d5b250c4dfa14d94827f9f99210dbe6c",        // no dashes
           "d5b250c4-dfa1-4d94-827f-9f99210dbe6",     // 35 chars
           "d5b250c4-dfa1-4d94-827f-9f99210dbe6cc",   // 37 chars
           "d5b250c-4dfa1-4d94-827f-9f99210dbe6c",    // dash misplaced
           "d5b250c4-dfa14-d94-827f-9f99210dbe6c",
           "d5b250c4-dfa1-4d94-827f9-f99210dbe6c",
           "d5b250c4_dfa1_4d94_827f_9f99210dbe6c",
           "g5b250c4-dfa1-4d94-827f-9f99210dbe6c",    // not hex
           "d5b250c4-dfa1-4d94-827f-9f99210dbe6z",
           "{d5b250c4-dfa1-4d94-827f-9f99210dbe6c}",
           " d5b250c4-dfa1-4d94-827f-9f99210dbe6c",
           "d5b250c4-dfa1-4d94-827f-9f99210dbe6c ",
       }) {
    SCOPED_TRACE(id);
    EXPECT_FALSE(is_uuid_v4(id));
  }
}

}  // namespace
}  // namespace herald::core
