// Alert integrations in heraldd (issue 17 part 2): alerts raised by events an HTTP agent sends
// reach a loopback receiver as Wazuh's integratord would send them to Slack, PagerDuty and a
// webhook (POST to the configured URL's path, application/json, the exact body); a receiver that
// goes away and comes back loses nothing; a filter keeps an alert out; secrets are not logged.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "auth/secrets.h"
#include "engine/integration_payloads.h"
#include "support/agents.h"
#include "support/bulk_receiver.h"
#include "support/heraldd_process.h"
#include "support/http_client.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;

constexpr const char* kSlackPath = "/services/T0001/B0001/slackSECRETpath";
constexpr const char* kPagerDutyKey = "pdROUTINGkeySECRET";
constexpr const char* kWebhookPath = "/hook?token=webhookSECRET";
constexpr const char* kTemplate =
    R"T({"rule":"$(rule.id)","what":"$(rule.description)","agent":"$(agent.name)","log":"$(full_log)"})T";

std::string failed_logins_body(const TestAgent& agent, const std::vector<int>& ports) {
  std::vector<std::string> logs;
  for (int port : ports) {
    logs.push_back("Dec  8 00:10:00 web1 sshd[4100]: Failed password for root from 203.0.113.50 port " +
                   std::to_string(port) + " ssh2");
  }
  return logcollector_body(agent, logs);
}

class Integrations : public ::testing::Test {
 protected:
  void SetUp() override {
    if (answer_hooks()) receiver_.accept_hooks();
    receiver_.start();
    server_.set_config_yaml("analysis: {herald_events: false}\nalerts:\n  integrations:\n" + integrations_yaml());
    server_.start();
    admin_ = std::make_unique<HttpClient>(server_.admin_client());
    auto key = auth::random_alnum(32);
    auto id = random_uuid_v4();
    EXPECT_EQ(admin_->post("/agents", enrollment_body(id, "web1", key)).status, 201u);
    agent_ = std::make_unique<TestAgent>(server_.comms_url(), id, key, "web1");
    EXPECT_EQ(agent_->authenticate().status, 200u);
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "heraldd output:\n" << server_.output() << std::endl;
  }
  virtual bool answer_hooks() { return true; }
  virtual std::string integrations_yaml() {
    const std::string base = receiver_.url();
    return "    - {name: slack, hook_url: \"" + base + kSlackPath + "\", level: 5}\n" +
           "    - {name: pagerduty, url: \"" + base + "/v2/enqueue\", api_key: " + kPagerDutyKey +
           ", rules_id: [200201]}\n" + "    - {name: webhook, hook_url: \"" + base + kWebhookPath +
           "\", groups: [sshd], template: '" + kTemplate + "'}\n";
  }

  void raise_alerts(const std::vector<int>& ports) {
    ASSERT_EQ(agent_->send_stateless(failed_logins_body(*agent_, ports)).status, 204u);
  }
  std::vector<json::object> alerts() const {
    std::vector<json::object> out;
    std::ifstream in(server_.data_dir() / "alerts" / "alerts.json");
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) out.push_back(json::parse(line).as_object());
    }
    return out;
  }
  std::vector<ReceivedRequest> requests_to(const std::string& target) const {
    std::vector<ReceivedRequest> out;
    for (auto& request : receiver_.requests()) {
      if (request.target == target) out.push_back(request);
    }
    return out;
  }
  std::vector<std::string> bodies_to(const std::string& target) const {
    std::vector<std::string> out;
    for (auto& request : requests_to(target)) out.push_back(request.body);
    std::sort(out.begin(), out.end());
    return out;
  }
  template <class Build>
  std::vector<std::string> expected(Build build) const {
    std::vector<std::string> out;
    for (const auto& alert : alerts()) out.push_back(build(alert));
    std::sort(out.begin(), out.end());
    return out;
  }
  double metric(const std::string& name, const std::string& integration) const {
    return metric_value(server_.management_url(), name + "{name=\"" + integration + "\"}");
  }

  BulkReceiver receiver_;
  HeralddProcess server_;
  std::unique_ptr<HttpClient> admin_;
  std::unique_ptr<TestAgent> agent_;
};

TEST_F(Integrations, EachIntegrationPostsItsWazuhPayloadToItsUrl) {
  raise_alerts({40000});
  ASSERT_TRUE(eventually([&] { return alerts().size() == 1; }));
  ASSERT_TRUE(eventually([&] {
    return requests_to(kSlackPath).size() == 1 && requests_to("/v2/enqueue").size() == 1 &&
           requests_to(kWebhookPath).size() == 1;
  }));
  const auto alert = alerts()[0];
  for (const char* target : {kSlackPath, "/v2/enqueue", kWebhookPath}) {
    const auto request = requests_to(target)[0];
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.headers.at("content-type"), "application/json");
    EXPECT_EQ(request.headers.at("content-length"), std::to_string(request.body.size()));
    EXPECT_FALSE(request.headers.contains("authorization"));
  }
  EXPECT_EQ(requests_to(kSlackPath)[0].body, engine::slack_payload(alert));
  EXPECT_EQ(requests_to("/v2/enqueue")[0].body, engine::pagerduty_payload(alert, kPagerDutyKey));
  // The webhook body, spelled out: the template with the alert's fields, JSON-escaped.
  EXPECT_EQ(requests_to(kWebhookPath)[0].body,
            R"({"rule":"200201","what":"sshd: authentication failed.","agent":"web1","log":")" +
                std::string(alert.at("full_log").as_string()) + "\"}");
  EXPECT_NO_THROW(json::parse(requests_to(kWebhookPath)[0].body));
  for (const char* name : {"slack", "pagerduty", "webhook"}) {
    EXPECT_TRUE(eventually([&] { return metric("herald_integration_sent_total", name) == 1.0; })) << name;
    EXPECT_EQ(metric("herald_integration_failed_total", name), 0.0) << name;
    EXPECT_EQ(metric("herald_integration_dropped_total", name), 0.0) << name;
  }
  const auto output = server_.output();
  for (const char* secret : {"slackSECRETpath", kPagerDutyKey, "webhookSECRET"}) {
    EXPECT_EQ(output.find(secret), std::string::npos) << secret << " was logged";
  }
}

TEST_F(Integrations, AlertsRaisedWhileTheReceiverIsDownAllArriveWhenItComesBack) {
  receiver_.stop();
  raise_alerts({41000, 41001, 41002, 41003});
  ASSERT_TRUE(eventually([&] { return alerts().size() == 4; }));
  for (const char* name : {"slack", "pagerduty", "webhook"}) {
    ASSERT_TRUE(eventually([&] { return metric("herald_integration_failed_total", name) >= 2.0; })) << name;
  }
  EXPECT_TRUE(receiver_.requests().empty());

  receiver_.start();
  ASSERT_TRUE(eventually(
      [&] {
        return requests_to(kSlackPath).size() >= 4 && requests_to("/v2/enqueue").size() >= 4 &&
               requests_to(kWebhookPath).size() >= 4;
      },
      std::chrono::seconds(40)));
  // Nothing lost, nothing twice (the receiver saw no request while it was down).
  EXPECT_EQ(bodies_to(kSlackPath), expected([](const json::object& a) { return engine::slack_payload(a); }));
  EXPECT_EQ(bodies_to("/v2/enqueue"),
            expected([](const json::object& a) { return engine::pagerduty_payload(a, kPagerDutyKey); }));
  EXPECT_EQ(bodies_to(kWebhookPath).size(), 4u);
  for (const char* name : {"slack", "pagerduty", "webhook"}) {
    EXPECT_TRUE(eventually([&] { return metric("herald_integration_sent_total", name) == 4.0; })) << name;
    EXPECT_EQ(metric("herald_integration_dropped_total", name), 0.0) << name;
  }
}

TEST_F(Integrations, WhatWasNotAcknowledgedIsSentAfterARestart) {
  receiver_.stop();
  raise_alerts({43000, 43001});
  ASSERT_TRUE(eventually([&] { return alerts().size() == 2; }));
  ASSERT_TRUE(eventually([&] { return metric("herald_integration_failed_total", "slack") >= 1.0; }));
  ASSERT_EQ(server_.stop(), 0);

  receiver_.start();
  server_.start();
  ASSERT_TRUE(eventually([&] { return requests_to(kSlackPath).size() >= 2 && requests_to("/v2/enqueue").size() >= 2; },
                         std::chrono::seconds(20)));
  EXPECT_EQ(bodies_to(kSlackPath), expected([](const json::object& a) { return engine::slack_payload(a); }));
  EXPECT_EQ(bodies_to("/v2/enqueue"),
            expected([](const json::object& a) { return engine::pagerduty_payload(a, kPagerDutyKey); }));
}

// A receiver that refuses with a 4xx (here 404: it takes no hooks) does not hold the line up.
class IntegrationsRefused : public Integrations {
 protected:
  bool answer_hooks() override { return false; }
  std::string integrations_yaml() override {
    return "    - {name: slack, hook_url: \"" + receiver_.url() + kSlackPath + "\"}\n";
  }
};

TEST_F(IntegrationsRefused, AnAlertRefusedWithA4xxIsDroppedAndCounted) {
  raise_alerts({44000, 44001});
  ASSERT_TRUE(eventually([&] { return metric("herald_integration_dropped_total", "slack") == 2.0; }));
  EXPECT_EQ(requests_to(kSlackPath).size(), 2u);  // each once: a 4xx is not retried
  EXPECT_EQ(bodies_to(kSlackPath), expected([](const json::object& a) { return engine::slack_payload(a); }));
  EXPECT_EQ(metric("herald_integration_failed_total", "slack"), 2.0);
  EXPECT_EQ(metric("herald_integration_sent_total", "slack"), 0.0);
}

class IntegrationsFiltered : public Integrations {
 protected:
  std::string integrations_yaml() override {
    const std::string base = receiver_.url();
    // The alert (rule 200201, level 5) is below Slack's level and outside the webhook's rules.
    return "    - {name: slack, hook_url: \"" + base + kSlackPath + "\", level: 6}\n" +
           "    - {name: webhook, hook_url: \"" + base + "/other\", rules_id: [200202], template: '{}'}\n" +
           "    - {name: pagerduty, url: \"" + base + "/v2/enqueue\", api_key: k, groups: [authentication_failed]}\n";
  }
};

TEST_F(IntegrationsFiltered, AFilterKeepsAnAlertOut) {
  raise_alerts({42000});
  ASSERT_TRUE(eventually([&] { return alerts().size() == 1; }));
  // PagerDuty takes it; the others decided when it was delivered, before PagerDuty's send.
  ASSERT_TRUE(eventually([&] { return requests_to("/v2/enqueue").size() == 1; }));
  EXPECT_TRUE(eventually([&] { return metric("herald_integration_sent_total", "pagerduty") == 1.0; }));
  EXPECT_TRUE(requests_to(kSlackPath).empty());
  EXPECT_TRUE(requests_to("/other").empty());
  EXPECT_EQ(receiver_.requests().size(), 1u);
  EXPECT_EQ(metric("herald_integration_sent_total", "slack"), 0.0);
  EXPECT_EQ(metric("herald_integration_sent_total", "webhook"), 0.0);
}

}  // namespace
}  // namespace herald::test
