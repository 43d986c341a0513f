// The management API against a real heraldd: login, authentication, enrollment, groups, agents.
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/shared_server_suite.h"

namespace herald::test {
namespace {

namespace json = boost::json;

class ManagementApi : public SharedServerSuite {
};

json::object parse_object(const std::string& body) { return json::parse(body).as_object(); }

TEST_F(ManagementApi, LoginReturnsTokenInWazuhShape) {
  HttpClient client(server_->management_url());
  auto reply = client.request("POST", "/security/user/authenticate", "",
                              {{"Authorization", basic_authorization("admin", kAdminPassword)}});
  ASSERT_EQ(reply.status, 200u) << reply.body;
  auto body = parse_object(reply.body);
  EXPECT_EQ(body.at("error").as_int64(), 0);
  EXPECT_FALSE(body.at("data").at("token").as_string().empty());

  auto raw = client.request("POST", "/security/user/authenticate?raw=true", "",
                            {{"Authorization", basic_authorization("admin", kAdminPassword)}});
  EXPECT_EQ(raw.status, 200u);
  EXPECT_EQ(raw.header("content-type").substr(0, 10), "text/plain");
  EXPECT_EQ(std::count(raw.body.begin(), raw.body.end(), '.'), 2);
}

TEST_F(ManagementApi, WrongPasswordIs401ProblemJson) {
  HttpClient client(server_->management_url());
  auto reply = client.request("POST", "/security/user/authenticate", "",
                              {{"Authorization", basic_authorization("admin", "wrong")}});
  EXPECT_EQ(reply.status, 401u);
  EXPECT_EQ(reply.header("content-type"), "application/problem+json");
  auto body = parse_object(reply.body);
  EXPECT_EQ(body.at("title").as_string(), "Unauthorized");
  EXPECT_EQ(body.at("detail").as_string(), "Invalid credentials");
}

TEST_F(ManagementApi, EveryRouteNeedsAuthentication) {
  HttpClient anonymous(server_->management_url());
  for (auto [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/agents"}, {"POST", "/agents"}, {"GET", "/groups"}, {"POST", "/groups"},
           {"GET", "/orders"}, {"GET", "/orders/1-1"}, {"POST", "/_plugins/_command_manager/commands"},
           {"PUT", "/agents/x/group/y"}, {"GET", "/groups/g/agents"}}) {
    EXPECT_EQ(anonymous.request(method, target, "{}").status, 401u) << method << " " << target;
  }
  HttpClient bad_token(server_->management_url());
  bad_token.set_authorization("Bearer not.a.token");
  EXPECT_EQ(bad_token.get("/agents").status, 401u);

  HttpClient basic(server_->management_url());
  basic.set_authorization(basic_authorization("admin", kAdminPassword));
  EXPECT_EQ(basic.get("/agents").status, 200u);
}

TEST_F(ManagementApi, HealthAndMetricsAreOpen) {
  HttpClient client(server_->management_url());
  auto health = client.get("/health");
  EXPECT_EQ(health.status, 200u);
  EXPECT_EQ(parse_object(health.body).at("status").as_string(), "ok");
  auto metrics = client.get("/metrics");
  EXPECT_EQ(metrics.status, 200u);
  EXPECT_NE(metrics.body.find("# TYPE herald_http_requests_total counter"), std::string::npos);
  EXPECT_NE(metrics.body.find("herald_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(metrics.body.find("herald_orders{status=\"pending\"}"), std::string::npos);
}

TEST_F(ManagementApi, EnrollmentFollowsTheAgentContract) {
  auto client = server_->admin_client();
  auto id = random_uuid_v4();
  auto created = client.post("/agents", enrollment_body(id, "web1", "eJdcN3mtVcLuyNwLj1Kx0NCvH53R16no"));
  EXPECT_EQ(created.status, 201u);
  EXPECT_TRUE(created.body.empty());

  auto duplicate = client.post("/agents", enrollment_body(id, "web1", "eJdcN3mtVcLuyNwLj1Kx0NCvH53R16no"));
  EXPECT_EQ(duplicate.status, 400u);
  auto dup = parse_object(duplicate.body);
  EXPECT_EQ(dup.at("error").as_int64(), 1708);
  EXPECT_EQ(dup.at("detail").as_string(), "There is an agent with the same ID: " + id);
  EXPECT_EQ(dup.at("title").as_string(), "WazuhError");
  EXPECT_EQ(dup.at("remediation").as_string(), "Please choose another ID");

  auto short_key = client.post("/agents", enrollment_body(random_uuid_v4(), "web2", "short"));
  EXPECT_EQ(short_key.status, 400u);
  EXPECT_EQ(parse_object(short_key.body).at("title").as_string(), "Invalid key length");
  EXPECT_EQ(parse_object(short_key.body).at("detail").as_string(), "The key must be 32 characters long");

  auto v1 = client.post("/agents", enrollment_body("3f0e4a4c-6a9b-1d3e-9a52-1c2b3d4e5f60", "web3",
                                                   "eJdcN3mtVcLuyNwLj1Kx0NCvH53R16no"));
  EXPECT_EQ(v1.status, 400u);

  auto bad_name = client.post("/agents", enrollment_body(random_uuid_v4(), "bad name!",
                                                         "eJdcN3mtVcLuyNwLj1Kx0NCvH53R16no"));
  EXPECT_EQ(bad_name.status, 400u);
  EXPECT_EQ(parse_object(bad_name.body).at("error").as_int64(), 1738);

  auto missing = client.post("/agents", R"({"id":")" + random_uuid_v4() + R"(","name":"x"})");
  EXPECT_EQ(missing.status, 400u);
  EXPECT_NE(parse_object(missing.body).at("detail").as_string().find("required"), std::string::npos);

  auto wrong_type = client.post("/agents", enrollment_body(random_uuid_v4(), "web4", "eJdcN3mtVcLuyNwLj1Kx0NCvH53R16no"),
                                "text/plain");
  EXPECT_EQ(wrong_type.status, 406u);
  EXPECT_EQ(parse_object(wrong_type.body).at("error").as_int64(), 6002);

  auto garbage = client.post("/agents", "{not json");
  EXPECT_EQ(garbage.status, 400u);
}

TEST_F(ManagementApi, AgentsListShowsEnrolledAgentsWithPaging) {
  auto client = server_->admin_client();
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(enroll_agent(client, "list-agent-" + std::to_string(i)));
  auto page = client.get("/agents?offset=0&limit=2");
  ASSERT_EQ(page.status, 200u);
  auto body = parse_object(page.body);
  EXPECT_EQ(body.at("error").as_int64(), 0);
  const auto& data = body.at("data").as_object();
  EXPECT_EQ(data.at("affected_items").as_array().size(), 2u);
  EXPECT_GE(data.at("total_affected_items").as_int64(), 5);
  const auto& first = data.at("affected_items").as_array()[0].as_object();
  for (auto field : {"id", "name", "status", "group", "version", "host", "dateAdd", "ip", "os", "node_name"}) {
    EXPECT_TRUE(first.contains(field)) << field;
  }
  EXPECT_EQ(first.at("status").as_string(), "never_connected");
  EXPECT_EQ(client.get("/agents?limit=0").status, 400u);
  EXPECT_EQ(client.get("/agents?offset=-1").status, 400u);
  EXPECT_EQ(client.get("/agents?limit=abc").status, 400u);
}

TEST_F(ManagementApi, GroupsLifecycle) {
  auto client = server_->admin_client();
  auto agent = enroll_agent(client, "grouped");
  create_group(client, "web-servers");
  create_group(client, "db.servers_2");

  auto duplicate = client.post("/groups", R"({"group_id":"web-servers"})");
  EXPECT_EQ(duplicate.status, 400u);
  for (const std::string& bad : {std::string(".."), std::string("."), std::string("a/b"), std::string("has space"),
                                 std::string(129, 'x')}) {
    EXPECT_EQ(client.post("/groups", "{\"group_id\":\"" + bad + "\"}").status, 400u) << bad;
  }
  const std::string longest(128, 'g');
  EXPECT_EQ(client.post("/groups", "{\"group_id\":\"" + longest + "\"}").status, 200u);

  assign_group(client, agent, "web-servers");
  assign_group(client, agent, "db.servers_2");
  assign_group(client, agent, "web-servers");  // idempotent
  auto shown = parse_object(client.get("/groups/web-servers/agents").body);
  ASSERT_EQ(shown.at("data").at("total_affected_items").as_int64(), 1);
  auto groups = shown.at("data").at("affected_items").as_array()[0].at("group").as_array();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].as_string(), "web-servers");
  EXPECT_EQ(groups[1].as_string(), "db.servers_2");

  auto listed = parse_object(client.get("/groups").body);
  bool found = false;
  for (const auto& item : listed.at("data").at("affected_items").as_array()) {
    if (item.at("name").as_string() == "web-servers") {
      found = true;
      EXPECT_EQ(item.at("count").as_int64(), 1);
    }
  }
  EXPECT_TRUE(found);

  EXPECT_EQ(client.put("/agents/" + agent + "/group/nope").status, 404u);
  auto unknown_agent = parse_object(client.put("/agents/" + random_uuid_v4() + "/group/web-servers").body);
  EXPECT_EQ(unknown_agent.at("error").as_int64(), 1);
  EXPECT_EQ(unknown_agent.at("data").at("total_failed_items").as_int64(), 1);

  EXPECT_EQ(client.del("/agents/" + agent + "/group/db.servers_2").status, 200u);
  auto again = parse_object(client.del("/agents/" + agent + "/group/db.servers_2").body);
  EXPECT_EQ(again.at("error").as_int64(), 1);

  auto deleted = parse_object(client.del("/groups?groups_list=web-servers,missing-group").body);
  EXPECT_EQ(deleted.at("error").as_int64(), 2);  // partial: one deleted, one not found
  EXPECT_EQ(deleted.at("data").at("affected_items").as_array()[0].as_string(), "web-servers");
  EXPECT_EQ(client.get("/groups/web-servers/agents").status, 404u);
  EXPECT_EQ(client.del("/groups").status, 400u);
}

TEST_F(ManagementApi, GroupConfigurationMustBeYamlMappingOrSequence) {
  auto client = server_->admin_client();
  create_group(client, "configured");
  EXPECT_EQ(client.get("/groups/configured/configuration").body, "{}\n");  // never set: the empty mapping
  auto ok = client.request("PUT", "/groups/configured/configuration", "agent:\n  logging: debug\n",
                           {{"Content-Type", "application/yaml"}});
  EXPECT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(client.get("/groups/configured/configuration").body, "agent:\n  logging: debug\n");
  EXPECT_EQ(client.put("/groups/configured/configuration", "- a\n- b\n").status, 200u);
  EXPECT_EQ(client.put("/groups/configured/configuration", "just a scalar").status, 400u);
  EXPECT_EQ(client.put("/groups/configured/configuration", "key: [unclosed").status, 400u);
  EXPECT_EQ(client.put("/groups/configured/configuration", "").status, 400u);
  EXPECT_EQ(client.put("/groups/absent/configuration", "a: 1").status, 404u);
}

TEST_F(ManagementApi, UnknownRoutesAndMethodsAreJsonErrors) {
  auto client = server_->admin_client();
  EXPECT_EQ(client.get("/no/such/route").status, 404u);
  EXPECT_EQ(client.request("PATCH", "/agents").status, 405u);
}

}  // namespace
}  // namespace herald::test
