// Active response through orders (issue 17 §1): a brute-force attempt sent by a simulated agent
// over the real Comms API fires the rule, whose configured response becomes an Engine order that
// the agent long-polls, runs and reports; GET /orders shows it and its result; a repeat while it
// is active is suppressed; a stateful response's undo order arrives after its timeout; a 4.x
// agent gets the response as "#!-execd" JSON. The trace (alert id -> order ids) is on NATS.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "auth/secrets.h"
#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/http_client.h"
#include "support/legacy_agent.h"
#include "support/nats_server.h"
#include "support/nats_watcher.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;

std::string failed_password(int port, const std::string& ip = "203.0.113.50") {
  return "Dec  7 10:00:00 web1 sshd[4100]: Failed password for root from " + ip + " port " + std::to_string(port) +
         " ssh2";
}

// Eight failures from one source: the eighth fires the brute-force rule 200220.
std::vector<std::string> brute_force(int first_port, const std::string& ip = "203.0.113.50") {
  std::vector<std::string> logs;
  for (int i = 0; i < 8; ++i) logs.push_back(failed_password(first_port + i, ip));
  return logs;
}

class ActiveResponse : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsServer::installed()) GTEST_SKIP() << "nats-server is not installed (scripts/deps.sh installs it)";
    nats_.start();
    watcher_ = std::make_unique<NatsWatcher>(nats_.url(), "wazuh.alerts.responses");
    server_.set_comms_options("commands_poll_timeout: 10s");
    server_.set_config_yaml("nats: {enabled: yes, url: \"" + nats_.url() +
                            "\"}\nanalysis: {herald_events: false}\n"
                            "active_response:\n  - {command: firewall-drop, location: local, rules_id: [200220], "
                            "timeout: " +
                            timeout() + "}\n");
    server_.start();
    admin_ = std::make_unique<HttpClient>(server_.admin_client());
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "heraldd output:\n" << server_.output() << std::endl;
  }
  virtual std::string timeout() { return "1h"; }

  std::unique_ptr<TestAgent> new_agent(const std::string& name) {
    return enrolled_agent(*admin_, server_.comms_url(), name);
  }
  // The commands of one long poll (bounded by commands_poll_timeout).
  json::array poll_commands(TestAgent& agent) {
    auto poll = agent.poll();
    if (poll.status != 200u) return {};
    return json::parse(poll.body).at("commands").as_array();
  }
  json::array engine_orders() {
    return json::parse(admin_->get("/orders?source=Engine&sort=%2Bid").body).at("data").at("affected_items").as_array();
  }
  json::object order(const std::string& id) {
    return json::parse(admin_->get("/orders/" + id).body).at("data").at("affected_items").as_array()[0].as_object();
  }
  double metric(const std::string& sample) { return metric_value(server_.management_url(), sample); }

  NatsServer nats_;
  std::unique_ptr<NatsWatcher> watcher_;
  HeralddProcess server_;
  std::unique_ptr<HttpClient> admin_;
};

TEST_F(ActiveResponse, ABruteForceBecomesAFirewallDropOrderThatTheAgentRunsAndReports) {
  auto agent = new_agent("web1");
  ASSERT_EQ(agent->send_stateless(logcollector_body(*agent, brute_force(40000))).status, 204u);

  auto commands = poll_commands(*agent);
  ASSERT_EQ(commands.size(), 1u) << server_.output();
  const auto& command = commands[0].as_object();
  EXPECT_EQ(command.at("source"), "Engine");
  EXPECT_EQ(command.at("action").at("name"), "active-response");
  const auto& args = command.at("action").at("args").as_object();
  EXPECT_EQ(args.at("command"), "firewall-drop");
  EXPECT_EQ(args.at("mode"), "add");
  EXPECT_EQ(args.at("srcip"), "203.0.113.50");
  EXPECT_EQ(args.at("user"), "root");
  EXPECT_EQ(args.at("rule_id"), "200220");
  EXPECT_EQ(args.at("alert").at("rule").at("id"), "200220");
  const std::string alert_id(args.at("alert_id").as_string());
  EXPECT_EQ(args.at("alert").at("id").as_string(), alert_id);
  const std::string document_id(command.at("document_id").as_string());
  ASSERT_EQ(agent->report_result(document_id, 0, "203.0.113.50 dropped").status / 100, 2u);

  // GET /orders answers which alert the order answered and what came of it.
  ASSERT_TRUE(eventually([&] { return order(document_id).at("command").at("status") == "success"; }));
  const auto stored = order(document_id);
  EXPECT_EQ(stored.at("command").at("action").at("args").at("alert_id").as_string(), alert_id);
  EXPECT_EQ(stored.at("command").at("result").at("message"), "203.0.113.50 dropped");
  EXPECT_EQ(stored.at("agent").at("id").as_string(), agent->id());

  // The trace on NATS: the alert and the orders that answered it.
  auto trace = watcher_->wait_for("wazuh.alerts.responses");
  ASSERT_TRUE(trace);
  const auto record = json::parse(trace->payload).as_object();
  EXPECT_EQ(record.at("alert_id").as_string(), alert_id);
  EXPECT_EQ(record.at("orders"), json::array{json::value(document_id)});
  EXPECT_EQ(record.at("mode"), "add");
  EXPECT_EQ(metric("herald_active_responses_total{mode=\"add\"}"), 1.0);
}

TEST_F(ActiveResponse, ARepeatWhileTheResponseIsActiveIsSuppressed) {
  auto agent = new_agent("web2");
  ASSERT_EQ(agent->send_stateless(logcollector_body(*agent, brute_force(41000))).status, 204u);
  ASSERT_EQ(poll_commands(*agent).size(), 1u);
  // The same source brute-forces again: the rule fires again, the ban is still active.
  ASSERT_EQ(agent->send_stateless(logcollector_body(*agent, brute_force(41100))).status, 204u);
  ASSERT_TRUE(eventually([&] { return metric("herald_active_responses_suppressed_total") == 1.0; }));
  // Another source is a response of its own.
  ASSERT_EQ(agent->send_stateless(logcollector_body(*agent, brute_force(41200, "198.51.100.7"))).status, 204u);
  auto commands = poll_commands(*agent);
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].at("action").at("args").at("srcip"), "198.51.100.7");
  EXPECT_EQ(engine_orders().size(), 2u);
  EXPECT_EQ(metric("herald_active_responses_suppressed_total"), 1.0);
}

class ActiveResponseUndo : public ActiveResponse {
 protected:
  std::string timeout() override { return "2s"; }
};

TEST_F(ActiveResponseUndo, TheUndoOrderArrivesAfterTheTimeout) {
  auto agent = new_agent("web3");
  ASSERT_EQ(agent->send_stateless(logcollector_body(*agent, brute_force(42000))).status, 204u);
  auto added = poll_commands(*agent);
  ASSERT_EQ(added.size(), 1u);
  const auto added_at = std::chrono::steady_clock::now();
  const std::string add_id(added[0].at("document_id").as_string());
  ASSERT_EQ(agent->report_result(add_id, 0, "dropped").status / 100, 2u);

  auto undone = poll_commands(*agent);  // parks until the undo order comes (bounded: 10 s)
  ASSERT_EQ(undone.size(), 1u);
  const auto waited = std::chrono::steady_clock::now() - added_at;
  // The timeout counts in whole seconds from the alert, which came before the first poll's reply.
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::seconds(8));
  const auto& args = undone[0].at("action").at("args").as_object();
  EXPECT_EQ(args.at("command"), "firewall-drop");
  EXPECT_EQ(args.at("mode"), "delete");
  EXPECT_EQ(args.at("srcip"), "203.0.113.50");
  EXPECT_EQ(args.at("undoes"), json::array{json::value(add_id)});
  const std::string undo_id(undone[0].at("document_id").as_string());
  ASSERT_EQ(agent->report_result(undo_id, 0, "203.0.113.50 allowed again").status / 100, 2u);
  ASSERT_TRUE(eventually([&] { return order(undo_id).at("command").at("status") == "success"; }));
  EXPECT_EQ(metric("herald_active_responses_total{mode=\"delete\"}"), 1.0);

  // Once undone, a new brute force is banned again.
  ASSERT_EQ(agent->send_stateless(logcollector_body(*agent, brute_force(42100))).status, 204u);
  auto again = poll_commands(*agent);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].at("action").at("args").at("mode"), "add");
}

TEST_F(ActiveResponseUndo, A4xAgentGetsTheResponseAsExecdJsonAndUndoesItItself) {
  auto agent = std::make_unique<LegacyAgent>(legacy_enroll(server_.enrollment_address(), "legacy1"));
  agent->connect(server_.remote_address());
  ASSERT_TRUE(agent->start_up());
  for (const auto& log : brute_force(43000)) ASSERT_TRUE(agent->send("1:/var/log/auth.log:" + log));
  auto execd = agent->receive_starting("#!-execd ");
  ASSERT_TRUE(execd) << server_.output();
  auto payload = json::parse(execd->substr(std::string("#!-execd ").size()));
  EXPECT_EQ(payload.at("version").as_int64(), 1);
  EXPECT_EQ(payload.at("command"), "firewall-drop2");  // the name with its timeout, as analysisd sends it
  EXPECT_EQ(payload.at("parameters").at("alert").at("data").at("srcip"), "203.0.113.50");
  EXPECT_EQ(payload.at("parameters").at("alert").at("agent").at("id").as_string(), agent->key().id);

  ASSERT_TRUE(eventually([&] {
    auto orders = engine_orders();
    return orders.size() == 2u && orders[1].at("command").at("status") == "failure";
  }));
  auto orders = engine_orders();
  EXPECT_EQ(orders[0].at("command").at("status"), "success");
  EXPECT_EQ(orders[0].at("command").at("action").at("args").at("mode"), "add");
  // The undo is not sent (execd would run it as another add); its order says why.
  EXPECT_EQ(orders[1].at("command").at("action").at("args").at("mode"), "delete");
  EXPECT_NE(std::string(orders[1].at("command").at("result").at("message").as_string()).find("undoes"),
            std::string::npos);
}

}  // namespace
}  // namespace herald::test
