// The dispatcher against a real SQLite store: parking, per-agent wake-ups, replacement,
// reservation until the reply's fate is known, and expiry of due orders.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <mutex>
#include <thread>

#include "bus/local_bus.h"
#include "engine/claim_batcher.h"
#include "engine/cluster_wakeups.h"
#include "engine/deadline_scheduler.h"
#include "engine/dispatcher.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"

namespace herald::engine {
namespace {

namespace asio = boost::asio;
using store::DeliveryTarget;

class EngineDispatcher : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::sqlite::SqliteStore::open({dir_.file("herald.db"), "NORMAL"});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
    for (const char* id : {"agent-a", "agent-b"}) {
      store::AgentRecord agent;
      agent.id = id;
      agent.name = id;
      agent.key_hash = "x";
      agent.date_add = clock_.now_seconds();
      ASSERT_TRUE(store_->create_agent(agent).ok());
    }
    dispatcher_ = std::make_unique<Dispatcher>(*store_, pool_, clock_,
                                               DispatcherOptions{std::chrono::milliseconds(300), 2});
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    work_.reset();
    io_.stop();
    thread_.join();
    pool_.stop();
  }

  std::future<PollOutcome> start_poll(const DeliveryTarget& target) {
    return asio::co_spawn(asio::make_strand(io_), dispatcher_->poll(target), asio::use_future);
  }

  // Stores `count` orders for `agent` and tells the dispatcher (unless `wake` is off), as the
  // command service does.
  std::vector<core::Order> add_orders(const std::string& agent, int count, bool wake = true) {
    std::vector<core::Order> orders(static_cast<std::size_t>(count));
    for (auto& order : orders) {
      order.agent_id = agent;
      order.command.source = "test";
      order.command.target = {core::TargetType::agent, agent};
      order.command.action.name = "restart";
      order.command.timeout_seconds = 100;
      order.created_at = clock_.now_seconds();
      order.deadline = order.created_at + 100;
    }
    EXPECT_TRUE(store_->append_orders(orders).ok());
    if (wake) dispatcher_->orders_created(orders);
    return orders;
  }

  bool parked_soon(std::size_t count) {
    for (int i = 0; i < 500 && dispatcher_->parked_polls() != count; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return dispatcher_->parked_polls() == count;
  }

  test::TempDir dir_;
  core::ManualClock clock_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  BlockingPool pool_{4};
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::thread thread_;
  std::unique_ptr<Dispatcher> dispatcher_;
  const DeliveryTarget agent_a_{DeliveryTarget::Kind::agent, "agent-a"};
  const DeliveryTarget agent_b_{DeliveryTarget::Kind::agent, "agent-b"};
};

TEST_F(EngineDispatcher, QueuedOrdersComeBackAtOnceUpToTheLimit) {
  auto orders = add_orders("agent-a", 3);
  auto outcome = start_poll(agent_a_).get();
  ASSERT_EQ(outcome.kind, PollOutcome::Kind::orders);
  ASSERT_EQ(outcome.delivery.orders.size(), 2u);  // max_orders_per_poll
  EXPECT_EQ(outcome.delivery.orders[0].key, orders[0].key);
  EXPECT_EQ(outcome.delivery.orders[1].key, orders[1].key);
  // The third is not hidden by the two still reserved.
  auto next = start_poll(agent_a_).get();
  ASSERT_EQ(next.kind, PollOutcome::Kind::orders);
  ASSERT_EQ(next.delivery.orders.size(), 1u);
  EXPECT_EQ(next.delivery.orders[0].key, orders[2].key);
}

TEST_F(EngineDispatcher, ParkedPollWakesOnlyForItsOwnAgent) {
  auto a = start_poll(agent_a_);
  auto b = start_poll(agent_b_);
  ASSERT_TRUE(parked_soon(2));
  auto orders = add_orders("agent-a", 1);
  auto outcome = a.get();
  ASSERT_EQ(outcome.kind, PollOutcome::Kind::orders);
  EXPECT_EQ(outcome.delivery.orders[0].key, orders[0].key);
  EXPECT_EQ(b.get().kind, PollOutcome::Kind::timeout);
}

TEST_F(EngineDispatcher, NewerPollReplacesTheParkedOne) {
  auto first = start_poll(agent_a_);
  ASSERT_TRUE(parked_soon(1));
  auto second = start_poll(agent_a_);
  EXPECT_EQ(first.get().kind, PollOutcome::Kind::replaced);
  EXPECT_EQ(second.get().kind, PollOutcome::Kind::timeout);
}

TEST_F(EngineDispatcher, UnwrittenDeliveryGoesOutAgainAndWrittenOneBecomesSent) {
  auto orders = add_orders("agent-a", 1);
  auto first = start_poll(agent_a_).get();
  ASSERT_EQ(first.kind, PollOutcome::Kind::orders);
  // While reserved, nobody else gets it.
  EXPECT_EQ(start_poll(agent_a_).get().kind, PollOutcome::Kind::timeout);
  // Claimed before the reply: `sent` already; given back when the reply was not written.
  EXPECT_EQ((*store_->find_order(orders[0].key))->status, core::OrderStatus::sent);
  dispatcher_->settle(std::move(first.delivery), false);
  for (int i = 0; i < 500 && dispatcher_->reserved_orders() != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_EQ(dispatcher_->reserved_orders(), 0u);
  EXPECT_EQ((*store_->find_order(orders[0].key))->status, core::OrderStatus::pending);

  auto again = start_poll(agent_a_).get();
  ASSERT_EQ(again.kind, PollOutcome::Kind::orders);
  EXPECT_EQ(again.delivery.orders[0].key, orders[0].key);
  dispatcher_->settle(std::move(again.delivery), true);
  for (int i = 0; i < 500 && dispatcher_->reserved_orders() != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_EQ(dispatcher_->reserved_orders(), 0u);
  EXPECT_EQ((*store_->find_order(orders[0].key))->status, core::OrderStatus::sent);
  EXPECT_EQ(start_poll(agent_a_).get().kind, PollOutcome::Kind::timeout);  // never handed out twice
}

TEST_F(EngineDispatcher, ConcurrentClaimsAreMergedAndEachCallerGetsItsOwnOrders) {
  ClaimBatcher claims(*store_, clock_);
  auto a = add_orders("agent-a", 50);
  auto b = add_orders("agent-b", 50);
  auto keys_of = [](const std::vector<core::Order>& orders) {
    std::vector<core::OrderKey> keys;
    for (const auto& order : orders) keys.push_back(order.key);
    return keys;
  };
  const auto keys_a = keys_of(a), keys_b = keys_of(b);
  std::vector<std::future<core::Result<std::vector<core::OrderKey>>>> calls;
  for (int i = 0; i < 8; ++i) {
    calls.push_back(std::async(std::launch::async, [&, i] { return claims.claim(i % 2 == 0 ? keys_a : keys_b); }));
  }
  std::size_t claimed_a = 0, claimed_b = 0;
  for (int i = 0; i < 8; ++i) {
    auto moved = calls[static_cast<std::size_t>(i)].get();
    ASSERT_TRUE(moved.ok()) << moved.error().message;
    for (const auto& key : *moved) {
      const auto& own = i % 2 == 0 ? keys_a : keys_b;
      EXPECT_NE(std::find(own.begin(), own.end(), key), own.end()) << "a caller got an order it did not ask for";
    }
    (i % 2 == 0 ? claimed_a : claimed_b) += moved->size();
  }
  EXPECT_EQ(claimed_a, 50u);  // each order claimed once, by one of the four callers asking for it
  EXPECT_EQ(claimed_b, 50u);
  EXPECT_EQ((*store_->find_order(a[0].key))->status, core::OrderStatus::sent);
}

TEST_F(EngineDispatcher, AParkedPollOutlivesAStoreThatCannotWriteButANewPollIsTold) {
  auto parked = start_poll(agent_a_);
  ASSERT_TRUE(parked_soon(1));
  // An order arrives, then the store stops taking writes (reads still work): the woken poll
  // cannot claim it and keeps waiting, until its own timeout, instead of failing the agent.
  auto orders = add_orders("agent-a", 1, false);
  store_->close();
  dispatcher_->orders_created(orders);
  EXPECT_EQ(parked.get().kind, PollOutcome::Kind::timeout);
  EXPECT_EQ(dispatcher_->reserved_orders(), 0u);
  EXPECT_EQ((*store_->find_order(orders[0].key))->status, core::OrderStatus::pending);
  // A poll that never parked answers at once with the store's error.
  auto fresh = start_poll(agent_a_).get();
  EXPECT_EQ(fresh.kind, PollOutcome::Kind::error);
  EXPECT_EQ(fresh.error.kind, core::ErrorKind::unavailable);
}

TEST_F(EngineDispatcher, ClusterWakeupsTellOtherNodesWhomNewAndReturnedOrdersAreFor) {
  bus::LocalBus bus;
  std::vector<std::string> messages;
  std::mutex mutex;
  auto subscription = bus.subscribe("cluster.wake", [&](const std::string&, const std::string& payload) {
    std::lock_guard lock(mutex);
    messages.push_back(payload);
  });
  ClusterWakeups here(&bus, *store_, *dispatcher_, {"node-1", std::chrono::seconds(1)});
  std::vector<core::Order> orders(2'500);
  for (std::size_t i = 0; i < orders.size(); ++i) orders[i].agent_id = "agent-" + std::to_string(i);
  here.orders_created(orders);
  here.orders_returned({orders[0]});
  std::lock_guard lock(mutex);
  ASSERT_EQ(messages.size(), 4u);  // 1,000 targets per message, then the order given back
  EXPECT_EQ(boost::json::parse(messages[2]).at("agents").as_array().size(), 500u);
  EXPECT_EQ(boost::json::parse(messages[3]).at("agents").as_array()[0].as_string(), "agent-0");
  EXPECT_EQ(here.counts().published, 4u);
}

TEST_F(EngineDispatcher, AWakeupFromAnotherNodeWakesTheParkedPollAndOnesOwnAreIgnored) {
  ClusterWakeups here(nullptr, *store_, *dispatcher_, {"node-1", std::chrono::seconds(1)});
  auto parked = start_poll(agent_a_);
  ASSERT_TRUE(parked_soon(1));
  add_orders("agent-a", 1, false);  // stored by another node: this one heard nothing
  here.receive(R"({"node":"node-1","agents":["agent-a"],"modules":[]})");
  EXPECT_EQ(here.counts().received, 0u);
  here.receive(R"({"node":"node-2","agents":["agent-a"],"modules":[]})");
  EXPECT_EQ(parked.get().kind, PollOutcome::Kind::orders);
  EXPECT_EQ(here.counts().received, 1u);
}

TEST_F(EngineDispatcher, StopEndsParkedPolls) {
  auto parked = start_poll(agent_a_);
  ASSERT_TRUE(parked_soon(1));
  dispatcher_->stop();
  EXPECT_EQ(parked.get().kind, PollOutcome::Kind::stopping);
}

class RecordingListener final : public OrderListener {
 public:
  void orders_expired(const std::vector<store::ExpiredOrder>& expired) override { count += expired.size(); }
  std::size_t count = 0;
};

TEST_F(EngineDispatcher, SchedulerExpiresPendingAndSentAtTheirDeadline) {
  RecordingListener listener;
  DeadlineScheduler scheduler(io_, *store_, pool_, clock_, listener);
  auto orders = add_orders("agent-a", 3);
  ASSERT_TRUE(store_->mark_orders_sent({orders[0].key}, clock_.now_seconds()).ok());
  auto deadline = orders[0].deadline;
  ASSERT_EQ(*scheduler.expire_due(deadline - 1), 0u);
  ASSERT_EQ(*scheduler.expire_due(deadline), 3u);
  EXPECT_EQ(listener.count, 3u);
  auto sent = *store_->find_order(orders[0].key);
  EXPECT_EQ(sent->status, core::OrderStatus::failure);
  EXPECT_EQ(sent->result->message, core::kNoResultMessage);
  EXPECT_EQ((*store_->find_order(orders[1].key))->result->message, core::kNotDeliveredMessage);
  EXPECT_EQ(*scheduler.expire_due(deadline + 10), 0u);
}

}  // namespace
}  // namespace herald::engine
