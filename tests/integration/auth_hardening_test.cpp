// Authentication against a real heraldd, as an attacker and an auditor see it: failed logins and
// lockouts are in the log (never the password), and bodies must be declared as JSON where
// upstream requires it (406 otherwise).
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;

constexpr const char* kCommands = "/_plugins/_command_manager/commands";

TEST(AuthHardening, FailedLoginsAndTheLockoutAreLoggedWithoutThePassword) {
  HeralddProcess server;
  server.start();
  HttpClient client(server.management_url());
  const std::string wrong = "not-the-password-x7";
  for (int i = 0; i < 11; ++i) {
    client.request("POST", "/security/user/authenticate", "", {{"Authorization", basic_authorization("admin", wrong)}});
  }
  // Basic on an ordinary route counts too, and so does an unknown user with a hostile name.
  client.request("GET", "/agents", "", {{"Authorization", basic_authorization("eve\nforged line", wrong)}});
  ASSERT_TRUE(eventually([&] { return server.output().find("locked out") != std::string::npos; }));
  const auto log = server.output();
  EXPECT_NE(log.find("failed login for 'admin' from 127.0.0.1 (1 of 10 allowed in 60 s)"), std::string::npos) << log;
  EXPECT_NE(log.find("failed login for 'admin' from 127.0.0.1 (9 of 10"), std::string::npos) << log;
  EXPECT_NE(log.find("login from 127.0.0.1 locked out for 60 s after 10 failures"), std::string::npos) << log;
  EXPECT_EQ(log.find(wrong), std::string::npos) << "the password reached the log";
  EXPECT_EQ(log.find("\nforged line"), std::string::npos) << log;
}

TEST(AuthHardening, FailedAgentAuthenticationIsLogged) {
  HeralddProcess server;
  server.start();
  auto admin = server.admin_client();
  const std::string key = "k0123456789abcdefghijklmnopqrstu";
  const auto id = enroll_agent(admin, "logged", key);
  TestAgent impostor(server.comms_url(), id, "wrongwrongwrongwrongwrongwrong12");
  EXPECT_EQ(impostor.authenticate().status, 401u);
  ASSERT_TRUE(eventually([&] { return server.output().find("failed agent authentication") != std::string::npos; }));
  const auto log = server.output();
  EXPECT_NE(log.find("failed agent authentication for '" + id + "' from 127.0.0.1 (1 of"), std::string::npos) << log;
  EXPECT_EQ(log.find("wrongwrongwrong"), std::string::npos);
}

TEST(AuthHardening, CommandsNeedAJsonContentTypeLikeTheIndexer) {
  HeralddProcess server;
  server.start();
  auto admin = server.admin_client();
  const auto body = command_body("agent", enroll_agent(admin, "typed"));
  auto plain = admin.request("POST", kCommands, body, {{"Content-Type", "text/plain"}});
  EXPECT_EQ(plain.status, 406u) << plain.body;
  EXPECT_EQ(json::parse(plain.body).at("error").as_string(), "Content-Type header [text/plain] is not supported");
  auto missing = admin.request("POST", kCommands, body);
  EXPECT_EQ(missing.status, 406u) << missing.body;
  EXPECT_EQ(json::parse(missing.body).at("error").as_string(), "Content-Type header is missing");
  // Nothing was stored by the refused ones.
  EXPECT_EQ(json::parse(admin.get("/orders").body).at("data").at("total_affected_items").as_int64(), 0);
  EXPECT_EQ(admin.request("POST", kCommands, body, {{"Content-Type", "application/json; charset=UTF-8"}}).status, 200u);
}

TEST(AuthHardening, AgentAuthenticationNeedsAJsonContentType) {
  HeralddProcess server;
  server.start();
  auto admin = server.admin_client();
  const std::string key = "k0123456789abcdefghijklmnopqrstu";
  const auto id = enroll_agent(admin, "typed-agent", key);
  HttpClient comms(server.comms_url());
  const std::string body = "{\"uuid\":\"" + id + "\",\"key\":\"" + key + "\"}";
  auto plain = comms.request("POST", "/api/v1/authentication", body, {{"Content-Type", "text/plain"}});
  EXPECT_EQ(plain.status, 406u) << plain.body;
  EXPECT_EQ(json::parse(plain.body).at("code").as_int64(), 406);
  EXPECT_EQ(comms.request("POST", "/api/v1/authentication", body).status, 406u);
  EXPECT_EQ(comms.post("/api/v1/authentication", body).status, 200u);
}

}  // namespace
}  // namespace herald::test
