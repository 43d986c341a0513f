// Three heraldd nodes sharing PostgreSQL and a nats-server, behind nginx running the shipped
// deploy/nginx/herald-cluster.conf, as an operator deploys them. Agents authenticate, poll and
// report through the balancer, so consecutive requests of one agent land on different nodes;
// group commands go to each node directly and through nginx; the leader node is SIGKILLed
// mid-run. Every order must end terminal exactly once with its agent's result, no agent may
// receive an order twice, and no agent's status may flap.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "auth/secrets.h"
#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/nats_server.h"
#include "support/nats_watcher.h"
#include "support/nginx_server.h"
#include "support/postgres_server.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kCommands = "/_plugins/_command_manager/commands";
constexpr int kCommsPort = 27000;  // what the shipped config listens on
constexpr int kManagementPort = 55000;
constexpr int kAgentCount = 30;
constexpr int kOrderTimeoutSeconds = 20;  // an order lost with a dead node fails this long after it was created
// Agents are never silent for more than a poll timeout (5 s), so none may turn pending; short
// enough that the run watches the survivors for a whole interval after the kill.
constexpr auto kKeepaliveInterval = 10s;
constexpr std::string_view kNoResultMessage = "Order expired: no result reported before its deadline";
const std::vector<std::string> kGroups = {"web", "db", "edge"};
const std::string kSecret = "cluster-e2e-secret-0123456789abcdef";
// From the source tree CMake names (__FILE__ is relative when ccache rewrites paths).
const auto kShippedConfig = std::filesystem::path(HERALD_SOURCE_DIR) / "deploy/nginx/herald-cluster.conf";

std::string host_port(const std::string& url) {
  return url.substr(url.find("://") + 3);
}

// A reply in one line, for messages: its status and the start of its JSON body (nginx's own
// error pages say nothing more than the status).
std::string describe(const HttpResult& reply) {
  if (reply.body.empty() || reply.body.front() != '{') return std::to_string(reply.status);
  auto body = reply.body.substr(0, 300);
  std::replace(body.begin(), body.end(), '\n', ' ');
  return std::to_string(reply.status) + " " + body;
}

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// How the fleet's agents pace themselves.
struct Pacing {
  std::chrono::milliseconds after_orders{0};  // pause after a poll that brought orders
  // 0: every order is reported before the next poll. Otherwise orders run this long on an
  // executor thread while the agent goes on polling, as the real wazuh-agent does.
  std::chrono::milliseconds command_duration{0};
};
// The real agent: re-polls 1 s after a 2xx; a restart takes a while.
constexpr Pacing kRealAgentPacing{1s, 2s};

// One agent's life through the balancer, on a thread of its own (a long poll blocks it): poll;
// report "ok <id>" for every order received; re-authenticate after a 401/403. A node that dies
// mid-request makes nginx answer a POST with 502 (it never resends a POST that reached a node):
// the agent sends it again, as the real one does.
class FleetAgent {
 public:
  FleetAgent(const std::string& comms_url, std::string group, Pacing pacing)
      : id_(random_uuid_v4()),
        key_(auth::random_alnum(32)),
        group_(std::move(group)),
        pacing_(pacing),
        agent_(comms_url, id_, key_, "e2e-" + id_.substr(0, 8)),
        executor_agent_(comms_url, id_, key_, "e2e-" + id_.substr(0, 8)) {}
  ~FleetAgent() { stop(); }

  void start() {
    poller_ = std::thread([this] { poll_loop(); });
    if (pacing_.command_duration > 0ms) executor_ = std::thread([this] { execute_loop(); });
  }
  // Tells the loops to end after the request under way; stop() then waits for them (at most the
  // poll timeout). Asking every agent first keeps the fleet's shutdown to one poll timeout.
  void request_stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
  }
  void stop() {
    request_stop();
    if (poller_.joinable()) poller_.join();
    if (executor_.joinable()) executor_.join();
  }

  const std::string& id() const { return id_; }
  const std::string& key() const { return key_; }
  const std::string& group() const { return group_; }
  std::vector<std::string> received() const { return locked(received_); }
  std::vector<std::string> problems() const { return locked(problems_); }  // replies that must not happen
  std::vector<std::string> retries() const { return locked(retries_); }    // 502s, 503s, dropped connections

 private:
  void poll_loop() {
    while (!stopping_) {
      try {
        if (agent_.token().empty()) {
          auto reply = agent_.authenticate();
          if (reply.status != 200) retry("authenticate: " + describe(reply));
          continue;
        }
        auto reply = agent_.poll();
        if (reply.status == 401 || reply.status == 403) {
          agent_.set_token("");
        } else if (reply.status == 200) {
          const auto body = json::parse(reply.body);  // outlives the loop over its commands
          for (const auto& command : body.at("commands").as_array()) {
            on_order(std::string(command.at("document_id").as_string()));
          }
          pause(pacing_.after_orders);
        } else if (reply.status != 408) {
          keep(problems_, "poll answered " + describe(reply));
          pause(100ms);
        }
      } catch (const std::exception& error) {
        retry(std::string("poll: ") + error.what());
      }
    }
  }

  void on_order(const std::string& document_id) {
    keep(received_, document_id);
    if (pacing_.command_duration == 0ms) return report(agent_, document_id);
    {
      std::lock_guard lock(mutex_);
      running_.emplace_back(SteadyClock::now() + pacing_.command_duration, document_id);
    }
    wake_.notify_all();
  }

  // Reports each running command once its duration has passed.
  void execute_loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      if (running_.empty()) {
        wake_.wait(lock);
        continue;
      }
      auto [done_at, document_id] = running_.front();
      if (wake_.wait_until(lock, done_at, [&] { return stopping_.load(); })) break;
      running_.pop_front();
      lock.unlock();
      report(executor_agent_, document_id);
      lock.lock();
    }
  }

  // Sends the result with `reporter` (the poller's TestAgent, or the executor's own) until a
  // node took it.
  void report(TestAgent& reporter, const std::string& document_id) {
    while (!stopping_) {
      try {
        if (reporter.token().empty() && reporter.authenticate().status != 200) {
          retry("authenticate to report " + document_id);
          continue;
        }
        auto reply = reporter.report_result(document_id, 0, "ok " + document_id);
        if (reply.status == 200) {
          const auto body = json::parse(reply.body);  // outlives the loop over its items
          for (const auto& item : body.at("results").as_array()) {
            if (item.at("status").to_number<int>() != 200) {
              keep(problems_, "result for " + document_id + ": " + json::serialize(item));
            }
          }
          return;
        }
        if (reply.status == 401 || reply.status == 403) {
          reporter.set_token("");
          continue;
        }
        retry("result for " + document_id + ": " + describe(reply));
      } catch (const std::exception& error) {
        retry("result for " + document_id + ": " + error.what());
      }
    }
  }

  void retry(std::string what) {
    keep(retries_, std::move(what));
    pause(100ms);
  }
  void pause(std::chrono::milliseconds how_long) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, how_long, [&] { return stopping_.load(); });
  }
  void keep(std::vector<std::string>& list, std::string entry) {
    std::lock_guard lock(mutex_);
    list.push_back(std::move(entry));
  }
  std::vector<std::string> locked(const std::vector<std::string>& list) const {
    std::lock_guard lock(mutex_);
    return list;
  }

  std::string id_, key_, group_;
  Pacing pacing_;
  TestAgent agent_;           // the poller's
  TestAgent executor_agent_;  // the executor's: a TestAgent is used by one thread at a time
  std::thread poller_, executor_;
  std::atomic<bool> stopping_{false};  // set under mutex_, so that waits on wake_ cannot miss it
  mutable std::mutex mutex_;
  // Signalled when a stop is requested or a command starts running.
  std::condition_variable wake_;
  // Commands being executed, by the time they are done.
  std::deque<std::pair<SteadyClock::time_point, std::string>> running_;
  std::vector<std::string> received_, problems_, retries_;
};

struct OrderState {
  std::string status;
  int code = -1;
  std::string message;
};

class ClusterE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NginxServer::installed()) {
      GTEST_SKIP() << NginxServer::kBinary << " is missing: scripts/deps.sh installs it (Debian package nginx-light)";
    }
    if (!NatsServer::installed()) GTEST_SKIP() << "nats-server is not installed (scripts/deps.sh installs it)";
    if (auto reason = PostgresServer::unavailable_reason(); !reason.empty()) GTEST_SKIP() << reason;
    database_ = std::make_unique<PostgresDatabase>(PostgresServer::shared());
    nats_ = std::make_unique<NatsServer>();
    nats_->start();
    std::vector<std::string> comms, management;
    for (int n = 1; n <= 3; ++n) {
      auto& node = start_node(n);
      comms.push_back(host_port(node.comms_url()));
      management.push_back(host_port(node.management_url()));
    }
    nginx_ = std::make_unique<NginxServer>(
        kShippedConfig,
        std::map<std::string, std::vector<std::string>>{{"herald_comms", comms}, {"herald_management", management}},
        std::vector<int>{kCommsPort, kManagementPort});
    nginx_->start();
  }

  void TearDown() override {
    if (!HasFailure()) return;
    for (std::size_t n = 0; n < nodes_.size(); ++n) {
      std::printf("---- node-%zu output ----\n%s\n", n + 1, nodes_[n]->output().c_str());
    }
    if (nginx_) std::printf("---- nginx error log ----\n%s\n", nginx_->error_log().c_str());
  }

  HeralddProcess& start_node(int n) {
    std::string yaml = "node: {name: node-" + std::to_string(n) + "}\n";
    yaml += "storage: {backend: postgres, dsn: \"" + database_->dsn() + "\"}\n";
    yaml += "nats: {enabled: yes, url: \"" + nats_->url() + "\"}\n";
    yaml += "auth: {jwt_secret: \"" + kSecret + "\"}\n";  // tokens of any node are good on all
    yaml +=
        "remote: {manager_keepalive: {interval: " + std::to_string(kKeepaliveInterval.count()) + "s, timeout: 30s}}\n";
    nodes_.push_back(std::make_unique<HeralddProcess>(yaml));
    auto& node = *nodes_.back();
    node.set_comms_options("commands_poll_timeout: 5s");
    node.start();
    return node;
  }

  // An admin session through the balancer: the admin user exists once, in the shared database.
  HttpClient balancer_admin() {
    HttpClient client(nginx_->url(kManagementPort));
    auto reply = client.request("POST", "/security/user/authenticate?raw=true", "",
                                {{"Authorization", basic_authorization("admin", kAdminPassword)}});
    if (reply.status != 200) throw std::runtime_error("admin login through nginx failed: " + reply.body);
    client.set_authorization("Bearer " + reply.body);
    return client;
  }

  // Sends `group` a command through `client` and keeps its order ids. Through nginx a 502 can
  // only mean the request met the killed node's socket (no command is in flight while it dies),
  // so sending it again cannot double it.
  void send_group_command(HttpClient& client, const std::string& via, const std::string& group) {
    HttpResult reply;
    for (int attempt = 1; attempt <= 3; ++attempt) {
      reply = client.post(kCommands, command_body("group", group, kOrderTimeoutSeconds, "restart"));
      if (reply.status != 502) break;
      std::printf("command to %s via %s: 502, sent again\n", group.c_str(), via.c_str());
    }
    ASSERT_EQ(reply.status, 200u) << "via " << via << ": " << reply.body;
    const auto orders = json::parse(reply.body).at("orders").as_array();
    ASSERT_EQ(orders.size(), static_cast<std::size_t>(kAgentCount) / kGroups.size()) << reply.body;
    for (const auto& order : orders) {
      std::string id(order.at("_id").as_string());
      ASSERT_TRUE(order_group_.emplace(id, group).second) << "order id " << id << " handed out twice";
      created_at_[id] = SteadyClock::now();
    }
  }

  // Every order in the store, by id.
  static std::map<std::string, OrderState> fetch_orders(HttpClient& admin) {
    auto reply = admin.get("/orders?limit=100000");
    if (reply.status != 200) throw std::runtime_error("GET /orders: " + reply.body);
    const auto body = json::parse(reply.body);
    std::map<std::string, OrderState> orders;
    for (const auto& item : body.at("data").at("affected_items").as_array()) {
      const auto& command = item.at("command").as_object();
      OrderState state{std::string(command.at("status").as_string()), -1, ""};
      if (const auto* result = command.if_contains("result")) {
        state.code = result->at("code").to_number<int>();
        state.message = std::string(result->at("message").as_string());
      }
      orders.emplace(std::string(item.at("_id").as_string()), std::move(state));
    }
    return orders;
  }

  void run_fleet(Pacing pacing);

  std::unique_ptr<PostgresDatabase> database_;
  std::unique_ptr<NatsServer> nats_;
  std::vector<std::unique_ptr<HeralddProcess>> nodes_;
  std::unique_ptr<NginxServer> nginx_;
  std::map<std::string, std::string> order_group_;  // every order created: id -> its command's group
  std::map<std::string, SteadyClock::time_point> created_at_;
};

// Orders whose `wazuh.orders.sent` event was published after their success/failure event: a
// consumer that follows the events ends up thinking they are still running.
std::vector<std::string> sent_after_terminal(const std::vector<NatsMessage>& order_events) {
  std::map<std::string, std::int64_t> sent_at, terminal_at;  // order id -> latest sent / earliest terminal ts
  for (const auto& message : order_events) {
    const auto status = message.subject.substr(message.subject.rfind('.') + 1);
    if (status != "sent" && status != "success" && status != "failure") continue;  // `pending` carries the document
    const auto event = json::parse(message.payload);
    const std::string id(event.at("id").as_string());
    const auto ts = event.at("ts").to_number<std::int64_t>();
    if (status == "sent") {
      sent_at[id] = std::max(sent_at[id], ts);
    } else if (!terminal_at.contains(id) || ts < terminal_at[id]) {
      terminal_at[id] = ts;
    }
  }
  std::vector<std::string> out;
  for (const auto& [id, ts] : sent_at) {
    if (terminal_at.contains(id) && ts > terminal_at[id]) out.push_back(id);
  }
  return out;
}

void ClusterE2E::run_fleet(Pacing pacing) {
  const auto started = SteadyClock::now();
  auto admin = balancer_admin();
  for (const auto& group : kGroups) create_group(admin, group);
  std::vector<std::unique_ptr<FleetAgent>> agents;
  for (int i = 0; i < kAgentCount; ++i) {
    auto& agent = *agents.emplace_back(std::make_unique<FleetAgent>(
        nginx_->url(kCommsPort), kGroups[static_cast<std::size_t>(i) % kGroups.size()], pacing));
    auto reply = admin.post("/agents", enrollment_body(agent.id(), "e2e-" + agent.id().substr(0, 8), agent.key()));
    ASSERT_EQ(reply.status, 201u) << reply.body;
    assign_group(admin, agent.id(), agent.group());
  }
  NatsWatcher statuses(nats_->url(), "wazuh.agent.*.status");
  NatsWatcher order_events(nats_->url(), "wazuh.orders.*");
  for (auto& agent : agents) agent->start();
  auto active_agents = [&] {
    auto body = json::parse(admin.get("/agents?status=active&limit=1").body);
    return body.at("data").at("total_affected_items").to_number<int>();
  };
  ASSERT_TRUE(eventually([&] { return active_agents() == kAgentCount; }, 15s)) << active_agents() << " active";
  std::printf("set-up and %d agents active: %.1f s\n", kAgentCount, seconds_since(started));

  // The node holding the leader lock dies: deadlines and liveness of untracked agents move too.
  int leader = 0;
  ASSERT_TRUE(eventually(
      [&] {
        for (int n = 1; n <= 3 && leader == 0; ++n) {
          if (metric_value(nodes_[n - 1]->management_url(), "herald_leader{node=\"node-" + std::to_string(n) + "\"}") == 1) {
            leader = n;
          }
        }
        return leader != 0;
      },
      10s));
  std::vector<std::pair<std::string, HttpClient>> senders;  // every node directly, then the balancer
  for (int n = 1; n <= 3; ++n) senders.emplace_back("node-" + std::to_string(n), nodes_[n - 1]->admin_client());
  senders.emplace_back("nginx", std::move(admin));
  auto& balancer = senders.back().second;
  std::size_t next_sender = 0, next_group = 0;
  auto send_next = [&] {
    while (senders[next_sender % senders.size()].first == "dead") ++next_sender;
    auto& [via, client] = senders[next_sender++ % senders.size()];
    send_group_command(client, via, kGroups[next_group++ % kGroups.size()]);
  };
  auto all_success = [&] {
    auto orders = fetch_orders(balancer);
    return std::ranges::all_of(order_group_, [&](const auto& order) {
      auto it = orders.find(order.first);
      return it != orders.end() && it->second.status == "success";
    });
  };

  // Steady state: every order reaches its agent whichever node took the command or holds the poll.
  for (int i = 0; i < 6; ++i) ASSERT_NO_FATAL_FAILURE(send_next());
  ASSERT_TRUE(eventually(all_success, 15s)) << "orders sent before the kill did not all succeed";
  std::printf("%zu orders of 6 commands succeeded: %.1f s\n", order_group_.size(), seconds_since(started));

  // Kill the leader while it holds parked polls and fresh orders are being delivered.
  auto& victim = *nodes_[static_cast<std::size_t>(leader - 1)];
  ASSERT_TRUE(eventually([&] { return metric_value(victim.management_url(), "herald_parked_polls") >= 1; }, 10s));
  const auto parked_on_victim = metric_value(victim.management_url(), "herald_parked_polls");
  for (int i = 0; i < 3; ++i) ASSERT_NO_FATAL_FAILURE(send_next());
  victim.crash();
  const auto killed_at = SteadyClock::now();
  senders[static_cast<std::size_t>(leader - 1)].first = "dead";
  std::printf("node-%d (leader, %.0f parked polls) killed at %.1f s\n", leader, parked_on_victim,
              seconds_since(started));
  for (int i = 0; i < 6; ++i) ASSERT_NO_FATAL_FAILURE(send_next());

  // Every order ends terminal: success, or (only for one whose delivery the kill cut off) the
  // failure its deadline gives it.
  HttpClient survivor = nodes_[leader == 1 ? 1 : 0]->admin_client();
  std::map<std::string, OrderState> orders;
  const bool terminal = eventually(
      [&] {
        orders = fetch_orders(survivor);
        return std::ranges::all_of(order_group_, [&](const auto& order) {
          auto it = orders.find(order.first);
          return it != orders.end() && (it->second.status == "success" || it->second.status == "failure");
        });
      },
      std::chrono::seconds(kOrderTimeoutSeconds + 15));
  std::printf("%zu orders terminal %.1f s after the kill (%.1f s in all)\n", order_group_.size(),
              seconds_since(killed_at), seconds_since(started));

  // The survivors take over the dead node's agents (and its leader's liveness duty): watch a
  // whole keep-alive interval after the kill for an agent they wrongly think silent.
  auto flapped = [&] {
    return std::ranges::any_of(statuses.messages(), [](const NatsMessage& message) {
      auto status = json::parse(message.payload).at("status").as_string();
      return status == "pending" || status == "disconnected";
    });
  };
  const auto watch_until = killed_at + kKeepaliveInterval + 5s;
  if (SteadyClock::now() < watch_until) {
    eventually(flapped, std::chrono::duration_cast<std::chrono::milliseconds>(watch_until - SteadyClock::now()));
  }
  std::map<std::string, std::string> final_status;  // agent id -> status, before the agents stop
  {
    const auto body = json::parse(balancer.get("/agents?limit=100000").body);
    for (const auto& agent : body.at("data").at("affected_items").as_array()) {
      final_status[std::string(agent.at("id").as_string())] = std::string(agent.at("status").as_string());
    }
  }
  for (auto& agent : agents) agent->request_stop();
  for (auto& agent : agents) agent->stop();
  const auto status_events = statuses.messages();

  // Who received what: each order by one agent, once, and only by a member of its group.
  std::map<std::string, std::string> receiver;  // order id -> agent id
  int retried_requests = 0;
  for (const auto& agent : agents) {
    for (const auto& id : agent->received()) {
      auto group = order_group_.find(id);
      EXPECT_NE(group, order_group_.end()) << "agent " << agent->id() << " received unknown order " << id;
      if (group != order_group_.end()) {
        EXPECT_EQ(group->second, agent->group()) << "order " << id;
      }
      auto [at, first] = receiver.emplace(id, agent->id());
      EXPECT_TRUE(first) << "order " << id << " delivered to " << at->second << " and again to " << agent->id();
    }
    for (const auto& problem : agent->problems()) ADD_FAILURE() << "agent " << agent->id() << ": " << problem;
    for (const auto& retried : agent->retries()) {
      std::printf("agent %s retried: %s\n", agent->id().c_str(), retried.c_str());
    }
    retried_requests += static_cast<int>(agent->retries().size());
    EXPECT_EQ(final_status[agent->id()], "active") << "agent " << agent->id() << " at the end";
  }

  // What each order ended as.
  ASSERT_TRUE(terminal) << "some orders never became terminal";
  EXPECT_EQ(orders.size(), order_group_.size()) << "the store holds orders nobody asked for";
  int cut_off = 0;
  for (const auto& [id, group] : order_group_) {
    const auto& state = orders.at(id);
    if (state.status == "success") {
      EXPECT_EQ(state.code, 0) << id;
      EXPECT_EQ(state.message, "ok " + id) << id;
      EXPECT_TRUE(receiver.contains(id)) << id << " succeeded, but no agent received it";
    } else {
      // Sent by the dead node but never received: it can only expire waiting for a result.
      ++cut_off;
      EXPECT_EQ(state.message, kNoResultMessage) << id << " failed";
      EXPECT_FALSE(receiver.contains(id)) << id << " was received (and reported) but failed: " << state.message;
      std::printf("order %s (created %.1f s before the kill) was cut off by it: %s\n", id.c_str(),
                  std::chrono::duration<double>(killed_at - created_at_[id]).count(), state.message.c_str());
    }
  }

  // No flapping: status events only ever say active (first contact).
  for (const auto& message : status_events) {
    auto status = json::parse(message.payload).at("status").as_string();
    EXPECT_TRUE(status != "pending" && status != "disconnected") << message.subject << ": " << message.payload;
  }
  // Order events agree with the store: no order was published both succeeding and failing.
  std::map<std::string, std::set<std::string>> terminal_events;  // order id -> terminal statuses published
  for (const auto& message : order_events.messages()) {
    auto status = message.subject.substr(message.subject.rfind('.') + 1);
    if (status != "success" && status != "failure") continue;
    terminal_events[std::string(json::parse(message.payload).at("id").as_string())].insert(status);
  }
  for (const auto& [id, published] : terminal_events) EXPECT_EQ(published.size(), 1u) << "order " << id;
  // Reported, not asserted: a claim after a result moves nothing, so `sent` is never published for
  // an order that finished first; but a node publishes `sent` once the reply is written, and an
  // agent quick to report through another node can still be ahead of that by a moment.
  const auto late_sent = sent_after_terminal(order_events.messages());

  std::printf(
      "%zu orders: %zu succeeded, %d cut off by the kill; %zu status events; %d agent requests retried; "
      "%zu orders with a `sent` event after their result; %.1f s in all\n",
      order_group_.size(), order_group_.size() - static_cast<std::size_t>(cut_off), cut_off, status_events.size(),
      retried_requests, late_sent.size(), seconds_since(started));
}

// Agents report each order before polling again: a result always lands before the next poll.
TEST_F(ClusterE2E, OrdersAndStatusesSurviveANodeKilledBehindNginx) {
  run_fleet(Pacing{});
}

// The real agent's pacing: it polls again 1 s after orders while they still run. Orders are
// claimed (`sent`) before a poll reply is written, so a node killed between the two never lets a
// survivor deliver them again: at most once.
TEST_F(ClusterE2E, WithTheRealAgentsPacingNoOrderIsDeliveredTwiceAcrossAKill) {
  run_fleet(kRealAgentPacing);
}

}  // namespace
}  // namespace herald::test
