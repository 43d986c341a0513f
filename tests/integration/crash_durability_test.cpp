// Crash durability (issue 18): heraldd under a command storm (32 clients sending single-agent and
// group commands, simulated agents polling and reporting results) is SIGKILLed at a random
// moment, restarted on the same data, and held to everything it acknowledged:
//  - every command that got a 200 has all its orders (GET /orders?request_id=…), and no request
//    in the store is a partial group, acknowledged or not;
//  - every result that got a 2xx is on its order;
//  - no document id reached an agent twice, across all rounds.
// Orders claimed by a poll whose reply died with the process stay `sent` (at most once, by
// design): they are neither lost nor duplicated. Agents keep the results the server did not
// acknowledge and send them again to the restarted server, as the real agent does.
//
// The kill moment comes from a generator whose seed is printed; HERALD_CRASH_SEED=<n> repeats it.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "support/command_storm.h"
#include "support/heraldd_process.h"
#include "support/postgres_server.h"

namespace herald::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr int kClients = 32;
constexpr int kAgents = 24;
constexpr int kGroups = 6;  // of 4 agents: a stored request has 1 order (agent) or 4 (group)
constexpr int kGroupPercent = 30;
// The kill comes this long after the round's first acknowledged command (uniformly drawn).
constexpr int kKillAfterMinMs = 50;
constexpr int kKillAfterMaxMs = 1200;

std::uint64_t crash_seed() {
  if (const char* text = std::getenv("HERALD_CRASH_SEED"); text != nullptr && *text != '\0') {
    return std::stoull(text);
  }
  return (static_cast<std::uint64_t>(std::random_device{}()) << 32) | std::random_device{}();
}

double seconds_since(StormClock::time_point start) {
  return std::chrono::duration<double>(StormClock::now() - start).count();
}

// Every order in the store: document id -> its request id and target agent.
struct StoredOrderRow {
  std::int64_t request_id = 0;
  std::string target_id;
};
std::map<std::string, StoredOrderRow> all_orders(HttpClient& admin) {
  std::map<std::string, StoredOrderRow> orders;
  constexpr int kPage = 20'000;
  for (std::int64_t offset = 0;; offset += kPage) {
    auto reply = admin.get("/orders?sort=id&limit=" + std::to_string(kPage) + "&offset=" + std::to_string(offset));
    if (reply.status != 200) throw std::runtime_error("GET /orders: " + std::to_string(reply.status) + reply.body);
    const auto body = json::parse(reply.body);
    const auto& items = body.at("data").at("affected_items").as_array();
    for (const auto& item : items) {
      const auto& command = item.at("command");
      orders[std::string(item.at("_id").as_string())] = {std::stoll(std::string(command.at("request_id").as_string())),
                                                         std::string(command.at("target").at("id").as_string())};
    }
    if (items.size() < static_cast<std::size_t>(kPage)) return orders;
  }
}

struct Figures {
  int rounds = 0;
  std::size_t commands = 0, orders = 0, results = 0, lost = 0, duplicated = 0;
  std::size_t stuck_sent = 0;  // claimed by a reply the kill cut off: `sent` for good (not lost)
};

void report_lost(const DurabilityCheck& check, const char* when) {
  fail_for_each(check.lost_commands, std::string(when) + ": lost command: ");
  fail_for_each(check.lost_results, std::string(when) + ": lost result: ");
}

// Fails the test for every reply that is neither a success nor a transport error (the kill).
// Fails the test for every reply that is neither a success nor a transport error (the kill).
void report_unexpected_replies(const CommandStorm& storm, const StormAgents& agents, std::size_t agent_problems_seen,
                               int round) {
  std::vector<std::string> unexpected;
  for (const auto& reply : storm.replies()) {
    if (reply.status != 0 && reply.status != 200) {
      unexpected.push_back("a command answered " + std::to_string(reply.status) + ": " + reply.body);
    }
  }
  auto problems = agents.problems();
  for (std::size_t i = agent_problems_seen; i < problems.size(); ++i) {
    unexpected.push_back("agent " + problems[i].what + " answered " + std::to_string(problems[i].status) + ": " +
                         problems[i].body);
  }
  fail_for_each(unexpected, "round " + std::to_string(round) + ": ");
}

void run_rounds(HeralddProcess& server, const std::string& backend, int rounds) {
  const auto started = StormClock::now();
  const auto seed = crash_seed();
  std::printf("crash durability [%s]: seed %llu (HERALD_CRASH_SEED=%llu repeats the kill moments)\n", backend.c_str(),
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> kill_after(kKillAfterMinMs, kKillAfterMaxMs);

  server.set_comms_options("commands_poll_timeout: 2s");  // a parked poll ends soon after a stop
  server.start();
  StormFleet fleet;
  {
    auto admin = server.admin_client();
    fleet = enroll_fleet(admin, kAgents, kGroups, "crash");
  }
  StormAgents agents(fleet);  // across rounds: deliveries, and the results still to send
  Figures figures;
  std::vector<AcknowledgedCommand> all_commands, previous_commands;
  std::size_t results_checked = 0, agent_problems_seen = 0;

  // Holds the restarted server to what the previous round acknowledged.
  auto check_previous_round = [&](int round) {
    auto results = agents.acknowledged_results();
    std::vector<AcknowledgedResult> fresh(results.begin() + static_cast<std::ptrdiff_t>(results_checked),
                                          results.end());
    results_checked = results.size();
    auto check =
        check_acknowledged(server.management_url(), "Bearer " + server.admin_token(), fleet, previous_commands, fresh);
    report_lost(check, ("after the kill of round " + std::to_string(round - 1)).c_str());
    figures.lost += check.lost();
  };

  for (int round = 1; round <= rounds; ++round) {
    const auto round_started = StormClock::now();
    if (round > 1) {
      server.start();
      check_previous_round(round);
    }
    const auto check_done = StormClock::now();
    const auto results_before = agents.acknowledged_result_count();
    CommandStorm storm(server.management_url(), "Bearer " + server.admin_token(), fleet,
                       {kClients, kGroupPercent, 3600, seed + static_cast<std::uint64_t>(round)});
    agents.start(server.comms_url());
    storm.start();
    ASSERT_TRUE(eventually([&] { return storm.acknowledged_count() >= 1; }, 20s))
        << "round " << round << ": no command acknowledged\n"
        << server.output();
    const auto delay = std::chrono::milliseconds(kill_after(random));
    std::this_thread::sleep_for(delay);  // the random kill moment itself: nothing to wait for
    server.crash();
    storm.stop();
    agents.stop();

    previous_commands = storm.acknowledged();
    std::size_t orders = 0;
    for (const auto& command : previous_commands) orders += command.expected_orders;
    figures.commands += previous_commands.size();
    figures.orders += orders;
    all_commands.insert(all_commands.end(), previous_commands.begin(), previous_commands.end());
    report_unexpected_replies(storm, agents, agent_problems_seen, round);
    agent_problems_seen = agents.problems().size();
    std::printf(
        "  round %2d: killed %4lld ms after the first 200; %zu commands (%zu orders) and %zu results acknowledged, "
        "%zu results unsent; restart and check %.2f s, round %.2f s\n",
        round, static_cast<long long>(delay.count()), previous_commands.size(), orders,
        agents.acknowledged_result_count() - results_before, agents.backlog(),
        std::chrono::duration<double>(check_done - round_started).count(), seconds_since(round_started));
    if (::testing::Test::HasFatalFailure()) return;
  }

  // The last round's kill, then everything of every round once more: still there, nothing partial.
  server.start();
  check_previous_round(rounds + 1);
  // The results the last kill left unsent reach this server too.
  const auto results_before = agents.acknowledged_result_count();
  auto admin = server.admin_client();
  auto pending_orders = [&] {
    return json::parse(admin.get("/orders?status=pending&limit=1").body)
        .at("data")
        .at("total_affected_items")
        .as_int64();
  };
  agents.start(server.comms_url());
  // Orders still pending (acknowledged or not) reach their agents, and every result is taken.
  EXPECT_TRUE(eventually([&] { return agents.backlog() == 0 && pending_orders() == 0; }, 30s))
      << agents.backlog() << " results never taken, " << pending_orders() << " orders still pending";
  agents.stop();
  auto late = agents.acknowledged_results();
  auto final_check = check_acknowledged(
      server.management_url(), "Bearer " + server.admin_token(), fleet, {},
      std::vector<AcknowledgedResult>(late.begin() + static_cast<std::ptrdiff_t>(results_before), late.end()));
  report_lost(final_check, "after the last restart");
  figures.lost += final_check.lost();

  const auto stored = all_orders(admin);
  std::map<std::int64_t, std::set<std::string>> by_request;
  for (const auto& [id, row] : stored) by_request[row.request_id].insert(id);
  std::vector<std::string> lost_at_end;
  for (const auto& command : all_commands) {
    const auto it = by_request.find(command.request_id);
    const std::set<std::string> acknowledged(command.order_ids.begin(), command.order_ids.end());
    if (it == by_request.end() || it->second != acknowledged) {
      lost_at_end.push_back("request " + std::to_string(command.request_id) + " has " +
                            std::to_string(it == by_request.end() ? 0 : it->second.size()) + " orders of its " +
                            std::to_string(acknowledged.size()));
    }
  }
  fail_for_each(lost_at_end, "at the end: ");
  const auto group_size = fleet.group_size(fleet.groups.front());
  std::vector<std::string> partial;
  for (const auto& [request, ids] : by_request) {
    // Acknowledged or not (the kill may fall between commit and reply), a request is whole.
    if (ids.size() != 1 && ids.size() != group_size) {
      partial.push_back("request " + std::to_string(request) + " has " + std::to_string(ids.size()) + " orders");
    }
  }
  fail_for_each(partial, "partial: ");
  figures.lost += lost_at_end.size() + partial.size();
  auto all_results = agents.acknowledged_results();
  std::set<std::string> distinct_results;
  for (const auto& result : all_results) distinct_results.insert(result.document_id);
  figures.results = distinct_results.size();
  figures.rounds = rounds;

  const auto deliveries = check_deliveries(agents.deliveries());
  fail_for_each(deliveries.describe_duplicated(), "duplicated: ");
  fail_for_each(deliveries.misdelivered, "misdelivered: ");
  figures.duplicated = deliveries.duplicated.size();

  // Orders that stayed `sent` without any agent having them: their reply died with the process.
  std::set<std::string> delivered;
  for (const auto& delivery : agents.deliveries()) delivered.insert(delivery.document_id);
  auto sent = json::parse(admin.get("/orders?status=sent&limit=100000").body);
  for (const auto& item : sent.at("data").at("affected_items").as_array()) {
    if (!delivered.contains(std::string(item.at("_id").as_string()))) ++figures.stuck_sent;
  }

  std::printf(
      "crash durability [%s]: seed %llu, %d rounds, %zu commands acknowledged, %zu orders, %zu results "
      "acknowledged, %zu lost, %zu duplicated (%zu orders left `sent` by a reply the kill cut off; %zu stored "
      "requests, %zu orders); %.1f s\n",
      backend.c_str(), static_cast<unsigned long long>(seed), figures.rounds, figures.commands, figures.orders,
      figures.results, figures.lost, figures.duplicated, figures.stuck_sent, by_request.size(), stored.size(),
      seconds_since(started));
  EXPECT_EQ(figures.lost, 0u);
  EXPECT_EQ(figures.duplicated, 0u);
  EXPECT_GT(figures.commands, static_cast<std::size_t>(rounds)) << "the storm hardly ran";
  EXPECT_GT(figures.results, 0u) << "no result was ever acknowledged";
  EXPECT_EQ(server.stop(), 0) << server.output();
}

TEST(CrashDurability, SqliteLosesNothingAcknowledgedAcrossTwentyKills) {
  HeralddProcess server("storage: {backend: sqlite}\n");
  run_rounds(server, "sqlite", 20);
}

TEST(CrashDurability, PostgresLosesNothingAcknowledgedAcrossFiveKills) {
  if (auto reason = PostgresServer::unavailable_reason(); !reason.empty()) GTEST_SKIP() << reason;
  PostgresDatabase database(PostgresServer::shared());
  HeralddProcess server("storage: {backend: postgres, dsn: \"" + database.dsn() + "\"}\n");
  run_rounds(server, "postgres", 5);
}

}  // namespace
}  // namespace herald::test
