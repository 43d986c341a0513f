// RuleSet::load: every rule option, the tree as Wazuh builds it (templates, if_sid, if_group,
// if_level, category placement, level ordering, overwrite), Wazuh's warnings and the errors;
// and, when /work/wazuh4 is there, the whole Wazuh 4.x ruleset.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "analysis/rule_engine.h"
#include "analysis/rule_set.h"

namespace herald::analysis {
namespace {

const std::filesystem::path kWazuh = "/work/wazuh4";

// The templates of Wazuh's 0010-rules_config.xml, in our words.
constexpr std::string_view kTemplates = R"(
<group name="syslog,">
  <rule id="1" level="0" noalert="1"><category>syslog</category><description>syslog</description></rule>
</group>
<group name="ids,">
  <rule id="3" level="0" noalert="1"><category>ids</category><description>ids</description></rule>
</group>
<group name="firewall,">
  <rule id="2" level="0" noalert="1"><category>firewall</category><description>firewall</description></rule>
</group>
)";

bool accept_any_decoder(std::string_view) {
  return true;
}

struct Loaded {
  core::Result<RuleSet> set;
  LoadWarnings warnings;
};

Loaded load_files(std::vector<RulesetFile> files, const ListRegistry& lists = {},
                  DecoderNames decoders = accept_any_decoder) {
  Loaded loaded{core::internal_error("not loaded"), {}};
  loaded.set = RuleSet::load(files, decoders, lists, loaded.warnings);
  return loaded;
}

Loaded load(std::string_view rules, const ListRegistry& lists = {}) {
  return load_files({{"templates.xml", std::string(kTemplates)}, {"rules.xml", std::string(rules)}}, lists);
}

RuleSet load_ok(std::string_view rules, const ListRegistry& lists = {}) {
  Loaded loaded = load(rules, lists);
  EXPECT_TRUE(loaded.set.ok()) << (loaded.set.ok() ? "" : loaded.set.error().message);
  if (!loaded.set.ok()) std::abort();
  return std::move(loaded.set).value();
}

std::string load_error(std::string_view rules) {
  Loaded loaded = load(rules);
  EXPECT_FALSE(loaded.set.ok());
  return loaded.set.ok() ? "" : loaded.set.error().message;
}

// The ids of a node's children, in order.
std::vector<int> child_ids(const RuleSet& set, std::uint32_t node) {
  std::vector<int> ids;
  for (std::uint32_t child : set.children(set.nodes()[node])) ids.push_back(set.rules()[set.nodes()[child].rule].id);
  return ids;
}

// Every node of a rule.
std::vector<std::uint32_t> nodes_of(const RuleSet& set, int id) {
  std::vector<std::uint32_t> nodes;
  for (std::uint32_t i = 0; i < set.nodes().size(); ++i) {
    if (set.rules()[set.nodes()[i].rule].id == id) nodes.push_back(i);
  }
  return nodes;
}

std::vector<int> children_of(const RuleSet& set, int id, std::size_t which = 0) {
  const auto nodes = nodes_of(set, id);
  return which < nodes.size() ? child_ids(set, nodes[which]) : std::vector<int>{};
}

std::vector<int> parents_of(const RuleSet& set, int id) {
  std::vector<int> parents;
  for (std::uint32_t i = 0; i < set.nodes().size(); ++i) {
    for (std::uint32_t child : set.children(set.nodes()[i])) {
      if (set.rules()[set.nodes()[child].rule].id == id) parents.push_back(set.rules()[set.nodes()[i].rule].id);
    }
  }
  return parents;
}

bool warned(const LoadWarnings& warnings, std::string_view text) {
  return std::any_of(warnings.begin(), warnings.end(), [&](const std::string& w) { return w.find(text) != w.npos; });
}

TEST(AnalysisRuleSet, TemplatesAreTheTopLevel) {
  const RuleSet set =
      load_ok(R"(<group name="x,"><rule id="100" level="3"><description>d</description></rule></group>)");
  ASSERT_EQ(set.top_level().size(), 3u);
  std::vector<int> top;
  for (std::uint32_t node : set.top_level()) top.push_back(set.rules()[set.nodes()[node].rule].id);
  EXPECT_EQ(top, (std::vector<int>{1, 3, 2}));  // all level 0: load order
  // A rule without if_* goes under the first template of its category (syslog by default).
  EXPECT_EQ(children_of(set, 1), (std::vector<int>{100}));
  EXPECT_EQ(set.find(100)->category, RuleCategory::syslog);
}

TEST(AnalysisRuleSet, CategoryPlacement) {
  const RuleSet set = load_ok(R"(<group name="x,">
    <rule id="100" level="3"><category>ids</category><description>d</description></rule>
    <rule id="101" level="3"><category>firewall</category><description>d</description></rule>
  </group>)");
  EXPECT_EQ(children_of(set, 3), (std::vector<int>{100}));
  EXPECT_EQ(children_of(set, 2), (std::vector<int>{101}));
  // No template of that category: Wazuh drops the rule with a warning.
  Loaded loaded = load(R"(<group name="x,"><rule id="100" level="3"><category>squid</category>
    <description>d</description></rule></group>)");
  ASSERT_TRUE(loaded.set.ok());
  EXPECT_EQ(loaded.set->find(100), nullptr);
  EXPECT_TRUE(warned(loaded.warnings, "7611"));
}

TEST(AnalysisRuleSet, IfSidUnderEveryParentAndInheritsTheCategory) {
  const RuleSet set = load_ok(R"(<group name="x,">
    <rule id="100" level="3"><category>ids</category><description>a</description></rule>
    <rule id="101" level="3"><description>b</description></rule>
    <rule id="102" level="5"><if_sid>100, 101</if_sid><description>c</description></rule>
  </group>)");
  EXPECT_EQ(parents_of(set, 102), (std::vector<int>{100, 101}));
  EXPECT_EQ(set.find(102)->category, RuleCategory::syslog);  // the last parent's
  EXPECT_EQ(set.find(102)->if_sid, (std::vector<int>{100, 101}));
}

TEST(AnalysisRuleSet, IfSidPointingNowhereIsAWarning) {
  // Wazuh (7617) drops the unknown id and keeps the rule under the known ones...
  Loaded partly = load(R"(<group name="x,">
    <rule id="100" level="3"><description>a</description></rule>
    <rule id="101" level="3"><if_sid>100,999</if_sid><description>b</description></rule>
  </group>)");
  ASSERT_TRUE(partly.set.ok());
  EXPECT_EQ(parents_of(*partly.set, 101), (std::vector<int>{100}));
  EXPECT_TRUE(warned(partly.warnings, "rules.xml:3: signature id 999 was not found"));
  // ... and drops the rule when no id is known (7619).
  Loaded none = load(R"(<group name="x,"><rule id="101" level="3"><if_sid>999</if_sid>
    <description>b</description></rule></group>)");
  ASSERT_TRUE(none.set.ok());
  EXPECT_EQ(none.set->find(101), nullptr);
  EXPECT_TRUE(warned(none.warnings, "7619"));
  ASSERT_EQ(none.set->summaries().size(), 4u);
  EXPECT_EQ(none.set->summaries().back().status, RuleSummary::Status::skipped);
  // Ids must exist before: a parent defined later does not count.
  Loaded later = load(R"(<group name="x,">
    <rule id="101" level="3"><if_sid>100</if_sid><description>b</description></rule>
    <rule id="100" level="3"><description>a</description></rule>
  </group>)");
  ASSERT_TRUE(later.set.ok());
  EXPECT_EQ(later.set->find(101), nullptr);
}

TEST(AnalysisRuleSet, InvalidIfSidSkipsTheRule) {
  Loaded loaded = load(R"(<group name="x,">
    <rule id="100" level="3"><description>a</description></rule>
    <rule id="101" level="3"><if_sid>100;abc</if_sid><description>b</description></rule>
  </group>)");
  ASSERT_TRUE(loaded.set.ok());
  EXPECT_EQ(loaded.set->find(101), nullptr);
  EXPECT_TRUE(warned(loaded.warnings, "7618"));
}

TEST(AnalysisRuleSet, TrailingCommaInIfSidAlsoFilesUnderTheTemplate) {
  // Wazuh reads the empty id after the comma as 0, which places the rule by category as well.
  const RuleSet set = load_ok(R"(<group name="x,">
    <rule id="100" level="3"><description>a</description></rule>
    <rule id="101" level="3"><if_sid>100,</if_sid><description>b</description></rule>
  </group>)");
  auto parents = parents_of(set, 101);
  std::sort(parents.begin(), parents.end());
  EXPECT_EQ(parents, (std::vector<int>{1, 100}));
}

TEST(AnalysisRuleSet, IfGroupMatchesWordsOfEveryRule) {
  const RuleSet set = load_ok(R"(
  <group name="sshd,">
    <rule id="100" level="3"><description>a</description><group>authentication_failed,</group></rule>
    <rule id="101" level="3"><description>b</description><group>Authentication_Failures,</group></rule>
    <rule id="102" level="3"><description>c</description></rule>
  </group>
  <group name="x,">
    <rule id="110" level="10"><if_group>authentication_fail</if_group><description>d</description></rule>
    <rule id="111" level="10"><if_group>nothing|^sshd</if_group><description>e</description></rule>
  </group>)");
  // A substring of the group text, ignoring case.
  EXPECT_EQ(parents_of(set, 110), (std::vector<int>{100, 101}));
  // '|' alternatives, '^' a prefix of the group text ("sshd,authentication_failed,").
  EXPECT_EQ(parents_of(set, 111), (std::vector<int>{100, 101, 102}));
  Loaded missing = load(R"(<group name="x,"><rule id="110" level="1"><if_group>nope</if_group>
    <description>d</description></rule></group>)");
  ASSERT_TRUE(missing.set.ok());
  EXPECT_EQ(missing.set->find(110), nullptr);
  EXPECT_TRUE(warned(missing.warnings, "7610"));
}

TEST(AnalysisRuleSet, GroupTextIsTheEnclosingNameThenEveryGroupElement) {
  const RuleSet set = load_ok(R"(<group name="syslog,sshd,">
    <rule id="100" level="3"><description>a</description><group>invalid_login,
</group><group>pci_dss_10.2.4,</group></rule>
  </group>
  <group name="no_comma">
    <rule id="101" level="3"><description>a</description><group>glued,</group></rule>
  </group>)");
  EXPECT_EQ(set.find(100)->group_text, "syslog,sshd,invalid_login,pci_dss_10.2.4,");
  EXPECT_EQ(set.find(100)->groups, (std::vector<std::string>{"syslog", "sshd", "invalid_login", "pci_dss_10.2.4"}));
  EXPECT_TRUE(set.find(100)->has_group("sshd"));
  // Concatenated as Wazuh does: no separator is added.
  EXPECT_EQ(set.find(101)->groups, (std::vector<std::string>{"no_commaglued"}));
}

TEST(AnalysisRuleSet, IfLevelUnderEveryRuleOfThatLevelOrMore) {
  const RuleSet set = load_ok(R"(<group name="x,">
    <rule id="100" level="3"><description>a</description></rule>
    <rule id="101" level="8"><description>b</description></rule>
    <rule id="102" level="12"><description>c</description></rule>
    <rule id="110" level="13"><if_level>8</if_level><description>d</description></rule>
  </group>)");
  // Level-0 rules count as 99 while loading: the templates qualify too.
  auto parents = parents_of(set, 110);
  std::sort(parents.begin(), parents.end());
  EXPECT_EQ(parents, (std::vector<int>{1, 2, 3, 101, 102}));
  Loaded zero = load(R"(<group name="x,"><rule id="110" level="1"><if_level>0</if_level>
    <description>d</description></rule></group>)");
  ASSERT_TRUE(zero.set.ok());
  EXPECT_EQ(zero.set->find(110), nullptr);
  EXPECT_TRUE(warned(zero.warnings, "7609"));
}

TEST(AnalysisRuleSet, SiblingsAreSortedByLevelLevelZeroFirstAccuracyZeroLast) {
  const RuleSet set = load_ok(R"(<group name="x,">
    <rule id="100" level="3"><description>p</description></rule>
    <rule id="101" level="5"><if_sid>100</if_sid><description>a</description></rule>
    <rule id="102" level="10" accuracy="0"><if_sid>100</if_sid><description>b</description></rule>
    <rule id="103" level="7"><if_sid>100</if_sid><description>c</description></rule>
    <rule id="104" level="5"><if_sid>100</if_sid><description>d</description></rule>
    <rule id="105" level="0"><if_sid>100</if_sid><description>e</description></rule>
    <rule id="106" level="16"><if_sid>100</if_sid><description>f</description></rule>
    <rule id="107" level="0" accuracy="0"><if_sid>100</if_sid><description>g</description></rule>
  </group>)");
  EXPECT_EQ(children_of(set, 100), (std::vector<int>{105, 106, 103, 101, 104, 107, 102}));
  EXPECT_EQ(set.find(102)->level, 10);
  EXPECT_EQ(set.find(107)->level, 99);  // Wazuh's quirk: 0 counts as 99 and is never divided back
}

TEST(AnalysisRuleSet, ChildrenOfARuleUnderTwoParents) {
  // Rule 102 has a node under 100 and one under 101; a child of 102 goes under the first node
  // found in each list of siblings (Wazuh's walk), here both.
  const RuleSet set = load_ok(R"(<group name="x,">
    <rule id="100" level="3"><description>a</description></rule>
    <rule id="101" level="3"><description>b</description></rule>
    <rule id="102" level="5"><if_sid>100,101</if_sid><description>c</description></rule>
    <rule id="103" level="6"><if_sid>102</if_sid><description>d</description></rule>
  </group>)");
  ASSERT_EQ(nodes_of(set, 102).size(), 2u);
  EXPECT_EQ(children_of(set, 102, 0), (std::vector<int>{103}));
  EXPECT_EQ(children_of(set, 102, 1), (std::vector<int>{103}));
}

TEST(AnalysisRuleSet, OverwriteReplacesInPlaceKeepingChildren) {
  Loaded loaded = load_files({{"templates.xml", std::string(kTemplates)},
                              {"a.xml", R"(<group name="a,">
    <rule id="100" level="3"><match>one</match><description>first</description></rule>
    <rule id="101" level="5"><if_sid>100</if_sid><description>child</description></rule>
  </group>)"},
                              {"local.xml", R"(<group name="local,">
    <rule id="100" level="9" overwrite="yes"><if_sid>1</if_sid><match>two</match>
      <description>second</description></rule>
  </group>)"}});
  ASSERT_TRUE(loaded.set.ok()) << loaded.set.error().message;
  const RuleSet& set = *loaded.set;
  const Rule* rule = set.find(100);
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->description, "second");
  EXPECT_EQ(rule->level, 9);
  EXPECT_EQ(rule->file, "local.xml");
  EXPECT_EQ(rule->groups, (std::vector<std::string>{"local"}));
  EXPECT_TRUE(rule->overwritten);
  ASSERT_TRUE(rule->match);
  EXPECT_TRUE(rule->match->test("two"));
  EXPECT_EQ(children_of(set, 100), (std::vector<int>{101}));
  EXPECT_EQ(parents_of(set, 100), (std::vector<int>{1}));
  EXPECT_EQ(set.size(), 5u);
  // The API view shows the rule once, with its new content, where it was first read.
  ASSERT_EQ(set.summaries().size(), 5u);
  EXPECT_EQ(set.summaries()[3].id, 100);
  EXPECT_EQ(set.summaries()[3].description, "second");
  EXPECT_EQ(set.summaries()[3].file, "local.xml");
  // The original had no if_sid: Wazuh warns that it cannot be changed (and keeps the place).
  EXPECT_TRUE(warned(loaded.warnings, "local.xml:2: it is not possible to overwrite the if_sid of rule 100"));
}

TEST(AnalysisRuleSet, DuplicatesAndMissingOverwritesAreWarnings) {
  Loaded loaded = load(R"(<group name="x,">
    <rule id="100" level="3"><description>first</description></rule>
    <rule id="100" level="4"><description>second</description></rule>
    <rule id="200" level="4" overwrite="yes"><description>new</description></rule>
  </group>)");
  ASSERT_TRUE(loaded.set.ok());
  EXPECT_EQ(loaded.set->find(100)->description, "first");  // the later one is skipped (7612)
  EXPECT_TRUE(warned(loaded.warnings, "rules.xml:3: rule id 100 is duplicated"));
  EXPECT_NE(loaded.set->find(200), nullptr);  // loaded as a new rule (7613)
  EXPECT_TRUE(warned(loaded.warnings, "7613"));
}

TEST(AnalysisRuleSet, Errors) {
  EXPECT_EQ(load_error(R"(<group name="x,"><rule id="100" level="3"><bogus>1</bogus>
    <description>d</description></rule></group>)"),
            "rules.xml:1: bogus: invalid option 'bogus' for rule 100");
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3" colour="red"><description>d</description>
    </rule></group>)")
                .find("rules.xml:1: rule: invalid attribute 'colour'"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="17"><description>d</description></rule></group>)")
                .find("invalid level '17'"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="1234567" level="1"><description>d</description></rule></group>)")
                .find("invalid rule id"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100"><description>d</description></rule></group>)")
                .find("needs an id and a level"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3"><match>x</match></rule></group>)")
                .find("has no description"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3"><regex>(a</regex><description>d</description>
    </rule></group>)")
                .find("rules.xml:1: regex: syntax error in the regex of rule 100"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3"><category>nope</category>
    <description>d</description></rule></group>)")
                .find("invalid category"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3" frequency="5"><description>d</description>
    </rule></group>)")
                .find("without if_matched"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3"><same_srcip /><description>d</description>
    </rule></group>)")
                .find("without if_matched"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3" frequency="1"><if_matched_sid>1</if_matched_sid>
    <description>d</description></rule></group>)")
                .find("invalid frequency"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3"><options>no_thanks</options>
    <description>d</description></rule></group>)")
                .find("invalid value 'no_thanks'"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3"><field name="srcip">x</field>
    <description>d</description></rule></group>)")
                .find("is static"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3"><srcip>10.0.0.300</srcip>
    <description>d</description></rule></group>)")
                .find("invalid IP address"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3"><time>25 am</time>
    <description>d</description></rule></group>)")
                .find("invalid time"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3"/></group>)").find("has no options"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<rules><rule id="100" level="3"><description>d</description></rule></rules>)")
                .find("rules.xml:1: rules: invalid root element"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"></group>)").find("without any rule"), std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><decoder name="x"/></group>)").find("'decoder' is not a valid element"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3"><ignore>srcip,,id</ignore>
    <description>d</description></rule></group>)")
                .find("wrong ignore option"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3"><match>)" + std::string(2048, 'a') +
                       R"(</match><description>d</description></rule></group>)")
                .find("at most 2047"),
            std::string::npos);
  // Some option names are compared exactly, as in Wazuh.
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3"><if_matched_sid>1</if_matched_sid>
    <Same_ID /><description>d</description></rule></group>)")
                .find("invalid option 'Same_ID'"),
            std::string::npos);
}

TEST(AnalysisRuleSet, DecodedAsNeedsAKnownDecoder) {
  const auto decoders = [](std::string_view name) { return name == "sshd"; };
  Loaded known = load_files({{"t.xml", std::string(kTemplates)},
                             {"r.xml", R"(<group name="x,"><rule id="100" level="3"><decoded_as>sshd</decoded_as>
    <description>d</description></rule></group>)"}},
                            {}, decoders);
  ASSERT_TRUE(known.set.ok());
  EXPECT_EQ(known.set->find(100)->decoded_as, "sshd");
  Loaded unknown = load_files({{"t.xml", std::string(kTemplates)},
                               {"r.xml", R"(<group name="x,"><rule id="100" level="3"><decoded_as>ftpd</decoded_as>
    <description>d</description></rule></group>)"}},
                              {}, decoders);
  ASSERT_FALSE(unknown.set.ok());
  EXPECT_EQ(unknown.set.error().message, "r.xml:1: decoded_as: invalid decoder name 'ftpd'");
}

TEST(AnalysisRuleSet, RuleAttributes) {
  const RuleSet set = load_ok(R"(<group name="x,">
    <rule id="100" level="3"><description>p</description></rule>
    <rule id="101" level="10" frequency="8" timeframe="120" ignore="60" maxsize="123456" noalert="1">
      <if_matched_sid>100</if_matched_sid><same_source_ip /><description>d</description></rule>
  </group>)");
  const Rule& rule = *set.find(101);
  EXPECT_EQ(rule.frequency, 8);
  EXPECT_EQ(rule.timeframe, 120);
  EXPECT_EQ(rule.ignore_seconds, 60);
  EXPECT_EQ(rule.maxsize, 1234);  // Wazuh reads four digits
  EXPECT_TRUE(rule.noalert);
  EXPECT_EQ(rule.same_fields, bit(CorrelatedField::srcip));
  EXPECT_EQ(rule.search, CorrelationSearch::matched_sid);
  EXPECT_TRUE(rule.context);
  // if_matched_sid without if_sid makes the rule a child of its target.
  EXPECT_EQ(parents_of(set, 101), (std::vector<int>{100}));
  EXPECT_EQ(set.find(100)->timeframe, 360);  // the default
  EXPECT_EQ(set.find(100)->frequency, 2);
}

TEST(AnalysisRuleSet, PatternOptionsDefaultsNegateAndType) {
  const RuleSet set = load_ok(R"(<group name="x,"><rule id="100" level="3">
    <match>fail</match><match>ed</match>
    <regex type="pcre2">^\d+$</regex>
    <user negate="yes">root</user>
    <action>Block</action>
    <url type="osregex">^/a\d</url>
    <field name="audit.key" negate="yes">^x$</field>
    <srcip>10.0.0.0/8</srcip><srcip negate="yes">192.168.1.1</srcip>
    <status type="nonsense">ok</status>
    <description>d</description></rule></group>)");
  const Rule& rule = *set.find(100);
  ASSERT_TRUE(rule.match && rule.regex && rule.user && rule.action && rule.url && rule.status);
  EXPECT_TRUE(rule.match->test("login failed"));  // "fail" + "ed" concatenated
  EXPECT_FALSE(rule.match->test("fail"));
  EXPECT_EQ(rule.regex->pattern->type(), PatternType::pcre2);
  EXPECT_TRUE(rule.regex->test("123"));
  EXPECT_FALSE(rule.user->test("root"));
  EXPECT_TRUE(rule.user->test("bob"));
  EXPECT_TRUE(rule.action->test("Block"));  // an exact, case-sensitive comparison by default
  EXPECT_FALSE(rule.action->test("block"));
  EXPECT_FALSE(rule.action->test("Blocked"));
  EXPECT_TRUE(rule.url->test("/a1"));
  ASSERT_EQ(rule.fields.size(), 1u);
  EXPECT_EQ(rule.fields[0].name, "audit.key");
  EXPECT_FALSE(rule.fields[0].test.test("x"));
  // Both addresses, with the last element's negate.
  ASSERT_TRUE(rule.srcip);
  EXPECT_FALSE(rule.srcip->test("10.1.2.3"));
  EXPECT_TRUE(rule.srcip->test("172.16.0.1"));
  // An invalid type is a warning and keeps the default (osmatch here).
  EXPECT_EQ(rule.status->pattern->type(), PatternType::osmatch);
}

TEST(AnalysisRuleSet, OptionsMitreInfoIgnoreAndCorrelation) {
  Loaded loaded = load(R"(<group name="x,">
    <rule id="100" level="3"><description>p</description><group>authentication_failed,</group></rule>
    <rule id="101" level="12" timeframe="60">
      <if_matched_group>authentication_failed</if_matched_group>
      <same_user /><different_srcip /><same_field>audit.id</same_field><not_same_field>audit.pid</not_same_field>
      <global_frequency />
      <options>no_full_log</options><options>no_email_alert</options><options>alert_by_email</options>
      <options>no_log</options><options>no_counter</options>
      <mitre><id>T1110</id></mitre>
      <mitre><tacticID>TA0006</tacticID><techniqueID>T1110.001</techniqueID></mitre>
      <mitre><tacticID>TA0006</tacticID></mitre>
      <info type="link">https://example.org</info><info>more</info><cve>CVE-2020-1</cve>
      <ignore>srcip, id, audit.exe</ignore><check_if_ignored>user,location</check_if_ignored>
      <description>Line one
line two</description>
    </rule>
  </group>)");
  ASSERT_TRUE(loaded.set.ok()) << loaded.set.error().message;
  const Rule& rule = *loaded.set->find(101);
  EXPECT_EQ(rule.description, "Line one line two");
  EXPECT_TRUE(rule.no_full_log);
  EXPECT_TRUE(rule.no_counter);
  EXPECT_EQ(rule.mail_option, true);  // the last of the two wins
  EXPECT_EQ(rule.log_option, false);
  // Mixing formats: the old ids are dropped (a warning), the incomplete block is discarded.
  EXPECT_TRUE(rule.mitre_ids.empty());
  ASSERT_EQ(rule.mitre_techniques.size(), 1u);
  EXPECT_EQ(rule.mitre_techniques[0].technique_id, "T1110.001");
  EXPECT_TRUE(warned(loaded.warnings, "mixes the old and new mitre formats"));
  EXPECT_TRUE(warned(loaded.warnings, "techniqueID should be defined"));
  EXPECT_EQ(rule.info, "https://example.orgmore");  // concatenated, as Wazuh does
  EXPECT_EQ(rule.cve, "CVE-2020-1");
  ASSERT_EQ(rule.info_details.size(), 3u);
  EXPECT_EQ(rule.info_details[0].kind, RuleInfoDetail::Kind::link);
  EXPECT_EQ(rule.info_details[2].kind, RuleInfoDetail::Kind::cve);
  EXPECT_TRUE(rule.ignore.srcip && rule.ignore.id && !rule.ignore.user);
  EXPECT_EQ(rule.ignore.dynamic, (std::vector<std::string>{"audit.exe"}));
  EXPECT_TRUE(rule.check_if_ignored.user && rule.check_if_ignored.location);
  EXPECT_EQ(rule.same_fields, bit(CorrelatedField::user));
  EXPECT_EQ(rule.different_fields, bit(CorrelatedField::srcip));
  EXPECT_EQ(rule.same_dynamic, (std::vector<std::string>{"audit.id"}));
  EXPECT_EQ(rule.different_dynamic, (std::vector<std::string>{"audit.pid"}));
  EXPECT_TRUE(rule.global_frequency);
  EXPECT_EQ(rule.search, CorrelationSearch::matched_group);
  // if_matched_group without if_sid/if_group places the rule by that group.
  EXPECT_EQ(parents_of(*loaded.set, 101), (std::vector<int>{100}));
}

TEST(AnalysisRuleSet, RepeatedInfoIsConcatenated) {
  const RuleSet set = load_ok(R"(<group name="x,"><rule id="100" level="3"><info>a</info><info>b</info>
    <description>d</description></rule></group>)");
  EXPECT_EQ(set.find(100)->info, "ab");
}

TEST(AnalysisRuleSet, CorrelationLinks) {
  const RuleSet set = load_ok(R"(<group name="sshd,">
    <rule id="100" level="5"><description>failure</description><group>authentication_failed,</group></rule>
    <rule id="101" level="5"><description>other failure</description><group>authentication_failed,</group></rule>
    <rule id="110" level="10" frequency="4"><if_matched_sid>100</if_matched_sid><description>a</description></rule>
    <rule id="111" level="10" frequency="4"><if_matched_group>authentication_failed</if_matched_group>
      <description>b</description></rule>
    <rule id="112" level="10" frequency="4"><if_sid>100</if_sid><if_matched_regex>fail</if_matched_regex>
      <description>c</description></rule>
    <rule id="113" level="3"><if_sid>100</if_sid><check_diff /><description>d</description></rule>
  </group>)");
  const auto links = [&](int id) { return set.links(static_cast<std::size_t>(set.index_of(id))); };
  EXPECT_GE(links(100).sid_list, 0);
  EXPECT_EQ(links(110).search_list, links(100).sid_list);
  EXPECT_EQ(links(101).sid_list, -1);
  // Both failures feed 111's list; 111 went under both (if_group from if_matched_group).
  EXPECT_EQ(links(101).group_lists, (std::vector<int>{links(111).search_list}));
  EXPECT_EQ(links(100).group_lists, (std::vector<int>{links(111).search_list}));
  EXPECT_EQ(parents_of(set, 111), (std::vector<int>{100, 101}));
  EXPECT_EQ(set.find(112)->search, CorrelationSearch::last_events);
  EXPECT_EQ(set.find(113)->search, CorrelationSearch::none);  // check_diff keeps no search
  EXPECT_TRUE(set.searches_last_events());
  EXPECT_EQ(set.max_timeframe(), 360);
}

TEST(AnalysisRuleSet, ListsAreLookedUpByPath) {
  ListRegistry lists;
  auto list = CdbList::parse("10.0.0.1:bad\n", "lists/bad-ips");
  ASSERT_TRUE(list.ok());
  lists.add("etc/lists/bad-ips", std::make_shared<CdbList>(std::move(list).value()));
  const RuleSet set = load_ok(R"(<group name="x,">
    <rule id="100" level="3"><list field="srcip" lookup="address_match_key">etc/lists/bad-ips</list>
      <description>d</description></rule>
    <rule id="101" level="3"><list field=" audit.key  x" lookup="match_key_value" check_value="^bad">etc/lists/bad-ips.cdb</list>
      <description>d</description></rule>
  </group>)",
                              lists);
  ASSERT_EQ(set.find(100)->lists.size(), 1u);
  EXPECT_EQ(set.find(100)->lists[0].lookup, ListLookup::address_match_key);
  EXPECT_EQ(set.find(100)->lists[0].field, ListField::srcip);
  const ListTest& dynamic = set.find(101)->lists[0];
  EXPECT_EQ(dynamic.field, ListField::dynamic);
  EXPECT_EQ(dynamic.dynamic_name, "audit.key");  // Wazuh keeps the first word
  EXPECT_TRUE(dynamic.check_value);
  EXPECT_NE(dynamic.list, nullptr);
  // A list that is not loaded: Wazuh skips the rule with a warning (7616).
  Loaded missing = load(R"(<group name="x,"><rule id="100" level="3"><list field="srcip">etc/lists/none</list>
    <description>d</description></rule></group>)");
  ASSERT_TRUE(missing.set.ok());
  EXPECT_EQ(missing.set->find(100), nullptr);
  EXPECT_TRUE(warned(missing.warnings, "7616"));
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3"><list lookup="match_key">etc/lists/x</list>
    <description>d</description></rule></group>)")
                .find("needs a field"),
            std::string::npos);
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3"><list field="srcip" lookup="fuzzy">x</list>
    <description>d</description></rule></group>)")
                .find("lookup 'fuzzy' is not valid"),
            std::string::npos);
}

TEST(AnalysisRuleSet, CompiledRulesTimeAndDeprecatedOptions) {
  Loaded loaded = load(R"(<group name="x,"><rule id="100" level="3">
    <compiled_rule>is_simple_http_request</compiled_rule>
    <time>6 pm - 8:30 am</time><weekday>weekends</weekday>
    <if_fts /><description>d</description></rule>
    <rule id="101" level="3"><if_matched_sid>100</if_matched_sid><same_agent /><description>d</description></rule>
  </group>)");
  ASSERT_TRUE(loaded.set.ok()) << loaded.set.error().message;
  const Rule& rule = *loaded.set->find(100);
  EXPECT_EQ(rule.compiled, CompiledRule::simple_http_request);
  ASSERT_TRUE(rule.time && rule.weekday);
  EXPECT_TRUE(rule.time->matches(23, 0));
  EXPECT_FALSE(rule.time->matches(12, 0));
  EXPECT_TRUE(rule.weekday->matches(0));
  EXPECT_FALSE(rule.weekday->matches(3));
  EXPECT_TRUE(rule.if_fts);
  EXPECT_TRUE(warned(loaded.warnings, "deprecated option same_agent"));
  EXPECT_NE(load_error(R"(<group name="x,"><rule id="100" level="3"><compiled_rule>nope</compiled_rule>
    <description>d</description></rule></group>)")
                .find("compiled rule not found"),
            std::string::npos);
}

TEST(AnalysisRuleSet, SummariesListLoadedAndSkippedRules) {
  const RuleSet set = load_ok(R"(<group name="x,">
    <rule id="100" level="3"><description>kept</description><group>a,b,</group></rule>
    <rule id="101" level="3"><if_sid>999</if_sid><description>skipped</description></rule>
  </group>)");
  const auto& summaries = set.summaries();
  ASSERT_EQ(summaries.size(), 5u);
  EXPECT_EQ(summaries[3].id, 100);
  EXPECT_EQ(summaries[3].description, "kept");
  EXPECT_EQ(summaries[3].groups, (std::vector<std::string>{"x", "a", "b"}));
  EXPECT_EQ(summaries[3].file, "rules.xml");
  EXPECT_EQ(summaries[3].line, 2);
  EXPECT_EQ(to_string(summaries[3].status), "enabled");
  EXPECT_EQ(to_string(summaries[4].status), "skipped");
}

TEST(AnalysisRuleSet, TreeBounds) {
  // if_level makes every rule a child of every earlier one: the tree doubles with each rule.
  std::string rules = R"(<group name="x,">)";
  for (int i = 0; i < 40; ++i) {
    rules += R"(<rule id=")" + std::to_string(100 + i) +
             R"(" level="5"><if_level>1</if_level><description>d</description></rule>)";
  }
  rules += "</group>";
  EXPECT_NE(load_error(rules).find("the rule tree grows past"), std::string::npos);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(AnalysisRuleSetWazuh, LoadsTheWholeRuleset) {
  if (!std::filesystem::exists(kWazuh / "ruleset/rules")) GTEST_SKIP() << "no Wazuh source tree";
  std::vector<RulesetFile> files;
  for (const auto& entry : std::filesystem::directory_iterator(kWazuh / "ruleset/rules")) {
    if (entry.path().extension() == ".xml")
      files.push_back({entry.path().filename().string(), read_file(entry.path())});
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  ListRegistry lists;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kWazuh / "ruleset/lists")) {
    if (!entry.is_regular_file()) continue;
    auto list = CdbList::load(entry.path().string());
    ASSERT_TRUE(list.ok()) << list.error().message;
    const auto relative = std::filesystem::relative(entry.path(), kWazuh / "ruleset").string();
    lists.add("etc/" + relative, std::make_shared<CdbList>(std::move(list).value()));
  }
  LoadWarnings warnings;
  const auto start = std::chrono::steady_clock::now();
  auto set = RuleSet::load(
      files, [](std::string_view) { return true; }, lists, warnings);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(set.ok()) << set.error().message;
  for (const auto& warning : warnings) std::cout << "warning: " << warning << "\n";
  std::cout << files.size() << " files, " << set->size() << " rules, " << set->nodes().size() << " tree nodes, "
            << set->list_count() << " correlation lists, " << warnings.size() << " warnings, loaded in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms\n";
  EXPECT_TRUE(warnings.empty());
  EXPECT_GT(set->size(), 4400u);
  // Spot checks of the tree: sshd's authentication failure under the sshd decoder rule, the
  // brute-force correlation under it.
  ASSERT_NE(set->find(5716), nullptr);
  EXPECT_EQ(set->find(5716)->if_sid, (std::vector<int>{5700}));
  ASSERT_NE(set->find(5720), nullptr);
  EXPECT_EQ(set->find(5720)->search, CorrelationSearch::matched_sid);
  EXPECT_EQ(set->find(5720)->frequency, 8);

  // The cost of matching: an sshd failure through the whole ruleset (decoded by hand here).
  RuleEngine engine(*set);
  Event event;
  event.agent_id = "001";
  event.location = "(web1) 10.0.0.5->/var/log/auth.log";
  event.full_log = "Nov 15 12:00:00 web1 sshd[1234]: Failed password for root from 1.2.3.4 port 22 ssh2";
  event.set_log(event.full_log.find("Failed"), std::string::npos);
  event.program_name.assign("sshd");
  event.hostname.assign("web1");
  event.decoder_name = "sshd";
  event.set_static_field(StaticField::srcip, "1.2.3.4");
  event.set_static_field(StaticField::srcport, "22");
  event.set_static_field(StaticField::dstuser, "root");
  auto first = engine.evaluate(event, 1'700'000'000);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->rule_id, 5760);  // sshd: authentication failed (Wazuh's 5760 "Failed password")
  constexpr int kRounds = 20'000;
  const auto match_start = std::chrono::steady_clock::now();
  int alerts = 0;
  for (int i = 0; i < kRounds; ++i) alerts += engine.evaluate(event, 1'700'000'000 + i * 200).has_value();
  const auto per_event = (std::chrono::steady_clock::now() - match_start) / kRounds;
  std::cout << "sshd failure: rule " << first->rule_id << ", "
            << std::chrono::duration_cast<std::chrono::nanoseconds>(per_event).count()
            << " ns per event with its alert\n";
  EXPECT_EQ(alerts, kRounds);
}

}  // namespace
}  // namespace herald::analysis
