// Wazuh 4.x agents end to end (issue 10): enrollment over TLS on the 1515 service, the secure
// channel on 1514, liveness from control messages, orders delivered over the open connection
// with real results, events, bad frames, and a heraldd restart. The agent side is
// support/legacy_agent (the spec's client); HTTP agents share the same orders stream.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "auth/secrets.h"
#include "legacy/wire/crypto.h"
#include "support/agents.h"
#include "support/cli_runner.h"
#include "support/heraldd_process.h"
#include "support/legacy_agent.h"
#include "support/temp_dir.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;
constexpr const char* kCommands = "/_plugins/_command_manager/commands";

class LegacyAgents : public ::testing::Test {
 protected:
  void SetUp() override { start(""); }
  void TearDown() override {
    if (HasFailure()) std::cerr << "heraldd output:\n" << server_->output() << std::endl;
  }
  void start(const std::string& yaml) {
    server_ = std::make_unique<HeralddProcess>(yaml);
    server_->start();
    admin_ = std::make_unique<HttpClient>(server_->admin_client());
  }

  json::object agent_json(const std::string& id) {
    auto reply = json::parse(admin_->get("/agents?agents_list=" + id).body);
    for (const auto& agent : reply.at("data").at("affected_items").as_array()) {
      if (agent.at("id").as_string() == id) return agent.as_object();
    }
    return {};
  }
  std::string status_of(const std::string& id) {
    auto agent = agent_json(id);
    return agent.contains("status") ? std::string(agent.at("status").as_string()) : "";
  }
  bool status_becomes(const std::string& id, const std::string& status,
                      std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    return eventually([&] { return status_of(id) == status; }, limit);
  }
  // Sends a command; returns the order document ids.
  std::vector<std::string> send_command(const std::string& body) {
    auto reply = admin_->post(kCommands, body);
    EXPECT_EQ(reply.status, 200u) << reply.body;
    std::vector<std::string> ids;
    if (reply.status != 200u) return ids;
    const auto parsed = json::parse(reply.body);  // kept: the loop below walks inside it
    for (const auto& order : parsed.at("orders").as_array()) ids.emplace_back(order.at("_id").as_string());
    return ids;
  }
  json::object order(const std::string& id) {
    return json::parse(admin_->get("/orders/" + id).body).at("data").at("affected_items").as_array()[0].as_object();
  }
  std::string order_status(const std::string& id) {
    return std::string(order(id).at("command").at("status").as_string());
  }
  bool order_becomes(const std::string& id, const std::string& status) {
    return eventually([&] { return order_status(id) == status; });
  }
  // An enrolled, connected and started-up agent.
  std::unique_ptr<LegacyAgent> connected_agent(const std::string& name, const std::string& extra = "") {
    auto agent = std::make_unique<LegacyAgent>(legacy_enroll(server_->enrollment_address(), name, extra));
    agent->connect(server_->remote_address());
    EXPECT_TRUE(agent->start_up());
    return agent;
  }

  std::unique_ptr<HeralddProcess> server_;
  std::unique_ptr<HttpClient> admin_;
};

TEST_F(LegacyAgents, EnrollmentGivesSequentialIdsAndTheExactReplies) {
  auto first = legacy_enroll(server_->enrollment_address(), "web-01", " V:'v4.12.0'");
  EXPECT_EQ(first.id, "001");
  EXPECT_EQ(first.name, "web-01");
  EXPECT_EQ(first.ip, "any");
  EXPECT_EQ(first.key.size(), 64u);
  EXPECT_EQ(first.key.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(legacy_enroll(server_->enrollment_address(), "web-02").id, "002");

  EXPECT_EQ(legacy_enroll_raw(server_->enrollment_address(), "OSSEC A:'web-01'\n"),
            "ERROR: Duplicate agent name: web-01ERROR: Unable to add agent");
  EXPECT_EQ(legacy_enroll_raw(server_->enrollment_address(), "hello\n"),
            "ERROR: Invalid request for new agent" "ERROR: Unable to add agent");
  EXPECT_EQ(legacy_enroll_raw(server_->enrollment_address(), "OSSEC A:'x'\n"),
            "ERROR: Invalid agent name: x" "ERROR: Unable to add agent");
  EXPECT_EQ(legacy_enroll_raw(server_->enrollment_address(), "OSSEC A:'web-03' G:'nosuch'\n"),
            "ERROR: Invalid group: nosuch" "ERROR: Unable to add agent");
  EXPECT_EQ(legacy_enroll_raw(server_->enrollment_address(), "OSSEC A:'web-03' V:'v5.0.0'\n"),
            "ERROR: Agent version must be lower or equal to manager version" "ERROR: Unable to add agent");
  // An IP the agent forces, and 'src' (the TCP peer).
  EXPECT_EQ(legacy_enroll(server_->enrollment_address(), "web-04", " IP:'10.1.2.3'").ip, "10.1.2.3");
  EXPECT_EQ(legacy_enroll(server_->enrollment_address(), "web-05", " IP:'src'").ip, "127.0.0.1");
  EXPECT_EQ(legacy_enroll_raw(server_->enrollment_address(), "OSSEC A:'web-06' IP:'10.1.2.3'\n"),
            "ERROR: Duplicate IP: 10.1.2.3" "ERROR: Unable to add agent");

  // Ordinary Herald agents: listed with their 3-digit id, in their groups.
  ASSERT_EQ(admin_->post("/groups", R"({"group_id":"web"})").status, 200u);
  auto grouped = legacy_enroll(server_->enrollment_address(), "web-07", " V:'v4.12.0' G:'web'");
  auto row = agent_json(grouped.id);
  ASSERT_FALSE(row.empty());
  EXPECT_EQ(row.at("name").as_string(), "web-07");
  EXPECT_EQ(row.at("status").as_string(), "never_connected");
  EXPECT_EQ(row.at("type").as_string(), "wazuh-4.x");
  EXPECT_EQ(row.at("version").as_string(), "v4.12.0");
  EXPECT_EQ(row.at("group"), json::parse(R"(["web"])"));
}

TEST_F(LegacyAgents, TheClisShowThemWithTheirThreeDigitIds) {
  auto agent = connected_agent("cli-box");
  ASSERT_TRUE(status_becomes(agent->key().id, "active"));
  const std::map<std::string, std::string> environment{
      {"HERALD_URL", server_->management_url()}, {"HERALD_USER", "admin"}, {"HERALD_PASSWORD", kAdminPassword}};
  auto listed = run_cli(AGENT_CONTROL_PATH, {"-l"}, environment);
  ASSERT_EQ(listed.status, 0) << listed.err;
  EXPECT_NE(listed.out.find("ID: 001, Name: cli-box"), std::string::npos) << listed.out;
  auto info = run_cli(AGENT_CONTROL_PATH, {"-i", "001"}, environment);
  ASSERT_EQ(info.status, 0) << info.err;
  EXPECT_NE(info.out.find("cli-box"), std::string::npos) << info.out;
  auto herald = run_cli(HERALD_CLI_PATH, {"agents", "list"}, environment);
  ASSERT_EQ(herald.status, 0) << herald.err;
  EXPECT_NE(herald.out.find("001"), std::string::npos) << herald.out;
}

TEST_F(LegacyAgents, ReEnrollmentWithADifferentKeyReplacesAnOldDisconnectedAgent) {
  start("legacy: {enrollment: {listen: \"127.0.0.1:0\", force: {disconnected_time: 0s, after_registration_time: 0s}}, "
        "remote: {listen: \"127.0.0.1:0\"}}\n");
  auto first = legacy_enroll(server_->enrollment_address(), "laptop");
  // The same agent, still holding its key (K = SHA1(id name key)), is told to just connect.
  auto same_key = " K:'" + legacy::wire::enrollment_key_hash(first.id, first.name, first.key) + "'";
  EXPECT_NE(legacy_enroll_raw(server_->enrollment_address(), "OSSEC A:'laptop'" + same_key + "\n").find("ERROR: "),
            std::string::npos);
  // A reinstalled one (another key) replaces it: a new id, the old one never comes back.
  auto second = legacy_enroll(server_->enrollment_address(), "laptop", " K:'" + std::string(40, 'a') + "'");
  EXPECT_EQ(second.id, "002");
  EXPECT_TRUE(agent_json(first.id).empty());
  EXPECT_EQ(legacy_enroll(server_->enrollment_address(), "other").id, "003");
}

TEST_F(LegacyAgents, PasswordIsRequiredWhenConfigured) {
  start("legacy: {enrollment: {listen: \"127.0.0.1:0\", use_password: yes, password: \"s3cret-pass\"}, "
        "remote: {listen: \"127.0.0.1:0\"}}\n");
  EXPECT_EQ(legacy_enroll_raw(server_->enrollment_address(), "OSSEC A:'db-01'\n"),
            "ERROR: Invalid password" "ERROR: Unable to add agent");
  EXPECT_EQ(legacy_enroll_raw(server_->enrollment_address(), "OSSEC PASS: wrong OSSEC A:'db-01'\n"),
            "ERROR: Invalid password" "ERROR: Unable to add agent");
  auto key = parse_enrollment_reply(
      legacy_enroll_raw(server_->enrollment_address(), "OSSEC PASS: s3cret-pass OSSEC A:'db-01'\n"));
  ASSERT_TRUE(key);
  EXPECT_EQ(key->id, "001");
}

// ssl_agent_ca + ssl_verify_host: only agents with a certificate of the CA, naming their own
// address, enroll. The CA and certificates come from the openssl CLI.
TEST_F(LegacyAgents, AgentCertificatesAreVerifiedAgainstTheCaAndTheSourceAddress) {
  TempDir pki;
  auto run = [&](const std::string& command) {
    ASSERT_EQ(std::system(("cd " + pki.path().string() + " && " + command + " >/dev/null 2>&1").c_str()), 0) << command;
  };
  run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca -keyout ca.key -out ca.pem");
  for (const auto& [name, subject] : {std::pair{"good", "/CN=127.0.0.1"}, std::pair{"wrongip", "/CN=10.9.9.9"}}) {
    run(std::string("openssl req -newkey rsa:2048 -nodes -subj ") + subject + " -keyout " + name + ".key -out " +
        name + ".csr");
    run(std::string("openssl x509 -req -in ") + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out " +
        name + ".pem");
  }
  run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -keyout other.key -out other.pem");
  start("legacy: {enrollment: {listen: \"127.0.0.1:0\", agent_ca: \"" + (pki.path() / "ca.pem").string() +
        "\", verify_host: yes}, remote: {listen: \"127.0.0.1:0\"}}\n");
  const auto file = [&](const std::string& name) { return (pki.path() / name).string(); };
  const std::string request = "OSSEC A:'signed-agent'\n";
  EXPECT_EQ(legacy_enroll_raw(server_->enrollment_address(), request), "");  // no certificate
  EXPECT_EQ(legacy_enroll_raw(server_->enrollment_address(), request, file("other.pem"), file("other.key")), "");
  EXPECT_EQ(legacy_enroll_raw(server_->enrollment_address(), request, file("wrongip.pem"), file("wrongip.key")), "");
  auto key = parse_enrollment_reply(
      legacy_enroll_raw(server_->enrollment_address(), request, file("good.pem"), file("good.key")));
  ASSERT_TRUE(key);
  EXPECT_EQ(key->name, "signed-agent");
}

TEST_F(LegacyAgents, StartupKeepaliveShutdownAndADroppedConnectionDriveLiveness) {
  auto agent = connected_agent("host-a");
  const auto id = agent->key().id;
  EXPECT_TRUE(status_becomes(id, "active"));
  ASSERT_TRUE(agent->keepalive());
  auto ack = agent->receive_starting("#!-agent ack");
  ASSERT_TRUE(ack);
  EXPECT_EQ(*ack, "#!-agent ack ");
  // The keep-alive's uname line fills the OS fields.
  ASSERT_TRUE(eventually([&] {
    auto row = agent_json(id);
    return !row.empty() && row.at("os").at("platform").as_string() == "debian";
  }));
  auto row = agent_json(id);
  EXPECT_EQ(row.at("os").at("name").as_string(), "Debian GNU/Linux");
  EXPECT_EQ(row.at("os").at("arch").as_string(), "x86_64");
  EXPECT_EQ(row.at("version").as_string(), "v4.12.0");

  // Shutdown: disconnected at once, code 3.
  ASSERT_TRUE(agent->send("#!-agent shutdown "));
  ASSERT_TRUE(status_becomes(id, "disconnected"));
  EXPECT_EQ(agent_json(id).at("status_code").as_int64(), 3);
  agent->drop();

  // Back, then the TCP connection just drops: seen at once (code 6), not after a timeout.
  agent->connect(server_->remote_address());
  ASSERT_TRUE(agent->start_up());
  ASSERT_TRUE(status_becomes(id, "active"));
  agent->drop();
  ASSERT_TRUE(status_becomes(id, "disconnected", std::chrono::seconds(5)));
  EXPECT_EQ(agent_json(id).at("status_code").as_int64(), 6);
}

TEST_F(LegacyAgents, AGroupCommandReachesLegacyAndHttpAgentsAndRestartsReportSuccess) {
  ASSERT_EQ(admin_->post("/groups", R"({"group_id":"fleet"})").status, 200u);
  auto legacy_one = connected_agent("legacy-1", " G:'fleet'");
  auto legacy_two = connected_agent("legacy-2", " G:'fleet'");
  auto http_key = auth::random_alnum(32);
  auto http_id = enroll_agent(*admin_, "http-1", http_key);
  assign_group(*admin_, http_id, "fleet");
  TestAgent http_agent(server_->comms_url(), http_id, http_key, "http-1");
  ASSERT_EQ(http_agent.authenticate().status, 200u);

  auto ids = send_command(command_body("group", "fleet", 100, "restart"));
  ASSERT_EQ(ids.size(), 3u);
  for (auto* agent : {legacy_one.get(), legacy_two.get()}) {
    auto restart = agent->receive_starting("#!-execd ");
    ASSERT_TRUE(restart) << agent->key().id;
    const std::string suffix = " - null (from_the_server) (no_rule_id)";
    ASSERT_TRUE(restart->ends_with(suffix)) << *restart;
    auto payload = json::parse(restart->substr(9, restart->size() - 9 - suffix.size()));
    EXPECT_EQ(payload.at("command").as_string(), "restart-wazuh0") << *restart;
  }
  auto polled = http_agent.poll();
  ASSERT_EQ(polled.status, 200u);
  EXPECT_EQ(json::parse(polled.body).at("commands").as_array().size(), 1u);

  // Every legacy order is `sent` once written; it succeeds when the agent starts up again.
  auto orders = json::parse(admin_->get("/orders?agent_id=" + legacy_one->key().id).body)
                    .at("data").at("affected_items").as_array();
  ASSERT_EQ(orders.size(), 1u);
  const std::string legacy_order(orders[0].at("_id").as_string());
  EXPECT_TRUE(order_becomes(legacy_order, "sent"));
  legacy_one->drop();
  legacy_one->connect(server_->remote_address());
  ASSERT_TRUE(legacy_one->start_up());
  ASSERT_TRUE(order_becomes(legacy_order, "success"));
  EXPECT_EQ(order(legacy_order).at("command").at("result").at("message").as_string(), "Agent restarted successfully");
}

TEST_F(LegacyAgents, OrdersForAnOfflineAgentWaitForItsConnection) {
  auto key = legacy_enroll(server_->enrollment_address(), "late");
  auto ids = send_command(command_body("agent", key.id, 100, "restart"));
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(order_status(ids[0]), "pending");
  LegacyAgent agent(key);
  agent.connect(server_->remote_address());
  ASSERT_TRUE(agent.start_up());
  EXPECT_TRUE(agent.receive_starting("#!-execd "));
  EXPECT_TRUE(order_becomes(ids[0], "sent"));
}

TEST_F(LegacyAgents, FetchConfigPushesMergedMgAndSucceedsOnTheMatchingKeepalive) {
  ASSERT_EQ(admin_->post("/groups", R"({"group_id":"web"})").status, 200u);
  const auto group_dir = server_->data_dir() / "shared" / "web";
  std::filesystem::create_directories(group_dir);
  std::ofstream(group_dir / "agent.conf") << "<agent_config>\n  <localfile><location>/var/log/x</location>"
                                             "<log_format>syslog</log_format></localfile>\n</agent_config>\n";
  auto agent = connected_agent("web-a", " G:'web'");
  auto ids = send_command(command_body("agent", agent->key().id, 100, "fetch-config"));
  ASSERT_EQ(ids.size(), 1u);
  auto up = agent->receive_starting("#!-up file ");
  ASSERT_TRUE(up);
  // "#!-up file <md5> merged.mg\n", the file in chunks, "#!-close file ".
  const std::string sum = up->substr(std::string("#!-up file ").size(), 32);
  EXPECT_EQ(*up, "#!-up file " + sum + " merged.mg\n");
  std::string content;
  for (;;) {
    auto chunk = agent->receive();
    ASSERT_TRUE(chunk);
    if (*chunk == "#!-close file ") break;
    content += *chunk;
  }
  EXPECT_EQ(legacy::wire::md5_hex(content), sum);
  EXPECT_NE(content.find("#web\n"), std::string::npos) << content;
  EXPECT_NE(content.find("agent.conf"), std::string::npos) << content;
  EXPECT_TRUE(order_becomes(ids[0], "sent"));
  ASSERT_TRUE(agent->keepalive(sum));
  ASSERT_TRUE(order_becomes(ids[0], "success"));
  // The keep-alive's sums are stored next to (not before) the order's result.
  EXPECT_TRUE(eventually([&] { return agent_json(agent->key().id).at("mergedSum").as_string() == sum; }));
}

TEST_F(LegacyAgents, ActiveResponseIsDeliveredAsExecdJson) {
  auto agent = connected_agent("edge");
  auto ids = send_command(
      R"({"commands":[{"source":"Users/Services","user":"ops","target":{"type":"agent","id":")" + agent->key().id +
      R"("},"action":{"name":"active-response","version":"4.12.0","args":{"command":"firewall-drop0",)"
      R"("extra_args":["-","10.0.0.9"]}},"timeout":100}]})");
  ASSERT_EQ(ids.size(), 1u);
  auto execd = agent->receive_starting("#!-execd ");
  ASSERT_TRUE(execd);
  auto payload = json::parse(execd->substr(std::string("#!-execd ").size()));
  EXPECT_EQ(payload.at("command").as_string(), "firewall-drop0");
  EXPECT_EQ(payload.at("parameters").at("extra_args"), json::parse(R"(["-","10.0.0.9"])"));
  EXPECT_EQ(payload.at("version").as_int64(), 1);
  EXPECT_TRUE(order_becomes(ids[0], "success"));

  // Validated like every action: a 400 that names the field.
  auto bad = admin_->post(kCommands, R"({"commands":[{"source":"Users/Services","target":{"type":"agent","id":"001"},)"
                                     R"("action":{"name":"active-response","args":{"command":"rm -rf"}},"timeout":100}]})");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_NE(bad.body.find("command.action.args.command"), std::string::npos) << bad.body;
}

TEST_F(LegacyAgents, EventsReachTheEventSinkRelabelled) {
  auto agent = connected_agent("logger");
  ASSERT_TRUE(agent->send("1:/var/log/auth.log:Dec  3 10:00:00 host sshd[1]: Failed password for root"));
  EXPECT_TRUE(eventually([&] {
    return metric_value(server_->management_url(), "herald_legacy_messages_total{kind=\"event\"}") == 1.0;
  }));
  EXPECT_EQ(metric_value(server_->management_url(), "herald_legacy_messages_total{kind=\"control\"}"), 1.0);
  const auto events_dir = server_->data_dir() / "events";
  ASSERT_TRUE(eventually([&] {
    std::error_code ec;
    for (const auto& file : std::filesystem::recursive_directory_iterator(events_dir, ec)) {
      std::ifstream in(file.path());
      std::string text((std::istreambuf_iterator<char>(in)), {});
      if (text.find("Failed password for root") != std::string::npos &&
          text.find("[001] (logger) any->/var/log/auth.log") != std::string::npos) {
        return true;
      }
    }
    return false;
  }));
}

TEST_F(LegacyAgents, BadFramesCloseTheConnectionAndNothingElse) {
  auto key = legacy_enroll(server_->enrollment_address(), "target");
  // Oversize declared length.
  {
    LegacyAgent agent(key);
    agent.connect(server_->remote_address());
    ASSERT_TRUE(agent.send_raw(std::string("\x01\x00\x01\x00", 4) + "xxxx"));
    EXPECT_TRUE(agent.closed_by_server());
  }
  // The wrong key.
  {
    auto wrong = key;
    wrong.key = std::string(64, '0');
    LegacyAgent agent(wrong);
    agent.connect(server_->remote_address());
    ASSERT_TRUE(agent.send("#!-agent startup "));
    EXPECT_TRUE(agent.closed_by_server());
  }
  // An unknown id, and garbage.
  for (std::string payload : {std::string("!999!#AES:") + std::string(32, 'x'), std::string("not a message")}) {
    LegacyAgent agent(key);
    agent.connect(server_->remote_address());
    ASSERT_TRUE(agent.send_raw(legacy::wire::frame(payload)));
    EXPECT_TRUE(agent.closed_by_server()) << payload;
  }
  // The real agent still gets in.
  LegacyAgent agent(key);
  agent.connect(server_->remote_address());
  EXPECT_TRUE(agent.start_up());
  EXPECT_EQ(admin_->get("/health").status, 200u);
  // Each refusal is counted by reason.
  const auto refused = [&](const std::string& reason) {
    return metric_value(server_->management_url(),
                        "herald_legacy_connections_refused_total{reason=\"" + reason + "\"}");
  };
  EXPECT_EQ(refused("oversize"), 1.0);
  EXPECT_EQ(refused("decode"), 1.0);
  EXPECT_EQ(refused("unknown_agent"), 1.0);
  EXPECT_EQ(refused("format"), 1.0);
}

TEST_F(LegacyAgents, ANewerAgentGetsTheHandshakeErrorAndNoAck) {
  auto key = legacy_enroll(server_->enrollment_address(), "too-new");
  LegacyAgent agent(key);
  agent.connect(server_->remote_address());
  ASSERT_TRUE(agent.send("#!-agent startup {\"version\":\"v5.1.0\"}"));
  auto reply = agent.receive();
  ASSERT_TRUE(reply);
  EXPECT_EQ(*reply, "#!-err {\"message\":\"Agent version must be lower or equal to manager version\"}");
  EXPECT_EQ(status_of(key.id), "never_connected");
  // A ping is answered in clear.
  ASSERT_TRUE(agent.send_raw(legacy::wire::frame("#ping")));
  EXPECT_EQ(agent.receive(), std::optional<std::string>("#pong"));
}

TEST_F(LegacyAgents, ASecondConnectionOfALiveAgentIsRefused) {
  auto key = legacy_enroll(server_->enrollment_address(), "twice");
  LegacyAgent first(key);
  first.connect(server_->remote_address());
  ASSERT_TRUE(first.start_up());
  LegacyAgent second(key);
  second.connect(server_->remote_address());
  ASSERT_TRUE(second.send("#!-agent startup "));
  EXPECT_TRUE(second.closed_by_server());
  // The first one is untouched.
  ASSERT_TRUE(first.keepalive());
  EXPECT_TRUE(first.receive_starting("#!-agent ack"));
}

TEST_F(LegacyAgents, AKeepaliveWithAnotherSumGetsTheGroupsMergedMgAndShutdownIsAnEvent) {
  ASSERT_EQ(admin_->post("/groups", R"({"group_id":"db"})").status, 200u);
  const auto group_dir = server_->data_dir() / "shared" / "db";
  std::filesystem::create_directories(group_dir);
  std::ofstream(group_dir / "agent.conf") << "<agent_config/>\n";
  auto agent = connected_agent("db-a", " G:'db'");
  ASSERT_TRUE(agent->keepalive("x"));
  auto up = agent->receive_starting("#!-up file ");
  ASSERT_TRUE(up) << "no merged.mg pushed for a keep-alive without one";
  EXPECT_TRUE(up->ends_with(" merged.mg\n"));

  ASSERT_TRUE(agent->send("#!-agent shutdown "));
  const auto events_dir = server_->data_dir() / "events";
  EXPECT_TRUE(eventually([&] {
    std::error_code ec;
    for (const auto& file : std::filesystem::recursive_directory_iterator(events_dir, ec)) {
      std::ifstream in(file.path());
      std::string text((std::istreambuf_iterator<char>(in)), {});
      if (text.find("ossec: Agent stopped: 'db-a->any'.") != std::string::npos) return true;
    }
    return false;
  }));
}

TEST_F(LegacyAgents, WithVerifyMsgIdAReplayedMessageClosesTheConnection) {
  start("legacy: {enrollment: {listen: \"127.0.0.1:0\"}, remote: {listen: \"127.0.0.1:0\", verify_msg_id: yes}}\n");
  auto key = legacy_enroll(server_->enrollment_address(), "strict");
  const auto channel = legacy::wire::channel_key(key.id, key.name, key.key);
  auto startup = legacy::wire::encode_message(legacy::wire::Cipher::aes, channel, "#!-agent startup ", {0, 1}, 1,
                                              std::string_view(key.id));
  ASSERT_TRUE(startup);
  LegacyAgent agent(key);
  agent.connect(server_->remote_address());
  ASSERT_TRUE(agent.send_raw(legacy::wire::frame(*startup)));
  EXPECT_EQ(agent.receive(), std::optional<std::string>("#!-agent ack "));
  ASSERT_TRUE(agent.send_raw(legacy::wire::frame(*startup)));  // the same counters again
  EXPECT_TRUE(agent.closed_by_server());
}

TEST_F(LegacyAgents, BlowfishAgentsAreServedInBlowfish) {
  auto key = legacy_enroll(server_->enrollment_address(), "old-box");
  LegacyAgent agent(key, legacy::wire::Cipher::blowfish);
  agent.connect(server_->remote_address());
  EXPECT_TRUE(agent.start_up());
  EXPECT_EQ(agent.decode_errors(), 0);
}

TEST_F(LegacyAgents, AgentsReconnectAfterAHeralddRestart) {
  auto agent = connected_agent("survivor");
  const auto id = agent->key().id;
  ASSERT_TRUE(status_becomes(id, "active"));
  const auto data_dir = server_->data_dir();
  ASSERT_EQ(server_->stop(), 0);
  EXPECT_TRUE(agent->closed_by_server());
  server_->start();  // same data dir and keys, new ports
  admin_ = std::make_unique<HttpClient>(server_->admin_client());
  agent->connect(server_->remote_address());
  ASSERT_TRUE(agent->start_up());
  EXPECT_TRUE(status_becomes(id, "active"));
  // Orders sent after the restart still reach it.
  auto ids = send_command(command_body("agent", id, 100, "restart"));
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_TRUE(agent->receive_starting("#!-execd "));
}

}  // namespace
}  // namespace herald::test
