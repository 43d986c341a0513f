// Order domain values: document ids, result codes, target types, and the two JSON forms of an
// order (wire-protocol (b) orders-stream document, c3 agent command).
#include "core/order.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <limits>
#include <string>

#include "core/order_document.h"

namespace herald::core {
namespace {

namespace json = boost::json;

TEST(CoreOrderDocumentId, RoundTrips) {
  for (OrderKey key : {OrderKey{1, 1}, OrderKey{42, 7}, OrderKey{1234567890123, 10000},
                       OrderKey{std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::max()}}) {
    auto id = document_id(key);
    SCOPED_TRACE(id);
    auto parsed = parse_document_id(id);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, key);
  }
  EXPECT_EQ(document_id({12, 3}), "12-3");
}

TEST(CoreOrderDocumentId, RejectsMalformedIds) {
  for (const char* id : {"", "1", "-", "a-b", "1-b", "a-1", "1-0", "0-1", "0-0", "-1-2", "1--2", "1-2-3", "1-",
                         "-1", " 1-2", "1-2 ", "+1-2", "1-+2", "1.0-2", "1-2x", "U5jBvJUBm0bV3tIT0mmW",
                         "99999999999999999999-1", "1-99999999999999999999"}) {
    SCOPED_TRACE(id);
    EXPECT_EQ(parse_document_id(id), std::nullopt);
  }
}

TEST(CoreOrderDocumentId, AcceptsOnlyCanonicalIds) {
  // One order, one document id: parse_document_id should accept exactly what document_id produces,
  // otherwise "01-2", "1-02" and "1-2" all name order 1-2.
  for (const char* id : {"01-2", "1-02", "00001-1"}) {
    SCOPED_TRACE(id);
    EXPECT_EQ(parse_document_id(id), std::nullopt);
  }
}

TEST(CoreOrderStatus, ResultCodesMapToStatus) {
  EXPECT_EQ(status_for_result_code(0), OrderStatus::success);
  EXPECT_EQ(status_for_result_code(2), OrderStatus::sent);  // IN_PROGRESS
  for (std::int64_t code : std::initializer_list<std::int64_t>{1, 3, 4, 5, -1, 255, 1000, std::numeric_limits<std::int64_t>::max(),
                            std::numeric_limits<std::int64_t>::min()}) {
    SCOPED_TRACE(code);
    EXPECT_EQ(status_for_result_code(code), OrderStatus::failure);
  }
}

TEST(CoreOrderStatus, StringsRoundTripAndTerminality) {
  for (auto status : {OrderStatus::pending, OrderStatus::sent, OrderStatus::success, OrderStatus::failure}) {
    EXPECT_EQ(parse_order_status(to_string(status)), status);
  }
  EXPECT_EQ(to_string(OrderStatus::failure), "failure");  // the plugin's spelling, not "failed"
  EXPECT_EQ(parse_order_status("failed"), std::nullopt);
  EXPECT_EQ(parse_order_status("PENDING"), std::nullopt);
  EXPECT_EQ(parse_order_status(""), std::nullopt);
  EXPECT_FALSE(is_terminal(OrderStatus::pending));
  EXPECT_FALSE(is_terminal(OrderStatus::sent));
  EXPECT_TRUE(is_terminal(OrderStatus::success));
  EXPECT_TRUE(is_terminal(OrderStatus::failure));
}

TEST(CoreOrderTargetType, ParsesCaseInsensitively) {
  EXPECT_EQ(parse_target_type("agent"), TargetType::agent);
  EXPECT_EQ(parse_target_type("AGENT"), TargetType::agent);
  EXPECT_EQ(parse_target_type("Group"), TargetType::group);
  EXPECT_EQ(parse_target_type("sErVeR"), TargetType::server);
  for (const char* text : {"", "agents", "agen", " agent", "agent ", "host", "all"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(parse_target_type(text), std::nullopt);
  }
  EXPECT_EQ(to_string(TargetType::agent), "agent");
  EXPECT_EQ(to_string(TargetType::group), "group");
  EXPECT_EQ(to_string(TargetType::server), "server");
}

// 2025-03-28T10:15:30Z
constexpr std::int64_t kCreated = 1743156930;

Order agent_order() {
  Order order;
  order.key = {7, 3};
  order.command.source = "Users/Services";
  order.command.user = "Management API";
  order.command.target = {TargetType::agent, "d5b250c4-dfa1-4d94-827f-9f99210dbe6c"};
  order.command.action = {"set-group", R"({"groups":["g1","g2"]})", "6.0.0"};
  order.command.timeout_seconds = 100;
  order.agent_id = "d5b250c4-dfa1-4d94-827f-9f99210dbe6c";
  order.agent_groups = std::vector<std::string>{"g1", "g2"};
  order.status = OrderStatus::pending;
  order.created_at = kCreated;
  order.deadline = kCreated + 100;
  order.updated_at = kCreated;
  return order;
}

Order server_order() {
  Order order;
  order.key = {8, 1};
  order.command.source = "Content Manager";
  order.command.target = {TargetType::server, "vulnerability-detector"};
  order.command.action = {"update", R"({"index":"content-index","offset":"1111"})", std::nullopt};
  order.command.timeout_seconds = 3600;
  order.created_at = kCreated;
  order.deadline = kCreated + 3600;
  order.updated_at = kCreated;
  return order;
}

TEST(CoreOrderDocument, HasTheWireProtocolShape) {
  auto doc = order_document(agent_order());
  EXPECT_EQ(json::value(doc), json::parse(R"({
    "_id": "7-3",
    "agent": {"groups": ["g1", "g2"]},
    "command": {"source": "Users/Services", "user": "Management API",
      "target": {"type": "agent", "id": "d5b250c4-dfa1-4d94-827f-9f99210dbe6c"},
      "action": {"name": "set-group", "args": {"groups": ["g1", "g2"]}, "version": "6.0.0"},
      "timeout": 100, "status": "pending", "order_id": "3", "request_id": "7"},
    "@timestamp": "2025-03-28T10:15:30Z", "delivery_timestamp": "2025-03-28T10:17:10Z"})"))
      << json::serialize(doc);
  // Status is a plain string, never upstream's ["sent"].
  EXPECT_TRUE(doc.at("command").at("status").is_string());
  EXPECT_TRUE(doc.at("command").at("timeout").is_number());
}

TEST(CoreOrderDocument, DeliveryTimestampIsCreatedPlusTimeout) {
  auto order = agent_order();
  order.command.timeout_seconds = 32767;
  order.created_at = 1735689599;  // 2024-12-31T23:59:59Z
  order.deadline = order.created_at + order.command.timeout_seconds;
  auto doc = order_document(order);
  EXPECT_EQ(doc.at("@timestamp"), "2024-12-31T23:59:59Z");
  EXPECT_EQ(doc.at("delivery_timestamp"), "2025-01-01T09:06:06Z");
}

TEST(CoreOrderDocument, ServerOrdersHaveNoAgentAndNullUserAndVersion) {
  auto doc = order_document(server_order());
  EXPECT_FALSE(doc.contains("agent"));
  const auto& command = doc.at("command").as_object();
  EXPECT_TRUE(command.at("user").is_null());
  EXPECT_TRUE(command.at("action").at("version").is_null());
  EXPECT_EQ(command.at("target"), json::parse(R"({"type":"server","id":"vulnerability-detector"})"));
  EXPECT_EQ(command.at("action").at("args"), json::parse(R"({"index":"content-index","offset":"1111"})"));
  EXPECT_FALSE(command.contains("result"));
  EXPECT_EQ(doc.at("delivery_timestamp"), "2025-03-28T11:15:30Z");
}

TEST(CoreOrderDocument, AgentWithoutGroupsGetsEmptyArray) {
  auto order = agent_order();
  order.agent_groups.reset();
  EXPECT_EQ(order_document(order).at("agent"), json::parse(R"({"groups":[]})"));
}

TEST(CoreOrderDocument, ResultAndAgentMetadataAreMergedIn) {
  auto order = agent_order();
  order.status = OrderStatus::success;
  order.result = OrderResult{0, "CentralizedConfiguration set-group done.", std::nullopt};
  order.agent_metadata_json = R"({"id":"d5b250c4-dfa1-4d94-827f-9f99210dbe6c","name":"web1","groups":["g9"]})";
  auto doc = order_document(order);
  EXPECT_EQ(doc.at("command").at("status"), "success");
  EXPECT_EQ(doc.at("command").at("result"), json::parse(R"({"code":0,"message":"CentralizedConfiguration set-group done."})"));
  // The reported metadata wins, including its groups.
  EXPECT_EQ(doc.at("agent"), json::parse(R"({"id":"d5b250c4-dfa1-4d94-827f-9f99210dbe6c","name":"web1","groups":["g9"]})"));

  order.result = OrderResult{3, "Order expired: no result reported before its deadline", R"({"x":[1]})"};
  order.agent_metadata_json = R"({"name":"web1"})";
  doc = order_document(order);
  EXPECT_EQ(doc.at("command").at("result"),
            json::parse(R"({"code":3,"message":"Order expired: no result reported before its deadline","data":{"x":[1]}})"));
  EXPECT_EQ(doc.at("agent"), json::parse(R"({"name":"web1","groups":["g1","g2"]})"));
}

TEST(CoreOrderDocument, CorruptStoredJsonBecomesEmptyObject) {
  auto order = agent_order();
  order.command.action.args_json = "{not json";
  order.agent_metadata_json = "[oops";
  auto doc = order_document(order);
  EXPECT_EQ(doc.at("command").at("action").at("args"), json::object{});
  EXPECT_EQ(doc.at("agent"), json::parse(R"({"groups":["g1","g2"]})"));
}

TEST(CoreOrderAgentCommand, HasTheC3Shape) {
  auto command = agent_command(agent_order());
  EXPECT_EQ(json::value(command), json::parse(R"({
    "document_id":"7-3","request_id":"7","order_id":"3",
    "source":"Users/Services","user":"Management API",
    "target":{"id":"d5b250c4-dfa1-4d94-827f-9f99210dbe6c","type":"agent"},
    "action":{"name":"set-group","version":"6.0.0","args":{"groups":["g1","g2"]}},
    "timeout":100,"status":"pending"})"))
      << json::serialize(command);
  EXPECT_FALSE(command.contains("agent"));
  EXPECT_FALSE(command.contains("@timestamp"));
}

TEST(CoreOrderAgentCommand, LeavesNullFieldsOut) {
  auto command = agent_command(server_order());
  EXPECT_FALSE(command.contains("user"));
  EXPECT_FALSE(command.at("action").as_object().contains("version"));
  EXPECT_EQ(command.at("action"), json::parse(R"({"name":"update","args":{"index":"content-index","offset":"1111"}})"));
  for (const auto& entry : command) EXPECT_FALSE(entry.value().is_null()) << entry.key();
}

TEST(CoreOrderAgentCommand, ArgsAreAlwaysAnObject) {
  auto order = agent_order();
  order.command.action.args_json = "{}";
  EXPECT_EQ(agent_command(order).at("action").at("args"), json::object{});
}

}  // namespace
}  // namespace herald::core
