// heraldd.yml's active_response list: ossec.conf's <active-response> options, validated with
// errors that name the entry and key.
#include <gtest/gtest.h>

#include "app/config.h"

namespace herald::app {
namespace {

std::string error_of(const std::string& yaml) {
  auto config = parse_config(yaml);
  return config.ok() ? std::string() : config.error().message;
}

TEST(ActiveResponseConfig, ReadsEveryOption) {
  auto config = parse_config(R"(
active_response:
  - {command: firewall-drop, location: local, rules_id: [200220, 5712], level: 10, timeout: 10m}
  - {command: notify, location: defined-agent, agent_id: "001", rules_group: "authentication_failed, sshd"}
  - {command: host-deny, location: all, rules_id: "5710,5711"}
  - {command: ban-at-edge, location: server, level: 12, rules_group: [attack]}
)");
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->active_response.size(), 4u);
  const auto& drop = config->active_response[0];
  EXPECT_EQ(drop.command, "firewall-drop");
  EXPECT_EQ(drop.location, engine::ResponseLocation::local);
  EXPECT_EQ(drop.rules_id, (std::vector<std::uint32_t>{200220, 5712}));
  EXPECT_EQ(drop.level, 10);
  EXPECT_EQ(drop.timeout_seconds, 600);
  const auto& notify = config->active_response[1];
  EXPECT_EQ(notify.location, engine::ResponseLocation::defined_agent);
  EXPECT_EQ(notify.agent_id, "001");
  EXPECT_EQ(notify.rules_group, (std::vector<std::string>{"authentication_failed", "sshd"}));
  EXPECT_EQ(notify.timeout_seconds, 0);
  EXPECT_EQ(config->active_response[2].location, engine::ResponseLocation::all);
  EXPECT_EQ(config->active_response[2].rules_id, (std::vector<std::uint32_t>{5710, 5711}));
  EXPECT_EQ(config->active_response[3].location, engine::ResponseLocation::server);
  EXPECT_TRUE(parse_config("")->active_response.empty());
}

TEST(ActiveResponseConfig, LocationDefaultsToLocal) {
  auto config = parse_config("active_response: [{command: firewall-drop, level: 10}]");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->active_response[0].location, engine::ResponseLocation::local);
}

TEST(ActiveResponseConfig, ErrorsNameTheEntryAndKey) {
  EXPECT_EQ(error_of("active_response: {command: x}"), "active_response must be a list");
  EXPECT_EQ(error_of("active_response: [{level: 10}]"), "active_response[0].command is required");
  EXPECT_EQ(error_of("active_response: [{command: x, level: 3}, {command: 'rm -rf', level: 3}]"),
            "active_response[1].command must be an active response name ([A-Za-z0-9._-])");
  EXPECT_EQ(error_of("active_response: [{command: x, level: 3, location: everywhere}]"),
            "active_response[0].location must be local, server, defined-agent or all");
  EXPECT_EQ(error_of("active_response: [{command: x, level: 3, location: defined-agent}]"),
            "active_response[0].agent_id is required with location defined-agent, and only there");
  EXPECT_EQ(error_of("active_response: [{command: x, level: 3, agent_id: '001'}]"),
            "active_response[0].agent_id is required with location defined-agent, and only there");
  EXPECT_EQ(error_of("active_response: [{command: x, level: 17}]"),
            "active_response[0].level must be an integer between 1 and 16");
  EXPECT_EQ(error_of("active_response: [{command: x, rules_id: [12, abc]}]"),
            "active_response[0].rules_id must be an integer between 1 and 999999999");
  EXPECT_EQ(error_of("active_response: [{command: x, rules_group: 'a,,b'}]"),
            "active_response[0].rules_group has an empty item");
  EXPECT_NE(error_of("active_response: [{command: x, level: 3, timeout: soon}]").find("active_response[0].timeout"),
            std::string::npos);
  EXPECT_EQ(error_of("active_response: [{command: x}]"),
            "active_response[0] needs rules_id, rules_group or level: otherwise no alert triggers it");
  EXPECT_EQ(error_of("active_response: [{command: x, level: 3, repeated_offenders: 1}]"),
            "unknown key active_response[0].repeated_offenders");
  EXPECT_EQ(error_of("analysis: {enabled: false}\nactive_response: [{command: x, level: 3}]"),
            "active_response needs the analysis engine (analysis.enabled is off)");
}

}  // namespace
}  // namespace herald::app
