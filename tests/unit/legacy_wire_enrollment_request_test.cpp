#include "legacy/wire/enrollment_request.h"

#include <gtest/gtest.h>

namespace herald::legacy::wire {
namespace {

EnrollmentParse parse(std::string_view text, std::optional<std::string> password = std::nullopt) {
  EnrollmentParseOptions options;
  options.password = std::move(password);
  return parse_enrollment_request(text, options);
}

std::string error_of(std::string_view text, std::optional<std::string> password = std::nullopt) {
  auto parsed = parse(text, std::move(password));
  EXPECT_FALSE(parsed.request) << text;
  return parsed.error;
}

TEST(LegacyWireEnrollment, NameOnlyAsTheSimulatorSendsIt) {
  auto parsed = parse("OSSEC A:'1-Ujk9-debian10'\n");
  ASSERT_TRUE(parsed.request) << parsed.error;
  EXPECT_EQ(parsed.request->name, "1-Ujk9-debian10");
  EXPECT_FALSE(parsed.request->version);
  EXPECT_TRUE(parsed.request->groups.empty());
  EXPECT_FALSE(parsed.request->ip);
  EXPECT_FALSE(parsed.request->use_source_ip);
  EXPECT_FALSE(parsed.request->key_hash);
  EXPECT_FALSE(parsed.request->password);
}

TEST(LegacyWireEnrollment, TheReal4120Request) {
  auto parsed = parse("OSSEC A:'real-c-agent-1' V:'v4.12.0' G:'default'\n");
  ASSERT_TRUE(parsed.request) << parsed.error;
  EXPECT_EQ(parsed.request->name, "real-c-agent-1");
  EXPECT_EQ(parsed.request->version, "v4.12.0");
  EXPECT_EQ(parsed.request->groups, std::vector<std::string>{"default"});
}

TEST(LegacyWireEnrollment, EveryFieldInOrder) {
  const std::string hash(40, 'a');
  auto parsed = parse("OSSEC PASS: secret OSSEC A:'web-1' V:'v4.9.2' G:'a,b,a,c,b' IP:'10.0.0.7' K:'" + hash + "'\n",
                      "secret");
  ASSERT_TRUE(parsed.request) << parsed.error;
  EXPECT_EQ(parsed.request->password, "secret");
  EXPECT_EQ(parsed.request->name, "web-1");
  EXPECT_EQ(parsed.request->version, "v4.9.2");
  EXPECT_EQ(parsed.request->groups, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(parsed.request->ip, "10.0.0.7");
  EXPECT_EQ(parsed.request->key_hash, hash);
}

TEST(LegacyWireEnrollment, SourceIpAndKeyWithoutVersion) {
  auto parsed = parse("OSSEC A:'host' IP:'src' K:'0123'");
  ASSERT_TRUE(parsed.request) << parsed.error;
  EXPECT_TRUE(parsed.request->use_source_ip);
  EXPECT_FALSE(parsed.request->ip);
  EXPECT_EQ(parsed.request->key_hash, "0123");
}

TEST(LegacyWireEnrollment, IpsAreValidatedAndNormalisedAsOsIsValidIp) {
  auto ip_of = [](std::string_view ip) -> std::optional<std::string> {
    auto parsed = parse("OSSEC A:'host' IP:'" + std::string(ip) + "'");
    return parsed.request ? parsed.request->ip : std::nullopt;
  };
  EXPECT_EQ(ip_of("192.168.1.0/24"), "192.168.1.0/24");
  EXPECT_EQ(ip_of("10.0.0.0/255.0.0.0"), "10.0.0.0/255.0.0.0");
  EXPECT_EQ(ip_of("::ffff:10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(ip_of("any"), "any");
  EXPECT_EQ(ip_of("2001:db8::1"), "2001:0DB8:0000:0000:0000:0000:0000:0001");
  EXPECT_EQ(ip_of("fe80::/64"), "FE80:0000:0000:0000:0000:0000:0000:0000/64");
  for (std::string_view bad : {"1.2.3", "256.1.1.1", "01.2.3.4", "1.2.3.4/33", "hostname", "1::2::3", "::1.2.3.4"}) {
    EXPECT_EQ(error_of("OSSEC A:'host' IP:'" + std::string(bad) + "'"), "ERROR: Invalid IP: " + std::string(bad));
    EXPECT_FALSE(is_valid_ip_field(bad)) << bad;
  }
  EXPECT_TRUE(is_valid_ip_field("10.0.0.1"));
  EXPECT_TRUE(is_valid_ip_field("::"));
  // 'src…' counts as src (strncmp of three bytes).
  auto src = parse("OSSEC A:'host' IP:'srcx'");
  ASSERT_TRUE(src.request);
  EXPECT_TRUE(src.request->use_source_ip);
}

TEST(LegacyWireEnrollment, FieldsOutOfOrderAreIgnoredNotRefused) {
  // w_auth_parse_data looks for V, G, IP, K only in that order: a field out of place is skipped,
  // and so is everything after it.
  auto parsed = parse("OSSEC A:'host' G:'g1' V:'v4.12.0' IP:'10.0.0.1'\n");
  ASSERT_TRUE(parsed.request) << parsed.error;
  EXPECT_EQ(parsed.request->groups, std::vector<std::string>{"g1"});
  EXPECT_FALSE(parsed.request->version);
  EXPECT_FALSE(parsed.request->ip);
  auto key_first = parse("OSSEC A:'host' K:'abc' IP:'10.0.0.1'");
  ASSERT_TRUE(key_first.request);
  EXPECT_EQ(key_first.request->key_hash, "abc");
  EXPECT_FALSE(key_first.request->ip);
  auto junk = parse("OSSEC A:'host' garbage");
  ASSERT_TRUE(junk.request);
  EXPECT_EQ(junk.request->name, "host");
}

TEST(LegacyWireEnrollment, PasswordErrors) {
  EXPECT_EQ(error_of("OSSEC A:'host'", "secret"), "ERROR: Invalid password");
  EXPECT_EQ(error_of("OSSEC PASS: wrong OSSEC A:'host'", "secret"), "ERROR: Invalid password");
  EXPECT_EQ(error_of("OSSEC PASS: secretOSSEC A:'host'", "secret"), "ERROR: Invalid password");
  EXPECT_EQ(error_of("OSSEC PASS: secret", "secret"), "ERROR: Invalid password");
  EXPECT_EQ(error_of("OSSEC PASS: secret ", "secret"), "ERROR: Invalid request for new agent");
  // A password nobody asked for makes the request unreadable.
  EXPECT_EQ(error_of("OSSEC PASS: secret OSSEC A:'host'"), "ERROR: Invalid request for new agent");
  // The C string ends at a NUL.
  EXPECT_EQ(error_of(std::string("OSSEC PASS: sec\0ret OSSEC A:'host'", 34), "secret"), "ERROR: Invalid password");
}

TEST(LegacyWireEnrollment, RequestAndNameErrors) {
  EXPECT_EQ(error_of(""), "ERROR: Invalid request for new agent");
  EXPECT_EQ(error_of("OSSEC A:host"), "ERROR: Invalid request for new agent");
  EXPECT_EQ(error_of("OSSEC A:'host"), "ERROR: Invalid request for new agent");
  EXPECT_EQ(error_of("OSSEC A:'h'"), "ERROR: Invalid agent name: h");
  EXPECT_EQ(error_of("OSSEC A:''"), "ERROR: Invalid agent name: ");
  EXPECT_EQ(error_of("OSSEC A:'bad name'"), "ERROR: Invalid agent name: bad name");
  EXPECT_EQ(error_of("OSSEC A:'" + std::string(129, 'a') + "'"), "ERROR: Invalid agent name: " + std::string(129, 'a'));
  EXPECT_TRUE(is_valid_agent_name(std::string(128, 'a')));
  EXPECT_TRUE(is_valid_agent_name("a.b_c-D9"));
  EXPECT_FALSE(is_valid_agent_name("a/b"));
}

TEST(LegacyWireEnrollment, UnterminatedFields) {
  EXPECT_EQ(error_of("OSSEC A:'host' V:'v4.12.0"), "ERROR: Unterminated version field");
  EXPECT_EQ(error_of("OSSEC A:'host' V:"), "ERROR: Unterminated version field");
  EXPECT_EQ(error_of("OSSEC A:'host' V:'" + std::string(2049, '1') + "'"), "ERROR: Unterminated version field");
  EXPECT_EQ(error_of("OSSEC A:'host' G:'default"), "ERROR: Unterminated group field");
  EXPECT_EQ(error_of("OSSEC A:'host' IP:'10.0.0.1"), "ERROR: Unterminated IP field");
  EXPECT_EQ(error_of("OSSEC A:'host' IP:'10.0.0.1 x'"), "ERROR: Unterminated IP field");
  EXPECT_EQ(error_of("OSSEC A:'host' K:'abc"), "ERROR: Unterminated key field");
  EXPECT_EQ(error_of("OSSEC A:'host' K:'" + std::string(41, 'a') + "'"), "ERROR: Unterminated key field");
  // An empty value is accepted, as sscanf leaves the buffer empty and the quote check passes.
  auto empty_version = parse("OSSEC A:'host' V:'' G:'g'");
  ASSERT_TRUE(empty_version.request) << empty_version.error;
  EXPECT_EQ(empty_version.request->version, "");
  EXPECT_EQ(empty_version.request->groups, std::vector<std::string>{"g"});
}

TEST(LegacyWireEnrollment, GroupErrorsAreWValidateGroupNames) {
  const std::string p = "ERROR: Invalid group name: ";
  EXPECT_EQ(error_of("OSSEC A:'host' G:''"), p + "Empty Group");
  EXPECT_EQ(error_of("OSSEC A:'host' G:'" + std::string(256, 'g') + "'"),
            p + std::string(255, 'g') + "... group is too large");
  EXPECT_EQ(error_of("OSSEC A:'host' G:'a," + std::string(256, 'g') + "'"),
            p + std::string(255, 'g') + "... group is too large");
  EXPECT_EQ(error_of("OSSEC A:'host' G:'a,b c'"), p + "a,b c... white spaces are not allowed");
  EXPECT_EQ(error_of("OSSEC A:'host' G:'a,,b'"), p + "a,,b... consecutive ',' are not allowed");
  EXPECT_EQ(error_of("OSSEC A:'host' G:','"), p + ",... characters '\\/:*?\"<>|,' are prohibited");
  EXPECT_EQ(error_of("OSSEC A:'host' G:'a,'"), p + "a,... cannot start or end with ','");
  EXPECT_EQ(error_of("OSSEC A:'host' G:',a'"), p + ",a... cannot start or end with ','");
  EXPECT_EQ(error_of("OSSEC A:'host' G:'a/b'"), p + "a/b... characters '\\/:*?\"<>|,' are prohibited");
  EXPECT_EQ(error_of("OSSEC A:'host' G:'a b'"), p + "a b... characters '\\/:*?\"<>|,' are prohibited");
  EXPECT_EQ(group_name_error("ok.group:;_-=+!@()"), "");
  EXPECT_EQ(group_name_error(std::string(255, 'g')), "");
}

TEST(LegacyWireEnrollment, TooManyGroups) {
  std::string many;
  for (int i = 0; i < 129; ++i) many += (i ? "," : "") + std::string("g") + std::to_string(i);
  EXPECT_EQ(error_of("OSSEC A:'host' G:'" + many + "'"), "ERROR: Maximum multigroup reached: Limit is 128");
  EnrollmentParseOptions options;
  options.max_groups = 2;
  EXPECT_EQ(parse_enrollment_request("OSSEC A:'host' G:'a,b,c'", options).error,
            "ERROR: Maximum multigroup reached: Limit is 2");
  EXPECT_TRUE(parse_enrollment_request("OSSEC A:'host' G:'a,b,a'", options).request);
}

TEST(LegacyWireEnrollment, CompareVersions) {
  EXPECT_EQ(compare_versions("v4.12.0", "v4.12.0"), 0);
  EXPECT_EQ(compare_versions("v4.2.0", "v4.12.0"), -1);
  EXPECT_EQ(compare_versions("4.12.1", "v4.12.0"), 1);
  EXPECT_EQ(compare_versions("Wazuh v4.1.5", "v4.2.0"), -1);
  EXPECT_EQ(compare_versions("v5.0", "v4.99.99"), 1);
  EXPECT_EQ(compare_versions("v4.12.5", "v4.12.0", false), 0);  // authd and remoted ignore the patch
  EXPECT_FALSE(compare_versions("", "v4.12.0"));
  EXPECT_FALSE(compare_versions("v4.x.0", "v4.12.0"));
  EXPECT_FALSE(compare_versions("v4.12.0.1", "v4.12.0"));
}

TEST(LegacyWireEnrollment, SuccessReply) {
  EXPECT_EQ(enrollment_success("001", "real-c-agent-1", "any", "k"), "OSSEC K:'001 real-c-agent-1 any k'");
  EXPECT_EQ(kUnableToAddAgent, "ERROR: Unable to add agent");
}

}  // namespace
}  // namespace herald::legacy::wire
