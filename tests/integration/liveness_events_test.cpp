// Agent liveness and the events heraldd publishes (issue 4), against a real nats-server with
// JetStream and a real heraldd: every status transition with its code and reason, keep-alives,
// enrolments, order transitions, agent events, server orders, the summary endpoint, restart
// recovery (code 5), and a NATS outage that agents never notice.
#include <arpa/inet.h>
#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth/secrets.h"
#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/nats_server.h"
#include "support/nats_watcher.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
constexpr const char* kCommands = "/_plugins/_command_manager/commands";

json::object parse_object(const std::string& text) { return json::parse(text).as_object(); }

std::string field(const std::string& payload, const char* name) {
  auto object = parse_object(payload);
  const auto* value = object.if_contains(name);
  if (value == nullptr) return {};
  if (value->is_string()) return std::string(value->as_string());
  return json::serialize(*value);
}

auto status_is(const std::string& status) {
  return [status](const std::string& payload) { return field(payload, "status") == status; };
}

int port_of(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

// A long poll on its own socket, so the test can hang up while it is parked.
class RawPoll {
 public:
  RawPoll(const std::string& comms_url, const std::string& token) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port_of(comms_url)));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) throw std::runtime_error("connect");
    std::string request = "GET /api/v1/commands HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                          "\r\nUser-Agent: WazuhXDR/6.0.0\r\n\r\n";
    if (::send(fd_, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
      throw std::runtime_error("send");
    }
  }
  ~RawPoll() { hang_up(); }
  void hang_up() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

class LivenessEvents : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!NatsServer::installed()) GTEST_SKIP() << "nats-server is not installed (scripts/deps.sh installs it)";
  }
  void SetUp() override {
    nats_.start();
    watcher_ = std::make_unique<NatsWatcher>(nats_.url(), "wazuh.>");
    server_.set_comms_options("commands_poll_timeout: 30s");
    server_.set_config_yaml("node: {name: node-a}\n"
                            "remote: {manager_keepalive: {interval: 1, timeout: 3}}\n"
                            "nats: {enabled: yes, url: \"" + nats_.url() + "\"}\n");
    server_.start();
    admin_ = std::make_unique<HttpClient>(server_.admin_client());
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "heraldd output:\n" << server_.output() << std::endl;
  }

  std::unique_ptr<TestAgent> new_agent(const std::string& name) {
    auto key = auth::random_alnum(32);
    auto id = random_uuid_v4();
    EXPECT_EQ(admin_->post("/agents", enrollment_body(id, name, key)).status, 201u);
    keys_[id] = key;
    return std::make_unique<TestAgent>(server_.comms_url(), id, key, name);
  }
  // The same agent speaking to the server's current comms address (it changes on a restart).
  std::unique_ptr<TestAgent> again(const TestAgent& agent) {
    return std::make_unique<TestAgent>(server_.comms_url(), agent.id(), keys_[agent.id()]);
  }
  json::object agent_row(const std::string& id) {
    auto reply = admin_->get("/agents?agents_list=" + id);
    EXPECT_EQ(reply.status, 200u) << reply.body;
    auto items = parse_object(reply.body).at("data").at("affected_items").as_array();
    EXPECT_EQ(items.size(), 1u);
    return items.empty() ? json::object{} : items[0].as_object();
  }
  std::string status_subject(const std::string& id) { return "wazuh.agent." + id + ".status"; }

  NatsServer nats_;
  std::unique_ptr<NatsWatcher> watcher_;
  HeralddProcess server_;
  std::unique_ptr<HttpClient> admin_;
  std::map<std::string, std::string> keys_;
};

TEST_F(LivenessEvents, EnrolmentIsPublishedAndKeptInTheStream) {
  auto agent = new_agent("enrolled-1");
  auto event = watcher_->wait_for("wazuh.agent." + agent->id() + ".enrolled");
  ASSERT_TRUE(event);
  EXPECT_EQ(field(event->payload, "name"), "enrolled-1");
  EXPECT_EQ(field(event->payload, "status"), "never_connected");
  EXPECT_EQ(field(event->payload, "node_name"), "node-a");
  EXPECT_TRUE(eventually([&] {
    return nats_.running() && watcher_->last_in_stream("HERALD_EVENTS", "wazuh.agent." + agent->id() + ".enrolled");
  }));
}

TEST_F(LivenessEvents, EveryTransitionWithItsCodeReasonAndTiming) {
  auto agent = new_agent("cycle-1");
  EXPECT_EQ(std::string(agent_row(agent->id()).at("status").as_string()), "never_connected");

  ASSERT_EQ(agent->authenticate().status, 200u);
  auto active = watcher_->wait_for(status_subject(agent->id()), status_is("active"));
  ASSERT_TRUE(active);
  EXPECT_EQ(field(active->payload, "previous_status"), "never_connected");
  EXPECT_EQ(field(active->payload, "status_code"), "0");
  EXPECT_EQ(field(active->payload, "node_name"), "node-a");
  ASSERT_TRUE(watcher_->wait_for("wazuh.agent." + agent->id() + ".keepalive"));

  // Silent: pending after `interval` (1 s), disconnected after `timeout` (3 s), each within 1 s.
  auto pending = watcher_->wait_for(status_subject(agent->id()), status_is("pending"), 5s);
  ASSERT_TRUE(pending);
  EXPECT_EQ(field(pending->payload, "status_code"), "4");
  auto disconnected = watcher_->wait_for(status_subject(agent->id()), status_is("disconnected"), 6s);
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(field(disconnected->payload, "previous_status"), "pending");
  EXPECT_EQ(field(disconnected->payload, "status_code"), "4");
  auto seen_ms = std::stoll(field(active->payload, "ts"));
  auto gone_ms = std::stoll(field(disconnected->payload, "ts"));
  EXPECT_GE(gone_ms - seen_ms, 3000);
  EXPECT_LE(gone_ms - seen_ms, 4000 + 1000);  // timeout + 1 s (+ 1 s of second-granular keep-alives)

  auto row = agent_row(agent->id());
  EXPECT_EQ(std::string(row.at("status").as_string()), "disconnected");
  EXPECT_EQ(row.at("status_code").as_int64(), 4);
  EXPECT_NE(std::string(row.at("status_reason").as_string()).find("no keep-alive"), std::string::npos);
  EXPECT_GT(row.at("disconnection_time").as_int64(), 0);
  EXPECT_TRUE(row.contains("lastKeepAlive"));

  // Back: reconnected, and the stream keeps the latest transition for a consumer that was down.
  ASSERT_EQ(agent->authenticate().status, 200u);
  auto back = watcher_->wait_for(status_subject(agent->id()), [](const std::string& payload) {
    return field(payload, "status") == "active" && field(payload, "previous_status") == "disconnected";
  });
  ASSERT_TRUE(back);
  EXPECT_EQ(field(back->payload, "status_reason"), "reconnected");
  auto kept = watcher_->last_in_stream("HERALD_EVENTS", status_subject(agent->id()));
  ASSERT_TRUE(kept);
  EXPECT_EQ(field(kept->payload, "status"), "active");
  EXPECT_EQ(agent_row(agent->id()).at("disconnection_time").as_int64(), 0);
}

TEST_F(LivenessEvents, AParkedPollKeepsTheAgentActiveAndADroppedOneIsCode6AtOnce) {
  auto agent = new_agent("parked-1");
  ASSERT_EQ(agent->authenticate().status, 200u);
  RawPoll poll(server_.comms_url(), agent->token());
  ASSERT_TRUE(watcher_->wait_for(status_subject(agent->id()), status_is("active")));
  // Parked for three intervals: still active, no other transition.
  EXPECT_FALSE(watcher_->wait_for(status_subject(agent->id()), status_is("pending"), 3s));

  poll.hang_up();
  auto dropped = watcher_->wait_for(status_subject(agent->id()), status_is("pending"), 2s);
  ASSERT_TRUE(dropped);
  EXPECT_EQ(field(dropped->payload, "status_code"), "6");
  EXPECT_NE(field(dropped->payload, "status_reason").find("dropped"), std::string::npos);
  auto disconnected = watcher_->wait_for(status_subject(agent->id()), status_is("disconnected"), 6s);
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(field(disconnected->payload, "status_code"), "6");
}

TEST_F(LivenessEvents, OrderTransitionsAgentEventsAndServerOrdersArePublished) {
  auto agent = new_agent("orders-1");
  ASSERT_EQ(agent->authenticate().status, 200u);
  auto reply = admin_->post(kCommands, command_body("agent", agent->id(), 100, "restart"));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  auto id = std::string(parse_object(reply.body).at("orders").as_array()[0].at("_id").as_string());
  auto is_order = [id](const std::string& payload) {
    return payload.find("\"" + id + "\"") != std::string::npos;
  };
  ASSERT_TRUE(watcher_->wait_for("wazuh.orders.pending", is_order));
  ASSERT_EQ(agent->poll().status, 200u);
  ASSERT_TRUE(watcher_->wait_for("wazuh.orders.sent", is_order));
  ASSERT_EQ(agent->report_result(id, 0, "Command restart executed successfully").status, 200u);
  auto success = watcher_->wait_for("wazuh.orders.success", is_order);
  ASSERT_TRUE(success);
  EXPECT_NE(success->payload.find("executed successfully"), std::string::npos);

  // An order nobody collects fails at its deadline.
  reply = admin_->post(kCommands, command_body("agent", agent->id(), 1, "fetch-config"));
  ASSERT_EQ(reply.status, 200u);
  auto expiring = std::string(parse_object(reply.body).at("orders").as_array()[0].at("_id").as_string());
  auto failure = watcher_->wait_for("wazuh.orders.failure", [&](const std::string& payload) {
    return payload.find("\"" + expiring + "\"") != std::string::npos;
  });
  ASSERT_TRUE(failure);
  EXPECT_EQ(field(failure->payload, "previous_status"), "pending");
  EXPECT_TRUE(watcher_->last_in_stream("HERALD_EVENTS", "wazuh.orders.failure"));

  // Server orders go to their module's subject.
  reply = admin_->post(kCommands, command_body("server", "vulnerability-detector", 100, "restart"));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  ASSERT_TRUE(watcher_->wait_for("wazuh.commands.server.vulnerability-detector"));

  // Agent events.
  ASSERT_EQ(agent->send_stateless(R"({"module":"logcollector","collector":"file"})" "\n" R"({"log":{"x":1}})").status,
            204u);
  auto stateless = watcher_->wait_for("wazuh.events.stateless." + agent->id());
  ASSERT_TRUE(stateless);
  EXPECT_NE(stateless->payload.find("logcollector"), std::string::npos);
  ASSERT_EQ(agent->send_stateful(R"({"id":"f1","module":"fim","operation":"create"})" "\n" R"({"file":{"path":"/a"}})")
                .status,
            200u);
  ASSERT_TRUE(watcher_->wait_for("wazuh.events.stateful." + agent->id()));
}

TEST_F(LivenessEvents, AgentMetadataUpdatesTheRowAndSummaryCountsEveryState) {
  auto reporting = new_agent("meta-1");
  auto idle = new_agent("meta-2");
  ASSERT_EQ(reporting->authenticate().status, 200u);
  ASSERT_EQ(reporting->send_stateless(R"({"module":"logcollector"})" "\n" R"({"log":1})").status, 204u);
  ASSERT_TRUE(eventually([&] {
    auto row = agent_row(reporting->id());
    return row.contains("version") && std::string(row.at("os").at("name").as_string()) == "Ubuntu" &&
           std::string(row.at("status").as_string()) == "active";
  }));
  auto reply = admin_->get("/agents/summary/status");
  ASSERT_EQ(reply.status, 200u);
  auto data = parse_object(reply.body).at("data").as_object();
  EXPECT_EQ(data.at("connection").at("total").as_int64(), 2);
  EXPECT_EQ(data.at("connection").at("never_connected").as_int64(), 1);
  EXPECT_EQ(data.at("connection").at("active").as_int64() + data.at("connection").at("pending").as_int64(), 1);
  EXPECT_EQ(data.at("configuration").at("total").as_int64(), 2);
  for (const char* key : {"active", "disconnected", "never_connected", "pending", "total"}) {
    EXPECT_TRUE(data.at("connection").as_object().contains(key)) << key;
  }

  // Filters, select and sort on GET /agents.
  reply = admin_->get("/agents?status=never_connected&select=name,status");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  auto items = parse_object(reply.body).at("data").at("affected_items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].as_object().size(), 3u);  // id, name, status
  EXPECT_EQ(std::string(items[0].at("name").as_string()), "meta-2");
  reply = admin_->get("/agents?q=name~meta;status!=never_connected&sort=-name");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  EXPECT_EQ(parse_object(reply.body).at("data").at("total_affected_items").as_int64(), 1);
  for (const char* bad : {"/agents?q=nosuch=1", "/agents?status=sleeping", "/agents?sort=key_hash",
                          "/agents?older_than=soon", "/agents?colour=blue"}) {
    auto error = admin_->get(bad);
    EXPECT_EQ(error.status, 400u) << bad << " " << error.body;
  }
}

TEST_F(LivenessEvents, ARestartMarksConnectedAgentsDisconnectedWithCode5UntilSeenAgain) {
  auto agent = new_agent("restart-1");
  ASSERT_EQ(agent->authenticate().status, 200u);
  ASSERT_TRUE(watcher_->wait_for(status_subject(agent->id()), status_is("active")));
  ASSERT_EQ(server_.stop(), 0);
  server_.start();
  admin_ = std::make_unique<HttpClient>(server_.admin_client());
  auto row = agent_row(agent->id());
  EXPECT_EQ(std::string(row.at("status").as_string()), "disconnected");
  EXPECT_EQ(row.at("status_code").as_int64(), 5);
  ASSERT_TRUE(watcher_->wait_for(status_subject(agent->id()), [](const std::string& payload) {
    return field(payload, "status_code") == "5";
  }));
  ASSERT_EQ(again(*agent)->authenticate().status, 200u);
  EXPECT_TRUE(eventually([&] { return std::string(agent_row(agent->id()).at("status").as_string()) == "active"; }));
}

TEST_F(LivenessEvents, ANatsOutageNeverReachesTheAgentsAndPublishingResumes) {
  auto agent = new_agent("outage-1");
  ASSERT_EQ(agent->authenticate().status, 200u);
  ASSERT_TRUE(watcher_->wait_for(status_subject(agent->id()), status_is("active")));
  watcher_.reset();
  nats_.stop();

  // Agents keep being served while NATS is down, and nothing waits on it.
  for (int i = 0; i < 5; ++i) {
    auto started = std::chrono::steady_clock::now();
    ASSERT_EQ(agent->authenticate().status, 200u);
    ASSERT_EQ(agent->send_stateless(R"({"module":"logcollector"})" "\n" R"({"n":1})").status, 204u);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  }
  auto other = new_agent("outage-2");  // an enrolment while NATS is down
  ASSERT_EQ(other->authenticate().status, 200u);
  std::string metrics;
  EXPECT_TRUE(eventually([&] {
    metrics = admin_->get("/metrics").body;
    return metrics.find("herald_bus_connected 0") != std::string::npos &&
           metrics.find("herald_bus_events_total{outcome=\"dropped\"} 0\n") == std::string::npos;
  })) << metrics;

  nats_.start();
  watcher_ = std::make_unique<NatsWatcher>(nats_.url(), "wazuh.>");
  EXPECT_TRUE(eventually([&] { return admin_->get("/metrics").body.find("herald_bus_connected 1") != std::string::npos; },
                         15s));
  // Publishing resumes: the agent's keep-alives come through again (one per interval), and so
  // does the next transition.
  EXPECT_TRUE(eventually(
      [&] {
        if (agent->authenticate().status != 200u) return false;
        return !watcher_->on("wazuh.agent." + agent->id() + ".keepalive").empty();
      },
      15s));
  auto third = new_agent("outage-3");
  ASSERT_EQ(third->authenticate().status, 200u);
  EXPECT_TRUE(watcher_->wait_for(status_subject(third->id()), status_is("active"), 10s)) << [&] {
    std::string seen;
    for (const auto& m : watcher_->messages()) seen += m.subject + "\n";
    return seen;
  }();
  EXPECT_NE(server_.output().find("NATS unreachable"), std::string::npos);
}

}  // namespace
}  // namespace herald::test
