// Logtest (issue 16 part 6): PUT /logtest and DELETE /logtest/sessions/{token} against a real
// heraldd with Herald's default ruleset, answered in Wazuh 4.x's shape; sessions that keep
// correlation state; Wazuh's errors for bad bodies and tokens; `herald logtest`; and the whole
// analysis corpus through PUT /logtest (LogtestCorpus).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/analysis_corpus.h"
#include "support/cli_runner.h"
#include "support/heraldd_process.h"
#include "support/http_client.h"

namespace herald::test {
namespace {

namespace json = boost::json;

const std::vector<std::pair<std::string, std::string>> kJson = {{"Content-Type", "application/json"}};

std::string failed_password(int port, const std::string& source = "203.0.113.50") {
  return "Dec  7 10:00:00 web1 sshd[4100]: Failed password for root from " + source + " port " + std::to_string(port) +
         " ssh2";
}

std::string body(const std::string& event, std::optional<std::string> token = std::nullopt,
                 const std::string& location = "/var/log/auth.log") {
  json::object request{{"event", event}, {"log_format", "syslog"}, {"location", location}};
  if (token) request["token"] = *token;
  return json::serialize(request);
}

json::object parsed(const HttpResult& result) {
  json::error_code ec;
  auto value = json::parse(result.body, ec);
  EXPECT_FALSE(ec) << result.body;
  return !ec && value.is_object() ? value.as_object() : json::object{};
}

std::vector<std::string> messages_of(const json::object& data) {
  std::vector<std::string> out;
  if (const auto* messages = data.if_contains("messages")) {
    for (const auto& message : messages->as_array()) out.emplace_back(message.as_string());
  }
  return out;
}

std::string rule_id_of(const json::object& data) {
  const auto* rule = data.at("output").as_object().if_contains("rule");
  return rule == nullptr ? "none" : std::string(rule->at("id").as_string());
}

class Logtest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<HeralddProcess>("node: {name: logtest-node}\nanalysis: {herald_events: false}\n");
    server_->start();
    admin_ = std::make_unique<HttpClient>(server_->admin_client());
  }
  static void TearDownTestSuite() {
    admin_.reset();
    server_.reset();
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "heraldd output:\n" << server_->output() << std::endl;
  }

  static HttpResult put(const std::string& request_body) {
    return admin_->request("PUT", "/logtest", request_body, kJson);
  }
  // The data of a 200 answer with error 0.
  static json::object logtest(const std::string& request_body) {
    auto result = put(request_body);
    EXPECT_EQ(result.status, 200u) << result.body;
    auto reply = parsed(result);
    EXPECT_EQ(reply["error"], json::value(0)) << result.body;
    return reply.contains("data") ? reply["data"].as_object() : json::object{};
  }

  static inline std::unique_ptr<HeralddProcess> server_;
  static inline std::unique_ptr<HttpClient> admin_;
};

TEST_F(Logtest, AnSshdFailedPasswordIsDecodedMatchedAndAlertedInWazuhsShape) {
  const auto data = logtest(body(failed_password(40000)));
  const std::string token(data.at("token").as_string());
  ASSERT_EQ(token.size(), 8u);
  EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos) << token;
  EXPECT_EQ(messages_of(data),
            std::vector<std::string>{"INFO: (7202): Session initialized with token '" + token + "'"});
  EXPECT_EQ(data.at("alert"), json::value(true));
  EXPECT_EQ(data.at("codemsg"), json::value(0));
  // analysisd's key order: messages, token, output, alert, codemsg.
  std::vector<std::string> keys;
  for (const auto& member : data) keys.emplace_back(member.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"messages", "token", "output", "alert", "codemsg"}));

  const auto& output = data.at("output").as_object();
  EXPECT_EQ(output.at("decoder").at("name").as_string(), "herald-sshd");
  EXPECT_EQ(output.at("rule").at("id").as_string(), "200201");
  EXPECT_EQ(output.at("rule").at("level").as_int64(), 5);
  EXPECT_EQ(output.at("rule").at("firedtimes").as_int64(), 1);
  EXPECT_EQ(output.at("rule").at("mail"), json::value(false));
  EXPECT_FALSE(output.at("rule").at("groups").as_array().empty());
  EXPECT_EQ(output.at("data").at("srcip").as_string(), "203.0.113.50");
  EXPECT_EQ(output.at("data").at("dstuser").as_string(), "root");
  EXPECT_EQ(output.at("predecoder").at("program_name").as_string(), "sshd");
  EXPECT_EQ(output.at("predecoder").at("hostname").as_string(), "web1");
  EXPECT_EQ(output.at("full_log").as_string(), failed_password(40000));
  EXPECT_EQ(output.at("location").as_string(), "/var/log/auth.log");
  EXPECT_EQ(output.at("agent").at("id").as_string(), "000");
  EXPECT_EQ(output.at("agent").at("name").as_string(), "logtest-node");
  EXPECT_EQ(output.at("manager").at("name").as_string(), "logtest-node");
  const std::string timestamp(output.at("timestamp").as_string());  // "2026-12-07T10:00:00.000000Z"
  EXPECT_EQ(timestamp.size(), 27u) << timestamp;
  EXPECT_EQ(timestamp.back(), 'Z') << timestamp;

  // The same session again: no message at all, the rule's counter goes on.
  const auto again = logtest(body(failed_password(40001), token));
  EXPECT_FALSE(again.contains("messages"));
  EXPECT_EQ(again.at("token").as_string(), token);
  EXPECT_EQ(again.at("output").at("rule").at("firedtimes").as_int64(), 2);
}

TEST_F(Logtest, ALineNoRuleRaisesShowsItsDecodingWithoutAnAlert) {
  const auto data = logtest(body("Dec  7 10:00:01 web1 cron[1]: nothing to see here", std::nullopt, "/var/log/syslog"));
  EXPECT_EQ(data.at("alert"), json::value(false));
  const auto& output = data.at("output").as_object();
  EXPECT_EQ(output.at("predecoder").at("program_name").as_string(), "cron");
  if (const auto* rule = output.if_contains("rule")) {
    EXPECT_LT(rule->at("level").as_int64(), 3) << json::serialize(output);  // a level is always shown
  }
}

TEST_F(Logtest, ASessionKeepsCorrelationStateAndAFreshOneDoesNot) {
  // The default ruleset's 200220: 8 sshd failures from one source within 2 minutes.
  std::string token;
  std::vector<std::string> rules;
  for (int i = 0; i < 8; ++i) {
    auto data =
        logtest(body(failed_password(41000 + i, "198.51.100.20"), token.empty() ? std::nullopt : std::optional(token)));
    token = std::string(data.at("token").as_string());
    rules.push_back(rule_id_of(data));
  }
  EXPECT_EQ(rules,
            (std::vector<std::string>{"200201", "200201", "200201", "200201", "200201", "200201", "200201", "200220"}));
  // The 8th failure in a session of its own is one failure.
  const auto fresh = logtest(body(failed_password(41008, "198.51.100.20")));
  EXPECT_NE(fresh.at("token").as_string(), token);
  EXPECT_EQ(rule_id_of(fresh), "200201");
  EXPECT_EQ(fresh.at("output").at("rule").at("firedtimes").as_int64(), 1);
}

TEST_F(Logtest, BadBodiesGetWazuhsErrors) {
  auto expect_problem = [](const HttpResult& result, unsigned status, const std::string& detail_part,
                           std::optional<int> code = std::nullopt) {
    EXPECT_EQ(result.status, status) << result.body;
    auto reply = parsed(result);
    ASSERT_TRUE(reply.contains("detail")) << result.body;
    EXPECT_NE(std::string(reply["detail"].as_string()).find(detail_part), std::string::npos) << result.body;
    if (code) {
      EXPECT_EQ(reply["error"], json::value(*code)) << result.body;
    }
  };
  expect_problem(put(R"({"log_format":"syslog","location":"x"})"), 400, "'event' is a required property");
  expect_problem(put(R"({"event":"x","location":"x"})"), 400, "'log_format' is a required property");
  expect_problem(put(R"({"event":"x","log_format":"syslog"})"), 400, "'location' is a required property");
  expect_problem(put(R"({"event":7,"log_format":"syslog","location":"x"})"), 400, "is not of type 'string'");
  expect_problem(put(R"({"event":"x","log_format":"syslog","location":"x","token":12345678})"), 400,
                 "is not of type 'string'");
  expect_problem(put("not json"), 400, "JSON object");
  expect_problem(put("[1]"), 400, "JSON object");
  expect_problem(admin_->request("PUT", "/logtest", body("x"), {{"Content-Type", "text/plain"}}), 406, "content type",
                 6002);
  // What analysisd itself refuses: the framework's 7000 with analysisd's message.
  expect_problem(put(R"({"event":"x","log_format":"syslog","location":""})"), 400,
                 "Error trying to get logtest response: (7308): 'location' JSON field is required and must be a string",
                 7000);
  expect_problem(put(R"({"event":"","log_format":"syslog","location":"x"})"), 400,
                 "(7317): 'event' JSON field value is not valid", 7000);

  // Unauthenticated: 401 before anything else.
  HttpClient anonymous(server_->management_url());
  EXPECT_EQ(anonymous.request("PUT", "/logtest", body("x"), kJson).status, 401u);
  EXPECT_EQ(anonymous.request("DELETE", "/logtest/sessions/abcdef01").status, 401u);
}

TEST_F(Logtest, ATokenThatIsNotOneOrHasNoSessionGetsAWarningAndANewSession) {
  auto invalid = logtest(body(failed_password(42000), "nope"));
  EXPECT_EQ(invalid.at("codemsg"), json::value(1));
  const std::string token(invalid.at("token").as_string());
  EXPECT_EQ(messages_of(invalid),
            (std::vector<std::string>{"WARNING: (7309): 'nope' is not a valid token",
                                      "INFO: (7202): Session initialized with token '" + token + "'"}));
  EXPECT_TRUE(invalid.contains("output"));

  auto unknown = logtest(body(failed_password(42001), "0badf00d"));
  EXPECT_EQ(unknown.at("codemsg"), json::value(1));
  const auto messages = messages_of(unknown);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0], "WARNING: (7003): '0badf00d' token expires");
}

TEST_F(Logtest, DeletingASessionEndsItAndAnUnknownTokenIsAnError) {
  const std::string token(logtest(body(failed_password(43000))).at("token").as_string());

  auto removed = admin_->del("/logtest/sessions/" + token);
  ASSERT_EQ(removed.status, 200u) << removed.body;
  EXPECT_EQ(parsed(removed),
            (json::object{{"error", 0},
                          {"data",
                           {{"messages", {"INFO: (7206): The session '" + token + "' was closed successfully"}},
                            {"codemsg", 0}}}}));

  auto again = admin_->del("/logtest/sessions/" + token);
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(
      parsed(again),
      (json::object{
          {"error", 0},
          {"data", {{"messages", {"ERROR: (7004): No session found for token '" + token + "'"}}, {"codemsg", -1}}}}));

  auto invalid = admin_->del("/logtest/sessions/wrong_token");
  EXPECT_EQ(invalid.status, 400u) << invalid.body;
  auto problem = parsed(invalid);
  EXPECT_EQ(problem["error"], json::value(7000));
  EXPECT_EQ(problem["detail"].as_string(),
            "Error trying to get logtest response: (7309): 'wrong_token' is not a valid token");

  // The closed session's token is forgotten: a new session, with Wazuh's warning.
  auto reused = logtest(body(failed_password(43001), token));
  EXPECT_EQ(messages_of(reused).at(0), "WARNING: (7003): '" + token + "' token expires");
  EXPECT_NE(reused.at("token").as_string(), token);
}

TEST_F(Logtest, HeraldLogtestPrintsThePhasesAndClosesItsSession) {
  const std::map<std::string, std::string> environment{
      {"HERALD_URL", server_->management_url()}, {"HERALD_USER", "admin"}, {"HERALD_PASSWORD", kAdminPassword}};
  const std::string input = failed_password(44000, "192.0.2.9") + "\n\n" + failed_password(44001, "192.0.2.9") + "\n";
  auto text = run_cli(HERALD_CLI_PATH, {"logtest", "--location", "/var/log/secure"}, environment, input);
  ASSERT_EQ(text.status, 0) << text.err;
  const std::string& out = text.out;
  for (const std::string& expected :
       {"**Phase 1: Completed pre-decoding.\n\tfull event: '" + failed_password(44000, "192.0.2.9") + "'\n",
        std::string("\ttimestamp: 'Dec  7 10:00:00'\n\thostname: 'web1'\n\tprogram_name: 'sshd'\n"),
        std::string("**Phase 2: Completed decoding.\n\tname: 'herald-sshd'\n"), std::string("\tsrcip: '192.0.2.9'\n"),
        std::string("**Phase 3: Completed filtering (rules).\n\tid: '200201'\n\tlevel: '5'\n\tdescription: '"),
        std::string("\tfiredtimes: '2'\n"), std::string("\tmail: 'False'\n"),
        std::string("**Alert to be generated.\n")}) {
    EXPECT_NE(out.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << out;
  }
  EXPECT_NE(out.find("\tgroups: '['"), std::string::npos) << out;  // a Python list, as wazuh-logtest prints it
  std::size_t phases = 0;
  for (auto at = out.find("**Phase 1"); at != std::string::npos; at = out.find("**Phase 1", at + 1)) ++phases;
  EXPECT_EQ(phases, 2u) << "one per non-empty line";

  // --json: one API reply per line; the session is closed at the end of the input.
  auto json_run = run_cli(HERALD_CLI_PATH, {"logtest", "--json"}, environment, failed_password(44002) + "\n");
  ASSERT_EQ(json_run.status, 0) << json_run.err;
  auto reply = json::parse(json_run.out).as_object();
  const auto& data = reply.at("data").as_object();
  EXPECT_EQ(data.at("output").at("location").as_string(), "stdin");  // wazuh-logtest's default location
  const std::string token(data.at("token").as_string());
  auto gone = parsed(admin_->del("/logtest/sessions/" + token));
  EXPECT_EQ(gone["data"].at("codemsg"), json::value(-1)) << "the CLI left its session open";
}

class LogtestWithoutAnalysis : public ::testing::Test {};

TEST_F(LogtestWithoutAnalysis, AnswersWazuhsLogtestErrorNotA500) {
  HeralddProcess server("analysis: {enabled: false}\n");
  server.start();
  auto admin = server.admin_client();
  auto result = admin.request("PUT", "/logtest", body(failed_password(45000)), kJson);
  EXPECT_EQ(result.status, 400u) << result.body;
  auto problem = parsed(result);
  EXPECT_EQ(problem["error"], json::value(7000));
  EXPECT_NE(std::string(problem["detail"].as_string()).find("(7201): Logtest disabled"), std::string::npos);
  EXPECT_EQ(admin.del("/logtest/sessions/abcdef01").status, 400u);
}

}  // namespace
}  // namespace herald::test
