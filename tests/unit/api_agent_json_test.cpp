// GET /agents' agent object: the fields a Wazuh 4.x agent's keep-alives fill.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/agent_json.h"

namespace herald::api {
namespace {

namespace json = boost::json;

TEST(ApiAgentJson, ShowsTheReportedSumsAndLabels) {
  store::AgentRecord agent;
  agent.id = "001";
  agent.type = "wazuh-4.x";
  agent.config_sum = "ab12";
  agent.merged_sum = "cd34";
  agent.labels_json = R"({"env":"prod","team":"web"})";
  auto out = agent_json(agent);
  EXPECT_EQ(out.at("configSum"), "ab12");
  EXPECT_EQ(out.at("mergedSum"), "cd34");
  EXPECT_EQ(out.at("labels"), (json::object{{"env", "prod"}, {"team", "web"}}));
  EXPECT_EQ(out.at("ip"), "any");  // a key bound to "any" is stored as ""
  EXPECT_EQ(select_fields(out, {"labels"}).at("labels").as_object().size(), 2u);
}

TEST(ApiAgentJson, LabelsAreAnEmptyObjectByDefaultOrWhenUnreadable) {
  store::AgentRecord agent;
  agent.id = "002";
  EXPECT_EQ(agent_json(agent).at("labels"), json::object{});
  EXPECT_EQ(agent_json(agent).at("configSum"), "");
  for (const char* stored : {"", "not json", "[1,2]"}) {
    agent.labels_json = stored;
    EXPECT_EQ(agent_json(agent).at("labels"), json::object{}) << stored;
  }
}

}  // namespace
}  // namespace herald::api
