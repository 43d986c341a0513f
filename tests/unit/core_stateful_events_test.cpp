#include "core/stateful_events.h"

#include <gtest/gtest.h>

#include "support/stateful_samples.h"

#include <random>
#include <string>

namespace herald::core {
namespace {

const std::string& kMetadata = test::kAgentMetadataLine;

// The c4 example body from the wire-protocol spec.
const std::string kSpecBody = kMetadata + "\n" +
                              R"({"id":"U5jBvJUBm0bV3tIT0mmW","module":"command","operation":"update"})"
                              "\n"
                              R"({"command":{"result":{"code":0,"message":"CentralizedConfiguration set-group done."}}})"
                              "\n"
                              R"({"collector":"packages","id":"pkg-1","module":"inventory","operation":"delete"})"
                              "\n";

const std::string kBadBody(kInvalidStatefulBody);

StatefulBatch parse_ok(std::string_view body) {
  auto parsed = parse_stateful_events(body);
  if (auto* error = std::get_if<StatefulEventsError>(&parsed)) {
    ADD_FAILURE() << "unexpected error " << error->code << ": " << error->message;
    return {};
  }
  return std::get<StatefulBatch>(std::move(parsed));
}

StatefulEventsError parse_error(std::string_view body) {
  auto parsed = parse_stateful_events(body);
  if (!std::holds_alternative<StatefulEventsError>(parsed)) {
    ADD_FAILURE() << "expected an error for: " << body;
    return {};
  }
  return std::get<StatefulEventsError>(std::move(parsed));
}

std::string body_with(std::string_view header, std::string_view data = {}) {
  std::string body = kMetadata + "\n" + std::string(header) + "\n";
  if (!data.empty()) body += std::string(data) + "\n";
  return body;
}

TEST(CoreStatefulEvents, ParsesTheSpecExample) {
  auto batch = parse_ok(kSpecBody);
  EXPECT_EQ(batch.agent.id, "d5b250c4-dfa1-4d94-827f-9f99210dbe6c");
  EXPECT_EQ(batch.agent.name, "web1");
  EXPECT_EQ(batch.agent.type, "Endpoint");
  EXPECT_EQ(batch.agent.version, "6.0.0");
  EXPECT_EQ(batch.agent.groups, (std::vector<std::string>{"g1"}));
  EXPECT_EQ(batch.agent.hostname, "web1");
  EXPECT_EQ(batch.agent.architecture, "x86_64");
  EXPECT_EQ(batch.agent.os_name, "Ubuntu");
  EXPECT_EQ(batch.agent.os_type, "Linux");
  EXPECT_EQ(batch.agent.os_version, "24.04");
  EXPECT_EQ(batch.agent.ips, (std::vector<std::string>{"10.0.0.5"}));
  EXPECT_NE(batch.agent.host_json.find(R"("hostname":"web1")"), std::string::npos);
  EXPECT_EQ(batch.agent.raw_json.front(), '{');
  EXPECT_NE(batch.agent.raw_json.find(R"("id":"d5b250c4-dfa1-4d94-827f-9f99210dbe6c")"), std::string::npos);
  EXPECT_EQ(batch.agent.raw_json.find(R"("agent")"), std::string::npos);

  ASSERT_EQ(batch.events.size(), 2u);
  const auto& result = batch.events[0];
  EXPECT_EQ(result.id, "U5jBvJUBm0bV3tIT0mmW");
  EXPECT_EQ(result.module, "command");
  EXPECT_FALSE(result.collector);
  EXPECT_EQ(result.operation, "update");
  EXPECT_EQ(result.index, "wazuh-commands");
  EXPECT_EQ(result.data_json,
            R"({"command":{"result":{"code":0,"message":"CentralizedConfiguration set-group done."}}})");

  const auto& removal = batch.events[1];
  EXPECT_EQ(removal.id, "pkg-1");
  EXPECT_EQ(removal.module, "inventory");
  EXPECT_EQ(removal.collector, "packages");
  EXPECT_EQ(removal.operation, "delete");
  EXPECT_FALSE(removal.data_json);
  EXPECT_EQ(removal.index, "wazuh-states-inventory-packages");
}

TEST(CoreStatefulEvents, DeleteHeaderFollowedDirectlyByAnotherHeader) {  // conformance e10
  auto batch = parse_ok(kMetadata + "\n" +
                        R"({"id":"f1","module":"fim","operation":"delete"})"
                        "\n"
                        R"({"id":"s1","module":"sca","operation":"delete"})"
                        "\n"
                        R"({"id":"v1","module":"vulnerability","operation":"create"})"
                        "\n"
                        R"({"vulnerability":{"id":"CVE-1"}})");
  ASSERT_EQ(batch.events.size(), 3u);
  EXPECT_EQ(batch.events[0].index, "wazuh-states-fim");
  EXPECT_FALSE(batch.events[0].data_json);
  EXPECT_EQ(batch.events[1].index, "wazuh-states-sca");
  EXPECT_FALSE(batch.events[1].data_json);
  EXPECT_EQ(batch.events[2].index, "wazuh-states-vulnerabilities");
  EXPECT_EQ(batch.events[2].data_json, R"({"vulnerability":{"id":"CVE-1"}})");
}

TEST(CoreStatefulEvents, RoutesEveryInventoryCollector) {
  for (std::string collector : {"hardware", "hotfixes", "packages", "networks", "system", "ports", "processes"}) {
    auto batch = parse_ok(body_with(R"({"module":"inventory","collector":")" + collector + R"(","operation":"create"})",
                                    R"({"x":1})"));
    ASSERT_EQ(batch.events.size(), 1u);
    EXPECT_EQ(batch.events[0].index, "wazuh-states-inventory-" + collector);
    EXPECT_FALSE(batch.events[0].id);
  }
}

TEST(CoreStatefulEvents, ToleratesCrlfAndBlankLines) {
  std::string body = "\r\n  \n" + kMetadata + "\r\n\r\n\t \r\n" +
                     R"({"id":"U5","module":"command","operation":"update"})"
                     "\r\n\n"
                     R"(  {"command":{"result":{"code":1,"message":"x"}}}  )"
                     "\r\n\r\n";
  auto batch = parse_ok(body);
  ASSERT_EQ(batch.events.size(), 1u);
  EXPECT_EQ(batch.events[0].data_json, R"({"command":{"result":{"code":1,"message":"x"}}})");
}

TEST(CoreStatefulEvents, FewerThanTwoLinesIs2709) {
  for (std::string body : {std::string(), std::string("\n\n \r\n"), kMetadata, kMetadata + "\n\n"}) {
    auto error = parse_error(body);
    EXPECT_EQ(error.code, 2709);
    EXPECT_EQ(error.message, kBadBody);
  }
}

TEST(CoreStatefulEvents, BadJsonLineIs2709WithTheLine) {
  auto error = parse_error(kMetadata + "\n{\"module\":\n");
  EXPECT_EQ(error.code, 2709);
  EXPECT_EQ(error.message.rfind(kBadBody + ": line 2 is not valid JSON", 0), 0u) << error.message;

  error = parse_error("not json\n" + std::string(R"({"module":"fim","operation":"delete"})"));
  EXPECT_EQ(error.code, 2709);
  EXPECT_EQ(error.message.rfind(kBadBody + ": line 1 is not valid JSON", 0), 0u) << error.message;

  error = parse_error(body_with(R"({"id":"1","module":"fim","operation":"create"})", "{oops}"));
  EXPECT_EQ(error.code, 2709);
  EXPECT_EQ(error.message.rfind(kBadBody + ": line 3 is not valid JSON", 0), 0u) << error.message;
}

TEST(CoreStatefulEvents, MissingDataLineAtTheEndIs2709) {
  auto error = parse_error(body_with(R"({"id":"U5","module":"command","operation":"update"})"));
  EXPECT_EQ(error.code, 2709);
  EXPECT_EQ(error.message, kBadBody + ": line 2: the update header has no data line");

  // The next header is taken as the data line, and the body then ends without one.
  error = parse_error(kMetadata + "\n" + R"({"module":"fim","operation":"create"})" + "\n" +
                      R"({"module":"fim","operation":"create"})" + "\n" + R"({"module":"fim","operation":"create"})");
  EXPECT_EQ(error.code, 2709);
  EXPECT_EQ(error.message, kBadBody + ": line 4: the create header has no data line");
}

TEST(CoreStatefulEvents, DataLineMustBeAnObject) {
  auto error = parse_error(body_with(R"({"module":"fim","operation":"create"})", "[1,2]"));
  EXPECT_EQ(error.code, 2709);
  EXPECT_EQ(error.message, kBadBody + ": line 3: the event data must be a JSON object");
}

TEST(CoreStatefulEvents, BadModule) {
  for (std::string module : {R"("agent")", R"("")", "7", R"("FIM")"}) {
    auto error = parse_error(body_with(R"({"module":)" + module + R"(,"operation":"delete"})"));
    EXPECT_EQ(error.code, 400);
    EXPECT_EQ(error.message, kInvalidModule);
    EXPECT_EQ(error.message, "Invalid module name. It must be fim, inventory, sca, vulnerability or command");
  }
}

TEST(CoreStatefulEvents, BadInventoryCollector) {
  for (std::string collector : {R"(,"collector":"users")", R"(,"collector":3)", ""}) {
    auto error = parse_error(body_with(R"({"module":"inventory")" + collector + R"(,"operation":"delete"})"));
    EXPECT_EQ(error.code, 400);
    EXPECT_EQ(error.message,
              "Invalid inventory module collector. It must be hardware, hotfixes, packages, networks, system, ports or "
              "processes");
  }
}

TEST(CoreStatefulEvents, BadOperation) {
  for (std::string operation : {R"("upsert")", R"("")", "null1", "[]"}) {
    auto body = body_with(R"({"module":"fim","operation":)" + operation + "}");
    auto parsed = parse_stateful_events(body);
    ASSERT_TRUE(std::holds_alternative<StatefulEventsError>(parsed));
    const auto& error = std::get<StatefulEventsError>(parsed);
    if (operation == "null1") {  // not JSON at all
      EXPECT_EQ(error.code, 2709);
      continue;
    }
    EXPECT_EQ(error.code, 400);
    EXPECT_EQ(error.message, "Invalid operation. It must be create, update or delete");
  }
}

TEST(CoreStatefulEvents, MalformedHeaders) {
  auto error = parse_error(body_with("[1]"));
  EXPECT_EQ(error.code, 400);
  EXPECT_EQ(error.message, "Invalid event header on line 2: it must be a JSON object");

  error = parse_error(body_with(R"({"operation":"delete"})"));
  EXPECT_EQ(error.code, 400);
  EXPECT_EQ(error.message, "Invalid event header on line 2: missing module");

  error = parse_error(body_with(R"({"module":"fim"})"));
  EXPECT_EQ(error.code, 400);
  EXPECT_EQ(error.message, "Invalid event header on line 2: missing operation");

  error = parse_error(body_with(R"({"id":5,"module":"fim","operation":"delete"})"));
  EXPECT_EQ(error.code, 400);
  EXPECT_EQ(error.message, "Invalid event header on line 2: id must be a string");
}

TEST(CoreStatefulEvents, CommandHeaderNeedsTheOrderId) {
  for (std::string id : {"", R"("id":"",)", R"("id":null,)"}) {
    auto error = parse_error(body_with(R"({)" + id + R"("module":"command","operation":"update"})",
                                       R"({"command":{"result":{"code":0}}})"));
    EXPECT_EQ(error.code, 400);
    EXPECT_EQ(error.message, "Invalid command result: the header needs the order id");
  }
}

TEST(CoreStatefulEvents, EachMissingMetadataField) {
  const std::string header = "\n" R"({"module":"fim","operation":"delete"})";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"agent":{"name":"a","groups":[],"type":"t","version":"v","host":{}}})", "id"},
      {R"({"agent":{"id":"","name":"a","groups":[],"type":"t","version":"v","host":{}}})", "id"},
      {R"({"agent":{"id":"i","groups":[],"type":"t","version":"v","host":{}}})", "name"},
      {R"({"agent":{"id":"i","name":"a","type":"t","version":"v","host":{}}})", "groups"},
      {R"({"agent":{"id":"i","name":"a","groups":"g1","type":"t","version":"v","host":{}}})", "groups"},
      {R"({"agent":{"id":"i","name":"a","groups":["g",1],"type":"t","version":"v","host":{}}})", "groups"},
      {R"({"agent":{"id":"i","name":"a","groups":[],"version":"v","host":{}}})", "type"},
      {R"({"agent":{"id":"i","name":"a","groups":[],"type":"t","host":{}}})", "version"},
      {R"({"agent":{"id":"i","name":"a","groups":[],"type":"t","version":"v"}})", "host"},
      {R"({"agent":{"id":"i","name":"a","groups":[],"type":"t","version":"v","host":"h"}})", "host"},
  };
  for (const auto& [metadata, field] : cases) {
    auto error = parse_error(metadata + header);
    EXPECT_EQ(error.code, 400) << metadata;
    EXPECT_EQ(error.message, "Invalid agent metadata: missing or invalid agent." + field) << metadata;
  }
  for (std::string metadata : {R"({"agent":"x"})", R"({"id":"i"})", "[]"}) {
    auto error = parse_error(metadata + header);
    EXPECT_EQ(error.code, 400);
    EXPECT_EQ(error.message, "Invalid agent metadata: missing or invalid agent");
  }
  // The minimal metadata is enough; host details are optional.
  auto batch = parse_ok(R"({"agent":{"id":"i","name":"a","groups":[],"type":"t","version":"v","host":{}}})" + header);
  EXPECT_TRUE(batch.agent.groups.empty());
  EXPECT_FALSE(batch.agent.hostname);
  EXPECT_TRUE(batch.agent.ips.empty());
  EXPECT_EQ(batch.agent.host_json, "{}");
}

StatefulEvent command_event(std::optional<std::string> data) {
  StatefulEvent event;
  event.id = "doc";
  event.module = "command";
  event.operation = "update";
  event.data_json = std::move(data);
  event.index = "wazuh-commands";
  return event;
}

TEST(CoreStatefulEvents, CommandResultExtraction) {
  auto report = command_result(command_event(R"({"command":{"result":{"code":3,"message":"Command timed out"}}})"));
  ASSERT_TRUE(report);
  EXPECT_EQ(report->code, 3);
  EXPECT_EQ(report->message, "Command timed out");
  EXPECT_FALSE(report->data_json);

  report = command_result(command_event(R"({"command":{"result":{"code":0}}})"));
  ASSERT_TRUE(report);
  EXPECT_EQ(report->code, 0);
  EXPECT_EQ(report->message, "");

  report = command_result(command_event(R"({"command":{"result":{"code":-1,"message":"m","data":{"k":[1]}}}})"));
  ASSERT_TRUE(report);
  EXPECT_EQ(report->code, -1);
  EXPECT_EQ(report->data_json, R"({"k":[1]})");

  // Straight from the parser.
  auto batch = parse_ok(kSpecBody);
  report = command_result(batch.events.at(0));
  ASSERT_TRUE(report);
  EXPECT_EQ(report->code, 0);
  EXPECT_EQ(report->message, "CentralizedConfiguration set-group done.");
  EXPECT_FALSE(command_result(batch.events.at(1)));  // a delete has no data
}

TEST(CoreStatefulEvents, CommandResultWrongShapes) {
  for (std::string data : {
           R"({})",
           R"([])",
           R"(not json)",
           R"({"command":1})",
           R"({"command":{}})",
           R"({"command":{"result":"ok"}})",
           R"({"command":{"result":{}}})",
           R"({"command":{"result":{"message":"m"}}})",
           R"({"command":{"result":{"code":"0","message":"m"}}})",
           R"({"command":{"result":{"code":1.5,"message":"m"}}})",
           R"({"command":{"result":{"code":null}}})",
           R"({"command":{"result":{"code":18446744073709551615}}})",
           R"({"command":{"result":{"code":0,"message":7}}})",
       }) {
    EXPECT_FALSE(command_result(command_event(data))) << data;
  }
  EXPECT_FALSE(command_result(command_event(std::nullopt)));
}

TEST(CoreStatefulEvents, DeterministicFuzzNeverCrashes) {
  const std::vector<std::string> seeds = {
      kSpecBody,
      kMetadata + "\n" + R"({"module":"inventory","collector":"ports","operation":"create"})" + "\n" +
          R"({"port":{"n":[1,2.5,-3e9,true,null,"\u00e9"]}})",
      kMetadata + "\r\n" + R"({"id":"x","module":"sca","operation":"delete"})",
  };
  std::string alphabet = "{}[]\":,\n\r \\0123456789abcdefnulltrue-+.eE\x80\xff\xc3\xa9";
  alphabet.push_back('\0');
  std::mt19937 random(20240601);
  int parsed_ok = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string body = seeds[random() % seeds.size()];
    const int mutations = 1 + static_cast<int>(random() % 8);
    for (int m = 0; m < mutations && !body.empty(); ++m) {
      const std::size_t at = random() % body.size();
      switch (random() % 5) {
        case 0: body[at] = alphabet[random() % alphabet.size()]; break;
        case 1: body.insert(at, 1, alphabet[random() % alphabet.size()]); break;
        case 2: body.erase(at, 1 + random() % 16); break;
        case 3: body.insert(at, body.substr(random() % body.size(), random() % 64)); break;
        default: body.resize(at); break;
      }
    }
    auto parsed = parse_stateful_events(body);
    if (auto* batch = std::get_if<StatefulBatch>(&parsed)) {
      ++parsed_ok;
      for (const auto& event : batch->events) {
        EXPECT_FALSE(event.index.empty());
        (void)command_result(event);
      }
    } else {
      const auto& error = std::get<StatefulEventsError>(parsed);
      EXPECT_FALSE(error.message.empty());
      EXPECT_TRUE(error.code == 400 || error.code == 2709);
    }
  }
  EXPECT_GT(parsed_ok, 0);

  // Deep nesting and a large binary blob are rejected, not crashed on.
  EXPECT_EQ(parse_error(kMetadata + "\n" + std::string(100000, '[')).code, 2709);
  std::string binary(1 << 20, '\0');
  for (auto& c : binary) c = static_cast<char>(random());
  EXPECT_TRUE(std::holds_alternative<StatefulEventsError>(parse_stateful_events(binary)));
}

// Found by tests/fuzz/fuzz_stateful_events: numbers too large for a double were re-serialized as
// `Infinity` into the agent's metadata and a result's data, which is not JSON.
TEST(CoreStatefulEvents, MetadataNumbersMustFitADouble) {
  const std::string metadata =
      R"({"agent":{"id":"a1","name":"n","groups":[],"type":"Endpoint","version":"6.0.0","host":{"cpu":{"mhz":1e999}}}})";
  const std::string body = metadata + "\n" + R"({"id":"f1","module":"fim","operation":"delete"})" + "\n";
  const auto error = parse_error(body);
  EXPECT_EQ(error.code, 400);
  EXPECT_EQ(error.message,
            "Invalid agent metadata: agent.host.cpu.mhz must be a number within the range of a double (magnitude at "
            "most 1.7976931348623157e308), got a number beyond it");
  EXPECT_FALSE(parse_agent_metadata_line(body).has_value());
}

TEST(CoreStatefulEvents, ResultDataNumbersMustFitADouble) {
  StatefulEvent event;
  event.module = "command";
  event.operation = "update";
  event.id = "1_1";
  event.data_json = R"({"command":{"result":{"code":0,"message":"ok","data":{"n":-1e999}}}})";
  ASSERT_TRUE(command_result(event).has_value());
  EXPECT_TRUE(command_result(event)->problem.has_value()) << "a result that cannot be stored says why";
  event.data_json = R"({"command":{"result":{"code":0,"message":"ok","data":{"n":1e308}}}})";
  ASSERT_TRUE(command_result(event).has_value());
  EXPECT_EQ(command_result(event)->data_json, R"({"n":1E308})");
}

}  // namespace
}  // namespace herald::core
