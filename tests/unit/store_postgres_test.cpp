// PostgresStore beyond the shared Store contract: connection errors, outages and recovery,
// several nodes (stores) on one database, migrations, bulk appends.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/legacy_enrollment_rules.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/connection.h"
#include "store/postgres/schema.h"
#include "store/postgres/writer.h"
#include "support/postgres_server.h"
#include "unit/store_test_fixture.h"

namespace herald::store::postgres {
namespace {

using core::ErrorKind;
using core::OrderKey;
using core::OrderStatus;
using herald::test::PostgresDatabase;
using herald::test::PostgresServer;
using testing::samples::kNow;
using testing::samples::make_agent;
using testing::samples::make_order;
using testing::samples::uuid;
using Clock = std::chrono::steady_clock;

#define SKIP_WITHOUT_POSTGRES()                                          \
  do {                                                                   \
    if (auto why = PostgresServer::unavailable_reason(); !why.empty()) { \
      GTEST_SKIP() << why;                                               \
    }                                                                    \
  } while (0)

// A loopback port nothing listens on (bound and released; nothing else here takes it).
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

std::unique_ptr<PostgresStore> open_store(const std::string& dsn, int pool_size = 4) {
  auto store = PostgresStore::open({.dsn = dsn, .pool_size = pool_size});
  if (!store) {
    ADD_FAILURE() << "PostgresStore::open: " << store.error().message;
    return nullptr;
  }
  return std::move(store).value();
}

std::vector<core::Order> overdue_orders(int count, std::int64_t created = 1000) {
  std::vector<core::Order> orders;
  for (int i = 0; i < count; ++i) orders.push_back(make_order(uuid(i), created, 10));
  return orders;
}

// A fresh database on the binary's shared server.
class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SKIP_WITHOUT_POSTGRES();
    try {
      database_ = std::make_unique<PostgresDatabase>(PostgresServer::shared());
    } catch (const std::exception& e) {
      FAIL() << "test PostgreSQL: " << e.what();
    }
  }
  PostgresServer& server() { return database_->server(); }

  std::unique_ptr<PostgresDatabase> database_;
};

// ---------------------------------------------------------------------------------------------
// Errors at open

TEST(PostgresOpen, UnparseableDsnIsInvalidArgumentAndHidesThePassword) {
  auto store = PostgresStore::open({.dsn = "host=127.0.0.1 password=hunter2 bogus"});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().kind, ErrorKind::invalid_argument) << store.error().message;
  EXPECT_NE(store.error().message.find("invalid PostgreSQL DSN"), std::string::npos) << store.error().message;
  EXPECT_EQ(store.error().message.find("hunter2"), std::string::npos) << store.error().message;
}

TEST(PostgresOpen, ServerDownIsUnavailableNamingHostAndPortButNotThePassword) {
  const int port = closed_port();
  for (const std::string& dsn :
       {"host=127.0.0.1 port=" + std::to_string(port) + " dbname=herald user=herald password=hunter2",
        "postgresql://herald:hunter2@127.0.0.1:" + std::to_string(port) + "/herald"}) {
    const auto started = Clock::now();
    auto store = PostgresStore::open({.dsn = dsn});
    ASSERT_FALSE(store.ok());
    const auto& message = store.error().message;
    EXPECT_EQ(store.error().kind, ErrorKind::unavailable) << message;
    EXPECT_NE(message.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << message;
    EXPECT_NE(message.find("Connection refused"), std::string::npos) << message;  // libpq's reason
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(5));
  }
}

TEST_F(PostgresStoreTest, UnknownDatabaseIsUnavailableWithTheServersReason) {
  auto store = PostgresStore::open({.dsn = server().dsn("herald_no_such_database")});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().kind, ErrorKind::unavailable);
  EXPECT_NE(store.error().message.find("herald_no_such_database\" does not exist"), std::string::npos)
      << store.error().message;
}

TEST_F(PostgresStoreTest, WrongPasswordIsUnavailableAndNeverQuoted) {
  server().create_password_role(database_->name(), "right-secret");
  const std::string base = "host=127.0.0.1 port=" + std::to_string(server().port()) + " dbname=" + database_->name() +
                           " user=" + PostgresServer::kPasswordRole;
  auto refused = PostgresStore::open({.dsn = base + " password=wrong-secret"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::unavailable);
  EXPECT_NE(refused.error().message.find("password authentication failed"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(refused.error().message.find("wrong-secret"), std::string::npos) << refused.error().message;

  auto store = PostgresStore::open({.dsn = base + " password=right-secret"});
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_TRUE((*store)->create_group("g").ok());
}

// ---------------------------------------------------------------------------------------------
// Migrations

TEST_F(PostgresStoreTest, MigrationsRunOnceWhenNodesStartTogether) {
  constexpr int kNodes = 4;
  std::vector<std::unique_ptr<PostgresStore>> stores(kNodes);
  std::vector<std::string> errors(kNodes);
  std::vector<std::thread> threads;
  for (int i = 0; i < kNodes; ++i) {
    threads.emplace_back([&, i] {
      auto store = PostgresStore::open({.dsn = database_->dsn(), .pool_size = 1});
      if (store) {
        stores[i] = std::move(store).value();
      } else {
        errors[i] = store.error().message;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < kNodes; ++i) EXPECT_TRUE(stores[i]) << "node " << i << ": " << errors[i];
  const auto latest = std::to_string(latest_schema_version());
  EXPECT_EQ(server().query_text(database_->name(), "SELECT count(*) FROM schema_version"), latest);
  EXPECT_EQ(server().query_text(database_->name(), "SELECT max(version) FROM schema_version"), latest);
  // Every node works on the one schema.
  for (int i = 0; i < kNodes; ++i) {
    if (stores[i]) {
      EXPECT_TRUE(stores[i]->create_group("g" + std::to_string(i)).ok());
    }
  }
}

TEST_F(PostgresStoreTest, ASchemaNewerThanTheBuildIsRefused) {
  open_store(database_->dsn()).reset();
  server().execute(database_->name(), "INSERT INTO schema_version(version, applied_at) VALUES (9999, 0)");
  auto store = PostgresStore::open({.dsn = database_->dsn()});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().kind, ErrorKind::internal);
  EXPECT_NE(store.error().message.find("newer than this heraldd"), std::string::npos) << store.error().message;
}

// ---------------------------------------------------------------------------------------------
// Several nodes on one database

TEST_F(PostgresStoreTest, TwoNodesDrawUniqueRequestIds) {
  auto node1 = open_store(database_->dsn());
  auto node2 = open_store(database_->dsn());
  ASSERT_TRUE(node1 && node2);
  constexpr int kThreads = 8, kRequests = 40;
  std::vector<std::vector<std::int64_t>> ids(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      PostgresStore& node = t % 2 == 0 ? *node1 : *node2;
      for (int r = 0; r < kRequests; ++r) {
        std::vector<core::Order> orders{make_order(uuid(t)), make_order(uuid(t)), make_order(uuid(t))};
        auto request = node.append_orders(orders);
        if (!request || orders[2].key != OrderKey{*request, 3}) {
          ++failures;
          continue;
        }
        ids[t].push_back(*request);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  std::set<std::int64_t> unique;
  for (const auto& batch : ids) unique.insert(batch.begin(), batch.end());
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(kThreads * kRequests));
  auto listed = node2->list_orders({});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->total, kThreads * kRequests * 3);
}

// Two nodes enrolling 4.x agents at once: the counter row lock serializes them, so ids are
// distinct and gapless, and of concurrent enrollments of one name exactly one succeeds.
TEST_F(PostgresStoreTest, TwoNodesEnrollLegacyAgentsWithDistinctIdsAndOneWinnerPerName) {
  using Kind = LegacyEnrollmentOutcome::Kind;
  using testing::samples::enrollment;
  auto node1 = open_store(database_->dsn());
  auto node2 = open_store(database_->dsn());
  ASSERT_TRUE(node1 && node2);
  constexpr int kThreads = 8, kPerThread = 30, kContestedNames = 10;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::atomic<int>> winners(kContestedNames);
  std::atomic<int> failures{0}, refusals{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      PostgresStore& node = t % 2 == 0 ? *node1 : *node2;
      for (int n = 0; n < kPerThread; ++n) {
        // Every thread enrolls names of its own and, every third time, a name all threads try.
        const bool contested = n % 3 == 0;
        const auto name = contested ? "shared-" + std::to_string(n / 3)
                                    : "node" + std::to_string(t) + "-" + std::to_string(n);
        auto outcome = node.enroll_legacy_agent(enrollment(name, kNow + t));
        if (!outcome) {
          ADD_FAILURE() << name << ": " << outcome.error().message;
          ++failures;
          continue;
        }
        if (outcome->kind == Kind::enrolled) {
          ids[t].push_back(outcome->key.id);
          if (contested) ++winners[n / 3];
        } else {
          EXPECT_TRUE(contested) << name;
          EXPECT_EQ(outcome->kind, Kind::duplicate_name);
          ++refusals;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  for (int i = 0; i < kContestedNames; ++i) EXPECT_EQ(winners[i], 1) << "shared-" << i;
  EXPECT_EQ(refusals, kContestedNames * (kThreads - 1));
  std::set<std::string> unique;
  std::size_t total = 0;
  for (const auto& batch : ids) {
    unique.insert(batch.begin(), batch.end());
    total += batch.size();
  }
  const auto expected = static_cast<std::size_t>(kThreads * (kPerThread - kContestedNames) + kContestedNames);
  EXPECT_EQ(total, expected);
  EXPECT_EQ(unique.size(), expected);
  // No id was spent on a refusal: 001 .. the count, with no gap.
  auto keys = node1->list_legacy_keys();
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), expected);
  for (std::size_t i = 0; i < keys->size(); ++i) {
    EXPECT_EQ((*keys)[i].id, format_legacy_id(static_cast<std::int64_t>(i) + 1));
    EXPECT_TRUE(unique.contains((*keys)[i].id));
  }
}

TEST_F(PostgresStoreTest, AnOverdueOrderIsExpiredExactlyOnceAcrossNodes) {
  auto node1 = open_store(database_->dsn());
  auto node2 = open_store(database_->dsn());
  ASSERT_TRUE(node1 && node2);
  constexpr int kRounds = 5, kOrders = 400;
  for (int round = 0; round < kRounds; ++round) {
    auto orders = overdue_orders(kOrders, 1000 + round);
    ASSERT_TRUE(node1->append_orders(orders).ok());
    std::atomic<int> ready{0};
    std::vector<ExpiredOrder> expired1, expired2;
    auto expire = [&](PostgresStore& node, std::vector<ExpiredOrder>& out) {
      ++ready;
      while (ready < 2) std::this_thread::yield();  // both start together
      auto expired = node.expire_overdue_orders(5000);
      ASSERT_TRUE(expired.ok()) << expired.error().message;
      out = std::move(expired).value();
    };
    std::thread a(expire, std::ref(*node1), std::ref(expired1));
    std::thread b(expire, std::ref(*node2), std::ref(expired2));
    a.join();
    b.join();
    std::set<OrderKey> keys;
    for (const auto* expired : {&expired1, &expired2}) {
      for (const auto& order : *expired) EXPECT_TRUE(keys.insert(order.key).second) << "expired twice";
    }
    EXPECT_EQ(keys.size(), static_cast<std::size_t>(kOrders)) << "round " << round;
  }
  auto counts = node2->count_orders_by_status();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->at(OrderStatus::failure), kRounds * kOrders);
}

TEST_F(PostgresStoreTest, AResultReportedThroughTwoNodesIsAppliedOnce) {
  auto node1 = open_store(database_->dsn());
  auto node2 = open_store(database_->dsn());
  ASSERT_TRUE(node1 && node2);
  std::vector<core::Order> orders;
  for (int i = 0; i < 50; ++i) orders.push_back(make_order(uuid(1)));
  ASSERT_TRUE(node1->append_orders(orders).ok());
  std::vector<OrderKey> keys;
  for (const auto& order : orders) keys.push_back(order.key);
  ASSERT_TRUE(node1->mark_orders_sent(keys, kNow + 1).ok());

  // The same reports, in opposite orders on the two nodes (locks taken in key order: no deadlock).
  std::vector<ResultReport> forward, backward;
  for (const auto& key : keys) forward.push_back({key, uuid(1), {0, "done", std::nullopt}, std::nullopt});
  backward.assign(forward.rbegin(), forward.rend());
  std::vector<ResultOutcome> outcomes1, outcomes2;
  std::thread a([&] { outcomes1 = node1->apply_results(forward, kNow + 2).value(); });
  std::thread b([&] { outcomes2 = node2->apply_results(backward, kNow + 2).value(); });
  a.join();
  b.join();
  ASSERT_EQ(outcomes1.size(), keys.size());
  ASSERT_EQ(outcomes2.size(), keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto first = outcomes1[i], second = outcomes2[keys.size() - 1 - i];
    EXPECT_TRUE((first == ResultOutcome::applied && second == ResultOutcome::unchanged) ||
                (first == ResultOutcome::unchanged && second == ResultOutcome::applied))
        << "order " << i;
  }
  auto counts = node2->count_orders_by_status();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->at(OrderStatus::success), 50);
}

TEST_F(PostgresStoreTest, TwoNodesClaimingTheSameOrdersGetEachOnce) {
  auto node1 = open_store(database_->dsn());
  auto node2 = open_store(database_->dsn());
  ASSERT_TRUE(node1 && node2);
  std::vector<core::Order> orders;
  for (int i = 0; i < 200; ++i) orders.push_back(make_order(uuid(1)));
  ASSERT_TRUE(node1->append_orders(orders).ok());
  std::vector<OrderKey> keys;
  for (const auto& order : orders) keys.push_back(order.key);
  std::vector<OrderKey> first, second;
  std::thread a([&] { first = node1->mark_orders_sent(keys, kNow + 1).value(); });
  std::thread b([&] { second = node2->mark_orders_sent(keys, kNow + 1).value(); });
  a.join();
  b.join();
  std::vector<OrderKey> both;
  std::set_intersection(first.begin(), first.end(), second.begin(), second.end(), std::back_inserter(both));
  EXPECT_TRUE(both.empty()) << both.size() << " orders claimed by both nodes";
  EXPECT_EQ(first.size() + second.size(), keys.size());
}

TEST_F(PostgresStoreTest, DeliveryRacingExpiryNeverResurrectsAnOrder) {
  auto node1 = open_store(database_->dsn());
  auto node2 = open_store(database_->dsn());
  ASSERT_TRUE(node1 && node2);
  auto orders = overdue_orders(300);
  ASSERT_TRUE(node1->append_orders(orders).ok());
  std::vector<OrderKey> keys;
  for (const auto& order : orders) keys.push_back(order.key);
  std::vector<ExpiredOrder> expired;
  std::thread a([&] { ASSERT_TRUE(node1->mark_orders_sent(keys, 2000).ok()); });
  std::thread b([&] { expired = node2->expire_overdue_orders(5000).value(); });
  a.join();
  b.join();
  // Whichever came first, every order ends failed, and expired exactly once.
  EXPECT_EQ(expired.size(), keys.size());
  EXPECT_EQ(node1->count_orders_by_status().value().at(OrderStatus::failure), 300);
  EXPECT_TRUE(node2->expire_overdue_orders(6000).value().empty());
}

TEST_F(PostgresStoreTest, AWriteThatLosesADeadlockIsRetriedInItsSavepoint) {
  server().execute(database_->name(), "CREATE TABLE counters (id INTEGER PRIMARY KEY, value INTEGER NOT NULL);"
                                      "INSERT INTO counters VALUES (1, 0), (2, 0)");
  ConnectSettings settings;
  settings.dsn = database_->dsn();
  auto other = Connection::open(settings);
  ASSERT_TRUE(other.ok()) << other.error().message;
  Writer writer(settings, nullptr);

  // Another session holds row 2; the job takes row 1 and waits for row 2; the other session
  // then asks for row 1: a deadlock, which the job (waiting first) detects and loses.
  ASSERT_TRUE((*other)->exec("BEGIN; UPDATE counters SET value = value + 10 WHERE id = 2").ok());
  std::atomic<int> attempts{0};
  core::Status outcome = core::internal_error("not run");
  std::thread job([&] {
    outcome = writer.run([&](Connection& db) -> core::Status {
      ++attempts;
      if (auto s = status_of(db.query("UPDATE counters SET value = value + 1 WHERE id = 1")); !s) return s;
      return status_of(db.query("UPDATE counters SET value = value + 1 WHERE id = 2"));
    });
  });
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (server().query_text(database_->name(), "SELECT count(*) FROM pg_locks WHERE NOT granted") == "0") {
    ASSERT_LT(Clock::now(), deadline) << "the job never waited for row 2";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto taken = (*other)->query("UPDATE counters SET value = value + 10 WHERE id = 1");
  EXPECT_TRUE(taken.ok()) << taken.error().message;  // the job's rollback freed row 1
  ASSERT_TRUE((*other)->exec("COMMIT").ok());
  job.join();
  EXPECT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(server().query_text(database_->name(), "SELECT string_agg(value::text, ',' ORDER BY id) FROM counters"),
            "11,11");
  writer.close();
}

// Two jobs share a transaction; the second loses a deadlock against a session that waits for a
// row the first one locked. Retrying inside the transaction would meet the same cycle (the
// first job's lock is still held), so the batch is rolled back and each job runs alone.
TEST_F(PostgresStoreTest, AJobThatLosesADeadlockInABatchDoesNotFailOnTheLocksOfTheJobsBeforeIt) {
  server().execute(database_->name(), "CREATE TABLE counters (id INTEGER PRIMARY KEY, value INTEGER NOT NULL);"
                                      "INSERT INTO counters VALUES (1, 0), (2, 0), (3, 0), (4, 0)");
  ConnectSettings settings;
  settings.dsn = database_->dsn();
  auto holder = Connection::open(settings);  // keeps the writer busy while X and Y queue up
  auto rival = Connection::open(settings);   // the other side of the deadlock
  ASSERT_TRUE(holder.ok() && rival.ok());
  Writer writer(settings, nullptr);
  auto update = [](int id) {
    return [id](Connection& db) { return status_of(db.query("UPDATE counters SET value = value + 1 WHERE id = $1",
                                                            Params(static_cast<std::int64_t>(id)))); };
  };
  auto waiting_locks = [&] {
    return server().query_text(database_->name(), "SELECT count(*) FROM pg_locks WHERE NOT granted");
  };
  auto await = [](auto condition, const char* what) {
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (!condition()) {
      ASSERT_LT(Clock::now(), deadline) << what;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };

  ASSERT_TRUE((*holder)->exec("BEGIN; UPDATE counters SET value = value + 100 WHERE id = 4").ok());
  ASSERT_TRUE((*rival)->exec("BEGIN; UPDATE counters SET value = value + 10 WHERE id = 2").ok());
  core::Status z = core::internal_error("not run"), x = z, y = z;
  std::thread run_z([&] { z = writer.run(update(4)); });  // waits for `holder`
  await([&] { return waiting_locks() != "0"; }, "job Z never waited for row 4");
  std::thread run_x([&] { x = writer.run(update(1)); });
  await([&] { return writer.queued() == 1; }, "job X never queued");
  std::atomic<int> y_attempts{0};
  std::thread run_y([&] {
    y = writer.run([&](Connection& db) -> core::Status {
      ++y_attempts;
      if (auto s = status_of(db.query("UPDATE counters SET value = value + 1 WHERE id = 3")); !s) return s;
      return status_of(db.query("UPDATE counters SET value = value + 1 WHERE id = 2"));  // waits for `rival`
    });
  });
  await([&] { return writer.queued() == 2; }, "job Y never queued");
  ASSERT_TRUE((*holder)->exec("COMMIT").ok());  // Z commits; X and Y start in one transaction
  await([&] { return y_attempts.load() == 1 && waiting_locks() != "0"; }, "job Y never waited for row 2");

  // The rival asks for row 1, which X holds: a cycle, which Y (waiting first) detects and loses.
  auto taken = (*rival)->query("UPDATE counters SET value = value + 10 WHERE id = 1");
  EXPECT_TRUE(taken.ok()) << taken.error().message;  // X's lock went with the rolled-back batch
  ASSERT_TRUE((*rival)->exec("COMMIT").ok());
  run_z.join();
  run_x.join();
  run_y.join();
  EXPECT_TRUE(z.ok()) << z.error().message;
  EXPECT_TRUE(x.ok()) << x.error().message;
  EXPECT_TRUE(y.ok()) << y.error().message;
  EXPECT_EQ(server().query_text(database_->name(), "SELECT string_agg(value::text, ',' ORDER BY id) FROM counters"),
            "11,11,1,101");
  writer.close();
}

// ---------------------------------------------------------------------------------------------
// Outages

TEST(PostgresOutage, CallsFailWhileTheServerIsDownAndRecoverWhenItIsBack) {
  SKIP_WITHOUT_POSTGRES();
  PostgresServer server;  // its own: this test stops it
  PostgresDatabase database(server);
  auto store = open_store(database.dsn(), 2);
  ASSERT_TRUE(store);
  std::vector<core::Order> before{make_order(uuid(1))};
  ASSERT_TRUE(store->append_orders(before).ok());
  ASSERT_TRUE(store->create_agent(make_agent(1)).ok());
  ASSERT_TRUE(store->find_agent(uuid(1)).ok());
  ASSERT_TRUE(store->list_orders({}).ok());

  server.stop();
  const auto started = Clock::now();
  std::vector<core::Order> during{make_order(uuid(2))};
  auto appended = store->append_orders(during);
  ASSERT_FALSE(appended.ok());
  EXPECT_EQ(appended.error().kind, ErrorKind::unavailable) << appended.error().message;
  auto found = store->find_order(before[0].key);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().kind, ErrorKind::unavailable) << found.error().message;
  auto created = store->create_group("g");
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().kind, ErrorKind::unavailable);
  auto listed = store->list_agents(0, 10);
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().kind, ErrorKind::unavailable);
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(10)) << "calls must fail promptly, not hang";

  server.start();
  // The first calls after the restart already succeed: dead connections are replaced.
  auto again = store->find_order(before[0].key);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->has_value());
  std::vector<core::Order> after{make_order(uuid(3))};
  auto request = store->append_orders(after);
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_GT(*request, before[0].key.request_id);
  EXPECT_TRUE(store->create_group("g").ok());
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(store->list_agents(0, 10).ok()) << i;  // every pooled connection
  EXPECT_EQ(store->list_orders({}).value().total, 2);
  store->close();
}

TEST_F(PostgresStoreTest, ReadsAndWritesAfterCloseAreUnavailable) {
  auto store = open_store(database_->dsn());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->create_group("g").ok());
  store->close();
  auto exists = store->group_exists("g");
  ASSERT_FALSE(exists.ok());
  EXPECT_EQ(exists.error().kind, ErrorKind::unavailable);
  EXPECT_EQ(store->create_group("h").error().kind, ErrorKind::unavailable);
}

// ---------------------------------------------------------------------------------------------
// Bulk

TEST_F(PostgresStoreTest, AppendOfOneHundredThousandOrders) {
  auto store = open_store(database_->dsn());
  ASSERT_TRUE(store);
  std::vector<core::Order> orders;
  orders.reserve(100'000);
  for (int i = 0; i < 100'000; ++i) orders.push_back(make_order(uuid(i)));
  const auto started = Clock::now();
  auto request = store->append_orders(orders);
  const auto elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  ASSERT_TRUE(request.ok()) << request.error().message;
  std::cout << "[ timing   ] append_orders(100000) on PostgreSQL: " << elapsed << " s\n";
  RecordProperty("append_100000_seconds", std::to_string(elapsed));
  EXPECT_EQ(orders.back().key, (OrderKey{*request, 100'000}));
  OrderQuery query;
  query.request_id = *request;
  query.limit = 1;
  EXPECT_EQ(store->list_orders(query).value().total, 100'000);
  auto last = store->find_order({*request, 100'000});
  ASSERT_TRUE(last.ok() && last->has_value());
  EXPECT_EQ((*last)->agent_id, uuid(99'999));
}

}  // namespace
}  // namespace herald::store::postgres
