// Outages under load (issue 18), with the storm of command_storm.h running throughout:
//  - PostgreSQL restarted: while it is down every command is a 503 with a JSON message (never a
//    500, never a hang), no command that got a 200 is lost, and the node recovers by itself;
//  - NATS down and back, on either backend: events are counted as dropped while it is down
//    (herald_bus_events_total{outcome="dropped"}), published again once it is back, and the
//    command path never waits on it (every command a 200, with bounded latency).
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <future>
#include <set>

#include "support/agents.h"
#include "support/command_storm.h"
#include "support/heraldd_process.h"
#include "support/nats_server.h"
#include "support/nats_watcher.h"
#include "support/postgres_server.h"

namespace herald::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

using Micros = std::chrono::microseconds;

double ms(Micros value) {
  return static_cast<double>(value.count()) / 1000.0;
}

struct LatencySummary {
  std::size_t count = 0;
  Micros median{0}, p99{0}, max{0};
};
LatencySummary summarize(std::vector<Micros> latencies) {
  LatencySummary summary;
  summary.count = latencies.size();
  if (latencies.empty()) return summary;
  std::sort(latencies.begin(), latencies.end());
  summary.median = latencies[latencies.size() / 2];
  summary.p99 = latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
  summary.max = latencies.back();
  return summary;
}
std::string describe(const LatencySummary& summary) {
  char text[160];
  std::snprintf(text, sizeof text, "%zu commands, median %.1f ms, p99 %.1f ms, max %.1f ms", summary.count,
                ms(summary.median), ms(summary.p99), ms(summary.max));
  return text;
}

// Replies sent within [from, to).
std::vector<StormReply> sent_between(const std::vector<StormReply>& replies, StormClock::time_point from,
                                     StormClock::time_point to) {
  std::vector<StormReply> out;
  std::copy_if(replies.begin(), replies.end(), std::back_inserter(out),
               [&](const StormReply& reply) { return reply.sent_at >= from && reply.sent_at < to; });
  return out;
}

std::size_t count_status(const std::vector<StormReply>& replies, unsigned status, StormClock::time_point after) {
  return static_cast<std::size_t>(std::count_if(replies.begin(), replies.end(), [&](const StormReply& reply) {
    return reply.status == status && reply.sent_at >= after;
  }));
}

// An error body with a message: the indexer error JSON of the Command Manager
// ({"error":{"reason":…}}) or the comms API's {"message":…,"code":…}.
bool is_json_error(const std::string& body) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec || !value.is_object()) return false;
  const auto& object = value.as_object();
  if (const auto* message = object.if_contains("message")) return message->is_string() && !message->as_string().empty();
  if (const auto* error = object.if_contains("error"); error != nullptr && error->is_object()) {
    const auto* reason = error->as_object().if_contains("reason");
    return reason != nullptr && reason->is_string() && !reason->as_string().empty();
  }
  return false;
}

// Waits until the agents hold a result for every order acknowledged and the server took them all.
bool agents_caught_up(const StormAgents& agents, const std::vector<AcknowledgedCommand>& commands) {
  std::set<std::string> delivered;
  for (const auto& delivery : agents.deliveries()) delivered.insert(delivery.document_id);
  for (const auto& command : commands) {
    for (const auto& id : command.order_ids) {
      if (!delivered.contains(id)) return false;
    }
  }
  return agents.backlog() == 0;
}

TEST(Outages, PostgresRestartedUnderLoadAnswers503ThenRecoversWithNothingLost) {
  if (auto reason = PostgresServer::unavailable_reason(); !reason.empty()) GTEST_SKIP() << reason;
  const auto started = StormClock::now();
  PostgresServer postgres;  // a server of its own: this test stops it
  PostgresDatabase database(postgres);
  HeralddProcess server("node: {name: pg-outage}\nstorage: {backend: postgres, dsn: \"" + database.dsn() + "\"}\n");
  server.set_comms_options("commands_poll_timeout: 2s");
  server.start();
  auto leading = [&] { return metric_value(server.management_url(), "herald_leader{node=\"pg-outage\"}") == 1; };
  ASSERT_TRUE(eventually(leading)) << "the only node never took the leader lock";
  auto admin = server.admin_client();
  const auto fleet = enroll_fleet(admin, 8, 2, "pg-outage");
  const auto silent_agent = enroll_agent(admin, "pg-outage-silent");  // never polls: its orders expire
  const auto authorization = "Bearer " + server.admin_token();        // verified without the database

  StormAgents agents(fleet);
  CommandStorm storm(server.management_url(), authorization, fleet, {8, 30, 3600, 18});
  agents.start(server.comms_url());
  storm.start();
  ASSERT_TRUE(eventually([&] { return storm.acknowledged_count() >= 100; }, 20s)) << server.output();

  const auto stopping_at = StormClock::now();  // sessions end from here on (fast shutdown)
  postgres.stop();
  const auto down_at = StormClock::now();
  // Down: commands keep coming and keep being refused, quickly, and so are the agents' results.
  const bool refused = eventually(
      [&] {
        return count_status(storm.replies(), 503, down_at) >= 300 && agents.problems().size() >= fleet.agents.size();
      },
      15s);
  auto health = HttpClient(server.management_url()).get("/health");
  postgres.start();
  const auto up_at = StormClock::now();
  ASSERT_TRUE(refused) << "commands were not refused while the database was down";
  EXPECT_EQ(health.status, 503u) << health.body;

  // Back: the same process takes commands again by itself.
  const auto acknowledged_at_restart = storm.acknowledged_count();
  const bool recovered = eventually([&] { return storm.acknowledged_count() >= acknowledged_at_restart + 100; }, 30s);
  const auto recovered_after = std::chrono::duration<double>(StormClock::now() - up_at).count();
  storm.stop();
  ASSERT_TRUE(recovered) << "no command was acknowledged after the database came back\n" << server.output();
  EXPECT_EQ(HttpClient(server.management_url()).get("/health").status, 200u);
  // The cluster-wide jobs are back too: the node leads again and an order's deadline fires.
  EXPECT_TRUE(eventually(leading)) << "the node did not take the leader lock again";
  auto expiring = admin.post("/_plugins/_command_manager/commands", command_body("agent", silent_agent, 1));
  ASSERT_EQ(expiring.status, 200u) << expiring.body;
  const std::string expiring_id(json::parse(expiring.body).at("orders").as_array()[0].at("_id").as_string());
  EXPECT_TRUE(eventually(
      [&] {
        auto order = json::parse(admin.get("/orders/" + expiring_id).body);
        return order.at("data").at("affected_items").as_array()[0].at("command").at("status").as_string() == "failure";
      },
      10s))
      << "an order's deadline did not fire after the outage";

  // Every acknowledged order reaches its agent and every result is taken, despite the outage.
  const auto commands = storm.acknowledged();
  EXPECT_TRUE(eventually([&] { return agents_caught_up(agents, commands); }, 30s))
      << agents.backlog() << " results never taken";
  agents.stop();

  const auto replies = storm.replies();
  std::vector<Micros> outage_latencies;
  std::size_t refused_count = 0;
  std::vector<std::string> unexpected;
  for (const auto& reply : replies) {
    if (reply.status == 200) continue;
    // A 503 with a JSON message, never a 500 or a dropped connection.
    if (reply.status != 503 || !is_json_error(reply.body)) {
      unexpected.push_back("a command answered " + std::to_string(reply.status) + ": " + reply.body);
    }
    ++refused_count;
    outage_latencies.push_back(reply.latency);
  }
  const auto during = summarize(outage_latencies);
  EXPECT_LT(during.max, Micros(5s)) << "a refused command waited " << ms(during.max) << " ms";
  // The agents meet the outage too: their polls and results may be refused (503 with a JSON
  // message) and are sent again, nothing else.
  std::size_t agent_refusals = 0;
  for (const auto& problem : agents.problems()) {
    if (problem.status != 503 || !is_json_error(problem.body) || problem.at < stopping_at) {
      unexpected.push_back("agent " + problem.what + " answered " + std::to_string(problem.status) +
                           (problem.at < stopping_at ? " before the outage: " : ": ") + problem.body);
    }
    ++agent_refusals;
  }
  fail_for_each(unexpected, "");

  auto check =
      check_acknowledged(server.management_url(), authorization, fleet, commands, agents.acknowledged_results());
  fail_for_each(check.lost_commands, "lost command: ");
  fail_for_each(check.lost_results, "lost result: ");
  const auto deliveries = check_deliveries(agents.deliveries());
  fail_for_each(deliveries.describe_duplicated(), "duplicated: ");
  std::printf(
      "postgres outage: %zu commands acknowledged (%zu orders), %zu results; %zu commands refused with 503 (%s), "
      "%zu agent requests refused; down %.1f s, commands acknowledged again %.1f s after it was back; %zu lost, "
      "%zu duplicated; %.1f s in all\n",
      check.commands, check.orders, check.results, refused_count, describe(during).c_str(), agent_refusals,
      std::chrono::duration<double>(up_at - down_at).count(), recovered_after, check.lost(),
      deliveries.duplicated.size(), std::chrono::duration<double>(StormClock::now() - started).count());
  EXPECT_EQ(server.stop(), 0) << server.output();
}

// A database that keeps its connections open but answers nothing (a hung host, a stuck proxy):
// TCP keep-alives and tcp_user_timeout cannot tell, the kernel still acknowledges. A request that
// needs it must still end, as a 503, once storage.query_timeout has passed, and the node must
// recover by itself when the database answers again.
TEST(Outages, AFrozenPostgresIsA503AfterTheQueryTimeoutNeverAHang) {
  if (auto reason = PostgresServer::unavailable_reason(); !reason.empty()) GTEST_SKIP() << reason;
  PostgresServer postgres;  // a server of its own: this test freezes it
  PostgresDatabase database(postgres);
  HeralddProcess server("storage: {backend: postgres, dsn: \"" + database.dsn() + "\", query_timeout: 2s}\n");
  server.start();
  const auto url = server.management_url();
  const auto authorization = "Bearer " + server.admin_token();
  auto admin = server.admin_client();
  const auto agent = enroll_agent(admin, "frozen-db");
  ASSERT_EQ(admin.post("/_plugins/_command_manager/commands", command_body("agent", agent)).status, 200u);
  struct Timed {
    HttpResult reply;
    double seconds = 0;
  };
  auto timed = [](auto request) {
    return std::async(std::launch::async, [request] {
      const auto sent = StormClock::now();
      Timed out{request(), 0};
      out.seconds = std::chrono::duration<double>(StormClock::now() - sent).count();
      return out;
    });
  };
  auto command = [&] {
    HttpClient client(url);
    client.set_authorization(authorization);
    return client.post("/_plugins/_command_manager/commands", command_body("agent", agent));
  };

  postgres.pause();
  auto during = timed(command);
  auto health = timed([&] { return HttpClient(url).get("/health"); });
  const bool answered = during.wait_for(20s) == std::future_status::ready;
  const bool health_answered = health.wait_for(20s) == std::future_status::ready;
  postgres.resume();  // first: the futures wait for their replies when they go
  ASSERT_TRUE(answered) << "a command still waited for the frozen database after 20 s";
  ASSERT_TRUE(health_answered) << "/health still waited for the frozen database after 20 s";
  const auto refused = during.get();
  EXPECT_EQ(refused.reply.status, 503u) << refused.reply.body;
  EXPECT_TRUE(is_json_error(refused.reply.body)) << refused.reply.body;
  const auto unhealthy = health.get();
  EXPECT_EQ(unhealthy.reply.status, 503u) << unhealthy.reply.body;

  // Answering again: the node takes commands without a restart.
  EXPECT_TRUE(eventually([&] { return command().status == 200u; }, 20s)) << server.output();
  std::printf("frozen postgres: a command answered %u after %.1f s, /health %u after %.1f s\n", refused.reply.status,
              refused.seconds, unhealthy.reply.status, unhealthy.seconds);
  EXPECT_EQ(server.stop(), 0) << server.output();
}

// `storage_yaml` picks the backend; on PostgreSQL heraldd also publishes cluster wake-ups on NATS.
void run_nats_outage(const std::string& backend, const std::string& storage_yaml) {
  const auto started = StormClock::now();
  NatsServer nats;
  nats.start();
  HeralddProcess server(storage_yaml + "nats: {enabled: yes, url: \"" + nats.url() + "\"}\n");
  server.set_comms_options("commands_poll_timeout: 2s");
  server.start();
  const auto url = server.management_url();
  auto connected = [&] { return metric_value(url, "herald_bus_connected"); };
  auto published = [&] { return metric_value(url, "herald_bus_events_total{outcome=\"published\"}"); };
  auto dropped = [&] { return metric_value(url, "herald_bus_events_total{outcome=\"dropped\"}"); };
  ASSERT_TRUE(eventually([&] { return connected() == 1; }, 10s));

  auto admin = server.admin_client();
  const auto fleet = enroll_fleet(admin, 8, 2, "nats-outage");
  StormAgents agents(fleet);
  CommandStorm storm(url, "Bearer " + server.admin_token(), fleet, {8, 30, 3600, 18});
  agents.start(server.comms_url());
  storm.start();
  ASSERT_TRUE(eventually([&] { return storm.acknowledged_count() >= 100; }, 20s));
  EXPECT_TRUE(eventually([&] { return published() > 0; }));

  nats.stop();
  const auto stopped_at = StormClock::now();
  ASSERT_TRUE(eventually([&] { return connected() == 0; }, 10s)) << "heraldd never noticed NATS was gone";
  const auto noticed_at = StormClock::now();
  const auto published_while_down = published();
  const auto dropped_while_down = dropped();
  const auto acknowledged_while_down = storm.acknowledged_count();
  // Commands keep flowing while NATS is down.
  ASSERT_TRUE(eventually([&] { return storm.acknowledged_count() >= acknowledged_while_down + 200; }, 20s))
      << "commands stalled while NATS was down";
  const auto restart_at = StormClock::now();
  // Every order created meanwhile published a `pending` event; each of them is counted dropped
  // (none is waiting for NATS to come back: the bus drops while it is down).
  std::size_t orders_while_down = 0;
  for (const auto& command : storm.acknowledged()) {
    if (command.sent_at > noticed_at && command.acknowledged_at < restart_at) {
      orders_while_down += command.expected_orders;
    }
  }
  EXPECT_TRUE(eventually([&] { return dropped() - dropped_while_down >= static_cast<double>(orders_while_down); }))
      << dropped() - dropped_while_down << " events dropped, " << orders_while_down << " orders created";
  const auto published_before_restart = published();
  EXPECT_EQ(published_before_restart, published_while_down) << "events counted published while NATS was down";

  nats.start();  // same port, same store
  ASSERT_TRUE(eventually([&] { return connected() == 1; }, 15s)) << "heraldd never reconnected";
  const auto back_at = StormClock::now();
  NatsWatcher watcher(nats.url(), "wazuh.orders.pending");
  EXPECT_TRUE(eventually([&] { return published() > published_before_restart; }, 10s));
  EXPECT_TRUE(watcher.wait_for("wazuh.orders.pending", {}, 10s).has_value()) << "no order event after the outage";
  const auto acknowledged_back = storm.acknowledged_count();
  EXPECT_TRUE(eventually([&] { return storm.acknowledged_count() >= acknowledged_back + 100; }, 20s));
  storm.stop();
  const auto commands = storm.acknowledged();
  EXPECT_TRUE(eventually([&] { return agents_caught_up(agents, commands); }, 30s))
      << agents.backlog() << " results never taken";
  agents.stop();

  // The command path never waited on NATS: every command answered 200, with bounded latency.
  const auto replies = storm.replies();
  std::vector<std::string> unexpected;
  for (const auto& reply : replies) {
    if (reply.status != 200)
      unexpected.push_back("a command answered " + std::to_string(reply.status) + ": " + reply.body);
  }
  for (const auto& problem : agents.problems()) {
    unexpected.push_back("agent " + problem.what + " answered " + std::to_string(problem.status) + ": " + problem.body);
  }
  fail_for_each(unexpected, "");
  auto latencies = [&](StormClock::time_point from, StormClock::time_point to) {
    std::vector<Micros> out;
    for (const auto& reply : sent_between(replies, from, to)) out.push_back(reply.latency);
    return summarize(std::move(out));
  };
  const auto before = latencies(started, stopped_at);
  const auto during = latencies(stopped_at, back_at);
  const auto after = latencies(back_at, StormClock::now());
  // Bounded, not compared with `before`: the box is shared, and a stall on NATS would be seconds
  // (libnats's connect and flush timeouts), not a slower fsync.
  EXPECT_LT(during.max, Micros(2s)) << describe(during);
  EXPECT_GT(during.count, 0u);

  auto check =
      check_acknowledged(url, "Bearer " + server.admin_token(), fleet, commands, agents.acknowledged_results());
  fail_for_each(check.lost_commands, "lost command: ");
  fail_for_each(check.lost_results, "lost result: ");
  std::printf(
      "nats outage [%s]: before: %s; NATS down %.1f s (noticed after %.2f s): %s, %.0f events dropped, %zu orders "
      "created; after: %s; %.0f events published in all; %zu lost; %.1f s in all\n",
      backend.c_str(), describe(before).c_str(), std::chrono::duration<double>(back_at - stopped_at).count(),
      std::chrono::duration<double>(noticed_at - stopped_at).count(), describe(during).c_str(),
      dropped() - dropped_while_down, orders_while_down, describe(after).c_str(), published(), check.lost(),
      std::chrono::duration<double>(StormClock::now() - started).count());
  EXPECT_EQ(server.stop(), 0) << server.output();
}

TEST(Outages, NatsDownAndBackCountsDroppedEventsAndNeverStallsCommandsOnSqlite) {
  if (!NatsServer::installed()) GTEST_SKIP() << "nats-server is not installed (scripts/deps.sh installs it)";
  run_nats_outage("sqlite", "storage: {backend: sqlite}\n");
}

TEST(Outages, NatsDownAndBackCountsDroppedEventsAndNeverStallsCommandsOnPostgres) {
  if (!NatsServer::installed()) GTEST_SKIP() << "nats-server is not installed (scripts/deps.sh installs it)";
  if (auto reason = PostgresServer::unavailable_reason(); !reason.empty()) GTEST_SKIP() << reason;
  PostgresDatabase database(PostgresServer::shared());
  run_nats_outage("postgres", "storage: {backend: postgres, dsn: \"" + database.dsn() + "\"}\n");
}

}  // namespace
}  // namespace herald::test
