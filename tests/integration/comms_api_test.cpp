// The comms API as the real wazuh-agent uses it (wire-protocol (c), (e) 6-11), over plain HTTP
// and over TLS with a generated self-signed certificate.
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <set>

#include "auth/secrets.h"
#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;
constexpr const char* kCommands = "/_plugins/_command_manager/commands";

class CommsApi : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    server_.set_comms_options(std::string("commands_poll_timeout: 2s, max_commands_per_poll: 3") +
                              (GetParam() ? ", tls: {enabled: yes}" : ""));
    server_.start();
    admin_ = std::make_unique<HttpClient>(server_.admin_client());
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "heraldd output:\n" << server_.output() << std::endl;
  }
  // Enrolls an agent and returns a TestAgent for it.
  std::unique_ptr<TestAgent> new_agent(const std::string& name = "agent") {
    auto key = auth::random_alnum(32);
    auto id = random_uuid_v4();
    auto reply = admin_->post("/agents", enrollment_body(id, name, key));
    EXPECT_EQ(reply.status, 201u);
    return std::make_unique<TestAgent>(server_.comms_url(), id, key, name);
  }
  std::string send_command(const std::string& agent_id, const std::string& action = "restart", int timeout = 100) {
    auto reply = admin_->post(kCommands, command_body("agent", agent_id, timeout, action));
    EXPECT_EQ(reply.status, 200u) << reply.body;
    return std::string(json::parse(reply.body).at("orders").as_array()[0].at("_id").as_string());
  }
  json::object order(const std::string& id) {
    return json::parse(admin_->get("/orders/" + id).body).at("data").at("affected_items").as_array()[0].as_object();
  }
  std::string status_of(const std::string& id) { return std::string(order(id).at("command").at("status").as_string()); }
  // Waits (bounded) until heraldd reports `count` parked long polls in /metrics.
  bool parked_polls_reach(int count) {
    const std::string line = "herald_parked_polls " + std::to_string(count) + "\n";
    return eventually([&] { return admin_->get("/metrics").body.find(line) != std::string::npos; });
  }

  HeralddProcess server_;
  std::unique_ptr<HttpClient> admin_;
};

TEST_P(CommsApi, ListenerSchemeMatchesTlsSetting) {
  EXPECT_EQ(server_.comms_url().rfind(GetParam() ? "https://" : "http://", 0), 0u) << server_.comms_url();
  HttpClient client(server_.comms_url());
  auto root = client.get("/api/v1/");
  EXPECT_EQ(root.status, 200u);
  EXPECT_TRUE(root.body.empty());
}

TEST_P(CommsApi, AuthenticationAnswersExactlyWhatTheAgentExpects) {
  auto agent = new_agent();
  auto ok = agent->authenticate();
  ASSERT_EQ(ok.status, 200u);
  EXPECT_FALSE(agent->token().empty());

  TestAgent wrong_key(server_.comms_url(), agent->id(), std::string(32, 'x'));
  auto bad = wrong_key.authenticate();
  EXPECT_EQ(bad.status, 401u);
  EXPECT_EQ(json::parse(bad.body), json::parse(R"({"message":"Invalid key","code":401})"));

  TestAgent unknown(server_.comms_url(), random_uuid_v4(), std::string(32, 'x'));
  auto missing = unknown.authenticate();
  EXPECT_EQ(missing.status, 403u);
  EXPECT_EQ(json::parse(missing.body), json::parse(R"({"message":"Agent does not exist","code":403})"));

  HttpClient raw(server_.comms_url());
  EXPECT_EQ(raw.post("/api/v1/authentication", "not json").status, 400u);
}

TEST_P(CommsApi, RepeatedWrongKeysAreRateLimited) {
  auto agent = new_agent();
  TestAgent guesser(server_.comms_url(), agent->id(), std::string(32, 'x'));
  unsigned last = 0;
  for (int i = 0; i < 12; ++i) last = guesser.authenticate().status;
  EXPECT_EQ(last, 429u);
  // The lockout is per address and agent: the same agent's right key is refused meanwhile too,
  // while another agent from the same address still gets in.
  EXPECT_EQ(agent->authenticate().status, 429u);
  auto other = new_agent("other");
  EXPECT_EQ(other->authenticate().status, 200u);
}

TEST_P(CommsApi, TokenClaimsFollowTheCommsContract) {
  auto agent = new_agent();
  ASSERT_EQ(agent->authenticate().status, 200u);
  auto token = agent->token();
  auto payload_b64 = token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1);
  std::string padded = payload_b64;
  for (auto& c : padded) c = c == '-' ? '+' : (c == '_' ? '/' : c);
  while (padded.size() % 4) padded += '=';
  auto claims = json::parse(*auth::base64_decode(padded)).as_object();
  EXPECT_EQ(claims.at("iss").as_string(), "wazuh");
  EXPECT_EQ(claims.at("aud").as_string(), "Wazuh Communications API");
  EXPECT_EQ(claims.at("uuid").as_string(), agent->id());
  EXPECT_EQ(claims.at("exp").as_int64() - claims.at("iat").as_int64(), 900);

  for (const std::string& bad : {std::string(""), std::string("garbage"), token + "x", token.substr(0, token.size() - 2)}) {
    agent->set_token(bad);
    auto reply = agent->poll();
    EXPECT_EQ(reply.status, 403u) << bad;
    EXPECT_EQ(json::parse(reply.body), json::parse(R"({"message":"Invalid authentication token","code":2706})"));
  }
  // A management token is not a comms token.
  agent->set_token(server_.admin_token());
  EXPECT_EQ(agent->poll().status, 403u);
}

TEST_P(CommsApi, QueuedOrdersAreReturnedAtOnceThenSent) {
  auto agent = new_agent();
  ASSERT_EQ(agent->authenticate().status, 200u);
  auto id = send_command(agent->id(), "fetch-config");
  auto reply = agent->poll();
  ASSERT_EQ(reply.status, 200u);
  auto commands = json::parse(reply.body).at("commands").as_array();
  ASSERT_EQ(commands.size(), 1u);
  const auto& command = commands[0].as_object();
  EXPECT_EQ(command.at("document_id").as_string(), id);
  EXPECT_EQ(command.at("target").at("id").as_string(), agent->id());
  EXPECT_EQ(command.at("action").at("name").as_string(), "fetch-config");
  EXPECT_TRUE(command.at("action").at("args").is_object());
  EXPECT_EQ(command.at("status").as_string(), "pending");
  EXPECT_FALSE(command.contains("user") && command.at("user").is_null());  // nulls are left out
  EXPECT_TRUE(eventually([&] { return status_of(id) == "sent"; }));
}

TEST_P(CommsApi, ParkedPollWakesForItsOwnAgentOnly) {
  auto target = new_agent("target");
  auto bystander = new_agent("bystander");
  ASSERT_EQ(target->authenticate().status, 200u);
  ASSERT_EQ(bystander->authenticate().status, 200u);
  auto target_poll = std::async(std::launch::async, [&] { return target->poll(); });
  auto bystander_poll = std::async(std::launch::async, [&] { return bystander->poll(); });
  ASSERT_TRUE(parked_polls_reach(2));
  auto started = std::chrono::steady_clock::now();
  auto id = send_command(target->id());
  auto reply = target_poll.get();
  auto latency = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(reply.status, 200u);
  EXPECT_EQ(json::parse(reply.body).at("commands").as_array()[0].at("document_id").as_string(), id);
  EXPECT_LT(latency, std::chrono::milliseconds(1500));  // woken, not the 2 s poll timeout
  auto other = bystander_poll.get();
  EXPECT_EQ(other.status, 408u);  // never woken by someone else's order
  EXPECT_EQ(json::parse(other.body), json::parse(R"({"message":"Request exceeded the processing time limit","code":408})"));
}

TEST_P(CommsApi, SecondPollReplacesTheFirst) {
  auto agent = new_agent();
  ASSERT_EQ(agent->authenticate().status, 200u);
  auto first = std::async(std::launch::async, [&] { return agent->poll(); });
  ASSERT_TRUE(parked_polls_reach(1));
  auto started = std::chrono::steady_clock::now();
  auto second = std::async(std::launch::async, [&] { return agent->poll(); });
  auto first_reply = first.get();
  EXPECT_EQ(first_reply.status, 408u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1500));
  auto id = send_command(agent->id());
  auto second_reply = second.get();
  ASSERT_EQ(second_reply.status, 200u);
  EXPECT_EQ(json::parse(second_reply.body).at("commands").as_array()[0].at("document_id").as_string(), id);
}

TEST_P(CommsApi, AtMostMaxPerPollOldestFirstAndNeverTwice) {
  auto agent = new_agent();
  ASSERT_EQ(agent->authenticate().status, 200u);
  std::vector<std::string> sent;
  for (int i = 0; i < 7; ++i) sent.push_back(send_command(agent->id()));
  std::vector<std::string> received;
  while (received.size() < sent.size()) {
    auto reply = agent->poll();
    ASSERT_EQ(reply.status, 200u);
    auto commands = json::parse(reply.body).at("commands").as_array();
    EXPECT_LE(commands.size(), 3u);
    for (const auto& c : commands) received.emplace_back(c.at("document_id").as_string());
  }
  EXPECT_EQ(received, sent);  // oldest first, each exactly once
  EXPECT_EQ(agent->poll().status, 408u);
}

TEST_P(CommsApi, RepollingAtOnceNeverGetsAnOrderTwice) {
  // An agent that re-polls the moment a reply arrives races the marking of what it just got as
  // `sent`; that race must never hand the same document id out again.
  auto agent = new_agent();
  ASSERT_EQ(agent->authenticate().status, 200u);
  std::atomic<bool> done{false};
  std::vector<std::string> received;
  auto poller = std::async(std::launch::async, [&] {
    while (!done) {
      auto reply = agent->poll();
      if (reply.status != 200) continue;
      const auto body = json::parse(reply.body);
      for (const auto& c : body.at("commands").as_array()) received.emplace_back(c.at("document_id").as_string());
    }
  });
  std::vector<std::string> sent;
  for (int i = 0; i < 40; ++i) sent.push_back(send_command(agent->id()));
  EXPECT_TRUE(eventually([&] { return status_of(sent.back()) == "sent"; }));
  done = true;
  poller.get();
  std::set<std::string> unique(received.begin(), received.end());
  EXPECT_EQ(unique.size(), received.size()) << "an order was delivered twice";
  EXPECT_EQ(unique, std::set<std::string>(sent.begin(), sent.end()));
}

TEST_P(CommsApi, OrderStaysPendingWhenTheAgentWentAway) {
  auto agent = new_agent();
  ASSERT_EQ(agent->authenticate().status, 200u);
  {
    // A poll whose client disconnects before any order exists.
    std::string request = "GET /api/v1/commands HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + agent->token() +
                          "\r\n\r\n";
    if (!GetParam()) HttpClient::raw_exchange(server_.comms_url(), request);  // half-closes then reads 408 or closes
  }
  // Orders for an agent that is not polling wait for it.
  auto id = send_command(agent->id());
  EXPECT_EQ(status_of(id), "pending");
  auto reply = agent->poll();
  ASSERT_EQ(reply.status, 200u);
  EXPECT_EQ(json::parse(reply.body).at("commands").as_array()[0].at("document_id").as_string(), id);
}

TEST_P(CommsApi, ResultsSetFinalStatusIdempotentlyAndOnlyForTheOwner) {
  auto agent = new_agent();
  auto other = new_agent("other");
  ASSERT_EQ(agent->authenticate().status, 200u);
  ASSERT_EQ(other->authenticate().status, 200u);
  auto ok_id = send_command(agent->id());
  auto fail_id = send_command(agent->id());
  auto progress_id = send_command(agent->id());
  ASSERT_EQ(agent->poll().status, 200u);
  ASSERT_TRUE(eventually([&] { return status_of(progress_id) == "sent"; }));

  auto reply = agent->report_result(ok_id, 0, "CentralizedConfiguration restart done.");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  EXPECT_EQ(json::parse(reply.body),
            json::parse(R"({"results":[{"index":"wazuh-commands","id":")" + ok_id + R"(","result":"updated","status":200}]})"));
  EXPECT_EQ(status_of(ok_id), "success");
  auto doc = order(ok_id);
  EXPECT_EQ(doc.at("command").at("result"), json::parse(R"({"code":0,"message":"CentralizedConfiguration restart done."})"));
  EXPECT_EQ(doc.at("agent").at("id").as_string(), agent->id());
  EXPECT_EQ(doc.at("agent").at("host").at("hostname").as_string(), "agent");

  auto again = agent->report_result(ok_id, 0, "CentralizedConfiguration restart done.");
  EXPECT_EQ(json::parse(again.body).at("results").as_array()[0].at("status").as_int64(), 200);
  EXPECT_EQ(status_of(ok_id), "success");

  agent->report_result(fail_id, 1, "Command is not valid");
  EXPECT_EQ(status_of(fail_id), "failure");
  agent->report_result(progress_id, 2, "In progress");
  EXPECT_EQ(status_of(progress_id), "sent");
  EXPECT_EQ(order(progress_id).at("command").at("result").at("code").as_int64(), 2);

  auto foreign = other->report_result(progress_id, 0, "hijack");
  EXPECT_EQ(json::parse(foreign.body).at("results").as_array()[0].at("status").as_int64(), 403);
  EXPECT_EQ(status_of(progress_id), "sent");
  auto unknown = agent->report_result("999999-1", 0, "x");
  EXPECT_EQ(json::parse(unknown.body).at("results").as_array()[0].at("status").as_int64(), 404);
}

TEST_P(CommsApi, StatefulBodiesAreParsedWholeAndValidated) {
  auto agent = new_agent();
  ASSERT_EQ(agent->authenticate().status, 200u);
  auto reply = agent->send_stateful(
      "{\"collector\":\"packages\",\"id\":\"p1\",\"module\":\"inventory\",\"operation\":\"delete\"}\n"
      "{\"id\":\"f1\",\"module\":\"fim\",\"operation\":\"create\"}\n{\"file\":{\"path\":\"/etc/passwd\"}}\n");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  auto results = json::parse(reply.body).at("results").as_array();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].at("index").as_string(), "wazuh-states-inventory-packages");
  EXPECT_EQ(results[1].at("index").as_string(), "wazuh-states-fim");

  auto short_body = agent->send_stateful("");
  EXPECT_EQ(short_body.status, 400u);
  EXPECT_EQ(json::parse(short_body.body).at("code").as_int64(), 2709);
  auto bad_module = agent->send_stateful("{\"module\":\"nope\",\"operation\":\"create\"}\n{}\n");
  EXPECT_EQ(bad_module.status, 400u);
  EXPECT_EQ(json::parse(bad_module.body).at("message").as_string(),
            "Invalid module name. It must be fim, inventory, sca, vulnerability or command");
  EXPECT_EQ(agent->send_stateful("{not json\n").status, 400u);

  auto events_file = server_.data_dir() / "events" / "events.ndjson";
  EXPECT_TRUE(std::filesystem::exists(events_file));
}

TEST_P(CommsApi, SinkFailureIsA5xxSoTheAgentKeepsItsBatch) {
  auto agent = new_agent();
  ASSERT_EQ(agent->authenticate().status, 200u);
  const std::string fim = "{\"id\":\"f1\",\"module\":\"fim\",\"operation\":\"create\"}\n{\"file\":{}}\n";
  ASSERT_EQ(agent->send_stateful(fim).status, 200u);
  auto events = server_.data_dir() / "events";
  std::filesystem::remove_all(events);
  std::ofstream(events.string()) << "a file where the directory was\n";  // the sink cannot write there now
  auto failed = agent->send_stateful(fim);
  EXPECT_GE(failed.status, 500u) << failed.body;
  EXPECT_EQ(agent->send_stateless("{\"module\":\"logcollector\"}\n{\"x\":1}\n").status / 100, 5u);
  std::filesystem::remove(events);
  std::filesystem::create_directories(events);
  EXPECT_EQ(agent->send_stateful(fim).status, 200u);  // recovers by itself
}

TEST_P(CommsApi, StatelessIs204) {
  auto agent = new_agent();
  ASSERT_EQ(agent->authenticate().status, 200u);
  auto reply = agent->send_stateless(
      "{\"module\":\"logcollector\",\"collector\":\"file\"}\n{\"log\":{\"file\":{\"path\":\"/var/log/auth.log\"}},"
      "\"event\":{\"original\":\"x\"}}\n");
  EXPECT_EQ(reply.status, 204u);
  EXPECT_TRUE(reply.body.empty());
  EXPECT_EQ(agent->send_stateless("").status, 400u);
}

TEST_P(CommsApi, GroupFilesAreServedWithUpstreamErrors) {
  auto agent = new_agent();
  ASSERT_EQ(agent->authenticate().status, 200u);
  create_group(*admin_, "web");
  create_group(*admin_, "empty");
  ASSERT_EQ(admin_->put("/groups/web/configuration", "agent:\n  logging: debug\n").status, 200u);

  auto file = agent->fetch_file("web.yml");
  ASSERT_EQ(file.status, 200u);
  EXPECT_EQ(file.body, "agent:\n  logging: debug\n");
  EXPECT_EQ(file.header("content-disposition"), "attachment; filename=\"web.yml\"");
  auto empty = agent->fetch_file("empty.yml");
  EXPECT_EQ(empty.status, 200u);
  EXPECT_EQ(empty.body, "{}\n");  // a mapping the agent accepts, not an empty document

  auto dir = agent->fetch_file("x/");
  EXPECT_EQ(dir.status, 400u);
  EXPECT_EQ(json::parse(dir.body).at("code").as_int64(), 2704);
  auto nested = agent->fetch_file("a/b");
  EXPECT_EQ(nested.status, 400u);
  EXPECT_EQ(json::parse(nested.body).at("code").as_int64(), 2705);
  auto missing = agent->fetch_file("nope.yml");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(json::parse(missing.body), json::parse(R"({"message":"File does not exist","code":404})"));
  HttpClient anonymous(server_.comms_url());
  EXPECT_EQ(anonymous.get("/api/v1/files?file_name=web.yml").status, 403u);
  EXPECT_EQ(agent->fetch_file("").status, 400u);
}

TEST_P(CommsApi, AgentLoopCompletesAGroupCommand) {
  create_group(*admin_, "fleet");
  std::vector<std::unique_ptr<TestAgent>> agents;
  for (int i = 0; i < 5; ++i) {
    agents.push_back(new_agent("fleet-" + std::to_string(i)));
    assign_group(*admin_, agents.back()->id(), "fleet");
    agents.back()->run(0, std::chrono::milliseconds(200));
  }
  auto reply = admin_->post(kCommands, command_body("group", "fleet", 100, "fetch-config"));
  ASSERT_EQ(reply.status, 200u);
  auto request_id = std::string(json::parse(reply.body).at("request_id").as_string());
  EXPECT_TRUE(eventually(
      [&] {
        auto page = json::parse(admin_->get("/orders?status=success&request_id=" + request_id).body);
        return page.at("data").at("total_affected_items").as_int64() == 5;
      },
      std::chrono::seconds(15)));
  for (auto& agent : agents) {
    agent->stop();
    EXPECT_EQ(agent->received_document_ids().size(), 1u);
  }
}

TEST_P(CommsApi, ServerModulesPollTheirOrdersOnTheManagementListener) {
  auto poll = std::async(std::launch::async, [&] {
    HttpClient module(server_.management_url());
    module.set_authorization("Bearer " + server_.admin_token());
    return module.get("/api/v1/server/commands?module=vulnerability-detector");
  });
  ASSERT_TRUE(parked_polls_reach(1));
  auto created = admin_->post(kCommands, R"({"commands":[{"action":{"name":"update","args":{"index":"content-index","offset":"1111"},"version":"6.0.0"},"source":"Content Manager","timeout":100,"target":{"id":"vulnerability-detector","type":"server"}}]})");
  ASSERT_EQ(created.status, 200u);
  auto id = std::string(json::parse(created.body).at("orders").as_array()[0].at("_id").as_string());
  auto reply = poll.get();
  ASSERT_EQ(reply.status, 200u) << reply.body;
  EXPECT_EQ(json::parse(reply.body).at("commands").as_array()[0].at("document_id").as_string(), id);
  EXPECT_TRUE(eventually([&] { return status_of(id) == "sent"; }));
  auto result = admin_->post("/orders/" + id + "/result", R"({"code":0,"message":"content updated"})");
  EXPECT_EQ(result.status, 200u) << result.body;
  EXPECT_EQ(status_of(id), "success");
  HttpClient anonymous(server_.management_url());
  EXPECT_EQ(anonymous.get("/api/v1/server/commands?module=x").status, 401u);
}

INSTANTIATE_TEST_SUITE_P(PlainAndTls, CommsApi, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Tls" : "Plain"; });

}  // namespace
}  // namespace herald::test

namespace herald::test {
namespace {

TEST(CommsTokens, TokensFromOneNodeVerifyOnAnotherWithTheSameSecret) {
  const std::string shared = "auth: {jwt_secret: \"0123456789abcdef0123456789abcdef-shared\"}\n";
  HeralddProcess issuer(shared), other(shared), stranger;
  for (auto* server : {&issuer, &other, &stranger}) {
    server->set_comms_options("commands_poll_timeout: 1s");
    server->start();
  }
  auto admin = issuer.admin_client();
  auto key = auth::random_alnum(32);
  auto id = random_uuid_v4();
  ASSERT_EQ(admin.post("/agents", enrollment_body(id, "roamer", key)).status, 201u);
  TestAgent agent(issuer.comms_url(), id, key);
  ASSERT_EQ(agent.authenticate().status, 200u);

  TestAgent on_other(other.comms_url(), id, key);
  on_other.set_token(agent.token());
  EXPECT_EQ(on_other.poll().status, 408u);  // accepted: nothing queued there, so the poll times out

  TestAgent on_stranger(stranger.comms_url(), id, key);
  on_stranger.set_token(agent.token());
  EXPECT_EQ(on_stranger.poll().status, 403u);  // a node with its own generated secret refuses it
}

}  // namespace
}  // namespace herald::test
