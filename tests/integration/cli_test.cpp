// The real herald and agent_control binaries against a real heraldd, as an operator runs them.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "auth/secrets.h"
#include "core/time_format.h"
#include "support/agents.h"
#include "support/cli_runner.h"
#include "support/heraldd_process.h"
#include "support/temp_dir.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;

// Every line of `text`.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool contains_line(const std::string& text, const std::string& line) {
  auto lines = lines_of(text);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::string unique(const std::string& prefix) {
  return prefix + "-" + auth::random_hex(4);
}

// A CLI run, checked for sanitizer reports (an ASan build exits 1 on one, which an error-path
// test expecting 1 would otherwise take for success).
CliResult run_checked(const std::string& program, const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& environment, const std::string& input = "") {
  auto result = run_cli(program, args, environment, input);
  EXPECT_EQ(result.err.find("Sanitizer"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("runtime error:"), std::string::npos) << result.err;
  return result;
}

class Cli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Short keep-alive deadlines so that agents turn active and disconnected within seconds, and
    // short parked polls so that TestAgent::stop() returns quickly.
    server_ = std::make_unique<HeralddProcess>(
        "node: {name: cli-node}\nremote: {manager_keepalive: {enabled: yes, interval: 3, timeout: 4}}\n");
    server_->set_comms_options("commands_poll_timeout: 2s");
    server_->start();
  }
  static void TearDownTestSuite() { server_.reset(); }

  static std::map<std::string, std::string> environment() {
    return {{"HERALD_URL", server_->management_url()}, {"HERALD_USER", "admin"}, {"HERALD_PASSWORD", kAdminPassword}};
  }
  static CliResult agent_control(const std::vector<std::string>& args) {
    return run_checked(AGENT_CONTROL_PATH, args, environment());
  }
  static CliResult herald(const std::vector<std::string>& args, const std::string& input = "") {
    return run_checked(HERALD_CLI_PATH, args, environment(), input);
  }
  static json::value parse_json(const CliResult& result) {
    json::error_code ec;
    auto value = json::parse(result.out, ec);
    EXPECT_FALSE(ec) << "not JSON: " << result.out << result.err;
    return value;
  }

  // An enrolled agent, ready to talk to the comms API.
  struct Agent {
    std::string id;
    std::string name;
    std::unique_ptr<TestAgent> comms;
  };
  static Agent new_agent(const std::string& name) {
    auto client = server_->admin_client();
    auto key = auth::random_alnum(32);
    auto id = enroll_agent(client, name, key);
    return {id, name, std::make_unique<TestAgent>(server_->comms_url(), id, key, name)};
  }
  // The agent as GET /agents shows it.
  static json::object agent_json(const std::string& id) {
    auto client = server_->admin_client();
    auto reply = json::parse(client.get("/agents?agents_list=" + id).body);
    for (const auto& agent : reply.at("data").at("affected_items").as_array()) {
      if (agent.at("id").as_string() == id) return agent.as_object();
    }
    return {};
  }
  static std::string agent_status(const std::string& id) {
    auto agent = agent_json(id);
    return agent.contains("status") ? std::string(agent.at("status").as_string()) : "";
  }
  std::string send_command(const std::string& target) {
    auto result = herald({"commands", "send", "--target", target, "--action", "restart", "--json"});
    EXPECT_EQ(result.status, 0) << result.err;
    auto reply = parse_json(result);
    const auto& request = reply.at("request_id");
    return request.is_string() ? std::string(request.as_string()) : json::serialize(request);
  }

  static inline std::unique_ptr<HeralddProcess> server_;
};

// ---- agent_control ----

TEST_F(Cli, AgentControlListShowsTheServerLineAndEveryAgent) {
  auto web = new_agent(unique("web"));
  auto db = new_agent(unique("db"));
  auto result = agent_control({"-l"});
  ASSERT_EQ(result.status, 0) << result.err;
  auto lines = lines_of(result.out);
  ASSERT_GE(lines.size(), 6u) << result.out;
  EXPECT_EQ(lines[0], "");
  EXPECT_EQ(lines[1], "Wazuh agent_control. List of available agents:");
  EXPECT_EQ(lines[2], "   ID: 000, Name: cli-node (server), IP: 127.0.0.1, Active/Local");
  for (const Agent* agent : {&web, &db}) {
    EXPECT_TRUE(
        contains_line(result.out, "   ID: " + agent->id + ", Name: " + agent->name + ", IP: 10.0.0.5, Never connected"))
        << result.out;
  }
  EXPECT_EQ(result.out.substr(result.out.size() - 29), "\nList of agentless devices:\n\n");
}

TEST_F(Cli, AgentControlJsonIsOneValidLine) {
  auto agent = new_agent(unique("json"));
  for (std::vector<std::string> args : {std::vector<std::string>{"-l", "-j"}, {"-lj"}, {"-lcj"}, {"-lnj"}}) {
    SCOPED_TRACE(args[0]);
    auto result = agent_control(args);
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(result.out.find('\n'), result.out.size() - 1);
    auto reply = parse_json(result);
    EXPECT_EQ(reply.at("error").as_int64(), 0);
    for (const auto& item : reply.at("data").as_array()) {
      for (const char* key : {"id", "name", "ip", "status"}) EXPECT_TRUE(item.at(key).is_string()) << key;
    }
  }
  auto all = parse_json(agent_control({"-lj"})).at("data").as_array();
  EXPECT_EQ(all[0], json::parse(R"({"id":"000","name":"cli-node","ip":"127.0.0.1","status":"Active"})"));
  bool listed = std::any_of(all.begin(), all.end(), [&](const json::value& item) {
    return item.at("id").as_string() == agent.id && item.at("status").as_string() == "Never connected";
  });
  EXPECT_TRUE(listed);
}

TEST_F(Cli, AgentControlCsv) {
  auto agent = new_agent(unique("csv"));
  auto result = agent_control({"-l", "-s"});
  ASSERT_EQ(result.status, 0) << result.err;
  auto lines = lines_of(result.out);
  EXPECT_EQ(lines[0], "000,cli-node (server),127.0.0.1,Active/Local,");
  EXPECT_TRUE(contains_line(result.out, agent.id + "," + agent.name + ",10.0.0.5,Never connected,")) << result.out;
}

// Needs the server's liveness (keep-alives turn an agent active) and GET /agents?status=.
TEST_F(Cli, AgentControlActiveOnlyListsActiveAgents) {
  auto active = new_agent(unique("alive"));
  auto idle = new_agent(unique("idle"));
  ASSERT_EQ(active.comms->authenticate().status, 200u);  // a keep-alive
  ASSERT_TRUE(eventually([&] { return agent_status(active.id) == "active"; }, std::chrono::seconds(2)))
      << agent_status(active.id);
  auto result = agent_control({"-lc"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_TRUE(contains_line(result.out, "   ID: 000, Name: cli-node (server), IP: 127.0.0.1, Active/Local"));
  EXPECT_TRUE(contains_line(result.out, "   ID: " + active.id + ", Name: " + active.name + ", IP: 10.0.0.5, Active"))
      << result.out;
  EXPECT_EQ(result.out.find(idle.id), std::string::npos);
  for (const auto& line : lines_of(result.out)) {
    if (line.rfind("   ID: ", 0) == 0) {
      EXPECT_TRUE(line.ends_with(", Active") || line.ends_with("Active/Local")) << line;
    }
  }
}

TEST_F(Cli, AgentControlDisconnectedOnlyLeavesOutTheServerAndOthers) {
  auto never = new_agent(unique("never"));
  auto result = agent_control({"-ln"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out.find("ID: 000"), std::string::npos);
  EXPECT_EQ(result.out.find(never.id), std::string::npos);
  EXPECT_EQ(result.out.rfind("\nWazuh agent_control. List of available agents:\n", 0), 0u);
  for (const auto& line : lines_of(result.out)) {
    if (line.rfind("   ID: ", 0) == 0) {
      EXPECT_TRUE(line.ends_with(", Disconnected")) << line;
    }
  }
  auto csv = agent_control({"-ln", "-s"});
  EXPECT_EQ(csv.out.find("000,"), std::string::npos);
}

// Needs the server's liveness: silent past remote.manager_keepalive.timeout -> disconnected.
TEST_F(Cli, AgentControlDisconnectedOnlyListsAnAgentThatWentSilent) {
  auto agent = new_agent(unique("gone"));
  ASSERT_EQ(agent.comms->authenticate().status, 200u);
  ASSERT_TRUE(eventually([&] { return agent_status(agent.id) == "disconnected"; }, std::chrono::seconds(15)))
      << agent_status(agent.id);
  auto result = agent_control({"-ln"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_TRUE(
      contains_line(result.out, "   ID: " + agent.id + ", Name: " + agent.name + ", IP: 10.0.0.5, Disconnected"))
      << result.out;
  auto json_result = parse_json(agent_control({"-ln", "-j"}));
  bool listed = false;
  for (const auto& item : json_result.at("data").as_array()) {
    EXPECT_NE(item.at("id").as_string(), "000");
    listed = listed || item.at("id").as_string() == agent.id;
  }
  EXPECT_TRUE(listed);
}

TEST_F(Cli, AgentControlInfoInEveryFormat) {
  auto agent = new_agent(unique("info"));
  // upstream shows os_uname; the server composes it from what the agent reported.
  std::string os(agent_json(agent.id).at("os").at("uname").as_string());
  ASSERT_FALSE(os.empty());
  auto text = agent_control({"-i", agent.id});
  ASSERT_EQ(text.status, 0) << text.err;
  auto lines = lines_of(text.out);
  ASSERT_EQ(lines.size(), 15u) << text.out;
  EXPECT_EQ(lines[0], "");
  EXPECT_EQ(lines[1], "Wazuh agent_control. Agent information:");
  EXPECT_EQ(lines[2], "   Agent ID:   " + agent.id);
  EXPECT_EQ(lines[3], "   Agent Name: " + agent.name);
  EXPECT_EQ(lines[4], "   IP address: 10.0.0.5");
  EXPECT_EQ(lines[5], "   Status:     Never connected");
  EXPECT_EQ(lines[7], "   Operating system:    " + os);
  EXPECT_EQ(lines[8], "   Client version:      Wazuh v6.0.0");
  EXPECT_EQ(lines[11], "   Last keep alive:     Unknown");
  EXPECT_EQ(lines[13], "   Syscheck last started at:  Unknown");
  EXPECT_EQ(lines[14], "   Syscheck last ended at:    Unknown");

  auto json_reply = parse_json(agent_control({"-j", "-i", agent.id}));
  EXPECT_EQ(json_reply.at("error").as_int64(), 0);
  const auto& data = json_reply.at("data").as_object();
  for (const char* key : {"id", "name", "ip", "status", "os", "version", "configSum", "mergedSum", "lastKeepAlive",
                          "syscheckTime", "syscheckEndTime"}) {
    ASSERT_TRUE(data.contains(key)) << key;
    EXPECT_TRUE(data.at(key).is_string()) << key;
  }
  EXPECT_EQ(data.at("id").as_string(), agent.id);
  EXPECT_EQ(data.at("status").as_string(), "Never connected");

  auto csv = agent_control({"-s", "-i", agent.id});
  EXPECT_EQ(csv.out,
            agent.id + "," + agent.name + ",10.0.0.5,Never connected," + os + ",Wazuh v6.0.0,Unknown,Unknown,\n");
}

TEST_F(Cli, AgentControlInfoShowsTheLastKeepAliveAsEpochSeconds) {
  auto agent = new_agent(unique("seen"));
  auto before =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  ASSERT_EQ(agent.comms->authenticate().status, 200u);
  // Keep-alives are written behind: wait until the API shows one.
  ASSERT_TRUE(eventually(
      [&] {
        auto reply = parse_json(agent_control({"-j", "-i", agent.id}));
        return reply.at("data").at("lastKeepAlive").as_string() != "Unknown";
      },
      std::chrono::seconds(5)));
  auto reply = parse_json(agent_control({"-j", "-i", agent.id}));
  auto epoch = std::stoll(std::string(reply.at("data").at("lastKeepAlive").as_string()));
  EXPECT_GE(epoch, before - 1);
  EXPECT_LE(epoch, before + 10);
}

TEST_F(Cli, AgentControlInfoForTheServer) {
  auto text = agent_control({"-i", "000"});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("   Agent ID:   000 (local instance)\n   Agent Name: cli-node\n   IP address: 127.0.0.1\n"
                          "   Status:     Active/Local\n"),
            std::string::npos)
      << text.out;
  auto reply = parse_json(agent_control({"-i", "000", "-j"}));
  EXPECT_EQ(reply.at("data").at("id").as_string(), "000");
  EXPECT_EQ(reply.at("data").at("status").as_string(), "Active");
}

TEST_F(Cli, AgentControlErrors40And45) {
  auto unknown = agent_control({"-j", "-i", random_uuid_v4()});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_EQ(parse_json(unknown), json::parse(R"({"error":40,"message":"Invalid agent id"})"));
  auto malformed = agent_control({"-j", "-i", "001"});
  EXPECT_EQ(malformed.status, 1);
  EXPECT_EQ(parse_json(malformed), json::parse(R"({"error":40,"message":"Invalid agent id"})"));
  auto missing = agent_control({"-j", "-i"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(parse_json(missing), json::parse(R"({"error":45,"message":"Agent not specified"})"));
  auto text = agent_control({"-i", "001"});
  EXPECT_EQ(text.status, 1);
  EXPECT_NE(text.err.find("Invalid agent id '001'"), std::string::npos) << text.err;
}

TEST_F(Cli, WrongPasswordIsAnAuthenticationFailure) {
  auto env = environment();
  env["HERALD_PASSWORD"] = "not-the-password";
  auto control = run_checked(AGENT_CONTROL_PATH, {"-l", "-j"}, env);
  EXPECT_EQ(control.status, 1);
  auto reply = parse_json(control);
  EXPECT_EQ(reply.at("error").as_int64(), 1);
  EXPECT_NE(std::string(reply.at("message").as_string()).find("authentication failed"), std::string::npos);
  auto cli = run_checked(HERALD_CLI_PATH, {"agents", "list"}, env);
  EXPECT_EQ(cli.status, 1);
  EXPECT_NE(cli.err.find("authentication failed for user 'admin'"), std::string::npos) << cli.err;
  // A --password flag beats the environment, both ways.
  EXPECT_EQ(run_checked(HERALD_CLI_PATH, {"groups", "list", "--password", kAdminPassword}, env).status, 0);
  EXPECT_EQ(herald({"groups", "list", "--password", "wrong"}).status, 1);
}

TEST_F(Cli, SettingsFromAClientConfigFile) {
  TempDir dir;
  auto config = dir.file("client.yml");
  std::ofstream(config) << "url: " << server_->management_url() << "\nuser: admin\npassword: " << kAdminPassword
                        << "\n";
  auto result = run_checked(HERALD_CLI_PATH, {"groups", "list", "--config", config}, {});
  EXPECT_EQ(result.status, 0) << result.err;
  auto from_env = run_checked(AGENT_CONTROL_PATH, {"-lj"}, {{"HERALD_CONFIG", config}});
  EXPECT_EQ(from_env.status, 0) << from_env.out << from_env.err;
  std::ofstream(config, std::ios::app) << "passwd: typo\n";
  auto broken = run_checked(HERALD_CLI_PATH, {"groups", "list", "--config", config}, {});
  EXPECT_EQ(broken.status, 2);
  EXPECT_NE(broken.err.find("unknown key 'passwd'"), std::string::npos) << broken.err;
}

// ---- herald ----

TEST_F(Cli, HeraldAgentsListAndShow) {
  auto agent = new_agent(unique("listed"));
  auto result = herald({"agents", "list", "--json"});
  ASSERT_EQ(result.status, 0) << result.err;
  auto data = parse_json(result);
  const auto& items = data.at("affected_items").as_array();
  EXPECT_EQ(data.at("total_affected_items").as_int64(), static_cast<std::int64_t>(items.size()));
  EXPECT_TRUE(std::any_of(items.begin(), items.end(),
                          [&](const json::value& item) { return item.at("id").as_string() == agent.id; }));

  auto table = herald({"agents", "list"});
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_EQ(table.out.rfind("ID ", 0), 0u) << table.out;
  EXPECT_NE(table.out.find(agent.id + "  " + agent.name), std::string::npos) << table.out;

  auto limited = parse_json(herald({"agents", "list", "--limit", "1", "--json"}));
  EXPECT_EQ(limited.at("affected_items").as_array().size(), 1u);

  auto shown = herald({"agents", "show", agent.id, "--json"});
  ASSERT_EQ(shown.status, 0) << shown.err;
  EXPECT_EQ(parse_json(shown).at("id").as_string(), agent.id);
  auto missing = herald({"agents", "show", random_uuid_v4()});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("not found"), std::string::npos);
}

// Needs GET /agents filters (status, group).
TEST_F(Cli, HeraldAgentsListFilters) {
  auto agent = new_agent(unique("filtered"));
  auto group = unique("filter-group");
  ASSERT_EQ(herald({"groups", "create", group}).status, 0);
  ASSERT_EQ(herald({"groups", "assign", group, agent.id}).status, 0);
  auto by_group = parse_json(herald({"agents", "list", "--group", group, "--json"}));
  ASSERT_EQ(by_group.at("affected_items").as_array().size(), 1u) << by_group;
  EXPECT_EQ(by_group.at("affected_items").at(0).at("id").as_string(), agent.id);
  auto active = parse_json(herald({"agents", "list", "--status", "active", "--json"}));
  for (const auto& item : active.at("affected_items").as_array()) EXPECT_EQ(item.at("status").as_string(), "active");
  auto bad = herald({"agents", "list", "--status", "sleeping"});
  EXPECT_EQ(bad.status, 1);
  EXPECT_FALSE(bad.err.empty());
}

// Needs GET /agents/summary/status.
TEST_F(Cli, HeraldAgentsSummary) {
  new_agent(unique("counted"));
  auto result = herald({"agents", "summary", "--json"});
  ASSERT_EQ(result.status, 0) << result.err;
  auto summary = parse_json(result);
  const auto& connection = summary.at("connection").as_object();
  EXPECT_GE(connection.at("total").as_int64(), 1);
  EXPECT_EQ(connection.at("total").as_int64(),
            connection.at("active").as_int64() + connection.at("pending").as_int64() +
                connection.at("disconnected").as_int64() + connection.at("never_connected").as_int64());
  auto text = herald({"agents", "summary"});
  EXPECT_EQ(text.status, 0);
  EXPECT_NE(text.out.find("never connected"), std::string::npos);
}

TEST_F(Cli, HeraldGroupsCreateAssignList) {
  auto group = unique("cli-group");
  auto a = new_agent(unique("member"));
  auto b = new_agent(unique("member"));
  auto created = herald({"groups", "create", group});
  EXPECT_EQ(created.status, 0) << created.err;
  EXPECT_NE(created.out.find(group), std::string::npos);
  auto again = herald({"groups", "create", group});
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;

  auto assigned = herald({"groups", "assign", group, a.id, b.id});
  EXPECT_EQ(assigned.status, 0) << assigned.err;
  EXPECT_TRUE(contains_line(assigned.out, "assigned " + a.id + " to " + group)) << assigned.out;

  auto listed = parse_json(herald({"groups", "list", "--json"}));
  bool found = false;
  for (const auto& item : listed.at("affected_items").as_array()) {
    if (item.at("name").as_string() == group) {
      found = true;
      EXPECT_EQ(item.at("count").as_int64(), 2);
    }
  }
  EXPECT_TRUE(found);
  auto table = herald({"groups", "list"});
  EXPECT_NE(table.out.find(group), std::string::npos);

  auto unknown_agent = herald({"groups", "assign", group, random_uuid_v4(), "--json"});
  EXPECT_EQ(unknown_agent.status, 1);
  EXPECT_EQ(parse_json(unknown_agent).at("total_failed_items").as_int64(), 1);
  auto unknown_group = herald({"groups", "assign", unique("no-such-group"), a.id});
  EXPECT_EQ(unknown_group.status, 1);
  EXPECT_NE(unknown_group.err.find("does not exist"), std::string::npos) << unknown_group.err;
}

TEST_F(Cli, HeraldCommandsSendValidationErrorsComeFromTheServer) {
  auto result = herald({"commands", "send", "--target", "group:" + unique("nobody"), "--action", "restart"});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err, "herald: Cannot generate orders. Invalid agent IDs or groups.\n");
  auto from_file = herald({"commands", "send", "--file", "-"}, R"({"commands":[{"action":{"name":"restart"}}]})");
  EXPECT_EQ(from_file.status, 1);
  EXPECT_NE(from_file.err.find("Missing arguments"), std::string::npos) << from_file.err;
}

TEST_F(Cli, HeraldCommandsSendFromAFileThenOrdersListAndShow) {
  auto agent = new_agent(unique("filed"));
  auto body = command_body("agent", agent.id, 100, "fetch-config");
  auto sent = herald({"commands", "send", "--file", "-"}, body);
  ASSERT_EQ(sent.status, 0) << sent.err;
  auto lines = lines_of(sent.out);
  ASSERT_EQ(lines.size(), 2u) << sent.out;
  auto request = lines[0].substr(8, lines[0].find(':') - 8);  // "request N: 1 order (N-1)"
  EXPECT_EQ(lines[0], "request " + request + ": 1 order (" + request + "-1)");
  EXPECT_EQ(lines[1], "follow with: herald orders watch " + request);

  auto listed = parse_json(herald({"orders", "list", "--request", request, "--json"}));
  ASSERT_EQ(listed.at("affected_items").as_array().size(), 1u);
  EXPECT_EQ(listed.at("affected_items").at(0).at("command").at("status").as_string(), "pending");
  auto table = herald({"orders", "list", "--agent", agent.id});
  EXPECT_NE(table.out.find(request + "-1"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("fetch-config"), std::string::npos) << table.out;

  auto shown = parse_json(herald({"orders", "show", request + "-1", "--json"}));
  EXPECT_EQ(shown.at("_id").as_string(), request + "-1");
  auto text = herald({"orders", "show", request + "-1"});
  EXPECT_TRUE(contains_line(text.out, "target:         agent:" + agent.id)) << text.out;
  auto missing = herald({"orders", "show", "999999-1"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
}

TEST_F(Cli, HeraldOrdersWatchEndsWhenEveryAgentReportsSuccess) {
  auto group = unique("watch-ok");
  ASSERT_EQ(herald({"groups", "create", group}).status, 0);
  std::vector<Agent> agents;
  for (int i = 0; i < 3; ++i) {
    agents.push_back(new_agent(unique("ok")));
    ASSERT_EQ(herald({"groups", "assign", group, agents.back().id}).status, 0);
  }
  for (auto& agent : agents) agent.comms->run(0, std::chrono::milliseconds(200));
  auto request = send_command("group:" + group);
  auto watched = herald({"orders", "watch", request, "--interval", "0.2s", "--timeout", "60s"});
  for (auto& agent : agents) agent.comms->stop();
  EXPECT_EQ(watched.status, 0) << watched.out << watched.err;
  // Not a terminal: plain lines, the last of them complete, then the summary.
  EXPECT_NE(watched.out.find("request " + request + ": 3/3 finished (pending 0, sent 0, success 3, failure 0)"),
            std::string::npos)
      << watched.out;
  EXPECT_NE(watched.out.find("all 3 orders finished: 3 success, 0 failure"), std::string::npos) << watched.out;
  EXPECT_EQ(watched.out.find('\r'), std::string::npos);

  auto json_watch = herald({"orders", "watch", request, "--json"});
  EXPECT_EQ(json_watch.status, 0);
  auto summary = parse_json(json_watch);
  EXPECT_EQ(summary.at("outcome").as_string(), "success");
  EXPECT_EQ(summary.at("total").as_int64(), 3);
  EXPECT_EQ(summary.at("success").as_int64(), 3);
}

TEST_F(Cli, HeraldOrdersWatchExitsThreeWhenAnOrderFails) {
  auto group = unique("watch-fail");
  ASSERT_EQ(herald({"groups", "create", group}).status, 0);
  auto good = new_agent(unique("good"));
  auto bad = new_agent(unique("bad"));
  ASSERT_EQ(herald({"groups", "assign", group, good.id, bad.id}).status, 0);
  good.comms->run(0, std::chrono::milliseconds(200));
  bad.comms->run(1, std::chrono::milliseconds(200));
  auto request = send_command("group:" + group);
  auto watched = herald({"orders", "watch", request, "--interval", "200ms", "--timeout", "60s"});
  good.comms->stop();
  bad.comms->stop();
  EXPECT_EQ(watched.status, 3) << watched.out << watched.err;
  EXPECT_NE(watched.out.find("all 2 orders finished: 1 success, 1 failure"), std::string::npos) << watched.out;
  EXPECT_NE(watched.out.find("failed orders:"), std::string::npos) << watched.out;
  EXPECT_NE(watched.out.find("agent:" + bad.id), std::string::npos) << watched.out;
}

TEST_F(Cli, HeraldOrdersWatchGivesUpAtItsTimeout) {
  auto agent = new_agent(unique("asleep"));  // never polls: its order stays pending
  auto request = send_command("agent:" + agent.id);
  auto watched = herald({"orders", "watch", request, "--interval", "0.2s", "--timeout", "1s"});
  EXPECT_EQ(watched.status, 4) << watched.out << watched.err;
  EXPECT_NE(watched.out.find("gave up after 1.0s: 1 of 1 orders not finished (pending 1, sent 0)"), std::string::npos)
      << watched.out;
  auto unknown = herald({"orders", "watch", "987654"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(unknown.err.find("has no orders"), std::string::npos);
}

TEST_F(Cli, HeraldJsonIsAlwaysOneDocument) {
  auto agent = new_agent(unique("doc"));
  for (std::vector<std::string> args : {std::vector<std::string>{"agents", "list", "--json"},
                                        {"agents", "show", agent.id, "--json"},
                                        {"groups", "list", "--json"},
                                        {"orders", "list", "--json"}}) {
    SCOPED_TRACE(args[0] + " " + args[1]);
    auto result = herald(args);
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(result.out.find('\n'), result.out.size() - 1);
    parse_json(result);
  }
}

// https: the certificate is verified unless --insecure, against --ca-file when given. heraldd's
// comms listener serves TLS with a generated self-signed certificate (SAN IP:127.0.0.1); the
// CLI's login there fails after the handshake (no such route), which tells the TLS outcomes apart.
TEST(CliTls, VerifiesTheServerCertificateUnlessToldNotTo) {
  HeralddProcess server;
  server.set_comms_options("tls: {enabled: yes}");
  server.start();
  ASSERT_EQ(server.comms_url().rfind("https://", 0), 0u);
  std::map<std::string, std::string> environment{{"HERALD_URL", server.comms_url()}, {"HERALD_PASSWORD", "x"}};

  auto verified = run_checked(HERALD_CLI_PATH, {"groups", "list"}, environment);
  EXPECT_EQ(verified.status, 1);
  EXPECT_NE(verified.err.find("TLS handshake with " + server.comms_url() + " failed"), std::string::npos)
      << verified.err;
  EXPECT_NE(verified.err.find("--ca-file"), std::string::npos) << verified.err;

  auto insecure = run_checked(HERALD_CLI_PATH, {"groups", "list", "--insecure"}, environment);
  EXPECT_EQ(insecure.status, 1);
  EXPECT_EQ(insecure.err.find("TLS"), std::string::npos) << insecure.err;
  EXPECT_NE(insecure.err.find("login failed"), std::string::npos) << insecure.err;

  auto certificate = (server.data_dir() / "tls-cert.pem").string();
  auto trusted = run_checked(HERALD_CLI_PATH, {"groups", "list", "--ca-file", certificate}, environment);
  EXPECT_EQ(trusted.status, 1);
  EXPECT_EQ(trusted.err.find("TLS"), std::string::npos) << trusted.err;
  EXPECT_NE(trusted.err.find("login failed"), std::string::npos) << trusted.err;
  // agent_control asks GET /health first, which needs no login: past TLS, the route is missing.
  auto control = run_checked(AGENT_CONTROL_PATH, {"-lj", "--ca-file", certificate}, environment);
  EXPECT_EQ(control.status, 1);
  EXPECT_EQ(control.out.find("TLS"), std::string::npos) << control.out;

  auto missing_ca = run_checked(HERALD_CLI_PATH, {"groups", "list", "--ca-file", "/nonexistent.pem"}, environment);
  EXPECT_EQ(missing_ca.status, 2);
  EXPECT_NE(missing_ca.err.find("cannot load CA certificates"), std::string::npos) << missing_ca.err;
}

}  // namespace
}  // namespace herald::test
