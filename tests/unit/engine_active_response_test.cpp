// Active response (engine/active_response*): which alerts match (Wazuh's rules_id / level /
// rules_group semantics), where the response goes, and the responder's orders, suppression and
// undo on a manual clock. The store append is the one thing substituted: a recorder stands in
// for CommandService::submit (the integration suite ActiveResponse runs the real one).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <mutex>
#include <thread>

#include "engine/active_response.h"

namespace herald::engine {
namespace {

namespace json = boost::json;

std::string alert_json(std::uint32_t rule_id, int level, const std::string& agent, const std::string& srcip,
                       const std::vector<std::string>& groups = {"sshd"}) {
  json::array group_array(groups.begin(), groups.end());
  return json::serialize(
      json::object{{"id", "1765100000." + std::to_string(rule_id)},
                   {"rule", {{"id", std::to_string(rule_id)}, {"level", level}, {"groups", group_array}}},
                   {"agent", {{"id", agent}, {"name", "web1"}}},
                   {"data", {{"srcip", srcip}, {"dstuser", "root"}}}});
}

analysis::AlertRecord record(std::uint32_t rule_id, int level, const std::string& agent, const std::string& srcip,
                             const std::vector<std::string>& groups = {"sshd"}) {
  return {"1765100000." + std::to_string(rule_id), level, rule_id, alert_json(rule_id, level, agent, srcip, groups)};
}

TEST(ActiveResponseRules, AlertFactsReadTheFieldsTheResponseNeeds) {
  auto facts = alert_facts(alert_json(200220, 10, "abc", "203.0.113.50", {"syslog", "sshd"}));
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->id, "1765100000.200220");
  EXPECT_EQ(facts->rule_id, 200220u);
  EXPECT_EQ(facts->level, 10);
  EXPECT_EQ(facts->groups, (std::vector<std::string>{"syslog", "sshd"}));
  EXPECT_EQ(facts->agent_id, "abc");
  EXPECT_EQ(facts->srcip, "203.0.113.50");
  EXPECT_EQ(facts->user, "root");
  auto srcuser = alert_facts(R"({"id":"1.2","rule":{"id":"5","level":3},"data":{"srcuser":"bob"}})");
  ASSERT_TRUE(srcuser);
  EXPECT_EQ(srcuser->user, "bob");
  EXPECT_FALSE(alert_facts("not json"));
  EXPECT_FALSE(alert_facts("[1]"));
}

TEST(ActiveResponseRules, MatchingFollowsAnalysisd) {
  AlertFacts alert;
  alert.rule_id = 200220;
  alert.level = 10;
  alert.groups = {"syslog", "sshd"};
  ActiveResponseRule by_id;
  by_id.rules_id = {5712, 200220};
  EXPECT_TRUE(response_matches(by_id, alert));
  by_id.rules_id = {5712};
  EXPECT_FALSE(response_matches(by_id, alert));

  ActiveResponseRule by_level;
  by_level.level = 10;
  EXPECT_TRUE(response_matches(by_level, alert));
  by_level.level = 11;
  EXPECT_FALSE(response_matches(by_level, alert));

  ActiveResponseRule by_group;
  by_group.rules_group = {"web", "sshd"};
  EXPECT_TRUE(response_matches(by_group, alert));
  by_group.rules_group = {"web"};
  EXPECT_FALSE(response_matches(by_group, alert));

  // Level and group together must both hold; a listed rule id fires regardless.
  ActiveResponseRule both;
  both.level = 10;
  both.rules_group = {"web"};
  EXPECT_FALSE(response_matches(both, alert));
  both.rules_group = {"sshd"};
  EXPECT_TRUE(response_matches(both, alert));
  both.level = 12;
  EXPECT_FALSE(response_matches(both, alert));
  both.rules_id = {200220};
  EXPECT_TRUE(response_matches(both, alert));
}

TEST(ActiveResponseRules, TargetsFollowTheLocation) {
  AlertFacts alert;
  alert.agent_id = "abc";
  ActiveResponseRule rule;
  auto targets = response_targets(rule, alert, {});
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].type, core::TargetType::agent);
  EXPECT_EQ(targets[0].id, "abc");
  alert.agent_id = "000";  // the manager's own alert runs on the server
  targets = response_targets(rule, alert, {});
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].type, core::TargetType::server);
  EXPECT_EQ(targets[0].id, kServerResponseModule);
  alert.agent_id.clear();
  EXPECT_TRUE(response_targets(rule, alert, {}).empty());

  rule.location = ResponseLocation::defined_agent;
  rule.agent_id = "007";
  targets = response_targets(rule, alert, {});
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].id, "007");
  rule.location = ResponseLocation::all;
  targets = response_targets(rule, alert, {"a", "b"});
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[1].id, "b");
  rule.location = ResponseLocation::server;
  EXPECT_EQ(response_targets(rule, alert, {"a"}).at(0).type, core::TargetType::server);
}

class Responder : public ::testing::Test {
 protected:
  void make(ActiveResponseRule rule) {
    ActiveResponseOptions options;
    options.rules = {std::move(rule)};
    options.undo_check_interval = std::chrono::milliseconds(0);
    responder_ = std::make_unique<ActiveResponder>(
        options, clock_,
        [this](const std::vector<core::Command>& commands) -> core::Result<SubmittedRequest> {
          std::lock_guard lock(mutex_);
          if (fail_) return core::Error{core::ErrorKind::invalid_argument, "no such agent"};
          SubmittedRequest request{++requests_, {}};
          for (std::size_t i = 0; i < commands.size(); ++i) {
            request.document_ids.push_back(std::to_string(request.request_id) + "-" + std::to_string(i + 1));
            submitted_.push_back(commands[i]);
          }
          return request;
        },
        [] {
          return std::vector<std::string>{"a1", "a2"};
        },
        metrics_,
        [this](std::string trace) {
          std::lock_guard lock(mutex_);
          traces_.push_back(json::parse(trace).as_object());
        });
  }
  // Waits (bounded) until the worker has run `tasks` tasks in all.
  void settle(std::uint64_t tasks) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (responder_->tasks_done() < tasks && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(responder_->tasks_done(), tasks);
  }
  std::vector<core::Command> submitted() {
    std::lock_guard lock(mutex_);
    return submitted_;
  }
  void set_failing(bool failing) {
    std::lock_guard lock(mutex_);
    fail_ = failing;
  }
  json::object args(const core::Command& command) { return json::parse(command.action.args_json).as_object(); }
  std::uint64_t metric(const std::string& name, const std::string& labels = "") {
    const auto text = metrics_.render();
    const auto line = name + labels + " ";
    const auto at = text.find("\n" + line);
    return at == std::string::npos ? 0 : std::stoull(text.substr(at + 1 + line.size()));
  }

  core::ManualClock clock_{1'765'100'000};
  core::MetricsRegistry metrics_;
  std::mutex mutex_;
  bool fail_ = false;
  std::int64_t requests_ = 0;
  std::vector<core::Command> submitted_;
  std::vector<json::object> traces_;
  std::unique_ptr<ActiveResponder> responder_;
};

TEST_F(Responder, AMatchingAlertBecomesAnEngineCommandWithTheAlertsFields) {
  ActiveResponseRule rule;
  rule.command = "firewall-drop";
  rule.rules_id = {200220};
  make(rule);
  responder_->on_alert(record(200201, 5, "agent-1", "203.0.113.50"));  // not this rule: not even queued
  responder_->on_alert(record(200220, 10, "agent-1", "203.0.113.50"));
  settle(1);
  auto commands = submitted();
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].source, "Engine");
  EXPECT_EQ(commands[0].target.type, core::TargetType::agent);
  EXPECT_EQ(commands[0].target.id, "agent-1");
  EXPECT_EQ(commands[0].action.name, "active-response");
  EXPECT_EQ(commands[0].timeout_seconds, 300);
  auto a = args(commands[0]);
  EXPECT_EQ(a.at("command"), "firewall-drop");
  EXPECT_EQ(a.at("mode"), "add");
  EXPECT_EQ(a.at("alert_id"), "1765100000.200220");
  EXPECT_EQ(a.at("rule_id"), "200220");
  EXPECT_EQ(a.at("srcip"), "203.0.113.50");
  EXPECT_EQ(a.at("user"), "root");
  EXPECT_EQ(a.at("alert").at("agent").at("id"), "agent-1");
  ASSERT_EQ(traces_.size(), 1u);
  EXPECT_EQ(traces_[0].at("alert_id"), "1765100000.200220");
  EXPECT_EQ(traces_[0].at("orders"), json::array{"1-1"});
  EXPECT_EQ(metric("herald_active_responses_total", "{mode=\"add\"}"), 1u);

  // Stateless (timeout 0): each alert gets its response, nothing is undone.
  responder_->on_alert(record(200220, 10, "agent-1", "203.0.113.50"));
  settle(2);
  clock_.advance(std::chrono::hours(1));
  responder_->check_undos();
  settle(3);
  EXPECT_EQ(submitted().size(), 2u);
}

TEST_F(Responder, AStatefulResponseIsSuppressedWhileActiveAndUndoneAtItsTimeout) {
  ActiveResponseRule rule;
  rule.command = "firewall-drop";
  rule.level = 10;
  rule.timeout_seconds = 600;
  make(rule);
  responder_->on_alert(record(200220, 10, "agent-1", "203.0.113.50"));
  responder_->on_alert(record(200220, 12, "agent-1", "203.0.113.50"));  // same key: suppressed
  responder_->on_alert(record(200220, 10, "agent-1", "198.51.100.7"));  // another source: its own
  settle(3);
  ASSERT_EQ(submitted().size(), 2u);
  EXPECT_EQ(metric("herald_active_responses_suppressed_total"), 1u);

  clock_.advance(std::chrono::seconds(599));
  responder_->check_undos();
  settle(4);
  EXPECT_EQ(submitted().size(), 2u) << "undone before its timeout";

  clock_.advance(std::chrono::seconds(1));
  responder_->check_undos();
  settle(5);
  auto commands = submitted();
  ASSERT_EQ(commands.size(), 4u);
  for (std::size_t i = 2; i < 4; ++i) {
    auto undo = args(commands[i]);
    EXPECT_EQ(undo.at("mode"), "delete");
    EXPECT_EQ(undo.at("command"), "firewall-drop");
    EXPECT_EQ(commands[i].target.id, "agent-1");
    EXPECT_FALSE(undo.contains("alert"));
  }
  // Each undo names the order it undoes.
  EXPECT_EQ(args(commands[2]).at("undoes").as_array().size(), 1u);
  EXPECT_NE(args(commands[2]).at("undoes"), args(commands[3]).at("undoes"));
  EXPECT_EQ(metric("herald_active_responses_total", "{mode=\"delete\"}"), 2u);

  // Once undone, the same key responds again.
  responder_->on_alert(record(200220, 10, "agent-1", "203.0.113.50"));
  settle(6);
  EXPECT_EQ(submitted().size(), 5u);
  EXPECT_EQ(args(submitted()[4]).at("mode"), "add");
}

TEST_F(Responder, AResponseThatCouldNotBeSubmittedIsCountedAndNeitherSuppressesNorUndoes) {
  ActiveResponseRule rule;
  rule.command = "firewall-drop";
  rule.level = 10;
  rule.timeout_seconds = 60;
  make(rule);
  set_failing(true);
  responder_->on_alert(record(200220, 10, "gone", "203.0.113.50"));
  settle(1);
  EXPECT_EQ(metric("herald_active_responses_failed_total"), 1u);
  set_failing(false);
  responder_->on_alert(record(200220, 10, "gone", "203.0.113.50"));
  settle(2);
  EXPECT_EQ(submitted().size(), 1u);
  EXPECT_EQ(metric("herald_active_responses_suppressed_total"), 0u);
}

TEST_F(Responder, LocationAllSendsOneCommandPerAgentAndGroupRulesReadTheAlertsGroups) {
  ActiveResponseRule rule;
  rule.command = "host-deny";
  rule.location = ResponseLocation::all;
  rule.rules_group = {"authentication_failed"};
  make(rule);
  responder_->on_alert(record(200201, 5, "agent-1", "203.0.113.50", {"sshd"}));
  responder_->on_alert(record(200201, 5, "agent-1", "203.0.113.50", {"sshd", "authentication_failed"}));
  settle(2);
  auto commands = submitted();
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0].target.id, "a1");
  EXPECT_EQ(commands[1].target.id, "a2");
}

}  // namespace
}  // namespace herald::engine
