// Every bound of core/field_limits.h, through the parsers that apply it (commands, agent event
// batches, agent filters) and the shared checks themselves (issue 18, findings 2, 4 and 10).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <string>
#include <vector>

#include "core/agent_filter.h"
#include "core/command_parser.h"
#include "core/field_limits.h"
#include "core/input_checks.h"
#include "core/order_document.h"
#include "core/stateful_events.h"
#include "support/stateful_samples.h"

namespace herald::core {
namespace {

namespace json = boost::json;

std::string text_of(std::size_t bytes) {
  return std::string(bytes, 'x');
}
std::string nested(std::size_t depth) {
  return std::string(depth, '[') + "1" + std::string(depth, ']');
}
bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// --- the shared checks ---

TEST(CoreInputChecks, LengthAndCountBoundsAreInclusive) {
  EXPECT_FALSE(check_length("f", text_of(10), 10));
  auto violation = check_length("f", text_of(11), 10);
  ASSERT_TRUE(violation);
  EXPECT_EQ(violation->message(), "f must be at most 10 bytes long, got 11 bytes");
  EXPECT_FALSE(check_count("f", 3, 3));
  ASSERT_TRUE(check_count("f", 4, 3));
  EXPECT_EQ(check_count("f", 4, 3)->message(), "f must be at most 3 items, got 4 items");
  EXPECT_FALSE(check_json_size("f", 5, 5));
  EXPECT_EQ(check_json_size("f", 6, 5)->message(), "f must be at most 5 bytes as JSON, got 6 bytes");
}

TEST(CoreInputChecks, JsonValuesNamesThePathOfTheFirstProblem) {
  auto value = json::parse(R"({"a":{"b":[1,"ok",1e999]},"c":-1e999})");
  auto violation = check_json_values(value, "root", 100, 100);
  ASSERT_TRUE(violation);
  EXPECT_EQ(violation->field, "root.a.b[2]");
  EXPECT_TRUE(contains(violation->limit, "double"));

  violation = check_json_values(json::parse(R"({"s":")" + text_of(6) + R"("})"), "", 5, 100);
  ASSERT_TRUE(violation);
  EXPECT_EQ(violation->field, "s");
  violation = check_json_values(json::parse(R"({")" + text_of(6) + R"(":1})"), "p", 100, 5);
  ASSERT_TRUE(violation);
  EXPECT_EQ(violation->field, "p");  // the key itself is not repeated in the message
  EXPECT_TRUE(contains(violation->actual, "6 bytes"));

  // Finite numbers, however large or small, are fine: they are kept as the nearest double.
  EXPECT_FALSE(check_json_values(json::parse(R"([1e308,-1e308,1e-999,18446744073709551616,0.1])"), "", 5, 5));
}

TEST(CoreInputChecks, ClientJsonOptionsAllowTheSharedDepthAndNoMore) {
  json::error_code ec;
  json::parse(nested(kMaxJsonDepth - 1), ec, {}, client_json_options());
  EXPECT_FALSE(ec) << ec.message();
  json::parse(nested(kMaxJsonDepth + 1), ec, {}, client_json_options());
  ASSERT_TRUE(ec);
  EXPECT_TRUE(contains(json_parse_problem(ec), std::to_string(kMaxJsonDepth))) << json_parse_problem(ec);
}

TEST(CoreInputChecks, AgentHostFields) {
  auto host = [](const std::string& inner) { return json::parse("{" + inner + "}").as_object(); };
  const std::string big = R"(")" + text_of(kMaxShortText + 1) + R"(")";
  const std::string ok = R"(")" + text_of(kMaxShortText) + R"(")";
  struct Case {
    std::string body, field;
  };
  for (const auto& c : std::vector<Case>{
           {R"("hostname":)" + big, "h.hostname"},
           {R"("architecture":)" + big, "h.architecture"},
           {R"("os":{"name":)" + big + "}", "h.os.name"},
           {R"("os":{"type":)" + big + "}", "h.os.type"},
           {R"("os":{"version":)" + big + "}", "h.os.version"},
           {R"("os":{"platform":)" + big + "}", "h.os.platform"},
           {R"("ip":)" + big, "h.ip"},
           {R"("ip":["1.2.3.4",)" + big + "]", "h.ip[1]"},
           {R"("os":{"uname":")" + text_of(kMaxLongText + 1) + R"("})", "h.os.uname"},
           {R"("cpus":1e999)", "h.cpus"},
       }) {
    auto violation = check_agent_host(host(c.body), "h");
    ASSERT_TRUE(violation) << c.field;
    EXPECT_EQ(violation->field, c.field);
  }
  EXPECT_FALSE(check_agent_host(host(R"("hostname":)" + ok + R"(,"os":{"name":)" + ok + R"(,"uname":")" +
                                     text_of(kMaxLongText) + R"("},"ip":[)" + ok + "]"),
                                "h"));

  json::array ips;
  for (std::size_t i = 0; i <= kMaxAgentIps; ++i) ips.emplace_back("10.0.0.1");
  auto violation = check_agent_host(json::object{{"ip", ips}}, "h");
  ASSERT_TRUE(violation);
  EXPECT_EQ(violation->field, "h.ip");
  ips.pop_back();
  EXPECT_FALSE(check_agent_host(json::object{{"ip", ips}}, "h"));

  json::object wide;
  for (int i = 0; i < 20; ++i) wide["k" + std::to_string(i)] = text_of(4000);
  violation = check_agent_host(wide, "h");
  ASSERT_TRUE(violation);
  EXPECT_EQ(violation->field, "h");
  EXPECT_TRUE(contains(violation->limit, std::to_string(kMaxHostJsonBytes)));
}

// --- commands ---

std::string command(const std::string& action, const std::string& source = "S", const std::string& user = "u",
                    const std::string& target = R"({"type":"agent","id":"a"})") {
  return R"({"commands":[{"action":)" + action + R"(,"source":")" + source + R"(","user":")" + user +
         R"(","timeout":100,"target":)" + target + "}]}";
}

CommandParseError command_error(const std::string& body) {
  auto parsed = parse_commands(body);
  if (auto* error = std::get_if<CommandParseError>(&parsed)) return *error;
  ADD_FAILURE() << "expected an error for " << body.substr(0, 200);
  return {};
}

Command parsed_command(const std::string& body) {
  auto parsed = parse_commands(body);
  if (auto* commands = std::get_if<std::vector<Command>>(&parsed)) return commands->at(0);
  ADD_FAILURE() << std::get<CommandParseError>(parsed).message;
  return {};
}

void expect_illegal(const std::string& body, const std::string& field, std::size_t limit) {
  auto error = command_error(body);
  EXPECT_EQ(error.format, CommandParseError::Format::indexer_error);
  EXPECT_EQ(error.type, "illegal_argument_exception");
  EXPECT_TRUE(contains(error.message, "Expected [" + field + "]")) << error.message;
  if (limit) {
    EXPECT_TRUE(contains(error.message, std::to_string(limit))) << error.message;
  }
}

TEST(CoreInputChecks, CommandArgsNumberBeyondADoubleIsRefusedNotLost) {
  expect_illegal(command(R"({"name":"restart","args":{"n":1e999}})"), "command.action.args.n", 0);
  expect_illegal(command(R"({"name":"restart","args":{"a":[{"b":-1e999}]}})"), "command.action.args.a[0].b", 0);
  EXPECT_TRUE(contains(command_error(command(R"({"name":"restart","args":{"n":1e999}})")).message, "double"));
  // Numbers a double holds round-trip through the stored order.
  auto kept = parsed_command(command(R"({"name":"restart","args":{"n":1e308,"i":-7,"u":18446744073709551615}})"));
  auto args = json::parse(kept.action.args_json).as_object();
  EXPECT_EQ(args.at("n").as_double(), 1e308);
  EXPECT_EQ(args.at("i").as_int64(), -7);
  EXPECT_EQ(args.at("u").as_uint64(), 18446744073709551615u);
  // refresh drops non-strings (upstream's rule), so nothing unrepresentable is stored there.
  EXPECT_EQ(parsed_command(command(R"({"name":"refresh","args":{"index":["a",1e999]}})", "S", "u",
                                   R"({"type":"server","id":"rbac"})"))
                .action.args_json,
            R"({"index":["a"]})");
}

TEST(CoreInputChecks, CommandBodyDepthIsTheSharedLimit) {
  auto error = command_error(command(R"({"name":"restart","args":{"n":)" + nested(kMaxJsonDepth) + "}}"));
  EXPECT_EQ(error.type, "parsing_exception");
  EXPECT_TRUE(contains(error.message, std::to_string(kMaxJsonDepth))) << error.message;

  // Args deeper than Boost.JSON's default 32 but within the limit are kept and read back whole.
  auto deep = parsed_command(command(R"({"name":"restart","args":{"n":)" + nested(40) + "}}"));
  Order order;
  order.command = deep;
  auto document = order_document(order);
  EXPECT_EQ(json::serialize(document.at("command").at("action").at("args")), R"({"n":)" + nested(40) + "}");
  auto delivered = agent_command(order);
  EXPECT_EQ(json::serialize(delivered.at("action").at("args")), R"({"n":)" + nested(40) + "}");
}

TEST(CoreInputChecks, EveryStoredCommandStringIsBounded) {
  const auto big = text_of(kMaxShortText + 1);
  expect_illegal(command(R"({"name":")" + big + R"("})"), "command.action.name", kMaxShortText);
  expect_illegal(command(R"({"name":"restart","version":")" + big + R"("})"), "command.action.version", kMaxShortText);
  expect_illegal(command(R"({"name":"restart"})", big), "command.source", kMaxShortText);
  expect_illegal(command(R"({"name":"restart"})", "S", big), "command.user", kMaxShortText);
  expect_illegal(command(R"({"name":"restart"})", "S", "u", R"({"type":"server","id":")" + big + R"("})"),
                 "command.target.id", kMaxShortText);
  expect_illegal(command(R"({"name":"restart","args":{"s":")" + text_of(kMaxLongText + 1) + R"("}})"),
                 "command.action.args.s", kMaxLongText);
  expect_illegal(command(R"({"name":"restart","args":{"l":["a",")" + text_of(kMaxLongText + 1) + R"("]}})"),
                 "command.action.args.l[1]", kMaxLongText);
  expect_illegal(command(R"({"name":"restart","args":{")" + big + R"(":1}})"), "command.action.args", kMaxShortText);
  std::string wide = R"({"name":"restart","args":{)";
  for (int i = 0; i < 20; ++i) wide += (i ? "," : "") + ("\"k" + std::to_string(i) + "\":\"" + text_of(4000) + "\"");
  expect_illegal(command(wide + "}}"), "command.action.args", kMaxArgsJsonBytes);
  // update keeps its strings: they are bounded too.
  expect_illegal(command(R"({"name":"update","args":{"index":")" + text_of(kMaxLongText + 1) + R"(","offset":"1"}})",
                         "S", "u", R"({"type":"server","id":"vulnerability-detector"})"),
                 "command.action.args.index", kMaxLongText);

  // At the limits: accepted as sent.
  const auto at = text_of(kMaxShortText);
  auto ok = parsed_command(
      command(R"({"name":")" + at + R"(","version":")" + at + R"(","args":{"s":")" + text_of(kMaxLongText) + R"("}})",
              at, at, R"({"type":"server","id":")" + at + R"("})"));
  EXPECT_EQ(ok.action.name, at);
  EXPECT_EQ(ok.source, at);
  EXPECT_EQ(ok.target.id, at);
}

TEST(CoreInputChecks, SetGroupNamesAndCount) {
  expect_illegal(
      command(R"({"name":"set-group","args":{"groups":["","ok",")" + text_of(kMaxGroupNameLength + 1) + R"("]}})"),
      "command.action.args.groups[2]", kMaxGroupNameLength);
  std::string groups;
  for (std::size_t i = 0; i <= kMaxAgentGroups; ++i) groups += (i ? ",\"g" : "\"g") + std::to_string(i) + "\"";
  expect_illegal(command(R"({"name":"set-group","args":{"groups":[)" + groups + "]}}"), "command.action.args.groups",
                 kMaxAgentGroups);
  groups = groups.substr(0, groups.rfind(','));
  auto ok = parsed_command(command(R"({"name":"set-group","args":{"groups":[)" + groups + "]}}"));
  EXPECT_EQ(json::parse(ok.action.args_json).at("groups").as_array().size(), kMaxAgentGroups);
}

// --- agent event batches ---

json::object metadata() {
  return json::parse(test::kAgentMetadataLine).as_object();
}
const std::string kInventory =
    "\n"
    R"({"module":"inventory","collector":"system","operation":"create"})"
    "\n"
    R"({"a":1})"
    "\n";

TEST(CoreInputChecks, EventMetadataFieldsAreBounded) {
  const auto big = json::string(text_of(kMaxShortText + 1));
  struct Case {
    std::string field;
    std::function<void(json::object&)> edit;
    std::size_t limit;
  };
  for (const auto& c : std::vector<Case>{
           {"agent.version", [&](json::object& a) { a["version"] = big; }, kMaxShortText},
           {"agent.type", [&](json::object& a) { a["type"] = big; }, kMaxShortText},
           {"agent.name", [&](json::object& a) { a["name"] = big; }, kMaxShortText},
           {"agent.host.hostname", [&](json::object& a) { a["host"].as_object()["hostname"] = big; }, kMaxShortText},
           {"agent.host.architecture", [&](json::object& a) { a["host"].as_object()["architecture"] = big; },
            kMaxShortText},
           {"agent.host.os.version", [&](json::object& a) { a["host"].at("os").as_object()["version"] = big; },
            kMaxShortText},
           {"agent.host.ip[0]", [&](json::object& a) { a["host"].as_object()["ip"] = json::array{big}; },
            kMaxShortText},
           {"agent.groups[1]",
            [&](json::object& a) {
              a["groups"] = json::array{"g", json::string(text_of(kMaxGroupNameLength + 1))};
            },
            kMaxGroupNameLength},
           {"agent.groups", [&](json::object& a) { a["groups"] = json::array(kMaxAgentGroups + 1, json::string("g")); },
            kMaxAgentGroups},
           {"agent.extra", [&](json::object& a) { a["extra"] = json::string(text_of(kMaxLongText + 1)); },
            kMaxLongText},
           {"agent",
            [&](json::object& a) {
              for (int i = 0; i < 20; ++i) a["x" + std::to_string(i)] = text_of(4000);
            },
            kMaxAgentMetadataBytes},
       }) {
    auto line = metadata();
    c.edit(line["agent"].as_object());
    auto parsed = parse_stateful_events(json::serialize(line) + kInventory);
    ASSERT_TRUE(std::holds_alternative<StatefulEventsError>(parsed)) << c.field;
    const auto& error = std::get<StatefulEventsError>(parsed);
    EXPECT_EQ(error.code, 400);
    EXPECT_TRUE(contains(error.message, "Invalid agent metadata: " + c.field + " must be")) << error.message;
    EXPECT_TRUE(contains(error.message, std::to_string(c.limit))) << error.message;
    // Stateless batches only take their metadata for the agent row: none of it is.
    EXPECT_FALSE(parse_agent_metadata_line(json::serialize(line) + "\n{}")) << c.field;
  }

  // A number beyond a double (json::serialize would write it as `Infinity`, so the literal is sent).
  auto text = test::kAgentMetadataLine;
  text.insert(text.find(R"("host":{)") + 8, R"("cores":1e999,)");
  auto parsed = parse_stateful_events(text + kInventory);
  ASSERT_TRUE(std::holds_alternative<StatefulEventsError>(parsed));
  EXPECT_TRUE(contains(std::get<StatefulEventsError>(parsed).message, "agent.host.cores"));

  // At the limits: accepted.
  auto at = metadata();
  at["agent"].as_object()["version"] = text_of(kMaxShortText);
  at["agent"].as_object()["groups"] = json::array(kMaxAgentGroups, json::string(text_of(kMaxGroupNameLength)));
  parsed = parse_stateful_events(json::serialize(at) + kInventory);
  ASSERT_TRUE(std::holds_alternative<StatefulBatch>(parsed)) << std::get<StatefulEventsError>(parsed).message;
  EXPECT_EQ(std::get<StatefulBatch>(parsed).agent.version, text_of(kMaxShortText));
}

TEST(CoreInputChecks, EventLinesNestWithinTheSharedLimit) {
  const std::string header =
      "\n"
      R"({"module":"inventory","collector":"system","operation":"create"})"
      "\n";
  auto deep = parse_stateful_events(test::kAgentMetadataLine + header + R"({"a":)" + nested(kMaxJsonDepth) + "}\n");
  ASSERT_TRUE(std::holds_alternative<StatefulEventsError>(deep));
  EXPECT_EQ(std::get<StatefulEventsError>(deep).code, kInvalidStatefulBodyCode);
  EXPECT_TRUE(contains(std::get<StatefulEventsError>(deep).message, std::to_string(kMaxJsonDepth)));
  EXPECT_TRUE(std::holds_alternative<StatefulBatch>(
      parse_stateful_events(test::kAgentMetadataLine + header + R"({"a":)" + nested(40) + "}\n")));
}

StatefulEvent result_event(const std::string& result) {
  StatefulEvent event;
  event.id = "1-1";
  event.module = "command";
  event.operation = "update";
  event.data_json = R"({"command":{"result":)" + result + "}}";
  event.index = "wazuh-commands";
  return event;
}

TEST(CoreInputChecks, CommandResultsThatCannotBeStoredSayWhy) {
  auto report = command_result(result_event(R"({"code":0,"message":"m","data":{"n":1e999}})"));
  ASSERT_TRUE(report);
  ASSERT_TRUE(report->problem);
  EXPECT_TRUE(contains(*report->problem, "command.result.data.n")) << *report->problem;

  report = command_result(result_event(R"({"code":0,"message":")" + text_of(kMaxLongText + 1) + R"("})"));
  ASSERT_TRUE(report && report->problem);
  EXPECT_TRUE(contains(*report->problem, "command.result.message")) << *report->problem;
  EXPECT_TRUE(contains(*report->problem, std::to_string(kMaxLongText))) << *report->problem;

  json::object wide;
  for (int i = 0; i < 20; ++i) wide["k" + std::to_string(i)] = text_of(4000);
  report = command_result(result_event(R"({"code":0,"data":)" + json::serialize(wide) + "}"));
  ASSERT_TRUE(report && report->problem);
  EXPECT_TRUE(contains(*report->problem, std::to_string(kMaxResultDataBytes))) << *report->problem;

  // A result whose data nests deeper than 32 but within the limit is read, stored and shown whole.
  report = command_result(result_event(R"({"code":0,"message":"done","data":{"n":)" + nested(40) + "}}"));
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->problem);
  ASSERT_TRUE(report->data_json);
  Order order;
  order.result = OrderResult{report->code, report->message, report->data_json};
  EXPECT_EQ(json::serialize(order_document(order).at("command").at("result").at("data")),
            R"({"n":)" + nested(40) + "}");

  report = command_result(result_event(R"({"code":0,"message":")" + text_of(kMaxLongText) + R"("})"));
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->problem);
}

// --- agent filters ---

TEST(CoreInputChecks, AgentFilterIsBoundedInTermsDepthAndLength) {
  std::string q;
  for (std::size_t i = 0; i < kMaxFilterTerms; ++i) q += (i ? (i % 2 ? ";" : ",") : "") + std::string("name=a");
  EXPECT_TRUE(parse_agent_filter(q));
  auto over = parse_agent_filter(q + ";name=a");
  ASSERT_FALSE(over);
  EXPECT_TRUE(contains(over.error().message, std::to_string(kMaxFilterTerms))) << over.error().message;

  // 2,000 terms, the probe that made SQLite answer "Expression tree is too large".
  std::string probe;
  for (int i = 0; i < 2000; ++i) probe += (i ? ";" : "") + std::string("id=a");
  EXPECT_FALSE(parse_agent_filter(probe));

  auto wrap = [](std::size_t depth) { return std::string(depth, '(') + "name=a" + std::string(depth, ')'); };
  EXPECT_TRUE(parse_agent_filter(wrap(kMaxFilterDepth)));
  auto deep = parse_agent_filter(wrap(kMaxFilterDepth + 1));
  ASSERT_FALSE(deep);
  EXPECT_TRUE(contains(deep.error().message, std::to_string(kMaxFilterDepth))) << deep.error().message;
  // Sibling groups do not add up: depth is nesting, not count.
  EXPECT_TRUE(parse_agent_filter("(name=a;(status=active,(ip=1)));(name=b);(((version=1)))"));
  // As deep as the length allows: refused at the first parenthesis past the limit, no deeper.
  auto all_open = parse_agent_filter(std::string(kMaxFilterLength, '('));
  ASSERT_FALSE(all_open);
  EXPECT_TRUE(contains(all_open.error().message, "nest")) << all_open.error().message;
  EXPECT_FALSE(parse_agent_filter(std::string(100000, '(')));  // and longer: refused by its length

  EXPECT_TRUE(parse_agent_filter("name~" + text_of(kMaxFilterLength - 5)));
  auto longer = parse_agent_filter("name~" + text_of(kMaxFilterLength - 4));
  ASSERT_FALSE(longer);
  EXPECT_TRUE(contains(longer.error().message, std::to_string(kMaxFilterLength))) << longer.error().message;
}

TEST(CoreInputChecks, SortKeysAreBounded) {
  std::string sort;
  for (std::size_t i = 0; i < kMaxSortKeys; ++i) sort += (i ? ",-name" : "+name");
  EXPECT_TRUE(parse_agent_sort(sort));
  auto over = parse_agent_sort(sort + ",id");
  ASSERT_FALSE(over);
  EXPECT_TRUE(contains(over.error().message, std::to_string(kMaxSortKeys))) << over.error().message;
}

}  // namespace
}  // namespace herald::core
