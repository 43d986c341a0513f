// Rule <srcip>/<dstip> patterns: the forms Wazuh accepts and refuses, CIDR and dotted masks,
// IPv6 prefixes, "any", '!' negation, event addresses that are not addresses, family mixing, and
// how several patterns of one rule combine.
#include <gtest/gtest.h>

#include <string>

#include "analysis/ip_match.h"

namespace herald::analysis {
namespace {

IpMatch pattern(std::string_view text) {
  auto parsed = IpMatch::parse(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error().message);
  return std::move(parsed).value();
}

TEST(AnalysisIpMatch, SingleIpv4Address) {
  const auto match = pattern("10.1.2.3");
  EXPECT_TRUE(match.matches("10.1.2.3"));
  EXPECT_FALSE(match.matches("10.1.2.4"));
  EXPECT_FALSE(match.negated());
  EXPECT_TRUE(match.is_ipv4());
  EXPECT_EQ(match.prefix_length(), 32);
}

TEST(AnalysisIpMatch, CidrPrefixes) {
  const auto match = pattern("192.168.0.0/16");
  EXPECT_TRUE(match.matches("192.168.0.1"));
  EXPECT_TRUE(match.matches("192.168.255.255"));
  EXPECT_FALSE(match.matches("192.169.0.1"));
  EXPECT_EQ(match.prefix_length(), 16);
  // The network part is masked: host bits in the pattern do not matter.
  EXPECT_TRUE(pattern("10.1.2.3/8").matches("10.200.0.1"));
  EXPECT_TRUE(pattern("0.0.0.0/0").matches("8.8.8.8"));
  EXPECT_TRUE(pattern("10.0.0.5/31").matches("10.0.0.4"));
  EXPECT_FALSE(pattern("10.0.0.5/31").matches("10.0.0.6"));
  EXPECT_TRUE(pattern("10.0.0.5/32").matches("10.0.0.5"));
}

TEST(AnalysisIpMatch, DottedNetmasks) {
  const auto match = pattern("172.16.0.0/255.240.0.0");
  EXPECT_TRUE(match.matches("172.31.255.1"));
  EXPECT_FALSE(match.matches("172.32.0.1"));
  EXPECT_EQ(match.prefix_length(), 12);
  // Any dotted address is taken as the mask, contiguous or not.
  const auto odd = pattern("10.0.0.7/255.0.0.255");
  EXPECT_TRUE(odd.matches("10.99.99.7"));
  EXPECT_FALSE(odd.matches("10.99.99.8"));
}

TEST(AnalysisIpMatch, Ipv4MappedPatternsAreIpv4) {
  const auto match = pattern("::ffff:10.0.0.1");
  EXPECT_TRUE(match.is_ipv4());
  EXPECT_TRUE(match.matches("10.0.0.1"));
  EXPECT_TRUE(match.matches("::ffff:10.0.0.1"));
  EXPECT_TRUE(pattern("::FFFF:10.0.0.0/24").matches("10.0.0.200"));
}

TEST(AnalysisIpMatch, Ipv6) {
  const auto link_local = pattern("fe80::/10");
  EXPECT_FALSE(link_local.is_ipv4());
  EXPECT_EQ(link_local.prefix_length(), 10);
  EXPECT_TRUE(link_local.matches("fe80::1"));
  EXPECT_TRUE(link_local.matches("FEBF:ffff::1"));
  EXPECT_FALSE(link_local.matches("fec0::1"));
  EXPECT_TRUE(pattern("::1").matches("0:0:0:0:0:0:0:1"));
  EXPECT_FALSE(pattern("::1").matches("::2"));
  EXPECT_TRUE(pattern("2001:db8:0:0:0:0:0:0/32").matches("2001:db8:ffff::9"));
}

TEST(AnalysisIpMatch, Ipv6PrefixLengths) {
  EXPECT_TRUE(IpMatch::parse("2001:db8::/0").ok());
  EXPECT_TRUE(IpMatch::parse("2001:db8::/05").ok());  // one or two digits, leading zero allowed
  EXPECT_TRUE(IpMatch::parse("2001:db8::/128").ok());
  EXPECT_TRUE(IpMatch::parse("2001:db8::/100").ok());
  EXPECT_FALSE(IpMatch::parse("2001:db8::/129").ok());
  EXPECT_FALSE(IpMatch::parse("2001:db8::/032").ok());
  EXPECT_FALSE(IpMatch::parse("2001:db8::/1234").ok());
  EXPECT_FALSE(IpMatch::parse("2001:db8::/").ok());
  EXPECT_FALSE(IpMatch::parse("2001:db8::/x").ok());
}

TEST(AnalysisIpMatch, Any) {
  const auto any = pattern("any");
  EXPECT_TRUE(any.is_any());
  EXPECT_EQ(any.prefix_length(), 0);
  EXPECT_TRUE(any.matches("1.2.3.4"));
  EXPECT_TRUE(any.matches("2001:db8::1"));
  EXPECT_FALSE(any.matches("not an address"));
  const auto none = pattern("!any");
  EXPECT_FALSE(none.matches("1.2.3.4"));
  EXPECT_FALSE(none.matches("garbage"));
}

TEST(AnalysisIpMatch, Negation) {
  const auto outside = pattern("!10.0.0.0/8");
  EXPECT_TRUE(outside.negated());
  EXPECT_FALSE(outside.matches("10.1.1.1"));
  EXPECT_TRUE(outside.matches("11.1.1.1"));
  EXPECT_TRUE(outside.matches("2001:db8::1"));  // not in an IPv4 network
  EXPECT_FALSE(outside.matches("300.1.1.1"));   // not an address: never a match
  EXPECT_FALSE(outside.matches(""));
}

TEST(AnalysisIpMatch, RefusedPatterns) {
  for (const std::string bad : {"",
                                "!",
                                "10.0.0",
                                "10.0.0.0.0",
                                "256.0.0.1",
                                "010.0.0.1",
                                "1.2.3.04",
                                "10.0.0.1/33",
                                "10.0.0.1/01",
                                "10.0.0.1/",
                                "10.0.0.1/8/8",
                                "10.0.0.1/255.255.0",
                                " 10.0.0.1",
                                "10.0.0.1 ",
                                "!!10.0.0.1",
                                "ANY",
                                "host.example.com",
                                "::1.2.3.4",
                                "1:2:3:4:5:6:7:8:9",
                                "12345::",
                                "fe80::1%eth0",
                                "1.2.3.4/100",
                                "10.0.0.1/-1",
                                "+1.2.3.4"}) {
    const auto parsed = IpMatch::parse(bad);
    EXPECT_FALSE(parsed.ok()) << "accepted: \"" << bad << "\"";
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.error().kind, core::ErrorKind::invalid_argument);
      EXPECT_NE(parsed.error().message.find(bad), std::string::npos);
    }
  }
}

TEST(AnalysisIpMatch, EventAddressesAreReadStrictly) {
  const auto match = pattern("10.0.0.1");
  EXPECT_FALSE(match.matches("10.0.0.01"));  // leading zeros: refused, as inet_pton does
  EXPECT_FALSE(match.matches("10.0.0.1 "));
  EXPECT_FALSE(match.matches("10.0.1"));
  EXPECT_FALSE(match.matches(std::string(1000, '1')));
  EXPECT_FALSE(match.matches(std::string("10.0.0.1\0", 9)));
  EXPECT_TRUE(match.matches("::ffff:10.0.0.1"));
  EXPECT_TRUE(match.matches("::ffff:a00:1"));  // the same mapped address in hex
}

TEST(AnalysisIpMatch, FamiliesMix) {
  EXPECT_FALSE(pattern("2001:db8::/32").matches("10.0.0.1"));
  EXPECT_FALSE(pattern("10.0.0.0/8").matches("2001:db8::1"));
  EXPECT_TRUE(pattern("::ffff:0:0/96").matches("10.0.0.1"));
  EXPECT_TRUE(pattern("::/0").matches("10.0.0.1"));
}

TEST(AnalysisIpMatch, ParseIpAddress) {
  const auto v4 = parse_ip_address("1.2.3.4");
  ASSERT_TRUE(v4.has_value());
  EXPECT_TRUE(v4->is_ipv4);
  EXPECT_EQ(v4->bytes[10], 0xff);
  EXPECT_EQ(v4->bytes[15], 4);
  const auto v6 = parse_ip_address("2001:db8::1");
  ASSERT_TRUE(v6.has_value());
  EXPECT_FALSE(v6->is_ipv4);
  EXPECT_EQ(v6->bytes[0], 0x20);
  EXPECT_EQ(parse_ip_address(""), std::nullopt);
  EXPECT_EQ(parse_ip_address("1.2.3"), std::nullopt);
}

IpMatchList list_of(std::initializer_list<std::string_view> patterns) {
  IpMatchList list;
  for (auto text : patterns) list.add(pattern(text));
  return list;
}

TEST(AnalysisIpMatch, SeveralPatternsOfOneRule) {
  const auto either = list_of({"10.0.0.0/8", "192.168.1.1"});
  EXPECT_EQ(either.size(), 2u);
  EXPECT_TRUE(either.matches("10.5.5.5"));
  EXPECT_TRUE(either.matches("192.168.1.1"));
  EXPECT_FALSE(either.matches("192.168.1.2"));
  EXPECT_FALSE(either.matches("nonsense"));

  // The first pattern containing the address decides; a negated pattern before it says no.
  const auto mixed = list_of({"!10.0.0.0/8", "10.1.0.0/16"});
  EXPECT_FALSE(mixed.matches("10.1.2.3"));
  EXPECT_FALSE(mixed.matches("10.2.2.2"));
  EXPECT_TRUE(mixed.matches("11.0.0.1"));  // none contains it, and the list has a negation

  const auto positive_first = list_of({"10.1.0.0/16", "!10.0.0.0/8"});
  EXPECT_TRUE(positive_first.matches("10.1.2.3"));
  EXPECT_FALSE(positive_first.matches("10.2.2.2"));
  EXPECT_TRUE(positive_first.matches("11.0.0.1"));

  // One pattern alone is IpMatch::matches.
  for (const std::string text : {"10.0.0.0/8", "!10.0.0.0/8", "any", "!fe80::/10"}) {
    const auto single = list_of({text});
    const auto match = pattern(text);
    for (const std::string ip : {"10.0.0.1", "11.0.0.1", "fe80::1", "x"}) {
      EXPECT_EQ(single.matches(ip), match.matches(ip)) << text << " " << ip;
    }
  }
  EXPECT_TRUE(IpMatchList().empty());
  EXPECT_FALSE(IpMatchList().matches("1.2.3.4"));
}

}  // namespace
}  // namespace herald::analysis
