// The "output" of a logtest answer, built from an Analyzer trace with Herald's default ruleset:
// an alert, a rule of level 0 (shown with "level": 0), no rule at all (no "rule"), the UTC
// timestamp of Wazuh's API.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>

#include "analysis/analyzer.h"
#include "analysis/logtest_output.h"
#include "analysis/ruleset.h"

namespace herald::analysis {
namespace {

namespace json = boost::json;
constexpr std::int64_t kNow = 1'765'534'530;  // 2025-12-12 10:15:30 UTC

std::shared_ptr<const Ruleset> default_ruleset() {
  static const std::shared_ptr<const Ruleset> ruleset = [] {
    RulesetSources sources;
    EXPECT_TRUE(add_directory(sources, (std::filesystem::path(HERALD_SOURCE_DIR) / "ruleset").string(), {}));
    LoadWarnings warnings;
    auto loaded = Ruleset::load(sources, warnings);
    EXPECT_TRUE(loaded);
    return loaded ? *loaded : nullptr;
  }();
  return ruleset;
}

struct Traced {
  json::object output;
  bool alert = false;
};

Traced run(Analyzer& analyzer, const std::string& event, const std::string& location = "/var/log/auth.log") {
  const std::string request =
      json::serialize(json::object{{"event", event}, {"log_format", "syslog"}, {"location", location}});
  auto trace = analyzer.trace_logtest(request, kNow);
  EXPECT_TRUE(trace);
  if (!trace) return {};
  EXPECT_TRUE(trace->predecoded);
  AlertJsonOptions options;
  options.manager_name = "manager-1";
  return {logtest_output(*trace, options, kNow, 7), trace->alert_raised};
}

TEST(AnalysisLogtestOutput, TimestampIsUtcWithMicroseconds) {
  EXPECT_EQ(logtest_timestamp(kNow, 391), "2025-12-12T10:15:30.391000Z");
  EXPECT_EQ(logtest_timestamp(0, 0), "1970-01-01T00:00:00.000000Z");
}

TEST(AnalysisLogtestOutput, AnAlertIsTheAlertJsonOfTheEvent) {
  Analyzer analyzer(default_ruleset(), AnalyzerOptions{"manager-1", 3});
  const std::string line =
      "Dec 12 10:15:30 srv01 sshd[2231]: Failed password for root from 203.0.113.7 port 52144 ssh2";
  auto traced = run(analyzer, line);
  EXPECT_TRUE(traced.alert);
  const auto& output = traced.output;
  EXPECT_EQ(output.at("timestamp").as_string(), "2025-12-12T10:15:30.000000Z");
  EXPECT_EQ(output.at("rule").at("id").as_string(), "200201");
  EXPECT_EQ(output.at("rule").at("level").as_int64(), 5);
  EXPECT_EQ(output.at("rule").at("firedtimes").as_int64(), 1);
  EXPECT_EQ(output.at("agent").at("id").as_string(), "000");
  EXPECT_EQ(output.at("agent").at("name").as_string(), "manager-1");
  EXPECT_EQ(output.at("manager").at("name").as_string(), "manager-1");
  EXPECT_EQ(output.at("id").as_string(), std::to_string(kNow) + ".7");
  EXPECT_EQ(output.at("full_log").as_string(), line);
  EXPECT_EQ(output.at("predecoder").at("hostname").as_string(), "srv01");
  EXPECT_EQ(output.at("decoder").at("name").as_string(), "herald-sshd");
  EXPECT_EQ(output.at("data").at("srcip").as_string(), "203.0.113.7");
  EXPECT_EQ(output.at("location").as_string(), "/var/log/auth.log");
}

TEST(AnalysisLogtestOutput, ARuleOfLevelZeroIsShownWithItsLevel) {
  Analyzer analyzer(default_ruleset(), AnalyzerOptions{"manager-1", 3});
  auto traced = run(analyzer, "Dec 12 09:00:00 srv01 sshd[812]: Server listening on 0.0.0.0 port 22.");
  EXPECT_FALSE(traced.alert);
  const auto& rule = traced.output.at("rule").as_object();
  EXPECT_EQ(rule.at("id").as_string(), "200216");
  EXPECT_EQ(rule.at("level").as_int64(), 0);
  EXPECT_EQ(rule.at("description").as_string(), "sshd: server listening.");
  EXPECT_EQ(rule.at("firedtimes").as_int64(), 1);
  EXPECT_EQ(rule.at("mail"), json::value(false));
  EXPECT_FALSE(rule.at("groups").as_array().empty());
  EXPECT_EQ(traced.output.at("decoder").at("name").as_string(), "herald-sshd");
  // Its counter counts on.
  EXPECT_EQ(run(analyzer, "Dec 12 09:00:01 srv01 sshd[812]: Server listening on :: port 22.")
                .output.at("rule")
                .at("firedtimes")
                .as_int64(),
            2);
}

TEST(AnalysisLogtestOutput, AnAlertBelowTheAlertLevelIsNotAnAlert) {
  Analyzer analyzer(default_ruleset(), AnalyzerOptions{"manager-1", 7});
  auto traced =
      run(analyzer, "Dec 12 10:15:30 srv01 sshd[2231]: Failed password for root from 203.0.113.7 port 52144 ssh2");
  EXPECT_FALSE(traced.alert);
  EXPECT_EQ(traced.output.at("rule").at("level").as_int64(), 5);
}

TEST(AnalysisLogtestOutput, NoRuleMeansNoRuleObject) {
  Analyzer analyzer(default_ruleset(), AnalyzerOptions{"manager-1", 3});
  // The default ruleset decodes any JSON object and has no rule for one.
  const std::string event = R"({"level":"error","service":"billing"})";
  auto traced = run(analyzer, event, "/var/log/app/events.json");
  EXPECT_FALSE(traced.alert);
  const auto& output = traced.output;
  EXPECT_FALSE(output.contains("rule")) << json::serialize(output);
  EXPECT_EQ(output.at("decoder").at("name").as_string(), "herald-json");
  EXPECT_EQ(output.at("data").at("service").as_string(), "billing");
  EXPECT_EQ(output.at("full_log").as_string(), event);
  EXPECT_EQ(output.at("location").as_string(), "/var/log/app/events.json");
  EXPECT_EQ(output.at("timestamp").as_string(), "2025-12-12T10:15:30.000000Z");
}

}  // namespace
}  // namespace herald::analysis
