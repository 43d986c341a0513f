// What held up when heraldd was probed as a hostile client, kept proven: forged, tampered,
// expired and cross-listener tokens are refused; query parameters cannot inject SQL; file names
// cannot leave the group's directory.
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

#include "auth/jwt.h"
#include "core/clock.h"
#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const std::string kSecret = "hostile-input-test-secret-0123456789";
const std::string kKey = "k0123456789abcdefghijklmnopqrstu";
constexpr const char* kCommsIssuer = "wazuh";
constexpr const char* kCommsAudience = "Wazuh Communications API";
constexpr const char* kManagementAudience = "Wazuh API REST";

std::string base64url(const std::string& text) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (unsigned char c : text) {
    value = (value << 8) | c;
    bits += 8;
    while (bits >= 6) out += alphabet[(value >> (bits -= 6)) & 63];
  }
  if (bits > 0) out += alphabet[(value << (6 - bits)) & 63];
  return out;
}

class HostileInput : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<HeralddProcess>("auth: {jwt_secret: \"" + kSecret + "\"}\n");
    server_->start();
    admin_ = std::make_unique<HttpClient>(server_->admin_client());
    agent_id_ = enroll_agent(*admin_, "target", kKey);
  }

  // A comms request with `token`: the status the agent would see.
  unsigned poll_with(const std::string& token) {
    HttpClient comms(server_->comms_url());
    comms.set_authorization("Bearer " + token);
    return comms.get("/api/v1/files?file_name=x.yml").status;
  }
  unsigned management_with(const std::string& token) {
    HttpClient management(server_->management_url());
    management.set_authorization("Bearer " + token);
    return management.get("/agents").status;
  }

  std::unique_ptr<HeralddProcess> server_;
  std::unique_ptr<HttpClient> admin_;
  std::string agent_id_;
};

TEST_F(HostileInput, ForgedTamperedExpiredAndCrossListenerTokensAreRefused) {
  core::SystemClock clock;
  auth::TokenSigner ours(kSecret, clock);
  auth::TokenSigner theirs("another-secret-entirely-0123456789abcdef", clock);
  const auto good = ours.issue(kCommsIssuer, kCommsAudience, "", 900s, {{"uuid", agent_id_}});
  ASSERT_EQ(poll_with(good), 404u);  // the baseline: a valid token reaches the handler

  EXPECT_EQ(poll_with(theirs.issue(kCommsIssuer, kCommsAudience, "", 900s, {{"uuid", agent_id_}})), 403u);
  EXPECT_EQ(poll_with(ours.issue(kCommsIssuer, kCommsAudience, "", 901s, {{"uuid", agent_id_}})), 403u)
      << "the comms contract: exactly 900 s";
  EXPECT_EQ(poll_with(ours.issue(kCommsIssuer, kManagementAudience, "admin", 900s, {{"uuid", agent_id_}})), 403u)
      << "a management token on the comms listener";
  EXPECT_EQ(management_with(good), 401u) << "an agent token on the management listener";
  EXPECT_EQ(management_with(theirs.issue(kCommsIssuer, kManagementAudience, "admin", 900s)), 401u);

  core::ManualClock past(std::time(nullptr) - 2000);
  auth::TokenSigner back_then(kSecret, past);
  HttpClient comms(server_->comms_url());
  comms.set_authorization("Bearer " + back_then.issue(kCommsIssuer, kCommsAudience, "", 900s, {{"uuid", agent_id_}}));
  auto expired = comms.get("/api/v1/files?file_name=x.yml");
  EXPECT_EQ(expired.status, 403u);
  EXPECT_EQ(json::parse(expired.body).at("code").as_int64(), 2707);

  // Another agent's uuid in a re-signed payload, and alg "none".
  const auto dot = good.find('.');
  const auto second_dot = good.find('.', dot + 1);
  const auto now = std::to_string(std::time(nullptr));
  const std::string payload = base64url("{\"iss\":\"wazuh\",\"aud\":\"Wazuh Communications API\",\"iat\":" + now +
                                        ",\"exp\":" + std::to_string(std::stoll(now) + 900) + ",\"uuid\":\"x\"}");
  EXPECT_EQ(poll_with(good.substr(0, dot) + "." + payload + good.substr(second_dot)), 403u);
  EXPECT_EQ(poll_with(base64url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + "."), 403u);
  EXPECT_EQ(poll_with(std::string(9000, 'a')), 403u);
  EXPECT_EQ(poll_with(""), 403u);
}

TEST_F(HostileInput, QueryParametersCannotInjectSql) {
  const auto count = [&] {
    return json::parse(admin_->get("/agents").body).at("data").at("total_affected_items").as_int64();
  };
  ASSERT_EQ(count(), 1);
  for (const std::string target : {
           "/agents?q=name%3Dx'%3BDROP%20TABLE%20agent%3B--",
           "/agents?q=name%3Dtarget'%20OR%20'1'%3D'1",
           "/agents?search='%20OR%201%3D1%20--",
           "/agents?sort=%2Bname%3BDROP%20TABLE%20agent",
           "/agents?select=id,name%20FROM%20agent--",
           "/agents?name=x'%20OR%20'1'%3D'1",
           "/agents?agents_list=1')%20OR%20('1'%3D'1",
           "/orders?agent_id=x'%20OR%20'1'%3D'1",
           "/orders?sort=id%3BDELETE%20FROM%20orders",
           "/groups/x'%3BDROP%20TABLE%20%22group%22%3B--/agents",
       }) {
    auto reply = admin_->get(target);
    EXPECT_TRUE(reply.status == 400u || reply.status == 404u ||
                (reply.status == 200u &&
                 json::parse(reply.body).at("data").at("total_affected_items").as_int64() == 0))
        << target << " -> " << reply.status << " " << reply.body;
  }
  EXPECT_EQ(count(), 1) << "the agent table is intact";
  EXPECT_EQ(admin_->get("/groups").status, 200u);
}

TEST_F(HostileInput, FileNamesCannotLeaveTheGroupDirectory) {
  TestAgent agent(server_->comms_url(), agent_id_, kKey);
  ASSERT_EQ(agent.authenticate().status, 200u);
  for (const std::string name : {"../herald.db", "..%2Fherald.db", "../../etc/passwd", "%2e%2e%2fherald.db",
                                 "..yml", "...yml", "/etc/passwd", "default/../../x.yml", "x.yml%00.txt"}) {
    auto reply = agent.fetch_file(name);
    EXPECT_TRUE(reply.status == 400u || reply.status == 404u) << name << " -> " << reply.status << " " << reply.body;
    EXPECT_EQ(reply.body.find("SQLite"), std::string::npos) << name;
  }
  EXPECT_EQ(admin_->get("/groups/..%2F..%2Fx/configuration").status / 100, 4u);
}

}  // namespace
}  // namespace herald::test
