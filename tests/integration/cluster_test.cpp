// Two heraldd nodes sharing a real PostgreSQL (and, where the test says so, a real nats-server),
// addressed directly: cross-node delivery by NATS wake-up and by the store fallback, one leader
// for order deadlines that another node replaces when it dies, liveness decided cluster-wide
// (no flap when an agent's requests move between nodes; agents of a dead node disconnected by
// the survivors), node names in agent rows, and a database outage at run time (503, parked polls
// stay parked, recovery).
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <future>
#include <memory>

#include "auth/secrets.h"
#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/legacy_agent.h"
#include "support/nats_server.h"
#include "support/nats_watcher.h"
#include "support/postgres_server.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
constexpr const char* kCommands = "/_plugins/_command_manager/commands";
const std::string kSecret = "cluster-test-secret-0123456789abcdef";

struct NodeOptions {
  std::string nats_url;  // empty: NATS off
  std::string keepalive = "{interval: 60s, timeout: 180s}";
  std::string poll_timeout = "20s";
};

// An agent's poll runs on another thread; the test meanwhile sends the command elsewhere.
std::future<HttpResult> poll_async(TestAgent& agent) {
  return std::async(std::launch::async, [&agent] { return agent.poll(); });
}

class Cluster : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto reason = PostgresServer::unavailable_reason(); !reason.empty()) GTEST_SKIP() << reason;
    database_ = std::make_unique<PostgresDatabase>(PostgresServer::shared());
  }

  // Starts node-<n> on the shared database.
  HeralddProcess& start_node(int n, const NodeOptions& options) {
    std::string yaml = "node: {name: node-" + std::to_string(n) + "}\n" +
                       "storage: {backend: postgres, dsn: \"" + database_->dsn() + "\"}\n" +
                       "auth: {jwt_secret: \"" + kSecret + "\"}\n" +
                       "remote: {manager_keepalive: " + options.keepalive + "}\n";
    if (!options.nats_url.empty()) yaml += "nats: {enabled: yes, url: \"" + options.nats_url + "\"}\n";
    nodes_.push_back(std::make_unique<HeralddProcess>(yaml));
    auto& node = *nodes_.back();
    node.set_comms_options("commands_poll_timeout: " + options.poll_timeout);
    node.start();
    return node;
  }

  static double metric(HttpClient& client, const std::string& line_prefix) {
    auto text = client.get("/metrics").body;
    auto at = text.find("\n" + line_prefix);
    if (at == std::string::npos) return -1;
    auto end = text.find('\n', at + 1);
    auto line = text.substr(at + 1, end - at - 1);
    return std::stod(line.substr(line.rfind(' ') + 1));
  }

  static std::string agent_field(HttpClient& admin, const std::string& id, const char* name) {
    auto reply = json::parse(admin.get("/agents?agents_list=" + id).body);
    const auto& agent = reply.at("data").at("affected_items").as_array()[0].as_object();
    const auto* value = agent.if_contains(name);
    return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
  }

  // Enrolls an agent through `admin` and returns (id, key).
  static std::pair<std::string, std::string> enroll(HttpClient& admin, const std::string& name) {
    auto key = auth::random_alnum(32);
    auto id = random_uuid_v4();
    auto reply = admin.post("/agents", enrollment_body(id, name, key));
    if (reply.status != 201u) throw std::runtime_error("enrolment failed: " + reply.body);
    return {id, key};
  }

  // Waits until `node` holds a parked poll.
  static bool parked_on(HeralddProcess& node) {
    auto admin = node.admin_client();
    return eventually([&] { return metric(admin, "herald_parked_polls ") >= 1; }, 10s);
  }

  // An agent enrolled through `admin` and authenticated on `node`, its poll parked there (on a
  // thread of its own) by the time this returns.
  struct ParkedAgent {
    std::string id;
    std::unique_ptr<TestAgent> agent;
    std::future<HttpResult> poll;  // destroyed first: it waits for the poll, which uses `agent`
  };
  static ParkedAgent park_agent(HttpClient& admin, HeralddProcess& node, const std::string& name) {
    auto [id, key] = enroll(admin, name);
    ParkedAgent parked{id, std::make_unique<TestAgent>(node.comms_url(), id, key, name), {}};
    if (parked.agent->authenticate().status != 200u) throw std::runtime_error("authentication failed");
    parked.poll = poll_async(*parked.agent);
    if (!parked_on(node)) throw std::runtime_error("the poll never parked on " + node.comms_url());
    return parked;
  }

  std::unique_ptr<PostgresDatabase> database_;
  std::vector<std::unique_ptr<HeralddProcess>> nodes_;
};

std::string first_order_id(const std::string& reply_body) {
  return std::string(json::parse(reply_body).at("orders").as_array()[0].at("_id").as_string());
}

TEST_F(Cluster, AnOrderAcceptedByOneNodeWakesThePollParkedOnAnother) {
  if (!NatsServer::installed()) GTEST_SKIP() << "nats-server is not installed (scripts/deps.sh installs it)";
  NatsServer nats;
  nats.start();
  auto& a = start_node(1, {nats.url()});
  auto& b = start_node(2, {nats.url()});
  auto admin_a = a.admin_client();
  auto [id, agent, poll] = park_agent(admin_a, b, "cross-node");
  auto admin_b = b.admin_client();
  ASSERT_TRUE(eventually([&] { return metric(admin_b, "herald_bus_connected ") == 1; }));

  auto started = std::chrono::steady_clock::now();
  auto reply = admin_a.post(kCommands, command_body("agent", id, 100, "restart"));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  ASSERT_EQ(poll.wait_for(15s), std::future_status::ready) << "the parked poll on node-2 was never woken";
  auto delivered = poll.get();
  auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  EXPECT_EQ(delivered.status, 200u);
  EXPECT_NE(delivered.body.find(first_order_id(reply.body)), std::string::npos);
  // Woken by the NATS message, not by the poll timeout (20 s) nor the fallback (NATS is up).
  EXPECT_GE(metric(admin_b, "herald_cluster_wakeups_total{kind=\"received\"}"), 1);
  std::printf("cross-node delivery by NATS wake-up: %lld ms\n", static_cast<long long>(latency.count()));
}

// Wazuh 4.x agents on a cluster: enrolled on one node (the keys are in the shared store),
// connected to another, commanded through a third door — by NATS wake-up, and without NATS by
// the store fallback. Ids stay unique across the nodes.
TEST_F(Cluster, A4xAgentConnectedToOneNodeGetsOrdersAcceptedByAnother) {
  if (!NatsServer::installed()) GTEST_SKIP() << "nats-server is not installed (scripts/deps.sh installs it)";
  NatsServer nats;
  nats.start();
  auto& a = start_node(1, {nats.url()});
  auto& b = start_node(2, {nats.url()});
  auto key = legacy_enroll(a.enrollment_address(), "legacy-cross");
  EXPECT_EQ(legacy_enroll(b.enrollment_address(), "legacy-other").id, "002");
  LegacyAgent agent(key);
  agent.connect(b.remote_address());  // node-2 never saw the enrollment: it finds the key in the store
  ASSERT_TRUE(agent.start_up());
  auto admin_a = a.admin_client();
  auto admin_b = b.admin_client();
  ASSERT_TRUE(parked_on(b));
  ASSERT_TRUE(eventually([&] { return metric(admin_b, "herald_bus_connected ") == 1; }));
  auto reply = admin_a.post(kCommands, command_body("agent", key.id, 100, "restart"));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  EXPECT_TRUE(agent.receive_starting("#!-execd ", 10s)) << "the order accepted by node-1 never reached node-2's agent";
  EXPECT_GE(metric(admin_b, "herald_cluster_wakeups_total{kind=\"received\"}"), 1);
}

TEST_F(Cluster, WithoutNatsA4xAgentFindsItsOrdersThroughTheStore) {
  auto& a = start_node(1, {});
  auto& b = start_node(2, {});
  auto key = legacy_enroll(a.enrollment_address(), "legacy-fallback");
  LegacyAgent agent(key);
  agent.connect(b.remote_address());
  ASSERT_TRUE(agent.start_up());
  ASSERT_TRUE(parked_on(b));
  auto admin_a = a.admin_client();
  auto reply = admin_a.post(kCommands, command_body("agent", key.id, 100, "restart"));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  EXPECT_TRUE(agent.receive_starting("#!-execd ", 10s));
}

TEST_F(Cluster, WithoutNatsParkedPollsFindTheirOrdersInTheStore) {
  auto& a = start_node(1, {});
  auto& b = start_node(2, {});
  auto admin_a = a.admin_client();
  auto [id, agent, poll] = park_agent(admin_a, b, "fallback");
  auto reply = admin_a.post(kCommands, command_body("agent", id, 100, "restart"));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  // cluster.fallback_poll_interval is 1 s; the poll timeout (20 s) would be the failure.
  ASSERT_EQ(poll.wait_for(10s), std::future_status::ready);
  auto delivered = poll.get();
  EXPECT_EQ(delivered.status, 200u);
  EXPECT_NE(delivered.body.find(first_order_id(reply.body)), std::string::npos);
  auto admin_b = b.admin_client();
  EXPECT_GE(metric(admin_b, "herald_cluster_wakeups_total{kind=\"fallback_wake\"}"), 1);
}

TEST_F(Cluster, OneNodeLeadsDeadlinesAndAnotherTakesOverWhenItDies) {
  auto& a = start_node(1, {});
  auto& b = start_node(2, {});
  auto admin_a = a.admin_client();
  auto admin_b = b.admin_client();
  // Node 1 started first, so it took the lock; node 2 follows.
  ASSERT_TRUE(eventually([&] { return metric(admin_a, "herald_leader{node=\"node-1\"}") == 1; }));
  EXPECT_EQ(metric(admin_b, "herald_leader{node=\"node-2\"}"), 0);

  auto [id, key] = enroll(admin_b, "never-polls");
  auto reply = admin_b.post(kCommands, command_body("agent", id, 3, "restart"));  // created on the follower
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const auto order = first_order_id(reply.body);

  a.crash();
  // The session of the dead leader ends, its lock with it; node 2 checks every second.
  ASSERT_TRUE(eventually([&] { return metric(admin_b, "herald_leader{node=\"node-2\"}") == 1; }, 10s));
  EXPECT_TRUE(eventually(
      [&] {
        auto body = json::parse(admin_b.get("/orders/" + order).body);
        const auto& command = body.at("data").at("affected_items").as_array()[0].at("command");
        return command.at("status").as_string() == "failure";
      },
      15s));
}

TEST_F(Cluster, AnAgentMovingBetweenNodesStaysActive) {
  if (!NatsServer::installed()) GTEST_SKIP() << "nats-server is not installed (scripts/deps.sh installs it)";
  NatsServer nats;
  nats.start();
  NodeOptions options{nats.url(), "{interval: 4s, timeout: 12s}", "3s"};
  auto& a = start_node(1, options);
  auto& b = start_node(2, options);
  auto admin = a.admin_client();
  auto [id, key] = enroll(admin, "mover");
  NatsWatcher statuses(nats.url(), "wazuh.agent." + id + ".status");

  TestAgent on_a(a.comms_url(), id, key, "mover");
  ASSERT_EQ(on_a.authenticate().status, 200u);
  TestAgent on_b(b.comms_url(), id, key, "mover");
  on_b.set_token(on_a.token());  // a token of node 1 is good on node 2
  // One poll on node 1, then four on node 2 (12 s, three keep-alive intervals of node 1's silence),
  // then back to node 1.
  EXPECT_EQ(on_a.poll().status, 408u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(on_b.poll().status, 408u);
  EXPECT_EQ(on_a.poll().status, 408u);

  for (const auto& message : statuses.messages()) {
    auto status = json::parse(message.payload).at("status").as_string();
    EXPECT_EQ(status, "active") << message.payload;
  }
  EXPECT_EQ(statuses.messages().size(), 1u) << "one transition: never_connected -> active";
  EXPECT_EQ(agent_field(admin, id, "status"), "active");
  EXPECT_FALSE(agent_field(admin, id, "node_name").empty());
}

TEST_F(Cluster, AgentsOfADeadNodeAreDisconnectedByTheSurvivors) {
  NodeOptions options{"", "{interval: 2s, timeout: 4s}", "20s"};
  auto& a = start_node(1, options);
  auto& b = start_node(2, options);
  auto admin_a = a.admin_client();
  auto [id, agent, poll] = park_agent(admin_a, b, "orphan");
  ASSERT_TRUE(eventually([&] { return agent_field(admin_a, id, "node_name") == "node-2"; }));
  b.crash();
  poll.wait();  // the connection died with the node

  // Node 1 leads and adopts the agent nobody keeps alive: pending after `interval` of store
  // silence, disconnected after `timeout`.
  EXPECT_TRUE(eventually([&] { return agent_field(admin_a, id, "status") == "disconnected"; }, 20s))
      << agent_field(admin_a, id, "status");
}

TEST_F(Cluster, ADatabaseOutageIs503ForRequestsAndParkedPollsStayParked) {
  auto& node = start_node(1, {"", "{interval: 60s, timeout: 180s}", "30s"});
  auto admin = node.admin_client();
  auto [id, agent, poll] = park_agent(admin, node, "outage");

  auto& server = database_->server();
  server.stop();
  auto during = admin.post(kCommands, command_body("agent", id, 100, "restart"));
  EXPECT_EQ(during.status, 503u) << during.body;
  EXPECT_NO_THROW((void)json::parse(during.body)) << during.body;
  EXPECT_EQ(poll.wait_for(2s), std::future_status::timeout) << "the parked poll must not fail";

  server.start();
  // heraldd reconnects by itself; the next command reaches the poll that waited all along.
  std::string order;
  ASSERT_TRUE(eventually(
      [&] {
        auto reply = admin.post(kCommands, command_body("agent", id, 100, "restart"));
        if (reply.status != 200u) return false;
        order = first_order_id(reply.body);
        return true;
      },
      20s));
  ASSERT_EQ(poll.wait_for(10s), std::future_status::ready);
  auto delivered = poll.get();
  EXPECT_EQ(delivered.status, 200u);
  EXPECT_NE(delivered.body.find(order), std::string::npos);
}

}  // namespace
}  // namespace herald::test
