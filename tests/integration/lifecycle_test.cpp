// heraldd as a process: start-up errors, graceful stop, crash recovery, deadlines, retention,
// login rate limiting.
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zlib.h>

#include "support/agents.h"
#include "support/heraldd_process.h"

namespace herald::test {
namespace {

namespace json = boost::json;
constexpr const char* kCommands = "/_plugins/_command_manager/commands";

std::string order_status(HttpClient& client, const std::string& id) {
  auto reply = client.get("/orders/" + id);
  if (reply.status != 200) return "missing";
  return std::string(json::parse(reply.body).at("data").at("affected_items").as_array()[0].at("command").at("status").as_string());
}

std::string first_order_id(const HttpResult& reply) {
  return std::string(json::parse(reply.body).at("orders").as_array()[0].at("_id").as_string());
}

TEST(Lifecycle, BadConfigExitsNonZeroWithClearError) {
  HeralddProcess server("orders: {retention: forever}\n");
  std::string output;
  EXPECT_EQ(server.run_expecting_exit(output), 2);
  EXPECT_NE(output.find("orders.retention"), std::string::npos) << output;

  HeralddProcess typo("managment: {listen: \"127.0.0.1:0\"}\n");
  EXPECT_EQ(typo.run_expecting_exit(output), 2);
  EXPECT_NE(output.find("unknown key managment"), std::string::npos) << output;
}

TEST(Lifecycle, PortInUseExitsNonZero) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor taken(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  auto port = taken.local_endpoint().port();
  HeralddProcess server;
  server.set_management_listen("127.0.0.1:" + std::to_string(port));
  std::string output;
  EXPECT_EQ(server.run_expecting_exit(output), 1);
  EXPECT_NE(output.find("management listener"), std::string::npos) << output;
}

TEST(Lifecycle, FirstStartCreatesAdminWithPrivatePasswordFile) {
  HeralddProcess server;
  server.start();
  auto path = server.data_dir() / "admin.password";
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  EXPECT_NE(server.output().find("Admin user created: admin"), std::string::npos);
  EXPECT_EQ(server.output().find(kAdminPassword), std::string::npos);  // never in the output (a log)
  EXPECT_EQ(server.stop(), 0);
}

TEST(Lifecycle, SigtermStopsCleanlyAndKeepsData) {
  HeralddProcess server;
  server.start();
  std::string id;
  {
    auto client = server.admin_client();
    auto agent = enroll_agent(client, "survivor");
    id = first_order_id(client.post(kCommands, command_body("agent", agent, 3000)));
  }
  EXPECT_EQ(server.stop(15), 0) << server.output();
  server.start();
  auto client = server.admin_client();
  EXPECT_EQ(order_status(client, id), "pending");
  EXPECT_EQ(server.stop(2), 0);  // SIGINT too
}

TEST(Lifecycle, AcknowledgedOrdersSurviveKillAndDeadlinesResume) {
  HeralddProcess server;
  server.start();
  std::vector<std::string> ids;
  {
    auto client = server.admin_client();
    auto agent = enroll_agent(client, "crashy");
    for (int i = 0; i < 20; ++i) ids.push_back(first_order_id(client.post(kCommands, command_body("agent", agent, 2))));
  }
  server.crash();  // kill -9 right after the last 200
  server.start();
  auto client = server.admin_client();
  for (const auto& id : ids) EXPECT_NE(order_status(client, id), "missing") << id;
  // Deadlines were not in memory any more: they must resume from the store.
  EXPECT_TRUE(eventually([&] { return order_status(client, ids.back()) == "failure"; }, std::chrono::seconds(10)));
  for (const auto& id : ids) EXPECT_EQ(order_status(client, id), "failure");
}

TEST(Lifecycle, PendingOrdersFailWithinASecondOfTheirDeadline) {
  HeralddProcess server;
  server.start();
  auto client = server.admin_client();
  auto agent = enroll_agent(client, "late");
  auto reply = client.post(kCommands, command_body("agent", agent, 1));
  auto id = first_order_id(reply);
  auto doc = json::parse(client.get("/orders/" + id).body).at("data").at("affected_items").as_array()[0];
  EXPECT_EQ(doc.at("command").at("status").as_string(), "pending");
  ASSERT_TRUE(eventually([&] { return order_status(client, id) == "failure"; }, std::chrono::seconds(5)));
  auto failed = json::parse(client.get("/orders/" + id).body).at("data").at("affected_items").as_array()[0];
  EXPECT_EQ(failed.at("command").at("result").at("message").as_string(),
            "Order expired: not delivered to the agent before its deadline");
  auto metrics = client.get("/metrics").body;
  EXPECT_NE(metrics.find("herald_orders_expired_total{previous_status=\"pending\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("herald_orders_created_total 1"), std::string::npos);
  EXPECT_NE(metrics.find("herald_orders{status=\"failure\"} 1"), std::string::npos);
}

std::string gunzip_file(const std::filesystem::path& path) {
  gzFile gz = gzopen(path.c_str(), "rb");
  std::string text;
  char buffer[4096];
  int n = 0;
  while (gz != nullptr && (n = gzread(gz, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(n));
  if (gz != nullptr) gzclose(gz);
  return text;
}

TEST(Lifecycle, RetentionArchivesTerminalOrdersAndRemovesThem) {
  HeralddProcess server("orders: {retention: 1s, retention_interval: 1s}\n");
  server.start();
  auto client = server.admin_client();
  auto agent = enroll_agent(client, "archived");
  auto id = first_order_id(client.post(kCommands, command_body("agent", agent, 1)));
  // The order fails at its deadline, then leaves the hot table for the archive.
  ASSERT_TRUE(eventually([&] { return order_status(client, id) == "missing"; }, std::chrono::seconds(15)));
  auto archive_dir = server.data_dir() / "archive";
  std::string archived;
  for (const auto& file : std::filesystem::directory_iterator(archive_dir)) {
    EXPECT_EQ(file.path().extension(), ".gz");
    EXPECT_EQ(file.path().filename().string().substr(0, 7), "orders-");
    archived += gunzip_file(file.path());
  }
  ASSERT_FALSE(archived.empty());
  auto line = archived.substr(0, archived.find('\n'));
  auto doc = json::parse(line).as_object();
  EXPECT_EQ(doc.at("_id").as_string(), id);
  EXPECT_EQ(doc.at("command").at("status").as_string(), "failure");
}

TEST(Lifecycle, WrongPasswordsAreRateLimitedPerAddress) {
  HeralddProcess server;
  server.start();
  HttpClient client(server.management_url());
  unsigned last = 0;
  for (int i = 0; i < 15; ++i) {
    last = client.request("POST", "/security/user/authenticate", "",
                          {{"Authorization", basic_authorization("admin", "nope")}})
               .status;
  }
  EXPECT_EQ(last, 429u);
  auto blocked = client.request("POST", "/security/user/authenticate", "",
                                {{"Authorization", basic_authorization("admin", kAdminPassword)}});
  EXPECT_EQ(blocked.status, 429u);
  EXPECT_FALSE(blocked.header("retry-after").empty());
}

}  // namespace
}  // namespace herald::test
