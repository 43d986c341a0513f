// Full disk: with the data directory on a small tmpfs filled to the last byte, writes (commands,
// enrolments, results) answer 503 saying the disk is full, reads keep working, /health says
// degraded, nothing acknowledged is lost, and writes work again once space is freed, without a
// restart.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
constexpr const char* kCommands = "/_plugins/_command_manager/commands";

class DiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(server_.data_dir());
    if (::mount("tmpfs", server_.data_dir().c_str(), "tmpfs", 0, "size=16m,mode=0700") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs (" << std::strerror(errno) << "): needs root with CAP_SYS_ADMIN";
    }
    mounted_ = true;
  }

  void TearDown() override {
    server_.stop();
    if (mounted_) ::umount2(server_.data_dir().c_str(), MNT_DETACH);
  }

  // Writes a file until the file system has no byte left.
  void fill_disk() {
    const int fd = ::open(filler().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ASSERT_GE(fd, 0);
    const std::string chunk(64 * 1024, 'f');
    for (;;) {
      auto written = ::write(fd, chunk.data(), chunk.size());
      if (written < static_cast<ssize_t>(chunk.size())) break;
    }
    // A last pass in single bytes so that not even a partial page is left.
    while (::write(fd, "f", 1) == 1) {
    }
    EXPECT_EQ(errno, ENOSPC);
    ::close(fd);
  }
  void free_disk() { fs::remove(filler()); }
  fs::path filler() const { return server_.data_dir() / "filler"; }

  HeralddProcess server_;
  bool mounted_ = false;
};

std::string first_order_id(const HttpResult& reply) {
  return std::string(json::parse(reply.body).at("orders").as_array()[0].at("_id").as_string());
}

std::string order_status(HttpClient& client, const std::string& id) {
  auto reply = client.get("/orders/" + id);
  if (reply.status != 200) return "missing";
  return std::string(
      json::parse(reply.body).at("data").at("affected_items").as_array()[0].at("command").at("status").as_string());
}

json::object health(const std::string& management_url) {
  HttpClient client(management_url);
  auto reply = client.get("/health");
  auto body = json::parse(reply.body).as_object();
  body["http_status"] = static_cast<std::int64_t>(reply.status);
  return body;
}

TEST_F(DiskFull, WritesAnswer503ReadsWorkHealthIsDegradedAndAllRecoversOnceSpaceIsFreed) {
  server_.start();
  auto admin = server_.admin_client();
  const std::string agent_id = random_uuid_v4(), key(32, 'k');
  ASSERT_EQ(admin.post("/agents", enrollment_body(agent_id, "full", key)).status, 201u);
  TestAgent agent(server_.comms_url(), agent_id, key);
  ASSERT_EQ(agent.authenticate().status, 200u);

  std::vector<std::string> acknowledged;  // commands that got a 200
  for (int i = 0; i < 30; ++i) {
    auto reply = admin.post(kCommands, command_body("agent", agent_id, 3000));
    ASSERT_EQ(reply.status, 200u) << reply.body;
    acknowledged.push_back(first_order_id(reply));
  }
  auto delivered = json::parse(agent.poll().body).at("commands").as_array();
  ASSERT_EQ(delivered.size(), acknowledged.size());
  std::vector<std::string> sent;
  for (const auto& command : delivered) sent.push_back(std::string(command.at("document_id").as_string()));
  EXPECT_EQ(health(server_.management_url()).at("status").as_string(), "ok");

  fill_disk();

  // The file system may still hold pages a failed transaction allocated in the WAL, so a write
  // or two may fit; every kind of write must then fail, with a message that says why.
  auto until_unavailable = [](auto attempt, const char* what) {
    for (int i = 0; i < 100; ++i) {
      auto reply = attempt(i);
      if (reply.status == 503) {
        EXPECT_NE(reply.body.find("disk is full"), std::string::npos) << what << ": " << reply.body;
        return;
      }
      ASSERT_EQ(reply.status / 100, 2u) << what << ": " << reply.body;
    }
    ADD_FAILURE() << what << " never answered 503 on a full disk";
  };
  until_unavailable(
      [&](int) {
        auto reply = admin.post(kCommands, command_body("agent", agent_id, 3000));
        if (reply.status == 200) acknowledged.push_back(first_order_id(reply));
        return reply;
      },
      "command");
  std::vector<std::string> enrolled;
  until_unavailable(
      [&](int) {
        auto id = random_uuid_v4();
        auto reply = admin.post("/agents", enrollment_body(id, "late", key));
        if (reply.status == 201) enrolled.push_back(id);
        return reply;
      },
      "enrolment");
  std::vector<std::string> reported;  // results that got a 2xx
  until_unavailable(
      [&](int i) {
        auto reply = agent.report_result(sent.at(static_cast<std::size_t>(i)), 0, "done");
        if (reply.status / 100 == 2) reported.push_back(sent[static_cast<std::size_t>(i)]);
        return reply;
      },
      "result");

  // Reads keep working, logins and agent authentication too; /health says degraded (200: the
  // node still serves what it can).
  EXPECT_EQ(server_.admin_client().get("/groups").status, 200u);
  EXPECT_EQ(agent.authenticate().status, 200u);
  EXPECT_EQ(order_status(admin, acknowledged.front()), "sent");
  EXPECT_EQ(admin.get("/agents?agents_list=" + agent_id).status, 200u);
  EXPECT_NE(server_.output().find("disk is full"), std::string::npos) << server_.output();  // said once, in the log
  auto degraded = health(server_.management_url());
  EXPECT_EQ(degraded.at("http_status").as_int64(), 200);
  EXPECT_EQ(degraded.at("status").as_string(), "degraded");
  EXPECT_NE(json::serialize(degraded).find("disk is full"), std::string::npos) << json::serialize(degraded);

  free_disk();

  // Without a restart, and before any client writes: /health sees the space come back.
  EXPECT_TRUE(eventually([&] { return health(server_.management_url()).at("status").as_string() == "ok"; }));
  // Every kind of write succeeds again.
  auto reply = admin.post(kCommands, command_body("agent", agent_id, 3000));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  acknowledged.push_back(first_order_id(reply));
  auto late = random_uuid_v4();
  ASSERT_EQ(admin.post("/agents", enrollment_body(late, "late", key)).status, 201u);
  enrolled.push_back(late);
  const auto& unreported = sent.at(reported.size() + 1);
  ASSERT_EQ(agent.report_result(unreported, 0, "done").status / 100, 2u);
  reported.push_back(unreported);

  // Nothing acknowledged was lost, in memory or on disk.
  auto verify = [&] {
    auto client = server_.admin_client();
    for (const auto& id : acknowledged) EXPECT_NE(order_status(client, id), "missing") << id;
    for (const auto& id : reported) EXPECT_EQ(order_status(client, id), "success") << id;
    for (const auto& id : enrolled)
      EXPECT_NE(client.get("/agents?agents_list=" + id).body.find(id), std::string::npos) << id;
  };
  verify();
  EXPECT_EQ(server_.stop(), 0) << server_.output();
  server_.start();
  verify();
}

}  // namespace
}  // namespace herald::test
