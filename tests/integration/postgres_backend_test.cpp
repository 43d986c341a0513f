// heraldd on `storage: {backend: postgres}` against a real PostgreSQL 15: the whole path of a
// command (enrolment, group expansion, delivery, result) and liveness, and a clear start-up error
// when the database cannot be reached.
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "auth/secrets.h"
#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/postgres_server.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;

class PostgresBackend : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto reason = PostgresServer::unavailable_reason(); !reason.empty()) GTEST_SKIP() << reason;
  }
};

TEST_F(PostgresBackend, CommandsFlowFromGroupToAgentAndBack) {
  PostgresDatabase database(PostgresServer::shared());
  HeralddProcess server("storage: {backend: postgres, dsn: \"" + database.dsn() + "\"}\n");
  server.set_comms_options("commands_poll_timeout: 5s");
  server.start();
  auto admin = server.admin_client();
  auto key = auth::random_alnum(32);
  auto id = random_uuid_v4();
  ASSERT_EQ(admin.post("/agents", enrollment_body(id, "pg-agent", key)).status, 201u);
  create_group(admin, "pg");
  assign_group(admin, id, "pg");

  auto reply = admin.post("/_plugins/_command_manager/commands", command_body("group", "pg", 100, "restart"));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  auto document = std::string(json::parse(reply.body).at("orders").as_array()[0].at("_id").as_string());

  TestAgent agent(server.comms_url(), id, key, "pg-agent");
  ASSERT_EQ(agent.authenticate().status, 200u);
  auto poll = agent.poll();
  ASSERT_EQ(poll.status, 200u);
  EXPECT_NE(poll.body.find(document), std::string::npos);
  ASSERT_EQ(agent.report_result(document, 0, "Command restart executed successfully").status, 200u);
  EXPECT_TRUE(eventually([&] {
    auto order = json::parse(admin.get("/orders/" + document).body);
    return order.at("data").at("affected_items").as_array()[0].at("command").at("status").as_string() == "success";
  }));
  EXPECT_TRUE(eventually([&] {
    auto agents = json::parse(admin.get("/agents?agents_list=" + id).body);
    return agents.at("data").at("affected_items").as_array()[0].at("status").as_string() == "active";
  }));
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(PostgresBackend, AnUnreachableDatabaseIsAClearStartUpError) {
  HeralddProcess server("storage: {backend: postgres, dsn: \"host=127.0.0.1 port=1 dbname=herald connect_timeout=2\"}\n");
  std::string output;
  EXPECT_NE(server.run_expecting_exit(output), 0);
  EXPECT_NE(output.find("127.0.0.1"), std::string::npos) << output;
}

}  // namespace
}  // namespace herald::test
