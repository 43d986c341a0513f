// Hostile input against a real heraldd (issue 18, findings 2, 4 and 10): numbers beyond a double,
// deep JSON, oversized stored strings and oversized agent filters are 400s that name the field or
// parameter and its limit, in the route's own error format, and nothing of such a request is
// stored. Limits are those of core/field_limits.h.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "auth/secrets.h"
#include "core/field_limits.h"
#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/shared_server_suite.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;
constexpr const char* kCommands = "/_plugins/_command_manager/commands";

class InputLimits : public SharedServerSuite {
 protected:
  void SetUp() override { admin_ = std::make_unique<HttpClient>(server_->admin_client()); }
  void TearDown() override {
    if (HasFailure()) std::cerr << "heraldd output:\n" << server_->output() << std::endl;
  }

  std::int64_t total_of(const std::string& target) {
    auto reply = admin_->get(target);
    EXPECT_EQ(reply.status, 200u) << target << ": " << reply.body;
    if (reply.status != 200) return -1;
    json::parse_options options;  // orders of other tests may hold args nested deeper than the default 32
    options.max_depth = core::kMaxJsonDepth;
    return json::parse(reply.body, {}, options).at("data").at("total_affected_items").as_int64();
  }
  std::int64_t stored_orders() { return total_of("/orders"); }
  std::int64_t stored_agents() { return total_of("/agents"); }

  // One command for `agent_id` whose action is `action_json`, with optional overrides.
  static std::string command_for(const std::string& agent_id, const std::string& action_json,
                                 const std::string& source = "Users/Services", const std::string& user = "tester") {
    return R"({"commands":[{"action":)" + action_json + R"(,"source":")" + source + R"(","user":")" + user +
           R"(","timeout":100,"target":{"id":")" + agent_id + R"(","type":"agent"}}]})";
  }

  // POSTs a command body that must be refused: 400 in the indexer error JSON, its reason containing
  // every one of `expected`, and no order stored.
  void expect_command_refused(const std::string& body, const std::vector<std::string>& expected) {
    const auto before = stored_orders();
    auto reply = admin_->post(kCommands, body);
    ASSERT_EQ(reply.status, 400u) << reply.body.substr(0, 500);
    auto parsed = json::parse(reply.body).as_object();
    EXPECT_EQ(parsed.at("status").as_int64(), 400);
    const auto& error = parsed.at("error").as_object();
    std::string reason(error.at("reason").as_string());
    for (const auto& text : expected) EXPECT_NE(reason.find(text), std::string::npos) << reason;
    EXPECT_EQ(error.at("root_cause").as_array().at(0).at("reason").as_string(), reason);
    EXPECT_EQ(stored_orders(), before);
  }

  // POSTs an enrollment that must be refused: 400 problem JSON whose detail contains `expected`.
  void expect_enrollment_refused(const json::object& body, const std::vector<std::string>& expected) {
    const auto before = stored_agents();
    auto reply = admin_->post("/agents", json::serialize(body));
    ASSERT_EQ(reply.status, 400u) << reply.body.substr(0, 500);
    auto parsed = json::parse(reply.body).as_object();
    EXPECT_EQ(parsed.at("title").as_string(), "Bad Request");
    std::string detail(parsed.at("detail").as_string());
    for (const auto& text : expected) EXPECT_NE(detail.find(text), std::string::npos) << detail;
    EXPECT_EQ(stored_agents(), before);
    EXPECT_EQ(total_of("/agents?agents_list=" + std::string(body.at("id").as_string())), 0);
  }

  // GET that must be a 400 problem whose detail contains every one of `expected`.
  void expect_query_refused(const std::string& target, const std::vector<std::string>& expected) {
    auto reply = admin_->get(target);
    ASSERT_EQ(reply.status, 400u) << reply.body.substr(0, 500);
    std::string detail(json::parse(reply.body).at("detail").as_string());
    for (const auto& text : expected) EXPECT_NE(detail.find(text), std::string::npos) << detail;
  }

  static json::object enrollment(const std::string& id) {
    return json::parse(enrollment_body(id, "limits", auth::random_alnum(32))).as_object();
  }

  std::unique_ptr<HttpClient> admin_;
};

std::string text_of(std::size_t bytes) {
  return std::string(bytes, 'x');
}

TEST_F(InputLimits, CommandArgsNumberBeyondADoubleIs400NamingTheField) {
  auto agent = enroll_agent(*admin_, "huge-number");
  expect_command_refused(command_for(agent, R"({"name":"restart","args":{"n":1e999},"version":"6.0.0"})"),
                         {"[command.action.args.n]", "double"});
  expect_command_refused(command_for(agent, R"({"name":"restart","args":{"a":{"b":[1,-1e400]}}})"),
                         {"[command.action.args.a.b[1]]"});
  EXPECT_EQ(total_of("/orders?agent_id=" + agent), 0);

  // A number a double holds is kept (as the nearest double) and delivered.
  auto reply = admin_->post(kCommands, command_for(agent, R"({"name":"restart","args":{"n":1e308,"i":-7}})"));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  auto id = std::string(json::parse(reply.body).at("orders").as_array().at(0).at("_id").as_string());
  auto order = json::parse(admin_->get("/orders/" + id).body).at("data").at("affected_items").as_array().at(0);
  const auto& args = order.at("command").at("action").at("args").as_object();
  EXPECT_EQ(args.at("n").as_double(), 1e308);
  EXPECT_EQ(args.at("i").as_int64(), -7);
}

TEST_F(InputLimits, DeeplyNestedCommandBodyIs400NamingTheDepthLimit) {
  auto agent = enroll_agent(*admin_, "deep-command");
  const auto limit = std::to_string(core::kMaxJsonDepth);
  std::string deep = std::string(500, '[') + std::string(500, ']');
  const auto before = stored_orders();
  auto reply = admin_->post(kCommands, command_for(agent, R"({"name":"restart","args":{"n":)" + deep + "}}"));
  ASSERT_EQ(reply.status, 400u) << reply.body;
  auto error = json::parse(reply.body).at("error").as_object();
  EXPECT_EQ(error.at("type").as_string(), "parsing_exception");
  EXPECT_NE(std::string(error.at("reason").as_string()).find(limit), std::string::npos) << reply.body;
  EXPECT_EQ(stored_orders(), before);

  // Args nested well inside the limit (deeper than Boost.JSON's default of 32) are stored whole.
  std::string nested = std::string(40, '[') + "1" + std::string(40, ']');
  reply = admin_->post(kCommands, command_for(agent, R"({"name":"restart","args":{"n":)" + nested + "}}"));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  auto id = std::string(json::parse(reply.body).at("orders").as_array().at(0).at("_id").as_string());
  json::parse_options options;
  options.max_depth = core::kMaxJsonDepth;
  auto order = json::parse(admin_->get("/orders/" + id).body, {}, options);
  const auto& args = order.at("data").at("affected_items").as_array().at(0).at("command").at("action").at("args");
  EXPECT_EQ(json::serialize(args), R"({"n":)" + nested + "}");
}

TEST_F(InputLimits, OversizedCommandFieldsAre400NamingFieldAndLimit) {
  auto agent = enroll_agent(*admin_, "big-command");
  const auto short_limit = std::to_string(core::kMaxShortText);
  const std::string big = text_of(100 * 1024);
  expect_command_refused(command_for(agent, R"({"name":")" + big + R"("})"), {"[command.action.name]", short_limit});
  expect_command_refused(command_for(agent, R"({"name":"restart","version":")" + big + R"("})"),
                         {"[command.action.version]", short_limit});
  expect_command_refused(command_for(agent, R"({"name":"restart"})", big), {"[command.source]", short_limit});
  expect_command_refused(command_for(agent, R"({"name":"restart"})", "S", big), {"[command.user]", short_limit});
  // A server target is not looked up, so its id would be stored as sent.
  expect_command_refused(R"({"commands":[{"action":{"name":"restart"},"source":"S","timeout":100,)"
                         R"("target":{"type":"server","id":")" +
                             big + R"("}}]})",
                         {"[command.target.id]", short_limit});
  expect_command_refused(
      command_for(agent, R"({"name":"restart","args":{"s":")" + text_of(core::kMaxLongText + 1) + R"("}})"),
      {"[command.action.args.s]", std::to_string(core::kMaxLongText)});
  expect_command_refused(command_for(agent, R"({"name":"restart","args":{")" + big + R"(":1}})"),
                         {"[command.action.args]", short_limit});
  std::string many = R"({"name":"restart","args":{)";
  for (int i = 0; i < 20; ++i) many += (i ? "," : "") + ("\"k" + std::to_string(i) + "\":\"" + text_of(4000) + "\"");
  expect_command_refused(command_for(agent, many + "}}"),
                         {"[command.action.args]", std::to_string(core::kMaxArgsJsonBytes)});
  expect_command_refused(command_for(agent, R"({"name":"set-group","args":{"groups":[")" +
                                                text_of(core::kMaxGroupNameLength + 1) + R"("]}})"),
                         {"[command.action.args.groups[0]]", std::to_string(core::kMaxGroupNameLength)});
  std::string groups;
  for (std::size_t i = 0; i <= core::kMaxAgentGroups; ++i) groups += (i ? ",\"g" : "\"g") + std::to_string(i) + "\"";
  expect_command_refused(command_for(agent, R"({"name":"set-group","args":{"groups":[)" + groups + "]}}"),
                         {"[command.action.args.groups]", std::to_string(core::kMaxAgentGroups)});
  EXPECT_EQ(total_of("/orders?agent_id=" + agent), 0);

  // Exactly at the limits: accepted.
  auto reply = admin_->post(kCommands, command_for(agent,
                                                   R"({"name":")" + text_of(core::kMaxShortText) +
                                                       R"(","args":{"s":")" + text_of(core::kMaxLongText) + R"("}})",
                                                   text_of(core::kMaxShortText), text_of(core::kMaxShortText)));
  EXPECT_EQ(reply.status, 200u) << reply.body.substr(0, 300);
  EXPECT_EQ(total_of("/orders?agent_id=" + agent), 1);
}

TEST_F(InputLimits, OversizedEnrollmentFieldsAre400NamingFieldAndLimit) {
  const auto short_limit = std::to_string(core::kMaxShortText);
  const std::string big = text_of(100 * 1024);
  for (const char* field : {"type", "version"}) {
    auto body = enrollment(random_uuid_v4());
    body[field] = big;
    expect_enrollment_refused(body, {"'" + std::string(field) + "'", short_limit});
  }
  for (const char* field : {"hostname", "architecture"}) {
    auto body = enrollment(random_uuid_v4());
    body["host"].as_object()[field] = big;
    expect_enrollment_refused(body, {"'host." + std::string(field) + "'", short_limit});
  }
  for (const char* field : {"name", "type", "version", "platform"}) {
    auto body = enrollment(random_uuid_v4());
    body["host"].as_object()["os"].as_object()[field] = big;
    expect_enrollment_refused(body, {"'host.os." + std::string(field) + "'", short_limit});
  }
  {
    auto body = enrollment(random_uuid_v4());
    body["host"].as_object()["ip"] = json::array{"10.0.0.1", json::string(big)};
    expect_enrollment_refused(body, {"'host.ip[1]'", short_limit});
  }
  {
    auto body = enrollment(random_uuid_v4());
    json::array ips;
    for (std::size_t i = 0; i <= core::kMaxAgentIps; ++i)
      ips.emplace_back("10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250));
    body["host"].as_object()["ip"] = std::move(ips);
    expect_enrollment_refused(body, {"'host.ip'", std::to_string(core::kMaxAgentIps)});
  }
  {
    auto body = enrollment(random_uuid_v4());
    body["host"].as_object()["os"].as_object()["uname"] = text_of(core::kMaxLongText + 1);
    expect_enrollment_refused(body, {"'host.os.uname'", std::to_string(core::kMaxLongText)});
  }
  {
    auto body = enrollment(random_uuid_v4());
    for (int i = 0; i < 20; ++i) body["host"].as_object()["extra" + std::to_string(i)] = text_of(4000);
    expect_enrollment_refused(body, {"'host'", std::to_string(core::kMaxHostJsonBytes)});
  }
  {
    // A number beyond a double inside `host` was stored as {} (the whole host lost).
    auto id = random_uuid_v4();
    auto text = json::serialize(enrollment(id));
    text.insert(text.find("\"host\":{") + 8, R"("cpus":1e999,)");
    const auto before = stored_agents();
    auto reply = admin_->post("/agents", text);
    ASSERT_EQ(reply.status, 400u) << reply.body;
    EXPECT_NE(reply.body.find("host.cpus"), std::string::npos) << reply.body;
    EXPECT_EQ(stored_agents(), before);
  }
  {
    auto text = json::serialize(enrollment(random_uuid_v4()));
    text.insert(text.find("\"host\":{") + 8, "\"deep\":" + std::string(200, '[') + std::string(200, ']') + ",");
    const auto before = stored_agents();
    auto reply = admin_->post("/agents", text);
    ASSERT_EQ(reply.status, 400u) << reply.body;
    EXPECT_NE(reply.body.find(std::to_string(core::kMaxJsonDepth)), std::string::npos) << reply.body;
    EXPECT_EQ(stored_agents(), before);
  }

  // Exactly at the limits: enrolled, and listed with what was sent.
  auto id = random_uuid_v4();
  auto body = enrollment(id);
  body["type"] = text_of(core::kMaxShortText);
  body["version"] = text_of(core::kMaxShortText);
  body["host"].as_object()["os"].as_object()["name"] = text_of(core::kMaxShortText);
  ASSERT_EQ(admin_->post("/agents", json::serialize(body)).status, 201u);
  auto listed = json::parse(admin_->get("/agents?agents_list=" + id).body);
  const auto& item = listed.at("data").at("affected_items").as_array().at(0);
  EXPECT_EQ(item.at("version").as_string(), text_of(core::kMaxShortText));
  EXPECT_EQ(item.at("os").at("name").as_string(), text_of(core::kMaxShortText));
}

TEST_F(InputLimits, HugeAgentFilterIs400NotA500) {
  enroll_agent(*admin_, "filter-me");
  // The probe: 2,000 `;`-joined terms answered 500 "SQLite prepare: Expression tree is too large".
  std::string q;
  for (int i = 0; i < 2000; ++i) q += (i ? ";" : "") + std::string("id=a");
  expect_query_refused("/agents?q=" + q, {"q", std::to_string(core::kMaxFilterLength)});
  std::string terms;
  for (std::size_t i = 0; i <= core::kMaxFilterTerms; ++i) terms += (i ? ";" : "") + std::string("id=a");
  expect_query_refused("/agents?q=" + terms, {"q", std::to_string(core::kMaxFilterTerms), "conditions"});

  std::string at_limit;
  for (std::size_t i = 0; i < core::kMaxFilterTerms; ++i) {
    at_limit += (i ? (i % 2 ? ";" : ",") : "") + std::string(i % 3 ? "name!=x" : "group!=g");
  }
  auto reply = admin_->get("/agents?q=" + at_limit);
  EXPECT_EQ(reply.status, 200u) << reply.body;

  expect_query_refused("/agents?q=name~" + text_of(core::kMaxFilterLength),
                       {"q", std::to_string(core::kMaxFilterLength)});
  std::string deep =
      std::string(core::kMaxFilterDepth + 1, '(') + "name=x" + std::string(core::kMaxFilterDepth + 1, ')');
  expect_query_refused("/agents?q=" + deep, {"q", std::to_string(core::kMaxFilterDepth)});
  std::string nested = std::string(core::kMaxFilterDepth, '(') + "name=x" + std::string(core::kMaxFilterDepth, ')');
  EXPECT_EQ(admin_->get("/agents?q=" + nested).status, 200u);

  expect_query_refused("/agents?search=" + text_of(core::kMaxFilterLength + 1),
                       {"search", std::to_string(core::kMaxFilterLength)});
  expect_query_refused("/agents?name=" + text_of(core::kMaxFilterLength + 1),
                       {"name", std::to_string(core::kMaxFilterLength)});
  std::string sort, select;
  for (std::size_t i = 0; i <= core::kMaxSortKeys; ++i) sort += (i ? ",-name" : "+name");
  expect_query_refused("/agents?sort=" + sort, {"sort", std::to_string(core::kMaxSortKeys)});
  for (std::size_t i = 0; i <= core::kMaxSelectFields; ++i) select += (i ? ",name" : "name");
  expect_query_refused("/agents?select=" + select, {"select", std::to_string(core::kMaxSelectFields)});
  expect_query_refused("/agents?agents_list=" + text_of(core::kMaxShortText + 1),
                       {"agents_list", std::to_string(core::kMaxShortText)});

  for (const char* parameter : {"agent_id", "action", "source"}) {
    expect_query_refused("/orders?" + std::string(parameter) + "=" + text_of(core::kMaxShortText + 1),
                         {parameter, std::to_string(core::kMaxShortText)});
  }
}

TEST_F(InputLimits, ServerModuleResultThatCannotBeStoredIs400) {
  auto created = admin_->post(
      kCommands,
      R"({"commands":[{"action":{"name":"update","args":{"index":"content-index","offset":"1111"}},)"
      R"("source":"Content Manager","timeout":100,"target":{"id":"vulnerability-detector","type":"server"}}]})");
  ASSERT_EQ(created.status, 200u) << created.body;
  auto id = std::string(json::parse(created.body).at("orders").as_array().at(0).at("_id").as_string());
  auto polled = admin_->get("/api/v1/server/commands?module=vulnerability-detector");
  ASSERT_EQ(polled.status, 200u) << polled.body;

  for (const auto& [body, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"code":0,"message":"m","data":{"n":1e999}})", "command.result.data.n"},
           {R"({"code":0,"message":")" + text_of(core::kMaxLongText + 1) + R"("})", "command.result.message"}}) {
    auto reply = admin_->post("/orders/" + id + "/result", body);
    ASSERT_EQ(reply.status, 400u) << reply.body.substr(0, 300);
    EXPECT_NE(reply.body.find(field), std::string::npos) << reply.body.substr(0, 300);
  }
  auto order = json::parse(admin_->get("/orders/" + id).body).at("data").at("affected_items").as_array().at(0);
  EXPECT_EQ(order.at("command").at("status").as_string(), "sent");
  EXPECT_FALSE(order.at("command").as_object().contains("result"));
}

class InputLimitsComms : public SharedServerSuite {
 protected:
  void SetUp() override {
    admin_ = std::make_unique<HttpClient>(server_->admin_client());
    key_ = auth::random_alnum(32);
    id_ = random_uuid_v4();
    ASSERT_EQ(admin_->post("/agents", enrollment_body(id_, "limits-agent", key_)).status, 201u);
    agent_ = std::make_unique<TestAgent>(server_->comms_url(), id_, key_, "limits-agent");
    ASSERT_EQ(agent_->authenticate().status, 200u);
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "heraldd output:\n" << server_->output() << std::endl;
  }
  HttpResult post_stateful(const std::string& body) {
    HttpClient client(server_->comms_url());
    return client.request("POST", "/api/v1/events/stateful", body,
                          {{"Authorization", "Bearer " + agent_->token()}, {"Content-Type", "application/json"}});
  }
  json::object stored_agent() {
    auto listed = json::parse(admin_->get("/agents?agents_list=" + id_).body);
    return listed.at("data").at("affected_items").as_array().at(0).as_object();
  }
  json::object metadata() { return json::parse(agent_->metadata_line()).as_object(); }
  static std::string line(const json::object& object) { return json::serialize(object); }

  std::unique_ptr<HttpClient> admin_;
  std::string key_, id_;
  std::unique_ptr<TestAgent> agent_;
};

constexpr const char* kInventoryEvent = R"({"module":"inventory","collector":"system","operation":"create"})"
                                        "\n"
                                        R"({"host":{"hostname":"h"}})"
                                        "\n";

TEST_F(InputLimitsComms, OversizedEventMetadataIs400AndLeavesTheAgentRowAlone) {
  const auto short_limit = std::to_string(core::kMaxShortText);
  const std::string big = text_of(100 * 1024);
  struct Case {
    std::string field;
    std::function<void(json::object&)> edit;
    std::string limit;
  };
  std::vector<Case> cases = {
      {"agent.version", [&](json::object& m) { m["agent"].as_object()["version"] = big; }, short_limit},
      {"agent.host.os.name", [&](json::object& m) { m["agent"].at("host").at("os").as_object()["name"] = big; },
       short_limit},
      {"agent.host.ip[0]",
       [&](json::object& m) { m["agent"].at("host").as_object()["ip"] = json::array{json::string(big)}; }, short_limit},
      {"agent.groups[0]", [&](json::object& m) { m["agent"].as_object()["groups"] = json::array{json::string(big)}; },
       std::to_string(core::kMaxGroupNameLength)},
  };
  for (const auto& c : cases) {
    auto m = metadata();
    c.edit(m);
    auto reply = post_stateful(line(m) + "\n" + kInventoryEvent);
    ASSERT_EQ(reply.status, 400u) << c.field << ": " << reply.body.substr(0, 300);
    auto body = json::parse(reply.body).as_object();
    EXPECT_EQ(body.at("code").as_int64(), 400);
    std::string message(body.at("message").as_string());
    EXPECT_NE(message.find(c.field), std::string::npos) << message;
    EXPECT_NE(message.find(c.limit), std::string::npos) << message;
  }
  auto stored = stored_agent();
  EXPECT_EQ(stored.at("version").as_string(), "6.0.0");
  EXPECT_EQ(stored.at("os").at("name").as_string(), "Ubuntu");
  EXPECT_EQ(stored.at("ip").as_string(), "10.0.0.5");
  EXPECT_TRUE(stored.at("group").as_array().empty());

  // Within the limits the same batch is accepted and updates the row.
  auto m = metadata();
  m["agent"].as_object()["version"] = text_of(core::kMaxShortText);
  ASSERT_EQ(post_stateful(line(m) + "\n" + kInventoryEvent).status, 200u);
  EXPECT_EQ(stored_agent().at("version").as_string(), text_of(core::kMaxShortText));
}

TEST_F(InputLimitsComms, CommandResultThatCannotBeStoredIsAFailedItem) {
  auto reply = admin_->post(kCommands, command_body("agent", id_));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  auto order_id = std::string(json::parse(reply.body).at("orders").as_array().at(0).at("_id").as_string());
  auto polled = agent_->poll();
  ASSERT_EQ(polled.status, 200u) << polled.body;

  const std::string header = R"({"id":")" + order_id + R"(","module":"command","operation":"update"})";
  auto send = [&](const std::string& data) {
    return post_stateful(agent_->metadata_line() + "\n" + header + "\n" + data + "\n");
  };
  auto expect_failed_item = [&](const HttpResult& result, const std::string& field) {
    ASSERT_EQ(result.status, 200u) << result.body.substr(0, 300);
    auto parsed = json::parse(result.body);
    const auto& item = parsed.at("results").as_array().at(0);
    EXPECT_EQ(item.at("status").as_int64(), 400) << result.body.substr(0, 300);
    EXPECT_NE(std::string(item.at("result").as_string()).find(field), std::string::npos) << result.body.substr(0, 300);
  };
  expect_failed_item(send(R"({"command":{"result":{"code":0,"message":"m","data":{"n":1e999}}}})"),
                     "command.result.data.n");
  expect_failed_item(
      send(R"({"command":{"result":{"code":0,"message":")" + text_of(core::kMaxLongText + 1) + R"("}}})"),
      "command.result.message");
  auto order = json::parse(admin_->get("/orders/" + order_id).body).at("data").at("affected_items").as_array().at(0);
  EXPECT_EQ(order.at("command").at("status").as_string(), "sent");
  EXPECT_FALSE(order.at("command").as_object().contains("result"));

  // A result whose data nests deeper than 32 (within the limit) is stored whole.
  std::string nested = std::string(40, '[') + "1" + std::string(40, ']');
  auto applied = send(R"({"command":{"result":{"code":0,"message":"done","data":{"n":)" + nested + "}}}}");
  ASSERT_EQ(applied.status, 200u) << applied.body;
  EXPECT_EQ(json::parse(applied.body).at("results").as_array().at(0).at("status").as_int64(), 200) << applied.body;
  json::parse_options options;
  options.max_depth = core::kMaxJsonDepth;
  auto stored = json::parse(admin_->get("/orders/" + order_id).body, {}, options);
  const auto& result = stored.at("data").at("affected_items").as_array().at(0).at("command").at("result");
  EXPECT_EQ(result.at("code").as_int64(), 0);
  EXPECT_EQ(json::serialize(result.at("data")), R"({"n":)" + nested + "}");
}

}  // namespace
}  // namespace herald::test
