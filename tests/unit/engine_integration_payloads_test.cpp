// The integrations' filters and request bodies (issue 17 part 2), byte for byte as Wazuh's
// integratord scripts (integrations/slack.py, pagerduty.py) build them for the same alert.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "engine/bulk_client.h"
#include "engine/integration_payloads.h"

namespace herald::engine {
namespace {

namespace json = boost::json;

json::object sample_alert(int level = 10) {
  return json::parse(R"({"timestamp":"2026-12-08T00:10:00.000+0000","rule":{"level":)" + std::to_string(level) +
                     R"(,"description":"sshd: \"root\" login failed","id":"5716","groups":["syslog","sshd","authentication_failed"]},)"
                     R"("agent":{"id":"001","name":"web1"},"manager":{"name":"m1"},"id":"1765152600.42",)"
                     R"("full_log":"Failed password for root\nfrom 203.0.113.50","data":{"srcip":"203.0.113.50"},)"
                     R"("location":"/var/log/auth.log"})")
      .as_object();
}

TEST(IntegrationFilters, EveryFilterThatIsSetMustHold) {
  IntegrationOptions options;
  EXPECT_TRUE(integration_matches(options, sample_alert(3)));
  options.level = 10;
  EXPECT_TRUE(integration_matches(options, sample_alert(10)));
  EXPECT_FALSE(integration_matches(options, sample_alert(9)));
  options.rules_id = {100, 5716};
  EXPECT_TRUE(integration_matches(options, sample_alert(12)));
  options.rules_id = {5715};
  EXPECT_FALSE(integration_matches(options, sample_alert(12)));
  options.rules_id.clear();
  options.groups = {"web", "sshd"};
  EXPECT_TRUE(integration_matches(options, sample_alert(12)));
  options.groups = {"web", "ssh"};  // a whole group name, not a part of one
  EXPECT_FALSE(integration_matches(options, sample_alert(12)));
}

TEST(IntegrationPayloads, SlackAttachmentAsWazuhBuildsIt) {
  EXPECT_EQ(slack_payload(sample_alert(10)),
            R"({"attachments":[{"color":"danger","pretext":"WAZUH Alert","title":"sshd: \"root\" login failed",)"
            R"("text":"Failed password for root\nfrom 203.0.113.50","fields":[{"title":"Agent","value":"(001) - web1"},)"
            R"({"title":"Location","value":"/var/log/auth.log"},{"title":"Rule ID","value":"5716 _(Level 10)_"}],)"
            R"("ts":"1765152600.42"}]})");
  EXPECT_NE(slack_payload(sample_alert(4)).find(R"("color":"good")"), std::string::npos);
  EXPECT_NE(slack_payload(sample_alert(7)).find(R"("color":"warning")"), std::string::npos);
  auto bare = sample_alert(5);
  bare.erase("agent");
  bare.erase("full_log");
  bare.at("rule").as_object().erase("description");
  EXPECT_EQ(slack_payload(bare),
            R"({"attachments":[{"color":"warning","pretext":"WAZUH Alert","title":"N/A","text":null,)"
            R"("fields":[{"title":"Location","value":"/var/log/auth.log"},{"title":"Rule ID","value":"5716 _(Level 5)_"}],)"
            R"("ts":"1765152600.42"}]})");
}

TEST(IntegrationPayloads, PagerDutyEventsV2TriggerAsWazuhBuildsIt) {
  const auto alert = sample_alert(10);
  EXPECT_EQ(pagerduty_payload(alert, "R0UTINGKEY"),
            R"({"routing_key":"R0UTINGKEY","event_action":"trigger","payload":{"summary":"sshd: \"root\" login failed",)"
            R"("timestamp":"2026-12-08T00:10:00.000+0000","source":"web1","severity":"warning",)"
            R"("group":"syslog, sshd, authentication_failed","custom_details":)" +
                json::serialize(alert) + R"(},"client":"Wazuh Monitoring Service","client_url":"https://wazuh.com"})");
  EXPECT_NE(pagerduty_payload(sample_alert(6), "k").find(R"("severity":"info")"), std::string::npos);
  EXPECT_NE(pagerduty_payload(sample_alert(15), "k").find(R"("severity":"warning")"), std::string::npos);
}

TEST(IntegrationPayloads, WebhookTemplateFillsFieldsJsonEscaped) {
  const std::string json_template = R"T({"id":"$(rule.id)","what":"$(rule.description)","on":"$(agent.name)",)T"
                                    R"T("ip":"$(data.srcip)","level":$(rule.level),"log":"$(full_log)","none":"$(data.dstip)"})T";
  EXPECT_EQ(render_webhook_template(json_template, sample_alert(10)),
            R"({"id":"5716","what":"sshd: \"root\" login failed","on":"web1","ip":"203.0.113.50","level":10,)"
            R"("log":"Failed password for root\nfrom 203.0.113.50","none":""})");
  EXPECT_EQ(render_webhook_template("no placeholders $(unclosed", sample_alert()), "no placeholders $(unclosed");
}

TEST(IntegrationUrls, HookUrlKeepsItsPathOutOfTheLoggedText) {
  auto url = parse_endpoint_url("https://hooks.slack.com/services/T0/B0/secret");
  ASSERT_TRUE(url);
  EXPECT_TRUE(url->server.tls);
  EXPECT_EQ(url->server.host, "hooks.slack.com");
  EXPECT_EQ(url->server.port, "443");
  EXPECT_EQ(url->target, "/services/T0/B0/secret");
  EXPECT_EQ(url->server.text, "https://hooks.slack.com:443");
  auto plain = parse_endpoint_url("http://127.0.0.1:8080?token=x");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->server.port, "8080");
  EXPECT_EQ(plain->target, "/?token=x");
  EXPECT_FALSE(parse_endpoint_url("ftp://x/y"));
  EXPECT_FALSE(parse_endpoint_url("http://user@host/y"));
  EXPECT_FALSE(parse_endpoint_url("http://host:99999/y"));
}

}  // namespace
}  // namespace herald::engine
