// Correlation: frequency/timeframe over if_matched_sid, if_matched_group and if_matched_regex,
// same_* / different_* (static and dynamic fields), agents and global_frequency, re-arming after
// a firing, previous_output, and the memory bounds.
#include <gtest/gtest.h>

#include "analysis/rule_engine.h"
#include "unit/analysis_rule_test_support.h"

namespace herald::analysis {
namespace {

using testing::event_from;
using testing::rules_from;

constexpr std::int64_t kStart = 1'700'000'000;

// sshd-like: 100 is one failure, 110 fires on 8 failures from one address within 120 s.
constexpr std::string_view kBruteForce = R"(<group name="sshd,">
  <rule id="100" level="5"><match>Failed</match><description>failure</description>
    <group>authentication_failed,</group></rule>
  <rule id="110" level="10" frequency="8" timeframe="120">
    <if_matched_sid>100</if_matched_sid><same_srcip /><description>brute force from $(srcip)</description></rule>
</group>)";

Event failure(std::string_view srcip, std::string_view agent = "001", int n = 0) {
  Event event = event_from("Failed password #" + std::to_string(n), "sshd", agent);
  event.set_static_field(StaticField::srcip, srcip);
  return event;
}

int fired(RuleEngine& engine, const Event& event, std::int64_t now) {
  auto alert = engine.evaluate(event, now);
  return alert ? alert->rule_id : 0;
}

TEST(AnalysisCorrelation, EightInTheTimeframeFiresOnTheEighth) {
  const RuleSet set = rules_from(kBruteForce);
  RuleEngine engine(set);
  for (int i = 1; i <= 7; ++i) EXPECT_EQ(fired(engine, failure("10.0.0.1", "001", i), kStart + i), 100) << i;
  auto eighth = engine.evaluate(failure("10.0.0.1", "001", 8), kStart + 8);
  ASSERT_TRUE(eighth);
  EXPECT_EQ(eighth->rule_id, 110);
  EXPECT_EQ(eighth->description, "brute force from 10.0.0.1");
  EXPECT_EQ(eighth->frequency, 8);
  // The seven earlier logs, newest first.
  ASSERT_EQ(eighth->previous_output.size(), 7u);
  EXPECT_EQ(eighth->previous_output.front(), "Failed password #7");
  EXPECT_EQ(eighth->previous_output.back(), "Failed password #1");
}

TEST(AnalysisCorrelation, OtherAddressesDoNotCount) {
  const RuleSet set = rules_from(kBruteForce);
  RuleEngine engine(set);
  for (int i = 1; i <= 6; ++i) EXPECT_EQ(fired(engine, failure("10.0.0.1", "001", i), kStart + i), 100);
  EXPECT_EQ(fired(engine, failure("10.0.0.2"), kStart + 7), 100);
  EXPECT_EQ(fired(engine, failure("10.0.0.1"), kStart + 8), 100);  // only 6 earlier ones from .1
  EXPECT_EQ(fired(engine, failure("10.0.0.1"), kStart + 9), 110);
}

TEST(AnalysisCorrelation, OtherAgentsDoNotCountUnlessGlobal) {
  const RuleSet set = rules_from(kBruteForce);
  RuleEngine engine(set);
  for (int i = 1; i <= 7; ++i) fired(engine, failure("10.0.0.1", i % 2 ? "001" : "002"), kStart + i);
  EXPECT_EQ(fired(engine, failure("10.0.0.1", "001"), kStart + 8), 100);

  const RuleSet global = rules_from(R"(<group name="sshd,">
    <rule id="100" level="5"><match>Failed</match><description>failure</description></rule>
    <rule id="110" level="10" frequency="4" timeframe="120">
      <if_matched_sid>100</if_matched_sid><global_frequency /><description>everywhere</description></rule>
  </group>)");
  RuleEngine everywhere(global);
  fired(everywhere, failure("1.1.1.1", "001"), kStart);
  fired(everywhere, failure("2.2.2.2", "002"), kStart + 1);
  fired(everywhere, failure("3.3.3.3", "003"), kStart + 2);
  EXPECT_EQ(fired(everywhere, failure("4.4.4.4", "004"), kStart + 3), 110);
}

TEST(AnalysisCorrelation, EventsOutsideTheTimeframeDoNotCount) {
  const RuleSet set = rules_from(kBruteForce);
  RuleEngine engine(set);
  fired(engine, failure("10.0.0.1"), kStart);  // 121 s before the last one
  for (int i = 1; i <= 6; ++i) fired(engine, failure("10.0.0.1"), kStart + 100 + i);
  EXPECT_EQ(fired(engine, failure("10.0.0.1"), kStart + 121), 100);
  // Exactly the timeframe old still counts.
  RuleEngine edge(set);
  fired(edge, failure("10.0.0.1"), kStart);
  for (int i = 1; i <= 6; ++i) fired(edge, failure("10.0.0.1"), kStart + 100 + i);
  EXPECT_EQ(fired(edge, failure("10.0.0.1"), kStart + 120), 110);
}

TEST(AnalysisCorrelation, AFiringNeedsAFreshRunToFireAgain) {
  const RuleSet set = rules_from(kBruteForce);
  RuleEngine engine(set);
  int now = 0;
  for (int i = 1; i <= 7; ++i) fired(engine, failure("10.0.0.1"), kStart + ++now);
  EXPECT_EQ(fired(engine, failure("10.0.0.1"), kStart + ++now), 110);
  // The firing marked the newest failure it used: the search stops there until seven new
  // failures were seen (Wazuh's `matched`).
  for (int i = 1; i <= 7; ++i) EXPECT_EQ(fired(engine, failure("10.0.0.1"), kStart + ++now), 100) << i;
  EXPECT_EQ(fired(engine, failure("10.0.0.1"), kStart + ++now), 110);
}

TEST(AnalysisCorrelation, DifferentFields) {
  const RuleSet set = rules_from(R"(<group name="sshd,">
    <rule id="100" level="5"><match>Failed</match><description>failure</description></rule>
    <rule id="110" level="10" frequency="3" timeframe="60">
      <if_matched_sid>100</if_matched_sid><same_srcip /><different_user /><description>spraying</description></rule>
  </group>)");
  RuleEngine engine(set);
  auto attempt = [](std::string_view user) {
    Event event = failure("10.0.0.9");
    event.set_static_field(StaticField::dstuser, user);
    return event;
  };
  EXPECT_EQ(fired(engine, attempt("alice"), kStart), 100);
  EXPECT_EQ(fired(engine, attempt("alice"), kStart + 1), 100);
  EXPECT_EQ(fired(engine, attempt("alice"), kStart + 2), 100);  // same user: none counts
  EXPECT_EQ(fired(engine, attempt("bob"), kStart + 3), 110);    // alice events differ from bob
}

TEST(AnalysisCorrelation, SameFieldNeedsTheValueInBothEvents) {
  const RuleSet set = rules_from(R"(<group name="audit,">
    <rule id="100" level="3"><match>exec</match><description>exec</description></rule>
    <rule id="110" level="9" frequency="3" timeframe="60">
      <if_matched_sid>100</if_matched_sid><same_field>audit.exe</same_field><not_same_field>audit.pid</not_same_field>
      <description>same program, new processes</description></rule>
  </group>)");
  RuleEngine engine(set);
  auto exec = [](std::string_view exe, std::string_view pid) {
    Event event = event_from("exec");
    event.append_field("audit.exe", exe);
    event.append_field("audit.pid", pid);
    return event;
  };
  EXPECT_EQ(fired(engine, exec("/bin/sh", "1"), kStart), 100);
  EXPECT_EQ(fired(engine, exec("/bin/ls", "2"), kStart + 1), 100);
  EXPECT_EQ(fired(engine, exec("/bin/sh", "1"), kStart + 2), 100);  // pid 1 again: not new
  EXPECT_EQ(fired(engine, exec("/bin/sh", "3"), kStart + 3), 110);  // pids 1 and 1 before: both count
}

TEST(AnalysisCorrelation, IfMatchedGroupCountsEveryRuleOfTheGroup) {
  const RuleSet set = rules_from(R"(<group name="auth,">
    <rule id="100" level="5"><match>ssh fail</match><description>a</description><group>authentication_failed,</group></rule>
    <rule id="101" level="5"><match>ftp fail</match><description>b</description><group>authentication_failed,</group></rule>
    <rule id="102" level="5"><match>other</match><description>c</description></rule>
    <rule id="110" level="10" frequency="3" timeframe="60">
      <if_matched_group>authentication_failed</if_matched_group><description>many failures</description></rule>
  </group>)");
  RuleEngine engine(set);
  EXPECT_EQ(fired(engine, event_from("ssh fail"), kStart), 100);
  EXPECT_EQ(fired(engine, event_from("other"), kStart + 1), 102);
  EXPECT_EQ(fired(engine, event_from("ftp fail"), kStart + 2), 101);
  EXPECT_EQ(fired(engine, event_from("ssh fail"), kStart + 3), 110);
}

TEST(AnalysisCorrelation, IfMatchedRegexSearchesEveryAlertedEventOfTheCategory) {
  const RuleSet set = rules_from(R"(<group name="web,">
    <rule id="100" level="3"><match>GET</match><description>request</description></rule>
    <rule id="110" level="8" frequency="3" timeframe="60">
      <if_sid>100</if_sid><if_matched_regex>admin\d</if_matched_regex><match>admin</match>
      <description>admin probing</description></rule>
  </group>)");
  RuleEngine engine(set);
  EXPECT_EQ(fired(engine, event_from("GET /admin1"), kStart), 100);
  EXPECT_EQ(fired(engine, event_from("GET /index"), kStart + 1), 100);
  EXPECT_EQ(fired(engine, event_from("GET /admin2"), kStart + 2), 100);
  auto alert = engine.evaluate(event_from("GET /admin"), kStart + 3);
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->rule_id, 110);
  // Search_LastEvents records only the events counted before the last one.
  EXPECT_EQ(alert->previous_output, (std::vector<std::string>{"GET /admin2"}));
}

TEST(AnalysisCorrelation, LevelZeroTargetsAreNeverStored) {
  const RuleSet set = rules_from(R"(<group name="x,">
    <rule id="100" level="0"><match>noise</match><description>noise</description></rule>
    <rule id="110" level="10" frequency="2"><if_matched_sid>100</if_matched_sid><description>x</description></rule>
  </group>)");
  RuleEngine engine(set);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(fired(engine, event_from("noise"), kStart + i), 0);
  EXPECT_EQ(engine.correlation().stored_events(), 0u);
}

TEST(AnalysisCorrelation, MemoryIsBounded) {
  const RuleSet set = rules_from(kBruteForce);
  RuleEngineOptions options;
  options.correlation.max_events = 5;
  RuleEngine engine(set, options);
  for (int i = 1; i <= 20; ++i) EXPECT_EQ(fired(engine, failure("10.0.0.1"), kStart + i), 100);
  EXPECT_EQ(engine.correlation().stored_events(), 5u);

  RuleEngineOptions bytes;
  bytes.correlation.max_bytes = 4096;
  RuleEngine small(set, bytes);
  for (int i = 1; i <= 50; ++i) fired(small, failure("10.0.0.1"), kStart + i);
  EXPECT_LE(small.correlation().stored_bytes(), 4096u);
  EXPECT_GT(small.correlation().stored_events(), 0u);

  // Events older than the longest timeframe are let go.
  RuleEngine aging(set);
  for (int i = 1; i <= 5; ++i) fired(aging, failure("10.0.0.1"), kStart + i);
  fired(aging, failure("10.0.0.1"), kStart + 1000);
  EXPECT_EQ(aging.correlation().stored_events(), 1u);
}

TEST(AnalysisCorrelation, OnlyEventsSomeRuleReadsAreStored) {
  const RuleSet set = rules_from(R"(<group name="x,">
    <rule id="100" level="5"><match>a</match><description>a</description></rule>
    <rule id="101" level="5"><match>b</match><description>b</description></rule>
    <rule id="110" level="10" frequency="2"><if_matched_sid>100</if_matched_sid><description>x</description></rule>
  </group>)");
  RuleEngine engine(set);
  fired(engine, event_from("b"), kStart);
  EXPECT_EQ(engine.correlation().stored_events(), 0u);
  fired(engine, event_from("a"), kStart);
  EXPECT_EQ(engine.correlation().stored_events(), 1u);
}

}  // namespace
}  // namespace herald::analysis
