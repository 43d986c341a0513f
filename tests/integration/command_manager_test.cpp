// POST /_plugins/_command_manager/commands against a real heraldd (wire-protocol (a), (e) 1-5).
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <set>

#include "core/time_format.h"
#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/shared_server_suite.h"

namespace herald::test {
namespace {

namespace json = boost::json;
constexpr const char* kCommands = "/_plugins/_command_manager/commands";

class CommandManager : public SharedServerSuite {
 protected:
  std::int64_t total_orders() {
    auto client = server_->admin_client();
    return json::parse(client.get("/orders?limit=1").body).at("data").at("total_affected_items").as_int64();
  }
};

json::object order(HttpClient& client, const std::string& id) {
  auto reply = client.get("/orders/" + id);
  EXPECT_EQ(reply.status, 200u) << reply.body;
  return json::parse(reply.body).at("data").at("affected_items").as_array()[0].as_object();
}

TEST_F(CommandManager, AgentCommandIsStoredPendingWithUpstreamShape) {
  auto client = server_->admin_client();
  auto agent = enroll_agent(client, "cm-agent");
  create_group(client, "cm-g1");
  assign_group(client, agent, "cm-g1");

  auto reply = client.post(kCommands, R"({"commands":[{"action":{"name":"set-group","args":{"groups":["g1","","g2"]},"version":"6.0.0"},"source":"Users/Services","user":"Management API","timeout":100,"target":{"id":")" +
                                          agent + R"(","type":"agent"}}]})");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  auto body = json::parse(reply.body).as_object();
  EXPECT_EQ(body.at("_index").as_string(), "wazuh-commands");
  EXPECT_EQ(body.at("result").as_string(), "OK");
  ASSERT_EQ(body.at("orders").as_array().size(), 1u);
  EXPECT_EQ(body.at("_documents"), body.at("orders"));
  std::string id(body.at("orders").as_array()[0].at("_id").as_string());

  auto doc = order(client, id);
  EXPECT_EQ(doc.at("_id").as_string(), id);
  EXPECT_EQ(doc.at("agent").at("groups"), json::array({"cm-g1"}));
  const auto& command = doc.at("command").as_object();
  EXPECT_EQ(command.at("status").as_string(), "pending");
  EXPECT_EQ(command.at("source").as_string(), "Users/Services");
  EXPECT_EQ(command.at("user").as_string(), "Management API");
  EXPECT_EQ(command.at("target"), json::parse(R"({"type":"agent","id":")" + agent + "\"}"));
  EXPECT_EQ(command.at("action"), json::parse(R"({"name":"set-group","args":{"groups":["g1","g2"]},"version":"6.0.0"})"));
  EXPECT_EQ(command.at("timeout").as_int64(), 100);
  auto created = core::parse_utc(doc.at("@timestamp").as_string());
  auto deadline = core::parse_utc(doc.at("delivery_timestamp").as_string());
  ASSERT_TRUE(created && deadline);
  EXPECT_EQ(*deadline - *created, 100);
  EXPECT_EQ(doc.at("@timestamp").as_string().size(), 20u);  // second precision with Z
}

TEST_F(CommandManager, IdsAreIncrementalPerRequestAndWithinIt) {
  auto client = server_->admin_client();
  create_group(client, "cm-ids");
  for (int i = 0; i < 3; ++i) assign_group(client, enroll_agent(client, "ids-" + std::to_string(i)), "cm-ids");
  auto first = json::parse(client.post(kCommands, command_body("group", "cm-ids")).body).as_object();
  auto second = json::parse(client.post(kCommands, command_body("group", "cm-ids")).body).as_object();
  auto r1 = std::stoll(std::string(first.at("request_id").as_string()));
  auto r2 = std::stoll(std::string(second.at("request_id").as_string()));
  EXPECT_GT(r2, r1);
  const auto& orders = first.at("orders").as_array();
  ASSERT_EQ(orders.size(), 3u);
  for (std::size_t i = 0; i < orders.size(); ++i) {
    auto doc = order(client, std::string(orders[i].at("_id").as_string()));
    EXPECT_EQ(doc.at("command").at("order_id").as_string(), std::to_string(i + 1));
    EXPECT_EQ(doc.at("command").at("request_id").as_string(), std::to_string(r1));
    EXPECT_EQ(doc.at("command").at("target").at("type").as_string(), "agent");
  }
}

TEST_F(CommandManager, ServerTargetGivesOneOrderWithoutAgent) {
  auto client = server_->admin_client();
  auto reply = client.post(kCommands, R"({"commands":[{"action":{"name":"update","args":{"index":"content-index","offset":"1111"},"version":"6.0.0"},"source":"Content Manager","timeout":100,"target":{"id":"vulnerability-detector","type":"server"}}]})");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  auto orders = json::parse(reply.body).at("orders").as_array();
  ASSERT_EQ(orders.size(), 1u);
  auto doc = order(client, std::string(orders[0].at("_id").as_string()));
  EXPECT_FALSE(doc.contains("agent"));
  EXPECT_EQ(doc.at("command").at("target"), json::parse(R"({"type":"server","id":"vulnerability-detector"})"));
  EXPECT_EQ(doc.at("command").at("action").at("args"), json::parse(R"({"index":"content-index","offset":"1111"})"));
}

TEST_F(CommandManager, UnknownTargetsGenerateNoOrders) {
  auto client = server_->admin_client();
  for (const auto& body : {command_body("agent", random_uuid_v4()), command_body("group", "no-such-group"),
                           command_body("agent", "")}) {
    auto reply = client.post(kCommands, body);
    EXPECT_EQ(reply.status, 400u);
    EXPECT_EQ(reply.body, "Cannot generate orders. Invalid agent IDs or groups.");
    EXPECT_EQ(reply.header("content-type").substr(0, 10), "text/plain");
  }
}

TEST_F(CommandManager, UpstreamErrorRowsOverHttp) {
  auto client = server_->admin_client();
  auto empty = client.post(kCommands, "");
  EXPECT_EQ(empty.status, 400u);
  EXPECT_EQ(empty.body, "Body content is required");
  auto none = client.post(kCommands, R"({"commands":[]})");
  EXPECT_EQ(none.status, 400u);
  EXPECT_EQ(none.body, "No commands provided.");
  auto missing = client.post(kCommands, R"({"commands":[{"action":{"name":"restart"}}]})");
  EXPECT_EQ(missing.status, 400u);
  auto error = json::parse(missing.body).as_object();
  EXPECT_EQ(error.at("status").as_int64(), 400);
  EXPECT_EQ(error.at("error").at("type").as_string(), "illegal_argument_exception");
  EXPECT_EQ(error.at("error").at("reason").as_string(), "Missing arguments: [source, target, timeout]");
  EXPECT_EQ(error.at("error").at("root_cause").as_array()[0].at("reason").as_string(),
            "Missing arguments: [source, target, timeout]");
  auto not_object = client.post(kCommands, "[1,2]");
  EXPECT_EQ(not_object.status, 400u);
  EXPECT_EQ(json::parse(not_object.body).at("error").at("type").as_string(), "parsing_exception");
}

TEST_F(CommandManager, FieldsAreAcceptedInAnyOrder) {
  auto client = server_->admin_client();
  auto agent = enroll_agent(client, "any-order");
  auto reply = client.post(kCommands, R"({"commands":[{"target":{"type":"agent","id":")" + agent +
                                          R"("},"timeout":50,"source":"Users/Services","action":{"args":{"x":1},"name":"restart"}}]})");
  EXPECT_EQ(reply.status, 200u) << reply.body;
}

TEST_F(CommandManager, TimeoutOutsideShortRangeIsRejectedUpFront) {
  auto client = server_->admin_client();
  auto agent = enroll_agent(client, "timeouts");
  for (int timeout : {0, -5, 32768, 100000}) {
    auto reply = client.post(kCommands, command_body("agent", agent, timeout));
    EXPECT_EQ(reply.status, 400u) << timeout;
  }
  EXPECT_EQ(client.post(kCommands, command_body("agent", agent, 32767)).status, 200u);
}

TEST_F(CommandManager, RequestIsAtomic) {
  auto client = server_->admin_client();
  auto agent = enroll_agent(client, "atomic");
  auto before = total_orders();
  // A valid command followed by an invalid one: nothing is stored.
  std::string valid = R"({"action":{"name":"restart"},"source":"s","timeout":10,"target":{"type":"agent","id":")" + agent + "\"}}";
  std::string invalid = R"({"action":{"name":"restart"},"source":"s","timeout":10,"target":{"type":"planet","id":"x"}})";
  auto mixed = client.post(kCommands, "{\"commands\":[" + valid + "," + invalid + "]}");
  EXPECT_EQ(mixed.status, 400u);
  EXPECT_EQ(json::parse(mixed.body).at("error").at("reason").as_string(), "Invalid type: planet");
  EXPECT_EQ(total_orders(), before);
}

TEST_F(CommandManager, HostileBodiesNeverCauseServerErrors) {
  auto client = server_->admin_client();
  std::vector<std::string> bodies = {"{", "null", "true", "\"x\"", "{\"commands\":null}", "{\"commands\":{}}",
                                     "{\"commands\":[null]}", "{\"commands\":[[]]}", "{\"commands\":[1]}",
                                     "{\"commands\":[{\"action\":1,\"source\":1,\"target\":1,\"timeout\":1}]}",
                                     "{\"commands\":[{\"action\":{\"name\":null},\"source\":\"s\",\"target\":{},\"timeout\":1}]}",
                                     std::string(100000, '['), "{\"commands\":[{\"action\":{\"name\":\"set-group\",\"args\":{\"groups\":[1]}},\"source\":\"s\",\"target\":{\"type\":\"agent\",\"id\":\"x\"},\"timeout\":1}]}",
                                     std::string("{\"commands\":[\xff\xfe]}")};
  for (const auto& body : bodies) {
    auto reply = client.post(kCommands, body);
    EXPECT_EQ(reply.status, 400u) << body.substr(0, 80) << " -> " << reply.body;
  }
}

TEST_F(CommandManager, BodiesOverTheLimitAre413) {
  // Refused from the headers: the 20 MB are never sent, let alone read.
  auto reply = HttpClient::raw_exchange(server_->management_url(),
                                        "POST /_plugins/_command_manager/commands HTTP/1.1\r\nHost: x\r\n"
                                        "Authorization: Bearer " + server_->admin_token() + "\r\n"
                                        "Content-Type: application/json\r\nContent-Length: 20000000\r\n\r\n{");
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
  // Without credentials the answer is 401, whatever the size.
  auto anonymous = HttpClient::raw_exchange(server_->management_url(),
                                            "POST /_plugins/_command_manager/commands HTTP/1.1\r\nHost: x\r\n"
                                            "Content-Type: application/json\r\nContent-Length: 20000000\r\n\r\n{");
  EXPECT_EQ(anonymous.rfind("HTTP/1.1 401", 0), 0u) << anonymous;
}

TEST_F(CommandManager, GroupExpansionHasNoCap) {
  auto client = server_->admin_client();
  create_group(client, "big");
  constexpr int kMembers = 10'000;
  for (int i = 0; i < kMembers; ++i) assign_group(client, enroll_agent(client, "m" + std::to_string(i)), "big");
  auto reply = client.post(kCommands, command_body("group", "big"));
  ASSERT_EQ(reply.status, 200u);
  auto orders = json::parse(reply.body).at("orders").as_array();
  EXPECT_EQ(orders.size(), static_cast<std::size_t>(kMembers));
  std::set<std::string> unique;
  for (const auto& o : orders) unique.insert(std::string(o.at("_id").as_string()));
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(kMembers));
  auto request_id = json::parse(reply.body).at("request_id").as_string();
  auto stored = json::parse(client.get("/orders?limit=1&status=pending&request_id=" + std::string(request_id)).body);
  EXPECT_EQ(stored.at("data").at("total_affected_items").as_int64(), kMembers);
}

TEST_F(CommandManager, OrdersQueryFiltersAndSorts) {
  auto client = server_->admin_client();
  auto agent = enroll_agent(client, "query");
  for (auto action : {"restart", "fetch-config", "restart"}) {
    ASSERT_EQ(client.post(kCommands, command_body("agent", agent, 100, action)).status, 200u);
  }
  auto by_agent = json::parse(client.get("/orders?agent_id=" + agent).body);
  EXPECT_EQ(by_agent.at("data").at("total_affected_items").as_int64(), 3);
  auto restarts = json::parse(client.get("/orders?agent_id=" + agent + "&action=restart").body);
  EXPECT_EQ(restarts.at("data").at("total_affected_items").as_int64(), 2);
  auto desc = json::parse(client.get("/orders?agent_id=" + agent + "&sort=-id").body);
  auto items = desc.at("data").at("affected_items").as_array();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].at("command").at("action").at("name").as_string(), "restart");
  EXPECT_GT(std::stoll(std::string(items[0].at("command").at("request_id").as_string())),
            std::stoll(std::string(items[2].at("command").at("request_id").as_string())));
  auto page = json::parse(client.get("/orders?agent_id=" + agent + "&offset=1&limit=1").body);
  EXPECT_EQ(page.at("data").at("affected_items").as_array().size(), 1u);
  auto old = json::parse(client.get("/orders?agent_id=" + agent + "&older_than=1h").body);
  EXPECT_EQ(old.at("data").at("total_affected_items").as_int64(), 0);
  EXPECT_EQ(client.get("/orders?status=done").status, 400u);
  EXPECT_EQ(client.get("/orders?sort=color").status, 400u);
  EXPECT_EQ(client.get("/orders?older_than=soon").status, 400u);
  EXPECT_EQ(client.get("/orders/not-an-id").status, 404u);
  EXPECT_EQ(client.get("/orders/999999-1").status, 404u);
}

}  // namespace
}  // namespace herald::test
