// OS_Regex as Wazuh 4.x runs it: every escape, anchors, alternation, groups, case rules, the
// lazy runs and match ends decoders depend on, compile errors. Expected values were checked
// against Wazuh's own engine; the logs are ours, shaped like those the ruleset decodes.
#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/os_regex.h"

namespace herald::analysis {
namespace {

OsRegex compiled(std::string_view pattern) {
  auto regex = OsRegex::compile(pattern);
  if (!regex) {
    ADD_FAILURE() << "'" << pattern << "' does not compile: " << regex.error().message;
    return OsRegex::compile("").value();
  }
  return std::move(regex).value();
}

bool found(std::string_view pattern, std::string_view subject) {
  return compiled(pattern).search(subject);
}

std::vector<std::string> captured(std::string_view pattern, std::string_view subject) {
  Captures captures;
  if (!compiled(pattern).search(subject, &captures)) return {"<no match>"};
  return {captures.begin(), captures.end()};
}

std::string compile_error(std::string_view pattern) {
  auto regex = OsRegex::compile(pattern);
  return regex ? "<compiled>" : regex.error().message;
}

// --- escapes ------------------------------------------------------------------------------

TEST(AnalysisOsRegex, WordEscapeIsAlnumDashAtUnderscore) {
  for (const char* yes : {"a", "Z", "7", "-", "@", "_"}) EXPECT_TRUE(found("^\\w$", yes)) << yes;
  for (const char* no : {".", " ", "/", ":", "\t", "\xc3"}) EXPECT_FALSE(found("^\\w$", no)) << no;
  for (const char* yes : {".", " ", "/", "\xc3"}) EXPECT_TRUE(found("^\\W$", yes)) << yes;
  for (const char* no : {"a", "-", "@", "_"}) EXPECT_FALSE(found("^\\W$", no)) << no;
}

TEST(AnalysisOsRegex, DigitAndSpaceEscapes) {
  EXPECT_TRUE(found("^\\d\\d\\d$", "042"));
  EXPECT_FALSE(found("^\\d$", "x"));
  EXPECT_TRUE(found("^\\D$", "x"));
  EXPECT_FALSE(found("^\\D$", "5"));
  // \s is the space character only, not a tab; \S is everything else, tabs included.
  EXPECT_TRUE(found("^a\\sb$", "a b"));
  EXPECT_FALSE(found("^a\\sb$", "a\tb"));
  EXPECT_TRUE(found("^a\\Sb$", "a\tb"));
  EXPECT_FALSE(found("^a\\Sb$", "a b"));
  EXPECT_TRUE(found("^a\\tb$", "a\tb"));
}

TEST(AnalysisOsRegex, PunctuationEscapeHasWazuhsSet) {
  for (const char c : std::string("!\"#$%&'()*+,-.:;<=>?[]{|}")) {
    EXPECT_TRUE(found("^\\p$", std::string(1, c))) << c;
  }
  for (const char c : std::string("/@\\^_`~ a0")) EXPECT_FALSE(found("^\\p$", std::string(1, c))) << c;
}

TEST(AnalysisOsRegex, AnyAndLiteralEscapes) {
  EXPECT_TRUE(found("^a\\.c$", "a\tc"));
  EXPECT_TRUE(found("^\\($", "("));
  EXPECT_TRUE(found("^\\)$", ")"));
  EXPECT_TRUE(found("^\\\\$", "\\"));
  EXPECT_TRUE(found("^\\$$", "$"));
  EXPECT_TRUE(found("^\\|$", "|"));
  EXPECT_TRUE(found("^\\<$", "<"));
  EXPECT_FALSE(found("^\\($", ")"));
}

TEST(AnalysisOsRegex, QuantifiersApplyToEscapesOnly) {
  EXPECT_TRUE(found("^\\d+$", "2024"));
  EXPECT_FALSE(found("^\\d+$", ""));
  EXPECT_TRUE(found("^x\\d*y$", "xy"));
  EXPECT_TRUE(found("^x\\d*y$", "x12y"));
  // After a plain character '+' and '*' are plain characters.
  EXPECT_TRUE(found("^a+$", "a+"));
  EXPECT_FALSE(found("^a+$", "aa"));
  EXPECT_TRUE(found("a*b", "xa*bx"));
}

// --- anchors, alternation, case -----------------------------------------------------------

TEST(AnalysisOsRegex, SearchesAnywhereUnlessAnchored) {
  EXPECT_TRUE(found("port \\d+", "from 10.0.0.1 port 22"));
  EXPECT_FALSE(found("^port \\d+", "from 10.0.0.1 port 22"));
  EXPECT_TRUE(found("port \\d+$", "from 10.0.0.1 port 22"));
  EXPECT_FALSE(found("port \\d+$", "from 10.0.0.1 port 22 ssh2"));
  EXPECT_TRUE(found("", "anything"));
  EXPECT_TRUE(found("", ""));
  EXPECT_TRUE(found("^$", ""));
  EXPECT_FALSE(found("^$", "x"));
}

TEST(AnalysisOsRegex, CaretAndDollarAreAnchorsOnlyAtTheEdgesOfAnAlternative) {
  EXPECT_TRUE(found("^a$b", "a$b"));
  EXPECT_TRUE(found("x^y", "x^y"));
  EXPECT_TRUE(found("^one$|^two$", "two"));
  EXPECT_FALSE(found("^one$|^two$", "twofold"));
}

TEST(AnalysisOsRegex, AlternativesAreTriedInOrder) {
  EXPECT_EQ(captured("(\\d+)x|(\\w+)", "ab 12x"), (std::vector<std::string>{"12"}));
  EXPECT_EQ(captured("(\\w+)|(\\d+)x", "ab 12x"), (std::vector<std::string>{"ab"}));
  EXPECT_TRUE(found("^Upgrade done |^Custom install ", "Custom install started"));
}

TEST(AnalysisOsRegex, PlainCharactersIgnoreAsciiCaseEscapesDoNot) {
  EXPECT_TRUE(found("^FAILED Password", "failed PASSWORD for root"));
  EXPECT_TRUE(found("Invalid User", "INVALID USER admin"));
  // Bytes outside ASCII compare exactly.
  EXPECT_TRUE(found("caf\xc3\xa9", "CAF\xc3\xa9"));
  EXPECT_FALSE(found("caf\xc3\xa9", "caf\xc3\x89"));
  EXPECT_FALSE(found("^\\d$", "\xd9\xa3"));
}

// --- groups ---------------------------------------------------------------------------------

TEST(AnalysisOsRegex, CapturesAreViewsIntoTheSubject) {
  const std::string subject = "user bob from 192.0.2.1";
  Captures captures;
  std::size_t end = 0;
  ASSERT_TRUE(compiled("user (\\w+) from (\\S+)").search(subject, &captures, &end));
  ASSERT_EQ(captures.size(), 2u);
  EXPECT_EQ(captures[0], "bob");
  EXPECT_EQ(captures[0].data(), subject.data() + 5);
  EXPECT_EQ(captures[1], "192.0.2.1");
}

TEST(AnalysisOsRegex, CaptureCountIsTheLargestAlternative) {
  EXPECT_EQ(compiled("a").capture_count(), 0u);
  EXPECT_EQ(compiled("(a)(b)|(c)").capture_count(), 2u);
  EXPECT_EQ(compiled("x|(a)(b)(c)").capture_count(), 3u);
  EXPECT_EQ(compiled("(a)(b)|(c)").source(), "(a)(b)|(c)");
}

TEST(AnalysisOsRegex, CapturesStopAtTheFirstGroupWazuhDidNotClose) {
  // Wazuh records "\S+ then \s* then an empty group" oddly: the first group comes back empty
  // and the second is dropped. We match it, so decoders fill the same fields.
  EXPECT_EQ(captured("^(\\S+)\\s*(\\d*)", "abc"), (std::vector<std::string>{""}));
}

TEST(AnalysisOsRegex, NoMatchClearsCaptures) {
  Captures captures{"stale"};
  EXPECT_FALSE(compiled("(\\d+)").search("none", &captures));
  EXPECT_TRUE(captures.empty());
}

TEST(AnalysisOsRegex, CaptureModeDiffersFromRuleModeLikeWazuh) {
  // With captures requested, trailing \x* elements inside a final group may match nothing;
  // Wazuh's rules (no captures) refuse the same subject.
  EXPECT_EQ(captured("(a\\s*\\d*)", "a"), (std::vector<std::string>{"a"}));
  EXPECT_FALSE(found("(a\\s*\\d*)", "a"));
  // And without a group both refuse it (a textbook engine would match).
  EXPECT_FALSE(found("a\\s*\\d*", "a"));
}

// --- Wazuh's lazy runs and match ends -------------------------------------------------------

TEST(AnalysisOsRegex, RunsEndAtTheFirstByteTheNextElementAccepts) {
  EXPECT_EQ(captured("(\\w+) from", "relay from gw from core"), (std::vector<std::string>{"relay"}));
  EXPECT_EQ(captured("^(\\.+) port (\\d+)", "peer 10.0.0.1 port 22 port 23"),
            (std::vector<std::string>{"peer 10.0.0.1", "22"}));
  // \S takes tabs, so a tab-separated name runs on into the next column.
  EXPECT_EQ(captured("Account Name:\\t*\\s*(\\S\\S+)", "Subject:\t\tAccount Name:\t\tsvc-backup\t\tAccount Domain:"),
            (std::vector<std::string>{"svc-backup\t\tAccount"}));
}

TEST(AnalysisOsRegex, AFailedEscapeInsideARunCanEndTheMatch) {
  // Wazuh accepts when an escape fails right before the last element with a run in progress,
  // without reading that element: this matches although no 'x' (nor space) follows.
  EXPECT_TRUE(found("\\w+\\d\\sx", "ab1y"));
  EXPECT_EQ(captured("(\\w+)\\d\\sx", "ab1y"), (std::vector<std::string>{"ab"}));
}

struct EndCase {
  const char* pattern;
  const char* subject;
  std::size_t end;
};

void PrintTo(const EndCase& c, std::ostream* os) {
  *os << c.pattern << " on " << c.subject;
}

class AnalysisOsRegexMatchEnd : public ::testing::TestWithParam<EndCase> {};

TEST_P(AnalysisOsRegexMatchEnd, IsWhereWazuhContinues) {
  std::size_t end = 999;
  ASSERT_TRUE(compiled(GetParam().pattern).search(GetParam().subject, nullptr, &end));
  EXPECT_EQ(end, GetParam().end);
  Captures captures;
  end = 999;
  ASSERT_TRUE(compiled(GetParam().pattern).search(GetParam().subject, &captures, &end));
  EXPECT_EQ(end, GetParam().end);
}

INSTANTIATE_TEST_SUITE_P(AnalysisWazuh, AnalysisOsRegexMatchEnd,
                         ::testing::Values(EndCase{"^Accepted", "Accepted password for x", 8},
                                           EndCase{"^FAILED Password", "failed PASSWORD for root", 15},
                                           // A trailing run ends the match after its first byte.
                                           EndCase{"^(\\w+)", "alpha beta", 1},
                                           EndCase{"(\\S+) from (\\S+)", " backup from 203.0.113.5 port 2222", 14},
                                           // A leading \d* that matched nothing.
                                           EndCase{"\\d*", "abc", 0}, EndCase{"", "", 0}, EndCase{"x", "x", 1}));

// --- decoders of the real ruleset, on logs of the same shape --------------------------------

struct DecoderCase {
  const char* name;
  const char* pattern;
  const char* subject;
  std::optional<std::vector<std::string>> captures;  // nullopt: no match
  std::size_t end = 0;
};

void PrintTo(const DecoderCase& c, std::ostream* os) {
  *os << c.name;
}

class AnalysisOsRegexDecoders : public ::testing::TestWithParam<DecoderCase> {};

TEST_P(AnalysisOsRegexDecoders, CaptureWhatWazuhCaptures) {
  const DecoderCase& c = GetParam();
  const OsRegex regex = compiled(c.pattern);
  Captures captures;
  captures.reserve(regex.capture_count());
  std::size_t end = 0;
  const bool hit = regex.search(c.subject, &captures, &end);
  ASSERT_EQ(hit, c.captures.has_value());
  EXPECT_EQ(regex.search(c.subject), hit) << "rule mode agrees";
  if (!hit) return;
  EXPECT_EQ(std::vector<std::string>(captures.begin(), captures.end()), *c.captures);
  EXPECT_EQ(end, c.end);
}

using Caps = std::vector<std::string>;

INSTANTIATE_TEST_SUITE_P(
    AnalysisRuleset, AnalysisOsRegexDecoders,
    ::testing::Values(
        DecoderCase{"sshd_accepted", "^ \\S+ for (\\S+) from (\\S+) port (\\S+)",
                    " publickey for deploy from 10.20.30.40 port 52114 ssh2", Caps{"deploy", "10.20.30.40", "52114"},
                    45},
        DecoderCase{"sshd_keyboard", " user (\\S+) from (\\S+) port (\\d+) ",
                    " for user carol from 192.168.7.9 port 40022 ssh2", Caps{"carol", "192.168.7.9", "40022"}, 44},
        DecoderCase{"sshd_invalid_user", "(\\S+) from (\\S+)", " backup from 203.0.113.5 port 2222",
                    Caps{"backup", "203.0.113.5"}, 14},
        DecoderCase{"pam_both_anchors", "^for (\\S+) from (\\S+)$", "for root from 198.51.100.23",
                    Caps{"root", "198.51.100.23"}, 15},
        DecoderCase{"pam_both_anchors_refused", "^for (\\S+) from (\\S+)$", "for root from 198.51.100.23 via tty",
                    std::nullopt},
        DecoderCase{"reverse_mapping_first", "^\\w+ for \\S+ [(\\S+)] |^\\w+ for (\\S+) ",
                    "getaddrinfo for edge.example.net [192.0.2.7] failed - POSSIBLE BREAK-IN ATTEMPT!",
                    Caps{"192.0.2.7"}, 45},
        DecoderCase{"reverse_mapping_second", "^\\w+ for \\S+ [(\\S+)] |^\\w+ for (\\S+) ",
                    "getaddrinfo for edge.example.net failed - POSSIBLE BREAK-IN ATTEMPT!", Caps{"edge.example.net"},
                    33},
        DecoderCase{"apache_client", "[client (\\S+):(\\d+)] (\\S+): ",
                    "[pid 4242] [client 192.0.2.44:51515] AH00126: Invalid URI in request GET /x",
                    Caps{"192.0.2.44", "51515", "AH00126"}, 46},
        DecoderCase{"key_value_quoted", "agent=\"(\\.*)\"|agent=(\\.*)\\s|agent=(\\.*)$",
                    "srcip=10.1.1.1 agent=\"Mozilla/5.0 (X11)\" status=200", Caps{"Mozilla/5.0 (X11)"}, 40},
        DecoderCase{"key_value_bare", "agent=\"(\\.*)\"|agent=(\\.*)\\s|agent=(\\.*)$",
                    "srcip=10.1.1.1 agent=curl/8.1 status=200", Caps{"curl/8.1"}, 30},
        DecoderCase{"key_value_last", "agent=\"(\\.*)\"|agent=(\\.*)\\s|agent=(\\.*)$", "srcip=10.1.1.1 agent=wget",
                    Caps{"wget"}, 21},
        DecoderCase{"leef_header", "^LEEF:(\\.*)\\|(\\.*)\\|(\\.*)\\|(\\.*)\\|(\\.*)\\|sev=(\\d+)",
                    "LEEF:1.0|Acme|Gate|2.4|login|sev=7|src=10.0.0.9", Caps{"1.0", "Acme", "Gate", "2.4", "login", "7"},
                    33},
        DecoderCase{"firewall_flow", "(\\w+): (\\.+) from (\\S+):(\\S+)/(\\S+) to (\\S+):(\\S+)/(\\S+)",
                    "deny: tcp packet from outside:198.51.100.9/4431 to inside:10.0.0.5/22 flags SYN",
                    Caps{"deny", "tcp packet", "outside", "198.51.100.9", "4431", "inside", "10.0.0.5", "22"}, 68},
        DecoderCase{"iptables_proto", "PROTO=(\\w+) ",
                    "IN=eth0 OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=60 PROTO=TCP SPT=40000 DPT=22", Caps{"TCP"}, 58},
        DecoderCase{"quoted_user_port", "for '(\\S+)' from (\\S+):\\d+$",
                    "authentication failure for 'alice' from 192.0.2.80:3306", Caps{"alice", "192.0.2.80"}, 52},
        DecoderCase{"digits_after_non_digits", "\\D+(\\d+)", "ID 4521", Caps{"4521"}, 4}));

// --- compile errors -------------------------------------------------------------------------

TEST(AnalysisOsRegex, RefusesWhatWazuhRefuses) {
  EXPECT_NE(compile_error("abc\\").find("trailing backslash"), std::string::npos) << compile_error("abc\\");
  for (const char* escape : {"\\n", "\\x", "\\^", "\\[", "\\a", "\\+"}) {
    EXPECT_NE(compile_error(escape).find("unknown escape"), std::string::npos) << escape;
  }
  EXPECT_NE(compile_error("(abc").find("unbalanced '('"), std::string::npos);
  EXPECT_NE(compile_error("abc)").find("unbalanced ')'"), std::string::npos);
  EXPECT_NE(compile_error(")(").find("unbalanced ')'"), std::string::npos);
  EXPECT_NE(compile_error("((a))").find("nested group"), std::string::npos);
  EXPECT_NE(compile_error("(a|b)").find("'|' inside a group"), std::string::npos);
  EXPECT_NE(compile_error(std::string("a\0b", 3)).find("NUL"), std::string::npos);
  EXPECT_NE(compile_error(std::string(20481, 'a')).find("longer than"), std::string::npos);
  EXPECT_EQ(compile_error(std::string(20480, 'a')), "<compiled>");
  // The message names the pattern and where.
  EXPECT_EQ(compile_error("ab\\q"), "OS_Regex 'ab\\q': unknown escape '\\q' at offset 2");
}

TEST(AnalysisOsRegex, RefusesMoreGroupsThanADecoderCanOrder) {
  std::string many;
  for (std::size_t i = 0; i < kMaxOsRegexGroups; ++i) many += "(\\d)";
  EXPECT_EQ(compiled(many).capture_count(), kMaxOsRegexGroups);
  EXPECT_NE(compile_error(many + "(x)").find("too many groups"), std::string::npos);
}

TEST(AnalysisOsRegex, ManyGroupsCapture) {
  std::string pattern;
  std::string subject;
  for (int i = 0; i < 300; ++i) {
    pattern += "(\\d)-";
    subject += std::to_string(i % 10) + "-";
  }
  Captures captures;
  ASSERT_TRUE(compiled(pattern).search(subject, &captures));
  ASSERT_EQ(captures.size(), 300u);
  EXPECT_EQ(captures[123], "3");
}

// --- robustness -----------------------------------------------------------------------------

TEST(AnalysisOsRegex, AdversarialPatternsStayBounded) {
  // Each would make a naive backtracker explode; Wazuh's engine and ours stay near linear.
  const std::string long_subject = "b" + std::string(20000, 'a');
  for (const char* pattern :
       {"\\.+\\.+\\.+\\.+\\.+\\.+b", "\\w+a\\w+a\\w+a\\w+a\\w+ab", "\\.*a\\.*a\\.*a\\.*a\\.*a\\.*ab",
        "\\w*\\w*\\w*\\w*\\w*\\w*\\w*c", "(\\w+)a(\\w+)a(\\w+)a(\\w+)ab"}) {
    Captures captures;
    EXPECT_FALSE(compiled(pattern).search(long_subject, &captures)) << pattern;
    EXPECT_FALSE(compiled(pattern).search(long_subject)) << pattern;
  }
  // Wazuh restarts after each partial match, here once per 'a' with a run to the end each
  // time: quadratic (seconds in Wazuh). The step budget stops it.
  EXPECT_FALSE(compiled("a\\w+\\s\\d").search(std::string(30000, 'a') + " x"));
  // Within the budget the same shape still matches.
  EXPECT_TRUE(compiled("a\\w+\\s\\d").search(std::string(300, 'a') + " x aa 1"));
}

TEST(AnalysisOsRegex, EmbeddedNulIsAnOrdinaryByte) {
  const std::string subject("ab\0cd", 5);
  EXPECT_TRUE(found("cd$", subject));
  EXPECT_TRUE(found("^ab\\.cd$", subject));
  EXPECT_FALSE(found("^ab$", subject));
}

}  // namespace
}  // namespace herald::analysis
