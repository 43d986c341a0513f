// agent_control's output shapes (agent-status.md §3), byte for byte.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "cli/agent_control_format.h"

namespace herald::cli::agent_control {
namespace {

namespace json = boost::json;

// Agents as GET /agents returns them.
json::object web01() {
  return json::parse(R"({"id":"3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60","name":"web01","status":"active",
    "status_code":0,"ip":"10.0.0.5","registerIP":"10.0.0.5","version":"6.0.0",
    "os":{"name":"Ubuntu","version":"24.04","platform":"Linux","arch":"x86_64"},
    "configSum":"ab12","mergedSum":"cd34","group":["web"],"node_name":"node01",
    "dateAdd":"2025-03-28T10:00:00Z","lastKeepAlive":"2025-03-28T10:15:30Z","disconnection_time":0})")
      .as_object();
}

json::object db01_never_connected() {
  return json::parse(R"({"id":"8c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e","name":"db01","status":"never_connected",
    "status_code":0,"ip":"","registerIP":"","version":"","os":{},"group":[],"dateAdd":"2025-03-28T10:00:00Z",
    "disconnection_time":0})")
      .as_object();
}

json::array both() {
  return json::array{web01(), db01_never_connected()};
}

const ServerNode kServer{"node01", 1743156930, ""};

TEST(CliAgentControlFormat, StatusWords) {
  for (auto [status, word] :
       {std::pair{"active", "Active"}, std::pair{"pending", "Pending"}, std::pair{"disconnected", "Disconnected"},
        std::pair{"never_connected", "Never connected"}, std::pair{"rebooting", "Unknown"}, std::pair{"", "Unknown"}}) {
    EXPECT_EQ(status_word(json::object{{"status", status}}), word);
  }
  EXPECT_EQ(status_word(json::object{}), "Unknown");
}

TEST(CliAgentControlFormat, IpIsTheCurrentOneThenTheRegisteredOneThenAny) {
  EXPECT_EQ(agent_ip(json::object{{"ip", "10.0.0.9"}, {"registerIP", "10.0.0.5"}}), "10.0.0.9");
  EXPECT_EQ(agent_ip(json::object{{"ip", ""}, {"registerIP", "10.0.0.5"}}), "10.0.0.5");
  EXPECT_EQ(agent_ip(json::object{{"ip", ""}}), "any");
  EXPECT_EQ(agent_ip(json::object{}), "any");
}

TEST(CliAgentControlFormat, ListText) {
  EXPECT_EQ(format_agent_list(OutputFormat::text, kServer, both()),
            "\n"
            "Wazuh agent_control. List of available agents:\n"
            "   ID: 000, Name: node01 (server), IP: 127.0.0.1, Active/Local\n"
            "   ID: 3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60, Name: web01, IP: 10.0.0.5, Active\n"
            "   ID: 8c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e, Name: db01, IP: any, Never connected\n"
            "\n"
            "List of agentless devices:\n"
            "\n");
}

TEST(CliAgentControlFormat, ListTextWithoutServerLineForDisconnectedOnly) {
  json::object gone = web01();
  gone["status"] = "disconnected";
  EXPECT_EQ(format_agent_list(OutputFormat::text, std::nullopt, json::array{gone}),
            "\n"
            "Wazuh agent_control. List of available agents:\n"
            "   ID: 3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60, Name: web01, IP: 10.0.0.5, Disconnected\n"
            "\n"
            "List of agentless devices:\n"
            "\n");
}

TEST(CliAgentControlFormat, ListTextWithNoAgents) {
  EXPECT_EQ(format_agent_list(OutputFormat::text, kServer, {}),
            "\n"
            "Wazuh agent_control. List of available agents:\n"
            "   ID: 000, Name: node01 (server), IP: 127.0.0.1, Active/Local\n"
            "\n"
            "List of agentless devices:\n"
            "\n");
}

TEST(CliAgentControlFormat, ListCsv) {
  EXPECT_EQ(format_agent_list(OutputFormat::csv, kServer, both()),
            "000,node01 (server),127.0.0.1,Active/Local,\n"
            "3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60,web01,10.0.0.5,Active,\n"
            "8c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e,db01,any,Never connected,\n"
            "\n");
  EXPECT_EQ(format_agent_list(OutputFormat::csv, std::nullopt, {}), "\n");
}

TEST(CliAgentControlFormat, ListJsonIsOneValidLine) {
  auto out = format_agent_list(OutputFormat::json, kServer, both());
  ASSERT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1);
  EXPECT_EQ(json::parse(out), json::parse(R"({"error":0,"data":[
              {"id":"000","name":"node01","ip":"127.0.0.1","status":"Active"},
              {"id":"3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60","name":"web01","ip":"10.0.0.5","status":"Active"},
              {"id":"8c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e","name":"db01","ip":"any","status":"Never connected"}]})"));
  // Keys in upstream's order.
  EXPECT_EQ(out.substr(0, 60), R"({"error":0,"data":[{"id":"000","name":"node01","ip":"127.0.0)");
}

TEST(CliAgentControlFormat, ListJsonWithNoAgentsStillValid) {
  EXPECT_EQ(format_agent_list(OutputFormat::json, std::nullopt, {}), "{\"error\":0,\"data\":[]}\n");
  EXPECT_EQ(json::parse(format_agent_list(OutputFormat::json, kServer, {})),
            json::parse(R"({"error":0,"data":[{"id":"000","name":"node01","ip":"127.0.0.1","status":"Active"}]})"));
}

TEST(CliAgentControlFormat, NamesWithQuotesStayValidJson) {
  auto out = format_agent_list(OutputFormat::json, ServerNode{"we\"ird\\node", 0, ""}, {});
  EXPECT_EQ(json::parse(out).at("data").at(0).at("name").as_string(), "we\"ird\\node");
}

TEST(CliAgentControlFormat, InfoText) {
  EXPECT_EQ(format_agent_info(OutputFormat::text, web01()),
            "\n"
            "Wazuh agent_control. Agent information:\n"
            "   Agent ID:   3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60\n"
            "   Agent Name: web01\n"
            "   IP address: 10.0.0.5\n"
            "   Status:     Active\n"
            "\n"
            "   Operating system:    Ubuntu 24.04 (x86_64)\n"
            "   Client version:      Wazuh v6.0.0\n"
            "   Configuration hash:  ab12\n"
            "   Shared file hash:    cd34\n"
            "   Last keep alive:     1743156930\n"
            "\n"
            "   Syscheck last started at:  Unknown\n"
            "   Syscheck last ended at:    Unknown\n");
}

TEST(CliAgentControlFormat, InfoTextForANeverConnectedAgent) {
  EXPECT_EQ(format_agent_info(OutputFormat::text, db01_never_connected()),
            "\n"
            "Wazuh agent_control. Agent information:\n"
            "   Agent ID:   8c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e\n"
            "   Agent Name: db01\n"
            "   IP address: any\n"
            "   Status:     Never connected\n"
            "\n"
            "   Operating system:    Unknown\n"
            "   Client version:      Unknown\n"
            "   Configuration hash:  Unknown\n"
            "   Shared file hash:    Unknown\n"
            "   Last keep alive:     Unknown\n"
            "\n"
            "   Syscheck last started at:  Unknown\n"
            "   Syscheck last ended at:    Unknown\n");
}

TEST(CliAgentControlFormat, InfoPrefersUnameAndKeepsAWazuhVersion) {
  auto agent = web01();
  agent["os"].as_object()["uname"] = "Linux |web01 |6.8.0 |#1 SMP |x86_64";
  agent["version"] = "Wazuh v4.9.0";
  auto out = format_agent_info(OutputFormat::text, agent);
  EXPECT_NE(out.find("   Operating system:    Linux |web01 |6.8.0 |#1 SMP |x86_64\n"), std::string::npos) << out;
  EXPECT_NE(out.find("   Client version:      Wazuh v4.9.0\n"), std::string::npos) << out;
}

TEST(CliAgentControlFormat, InfoCsv) {
  EXPECT_EQ(format_agent_info(OutputFormat::csv, web01()),
            "3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60,web01,10.0.0.5,Active,Ubuntu 24.04 (x86_64),Wazuh v6.0.0,"
            "1743156930,Unknown,\n");
  EXPECT_EQ(format_agent_info(OutputFormat::csv, db01_never_connected()),
            "8c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e,db01,any,Never connected,Unknown,Unknown,Unknown,Unknown,\n");
}

TEST(CliAgentControlFormat, InfoJsonHasEveryFieldAsAString) {
  auto out = format_agent_info(OutputFormat::json, web01());
  EXPECT_EQ(out.find('\n'), out.size() - 1);
  EXPECT_EQ(
      out, R"x({"error":0,"data":{"id":"3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60","name":"web01","ip":"10.0.0.5",)x"
           R"x("status":"Active","os":"Ubuntu 24.04 (x86_64)","version":"Wazuh v6.0.0","configSum":"ab12",)x"
           R"x("mergedSum":"cd34","lastKeepAlive":"1743156930","syscheckTime":"Unknown","syscheckEndTime":"Unknown"}})x"
           "\n");
  auto never = json::parse(format_agent_info(OutputFormat::json, db01_never_connected()));
  for (const auto& field : never.at("data").as_object()) {
    EXPECT_TRUE(field.value().is_string()) << field.key();
  }
  EXPECT_EQ(never.at("data").at("lastKeepAlive").as_string(), "Unknown");
}

TEST(CliAgentControlFormat, ServerInfoInEveryFormat) {
  auto text = format_server_info(OutputFormat::text, kServer);
  EXPECT_EQ(text.substr(0, text.find("   Operating system")),
            "\n"
            "Wazuh agent_control. Agent information:\n"
            "   Agent ID:   000 (local instance)\n"
            "   Agent Name: node01\n"
            "   IP address: 127.0.0.1\n"
            "   Status:     Active/Local\n"
            "\n");
  EXPECT_EQ(text.substr(text.find("   Operating system")),
            "   Operating system:    Unknown\n"
            "   Client version:      Unknown\n"
            "   Configuration hash:  Unknown\n"
            "   Shared file hash:    Unknown\n"
            "   Last keep alive:     1743156930\n"
            "\n"
            "   Syscheck last started at:  Unknown\n"
            "   Syscheck last ended at:    Unknown\n");
  auto versioned = format_server_info(OutputFormat::text, ServerNode{"node01", 1743156930, "1.2.3"});
  EXPECT_NE(versioned.find("   Client version:      Herald v1.2.3\n"), std::string::npos) << versioned;

  auto csv = format_server_info(OutputFormat::csv, kServer);
  EXPECT_EQ(csv, "000,node01,127.0.0.1,Active/Local,Unknown,Unknown,1743156930,Unknown,\n");

  auto data = json::parse(format_server_info(OutputFormat::json, kServer)).at("data");
  EXPECT_EQ(data.at("id").as_string(), "000");
  EXPECT_EQ(data.at("name").as_string(), "node01");
  EXPECT_EQ(data.at("ip").as_string(), "127.0.0.1");
  EXPECT_EQ(data.at("status").as_string(), "Active");
  EXPECT_EQ(data.at("lastKeepAlive").as_string(), "1743156930");
}

TEST(CliAgentControlFormat, Errors) {
  EXPECT_EQ(format_error(OutputFormat::json, 40, "Invalid agent id", "Invalid agent id 'x'."),
            "{\"error\":40,\"message\":\"Invalid agent id\"}\n");
  EXPECT_EQ(format_error(OutputFormat::text, 40, "Invalid agent id", "Invalid agent id 'x'."),
            "\n** Invalid agent id 'x'.\n");
  EXPECT_EQ(format_error(OutputFormat::csv, 45, "Agent not specified", "Agent not specified."),
            "\n** Agent not specified.\n");
  // Messages with quotes or newlines stay one valid JSON line.
  auto out = format_error(OutputFormat::json, 1, "bad \"thing\"\nhappened", "");
  EXPECT_EQ(out.find('\n'), out.size() - 1);
  EXPECT_EQ(json::parse(out).at("message").as_string(), "bad \"thing\"\nhappened");
}

TEST(CliAgentControlFormat, HelpAndVersion) {
  EXPECT_EQ(help_text().substr(0, 1), "\n");
  for (const char* flag :
       {"-l ", "-lc ", "-ln ", "-i <id>", "-s ", "-j ", "-h ", "-V ", "--url", "herald commands send"}) {
    EXPECT_NE(help_text().find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(version_text().rfind("Herald agent_control v", 0), 0u);
}

}  // namespace
}  // namespace herald::cli::agent_control
