// herald's human output: aligned tables and field lists from the server's JSON.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "cli/api_errors.h"
#include "cli/herald_views.h"
#include "cli/table.h"

namespace herald::cli {
namespace {

namespace json = boost::json;

TEST(CliTable, AlignsColumnsWithoutTrailingSpaces) {
  EXPECT_EQ(format_table({"ID", "NAME", "STATUS"}, {{"1", "web-01", "active"}, {"1234", "db", ""}, {"7"}}),
            "ID    NAME    STATUS\n"
            "1     web-01  active\n"
            "1234  db\n"
            "7\n");
  EXPECT_EQ(format_table({"A", "B"}, {}), "A  B\n");
}

TEST(CliTable, FieldsAlignValues) {
  EXPECT_EQ(format_fields({{"id", "1"}, {"last keep-alive", "x"}}),
            "id:              1\n"
            "last keep-alive: x\n");
}

TEST(CliHeraldViews, AgentsTable) {
  auto agents = json::parse(R"([
    {"id":"3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60","name":"web01","ip":"10.0.0.5","status":"active","version":"6.0.0",
     "group":["web","prod"],"lastKeepAlive":"2025-03-28T10:15:30Z"},
    {"id":"8c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e","name":"db01","ip":"","registerIP":"","status":"never_connected",
     "version":"","group":[]}])")
                    .as_array();
  EXPECT_EQ(
      format_agents_table(agents),
      "ID                                    NAME   IP        STATUS           VERSION  GROUPS    LAST KEEP-ALIVE\n"
      "3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60  web01  10.0.0.5  active           6.0.0    web,prod  "
      "2025-03-28T10:15:30Z\n"
      "8c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e  db01   -         never_connected  -        -         -\n");
}

TEST(CliHeraldViews, AgentDetails) {
  auto agent = json::parse(R"({"id":"x","name":"web01","status":"disconnected","status_code":4,
    "status_reason":"no keep-alive","ip":"10.0.0.5","registerIP":"10.0.0.1","version":"6.0.0",
    "os":{"name":"Ubuntu","version":"24.04","arch":"x86_64"},"group":["web","prod"],"node_name":"node01",
    "dateAdd":"2025-03-28T10:00:00Z","lastKeepAlive":"2025-03-28T10:15:30Z","disconnection_time":1743157000,
    "group_config_status":"synced"})")
                   .as_object();
  EXPECT_EQ(format_agent_details(agent),
            "id:              x\n"
            "name:            web01\n"
            "status:          disconnected (code 4): no keep-alive\n"
            "ip:              10.0.0.5\n"
            "registered ip:   10.0.0.1\n"
            "version:         6.0.0\n"
            "os:              Ubuntu 24.04 x86_64\n"
            "groups:          web, prod\n"
            "group config:    synced\n"
            "node:            node01\n"
            "enrolled:        2025-03-28T10:00:00Z\n"
            "last keep-alive: 2025-03-28T10:15:30Z\n"
            "disconnected at: 1743157000\n");
}

TEST(CliHeraldViews, Summary) {
  auto summary = json::parse(R"({"connection":{"active":3,"disconnected":1,"never_connected":2,"pending":0,"total":6},
    "configuration":{"synced":5,"not_synced":1,"total":6}})")
                     .as_object();
  EXPECT_EQ(format_agents_summary(summary),
            "CONNECTION       AGENTS\n"
            "active           3\n"
            "pending          0\n"
            "disconnected     1\n"
            "never connected  2\n"
            "total            6\n"
            "\n"
            "CONFIGURATION  AGENTS\n"
            "synced         5\n"
            "not synced     1\n"
            "total          6\n");
}

TEST(CliHeraldViews, GroupsTable) {
  auto groups = json::parse(R"([{"name":"web","count":12,"configSum":"ab12","mergedSum":"ab12"},
                                {"name":"default","count":0,"configSum":null}])")
                    .as_array();
  EXPECT_EQ(format_groups_table(groups),
            "NAME     AGENTS  CONFIG SUM\n"
            "web      12      ab12\n"
            "default  0       -\n");
}

// An order document as GET /orders returns it (core/order_document.cpp).
json::object order(const char* id, const char* status, const char* result) {
  auto doc = json::parse(R"({"_id":"","agent":{"groups":["web"]},"command":{"source":"Users/Services","user":"alice",
    "target":{"type":"agent","id":"3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60"},
    "action":{"name":"restart","args":{},"version":"5.0.0"},"timeout":100,"status":"","order_id":"1","request_id":"12"},
    "@timestamp":"2025-03-28T10:15:30Z","delivery_timestamp":"2025-03-28T10:17:10Z"})")
                 .as_object();
  doc["_id"] = id;
  doc["command"].as_object()["status"] = status;
  if (result) doc["command"].as_object()["result"] = json::parse(result);
  return doc;
}

TEST(CliHeraldViews, OrdersTable) {
  json::array orders{order("12-1", "success", R"({"code":0,"message":"Restarting"})"),
                     order("12-2", "pending", nullptr)};
  EXPECT_EQ(format_orders_table(orders),
            "ORDER  STATUS   TARGET                                      ACTION   CREATED               RESULT\n"
            "12-1   success  agent:3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60  restart  2025-03-28T10:15:30Z  0 Restarting\n"
            "12-2   pending  agent:3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60  restart  2025-03-28T10:15:30Z  -\n");
}

TEST(CliHeraldViews, OrderDetails) {
  EXPECT_EQ(format_order_details(order("12-1", "failure", R"({"code":1,"message":"Order expired"})")),
            "order:          12-1\n"
            "request:        12\n"
            "status:         failure\n"
            "target:         agent:3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60\n"
            "action:         restart {}\n"
            "action version: 5.0.0\n"
            "source:         Users/Services\n"
            "user:           alice\n"
            "timeout:        100s\n"
            "created:        2025-03-28T10:15:30Z\n"
            "deadline:       2025-03-28T10:17:10Z\n"
            "agent groups:   web\n"
            "result:         1 Order expired\n");
}

TEST(CliHeraldViews, CommandReply) {
  auto reply = json::parse(R"({"_index":"wazuh-commands","_documents":[{"_id":"12-1"},{"_id":"12-2"}],
    "orders":[{"_id":"12-1"},{"_id":"12-2"}],"request_id":"12","result":"OK"})")
                   .as_object();
  EXPECT_EQ(format_command_reply(reply),
            "request 12: 2 orders (12-1 12-2)\n"
            "follow with: herald orders watch 12\n");
  // A numeric request_id and only the older _documents key.
  auto older = json::parse(R"({"_documents":[{"_id":"7-1"}],"request_id":7,"result":"CREATED"})").as_object();
  EXPECT_EQ(reply_request_id(older), "7");
  EXPECT_EQ(format_command_reply(older), "request 7: 1 order (7-1)\nfollow with: herald orders watch 7\n");
  json::array many;
  for (int i = 1; i <= 12; ++i) many.push_back(json::object{{"_id", "3-" + std::to_string(i)}});
  auto big = format_command_reply(json::object{{"orders", many}, {"request_id", "3"}});
  EXPECT_EQ(big.substr(0, big.find('\n')), "request 3: 12 orders (3-1 3-2 3-3 3-4 3-5 3-6 3-7 3-8 3-9 3-10 ...)");
}

TEST(CliApiErrors, MessagesFromEveryErrorShape) {
  EXPECT_EQ(
      error_message({404, "application/json", R"({"title":"Resource not found","detail":"Order 9-9 does not exist"})"}),
      "Order 9-9 does not exist");
  EXPECT_EQ(error_message({400, "application/json",
                           R"({"title":"WazuhError","detail":"The group web already exists","error":1711})"}),
            "The group web already exists");
  EXPECT_EQ(error_message({400, "application/json",
                           R"({"error":{"root_cause":[],"type":"illegal_argument_exception",)"
                           R"("reason":"Missing arguments: [source]"},"status":400})"}),
            "Missing arguments: [source]");
  EXPECT_EQ(error_message({400, "text/plain", "Cannot generate orders. Invalid agent IDs or groups."}),
            "Cannot generate orders. Invalid agent IDs or groups.");
  EXPECT_EQ(error_message({401, "application/problem+json", R"({"title":"Unauthorized"})"}), "Unauthorized");
  EXPECT_EQ(error_message({502, "text/html", "<html>\n<body>Bad gateway</body>\n</html>"}), "HTTP 502");
  EXPECT_EQ(error_message({500, "", ""}), "HTTP 500");
}

}  // namespace
}  // namespace herald::cli
