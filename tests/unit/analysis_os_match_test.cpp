// OS_Match (sregex) as Wazuh 4.x runs it: substring, '^' prefix, '$' suffix, '^...$' exact,
// '|' alternatives, '!' negation, empty alternatives, ASCII-only case folding, errors; and the
// case-insensitive find the engines share.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "analysis/os_match.h"

namespace herald::analysis {
namespace {

bool matches(std::string_view pattern, std::string_view subject) {
  auto match = OsMatch::compile(pattern);
  if (!match) {
    ADD_FAILURE() << "'" << pattern << "' does not compile: " << match.error().message;
    return false;
  }
  return match->matches(subject);
}

TEST(AnalysisOsMatch, PlainTextMatchesAnywhere) {
  EXPECT_TRUE(matches("Failed password", "sshd[42]: Failed password for root"));
  EXPECT_TRUE(matches("root", "root"));
  EXPECT_FALSE(matches("Failed password", "sshd[42]: Failed passwd for root"));
  EXPECT_FALSE(matches("longer than subject", "short"));
}

TEST(AnalysisOsMatch, IgnoresAsciiCaseOnly) {
  EXPECT_TRUE(matches("FAILED PASSWORD", "failed password"));
  EXPECT_TRUE(matches("^Session OPENED", "session opened for user x"));
  EXPECT_TRUE(matches("closed$", "connection CLOSED"));
  EXPECT_TRUE(matches("^Logout$", "LOGOUT"));
  EXPECT_TRUE(matches("caf\xc3\xa9", "CAF\xc3\xa9 open"));
  EXPECT_FALSE(matches("caf\xc3\xa9", "caf\xc3\x89"));
}

TEST(AnalysisOsMatch, Anchors) {
  EXPECT_TRUE(matches("^sshd", "sshd[1]: x"));
  EXPECT_FALSE(matches("^sshd", "x sshd"));
  EXPECT_TRUE(matches("denied$", "access denied"));
  EXPECT_FALSE(matches("denied$", "denied access"));
  EXPECT_TRUE(matches("^exact$", "exact"));
  EXPECT_FALSE(matches("^exact$", "exactly"));
  EXPECT_FALSE(matches("^exact$", "inexact"));
  // Elsewhere '^' and '$' are plain characters.
  EXPECT_TRUE(matches("a^b", "xa^by"));
  EXPECT_TRUE(matches("a$b", "xa$by"));
  EXPECT_TRUE(matches("^$x$", "$x"));
}

TEST(AnalysisOsMatch, DegenerateAnchorsMatchLikeWazuh) {
  EXPECT_TRUE(matches("^", "anything"));
  EXPECT_TRUE(matches("$", "anything"));
  EXPECT_TRUE(matches("^$", ""));
  EXPECT_FALSE(matches("^$", "x"));
  EXPECT_TRUE(matches("^", ""));
}

TEST(AnalysisOsMatch, AlternativesAnyOfThem) {
  EXPECT_TRUE(matches("core_dumped|failure|error", "disk failure on sda"));
  EXPECT_TRUE(matches("^A |^B ", "B started"));
  EXPECT_FALSE(matches("^A |^B ", "C started"));
  EXPECT_TRUE(matches("^259$|^100$|^1000$", "1000"));
  EXPECT_FALSE(matches("^259$|^100$|^1000$", "10000"));
}

TEST(AnalysisOsMatch, EmptyAlternativesMatchEverything) {
  EXPECT_TRUE(matches("", "x"));
  EXPECT_TRUE(matches("", ""));
  EXPECT_TRUE(matches("a||b", "zzz"));
  EXPECT_TRUE(matches("a|", "zzz"));
}

TEST(AnalysisOsMatch, LeadingBangNegatesTheWholePattern) {
  auto match = OsMatch::compile("!error|fatal");
  ASSERT_TRUE(match);
  EXPECT_TRUE(match->negated());
  EXPECT_FALSE(match->matches("fatal: disk"));
  EXPECT_FALSE(match->matches("an error"));
  EXPECT_TRUE(match->matches("all good"));
  EXPECT_EQ(match->source(), "!error|fatal");
  // Only the first character negates.
  EXPECT_TRUE(matches("a!b", "a!b"));
  EXPECT_FALSE(matches("!", "anything"));
}

TEST(AnalysisOsMatch, Errors) {
  EXPECT_FALSE(OsMatch::compile(std::string(20481, 'a')));
  EXPECT_TRUE(OsMatch::compile(std::string(20480, 'a')));
  auto nul = OsMatch::compile(std::string("a\0b", 3));
  ASSERT_FALSE(nul);
  EXPECT_NE(nul.error().message.find("NUL"), std::string::npos);
}

TEST(AnalysisNocase, FindAgreesWithANaiveSearch) {
  std::mt19937 rng(7);
  const std::string alphabet = "aAbB1 :\xc3";
  auto random_text = [&](std::size_t max) {
    std::string text(rng() % (max + 1), ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    return text;
  };
  for (int i = 0; i < 20000; ++i) {
    const std::string haystack = random_text(40);
    std::string needle = random_text(4);
    for (char& c : needle) c = static_cast<char>(nocase::lower(static_cast<unsigned char>(c)));
    std::size_t expected = std::string::npos;
    for (std::size_t at = 0; at + needle.size() <= haystack.size(); ++at) {
      if (nocase::equal(std::string_view(haystack).substr(at, needle.size()), needle)) {
        expected = at;
        break;
      }
    }
    ASSERT_EQ(nocase::find(haystack, needle), expected) << "'" << needle << "' in '" << haystack << "'";
  }
}

}  // namespace
}  // namespace herald::analysis
