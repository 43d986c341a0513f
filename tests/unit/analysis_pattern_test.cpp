// The pattern front: type= parsing, dispatch to OS_Regex / OS_Match / PCRE2, negation,
// PCRE2 captures and match ends as Wazuh reports them, the match limit, concurrent use; and,
// when the Wazuh sources are on this machine, every pattern of the Wazuh ruleset compiles.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "analysis/pattern.h"

namespace herald::analysis {
namespace {

Pattern compiled(std::string_view text, PatternType type, bool negate = false) {
  auto pattern = Pattern::compile(text, type, negate);
  if (!pattern) {
    ADD_FAILURE() << "'" << text << "' does not compile: " << pattern.error().message;
    return Pattern::compile("", PatternType::osmatch).value();
  }
  return std::move(pattern).value();
}

std::vector<std::string> as_strings(const Captures& captures) {
  return {captures.begin(), captures.end()};
}

TEST(AnalysisPattern, ParsesTheTypesWazuhAccepts) {
  EXPECT_EQ(parse_pattern_type("osregex").value(), PatternType::osregex);
  EXPECT_EQ(parse_pattern_type("OSMatch").value(), PatternType::osmatch);
  EXPECT_EQ(parse_pattern_type("PCRE2").value(), PatternType::pcre2);
  for (const char* bad : {"", "regex", "sregex", "pcre", "osregex "}) {
    auto parsed = parse_pattern_type(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().message.find("unknown pattern type"), std::string::npos);
  }
  EXPECT_EQ(to_string(PatternType::pcre2), "pcre2");
}

TEST(AnalysisPattern, DispatchesOnType) {
  // The same text means three different things.
  const std::string text = "^a\\d+";
  EXPECT_TRUE(compiled(text, PatternType::osregex).matches("A42"));
  EXPECT_FALSE(compiled(text, PatternType::osmatch).matches("A42"));
  EXPECT_TRUE(compiled(text, PatternType::osmatch).matches("a\\d+ literal"));
  EXPECT_TRUE(compiled(text, PatternType::pcre2).matches("a42"));
  // PCRE2 runs as Wazuh runs it: case-sensitive.
  EXPECT_FALSE(compiled(text, PatternType::pcre2).matches("A42"));
  EXPECT_EQ(compiled(text, PatternType::pcre2).source(), text);
  EXPECT_EQ(compiled(text, PatternType::pcre2).type(), PatternType::pcre2);
}

TEST(AnalysisPattern, OsRegexSearchPassesCapturesAndEnd) {
  const Pattern pattern = compiled("user (\\S+) from (\\S+)", PatternType::osregex);
  EXPECT_EQ(pattern.capture_count(), 2u);
  Captures captures;
  std::size_t end = 0;
  ASSERT_TRUE(pattern.search("login: user ana from 192.0.2.9 ok", &captures, &end));
  EXPECT_EQ(as_strings(captures), (std::vector<std::string>{"ana", "192.0.2.9"}));
  EXPECT_EQ(end, 22u);
}

TEST(AnalysisPattern, OsMatchSearchIsMatchesWithoutCaptures) {
  const Pattern pattern = compiled("Failed|Invalid", PatternType::osmatch);
  Captures captures{"stale"};
  std::size_t end = 7;
  EXPECT_TRUE(pattern.search("Invalid user", &captures, &end));
  EXPECT_TRUE(captures.empty());
  EXPECT_EQ(end, 0u);
  EXPECT_EQ(pattern.capture_count(), 0u);
}

TEST(AnalysisPattern, Pcre2CapturesAndMatchEnd) {
  const Pattern pattern = compiled(R"(user=(\w+) uid=(\d+))", PatternType::pcre2);
  EXPECT_EQ(pattern.capture_count(), 2u);
  Captures captures;
  std::size_t end = 0;
  const std::string subject = "event user=ana uid=1001 tty=pts/0";
  ASSERT_TRUE(pattern.search(subject, &captures, &end));
  EXPECT_EQ(as_strings(captures), (std::vector<std::string>{"ana", "1001"}));
  EXPECT_EQ(captures[0].data(), subject.data() + 11);
  EXPECT_EQ(end, 23u);
}

TEST(AnalysisPattern, Pcre2GroupsThatDidNotTakePart) {
  const Pattern pattern = compiled(R"((a)?(b)?(c)(d)?)", PatternType::pcre2);
  Captures captures;
  // A middle group that did not take part is empty; trailing ones are left out, as in Wazuh.
  ASSERT_TRUE(pattern.search("xbc", &captures));
  EXPECT_EQ(as_strings(captures), (std::vector<std::string>{"", "b", "c"}));
}

TEST(AnalysisPattern, Pcre2CompileErrorsNameTheProblem) {
  auto bad = Pattern::compile("a(b", PatternType::pcre2);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("missing closing parenthesis"), std::string::npos) << bad.error().message;
  auto osregex = Pattern::compile("a\\q", PatternType::osregex);
  ASSERT_FALSE(osregex);
  EXPECT_NE(osregex.error().message.find("unknown escape"), std::string::npos);
}

TEST(AnalysisPattern, NegationInvertsEveryType) {
  for (const PatternType type : {PatternType::osregex, PatternType::osmatch, PatternType::pcre2}) {
    const Pattern pattern = compiled("denied", type, true);
    EXPECT_TRUE(pattern.negated());
    EXPECT_FALSE(pattern.matches("access denied"));
    EXPECT_TRUE(pattern.matches("access granted"));
    Captures captures{"stale"};
    std::size_t end = 5;
    EXPECT_TRUE(pattern.search("access granted", &captures, &end));
    EXPECT_TRUE(captures.empty());
    EXPECT_EQ(end, 0u);
  }
}

TEST(AnalysisPattern, Pcre2CatastrophicPatternsHitTheLimit) {
  // Nested quantifiers against a near-miss: exponential for a backtracker. The match limit
  // turns it into "no match" quickly.
  const Pattern pattern = compiled(R"(^(\w+\s?)*$)", PatternType::pcre2);
  std::string subject;
  for (int i = 0; i < 40; ++i) subject += "word ";
  subject += "!";
  EXPECT_FALSE(pattern.matches(subject));
}

TEST(AnalysisPattern, SafeForConcurrentUse) {
  const Pattern pcre = compiled(R"(id=(\d+))", PatternType::pcre2);
  const Pattern regex = compiled("id=(\\d+)", PatternType::osregex);
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Captures captures;
      captures.reserve(4);
      for (int i = 0; i < 2000; ++i) {
        const std::string subject = "x id=" + std::to_string(t * 10000 + i) + " y";
        const std::string expected = std::to_string(t * 10000 + i);
        if (!pcre.search(subject, &captures) || captures.size() != 1 || captures[0] != expected) ++failures[t];
        if (!regex.search(subject, &captures) || captures.size() != 1 || captures[0] != expected) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, (std::vector<int>{0, 0, 0, 0}));
}

TEST(AnalysisPattern, CopiesShareTheCompiledForm) {
  const Pattern original = compiled(R"(^(\d+)$)", PatternType::pcre2);
  const Pattern copy = original;  // NOLINT(performance-unnecessary-copy-initialization)
  Captures captures;
  ASSERT_TRUE(copy.search("123", &captures));
  EXPECT_EQ(as_strings(captures), (std::vector<std::string>{"123"}));
}

// --- every pattern of the real ruleset compiles (local check) -------------------------------

struct RulesetPattern {
  std::string file;
  std::string element;
  std::string text;
  PatternType type;
};

// The value of attribute `name` in an element's attribute text, if present.
std::optional<std::string> attribute(const std::string& attributes, const std::string& name) {
  std::size_t at = 0;
  while ((at = attributes.find(name, at)) != std::string::npos) {
    const bool starts_word =
        at == 0 || attributes[at - 1] == ' ' || attributes[at - 1] == '\t' || attributes[at - 1] == '\n';
    std::size_t cursor = at + name.size();
    while (cursor < attributes.size() && attributes[cursor] == ' ') ++cursor;
    if (starts_word && cursor < attributes.size() && attributes[cursor] == '=') {
      ++cursor;
      while (cursor < attributes.size() && attributes[cursor] == ' ') ++cursor;
      if (cursor < attributes.size() && (attributes[cursor] == '"' || attributes[cursor] == '\'')) {
        const char quote = attributes[cursor];
        const std::size_t close = attributes.find(quote, cursor + 1);
        if (close != std::string::npos) return attributes.substr(cursor + 1, close - cursor - 1);
      }
    }
    at += name.size();
  }
  return std::nullopt;
}

// A crude scan (no XML parser): <regex>, <prematch> and <match> elements outside comments.
std::vector<RulesetPattern> scan_patterns(const std::filesystem::path& file, bool rules) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  for (std::size_t open; (open = text.find("<!--")) != std::string::npos;) {
    const std::size_t close = text.find("-->", open);
    text.erase(open, close == std::string::npos ? std::string::npos : close + 3 - open);
  }
  std::vector<RulesetPattern> found;
  for (const char* element_name : {"regex", "prematch", "match"}) {
    const std::string element = element_name;
    const std::string open_tag = "<" + element;
    const std::string close_tag = "</" + element + ">";
    for (std::size_t at = 0; (at = text.find(open_tag, at)) != std::string::npos; at += open_tag.size()) {
      const char after = text[at + open_tag.size()];
      if (after != '>' && after != ' ' && after != '\t') continue;
      const std::size_t tag_end = text.find('>', at);
      const std::size_t close = text.find(close_tag, tag_end);
      if (tag_end == std::string::npos || close == std::string::npos) break;
      const std::string attributes = text.substr(at + open_tag.size(), tag_end - at - open_tag.size());
      PatternType type = (rules && element == "match") ? PatternType::osmatch : PatternType::osregex;
      if (const auto declared = attribute(attributes, "type")) {
        if (auto parsed = parse_pattern_type(*declared)) type = *parsed;
      }
      found.push_back({file.filename().string(), element, text.substr(tag_end + 1, close - tag_end - 1), type});
    }
  }
  return found;
}

bool names_a_variable(const std::string& text) {
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    const char next = text[i + 1];
    if (text[i] == '$' && (i == 0 || text[i - 1] != '\\') &&
        ((next >= 'A' && next <= 'Z') || (next >= 'a' && next <= 'z') || next == '_')) {
      return true;
    }
  }
  return false;
}

TEST(AnalysisPattern, EveryPatternOfTheWazuhRulesetCompiles) {
  const std::filesystem::path ruleset = "/work/wazuh4/ruleset";
  if (!std::filesystem::is_directory(ruleset)) GTEST_SKIP() << "no Wazuh ruleset at " << ruleset;
  std::size_t counts[3] = {0, 0, 0};
  std::size_t skipped = 0;
  for (const auto& [folder, rules] : {std::pair{"decoders", false}, std::pair{"rules", true}}) {
    for (const auto& entry : std::filesystem::directory_iterator(ruleset / folder)) {
      if (entry.path().extension() != ".xml") continue;
      for (const RulesetPattern& pattern : scan_patterns(entry.path(), rules)) {
        if (names_a_variable(pattern.text)) {
          ++skipped;
          continue;
        }
        auto result = Pattern::compile(pattern.text, pattern.type);
        EXPECT_TRUE(result) << pattern.file << " <" << pattern.element << "> " << pattern.text << ": "
                            << (result ? "" : result.error().message);
        ++counts[static_cast<int>(pattern.type)];
      }
    }
  }
  const std::size_t total = counts[0] + counts[1] + counts[2];
  std::cout << "[ ruleset  ] " << total << " patterns compiled (osregex " << counts[0] << ", osmatch " << counts[1]
            << ", pcre2 " << counts[2] << "), " << skipped << " naming a $VARIABLE skipped\n";
  EXPECT_GT(total, 2000u);
}

}  // namespace
}  // namespace herald::analysis
