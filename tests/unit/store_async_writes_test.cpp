// The Store's asynchronous writes (append_orders_async, apply_results_async): the same effects
// and outcomes as the blocking calls, completed once durable on a store thread, completed at
// once when the store is closed, and free to call the store again from the completion. Runs on
// every backend (store_backends_test.cpp).
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "unit/store_test_fixture.h"

namespace herald::store::testing {
namespace {

using core::Order;
using core::OrderKey;
using core::OrderStatus;
using samples::kNow;
using samples::make_order;
using samples::uuid;

constexpr auto kPatience = std::chrono::seconds(20);

// What one asynchronous call completed with, and where.
template <class T>
class Completed {
 public:
  StoreCompletion<T> callback() {
    return [state = state_](core::Result<T> result) {
      state->thread = std::this_thread::get_id();
      ++state->calls;
      state->result.set_value(std::move(result));
    };
  }
  core::Result<T> wait() {
    if (state_->future.wait_for(kPatience) != std::future_status::ready) return core::internal_error("no completion");
    return state_->future.get();
  }
  bool done() const { return state_->future.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }
  std::thread::id thread() const { return state_->thread; }
  int calls() const { return state_->calls; }

 private:
  struct State {
    std::promise<core::Result<T>> result;
    std::shared_future<core::Result<T>> future = result.get_future().share();
    std::thread::id thread;
    int calls = 0;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

TEST_P(StoreContract, AppendOrdersAsyncCompletesOnceDurableWithTheKeysSet) {
  std::vector<Order> orders{make_order(uuid(1)), make_order(uuid(2), kNow, 100, "fetch-config")};
  Completed<std::int64_t> appended;
  store().append_orders_async(orders, appended.callback());
  auto request_id = appended.wait();
  ASSERT_TRUE(request_id.ok()) << request_id.error().message;
  EXPECT_NE(appended.thread(), std::this_thread::get_id());
  EXPECT_EQ(orders[0].key, (OrderKey{*request_id, 1}));
  EXPECT_EQ(orders[1].key, (OrderKey{*request_id, 2}));
  auto found = store().find_order(orders[1].key);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->command.action.name, "fetch-config");
  // Synchronous and asynchronous appends draw from the same ids.
  std::vector<Order> next{make_order(uuid(3))};
  auto next_id = store().append_orders(next);
  ASSERT_TRUE(next_id.ok());
  EXPECT_GT(*next_id, *request_id);
}

TEST_P(StoreContract, ApplyResultsAsyncGivesTheOutcomesOfTheBlockingCall) {
  std::vector<Order> orders{make_order(uuid(1)), make_order(uuid(1)), make_order(uuid(1)), make_order(uuid(1))};
  ASSERT_TRUE(store().append_orders(orders).ok());
  ASSERT_TRUE(store().mark_orders_sent({orders[0].key, orders[1].key, orders[2].key, orders[3].key}, kNow + 1).ok());
  // The same reports for orders 0..1 (async) and 2..3 (blocking): the same outcomes.
  auto reports_for = [](OrderKey a, OrderKey b) {
    return std::vector<ResultReport>{
        {a, uuid(1), {2, "in progress", std::nullopt}, std::nullopt},
        {a, uuid(1), {2, "in progress", std::nullopt}, std::nullopt},
        {a, uuid(1), {0, "ok", R"({"x":1})"}, R"({"hostname":"web1"})"},
        {a, uuid(1), {0, "ok", R"({"x":1})"}, std::nullopt},
        {a, uuid(1), {1, "boom", std::nullopt}, std::nullopt},
        {b, uuid(2), {0, "ok", std::nullopt}, std::nullopt},
        {OrderKey{a.request_id + 100, 1}, uuid(1), {0, "ok", std::nullopt}, std::nullopt},
    };
  };
  auto async_reports = reports_for(orders[0].key, orders[1].key);
  Completed<std::vector<ResultOutcome>> applied;
  store().apply_results_async(async_reports, kNow + 2, applied.callback());
  auto async_outcomes = applied.wait();
  ASSERT_TRUE(async_outcomes.ok()) << async_outcomes.error().message;
  EXPECT_NE(applied.thread(), std::this_thread::get_id());
  auto blocking_outcomes = store().apply_results(reports_for(orders[2].key, orders[3].key), kNow + 2);
  ASSERT_TRUE(blocking_outcomes.ok());
  EXPECT_EQ(*async_outcomes, *blocking_outcomes);
  EXPECT_EQ(*async_outcomes,
            (std::vector<ResultOutcome>{ResultOutcome::applied, ResultOutcome::unchanged, ResultOutcome::applied,
                                        ResultOutcome::unchanged, ResultOutcome::already_final,
                                        ResultOutcome::wrong_target, ResultOutcome::not_found}));
  auto done = store().find_order(orders[0].key);
  ASSERT_TRUE(done.ok() && done->has_value());
  EXPECT_EQ((*done)->status, OrderStatus::success);
  EXPECT_EQ((*done)->agent_metadata_json, std::optional<std::string>(R"({"hostname":"web1"})"));
}

TEST_P(StoreContract, AsyncWritesOnAClosedStoreCompleteAtOnceWithUnavailable) {
  std::vector<Order> orders{make_order(uuid(1))};
  std::vector<ResultReport> reports{{OrderKey{1, 1}, uuid(1), {0, "ok", std::nullopt}, std::nullopt}};
  store().close();
  Completed<std::int64_t> appended;
  Completed<std::vector<ResultOutcome>> applied;
  store().append_orders_async(orders, appended.callback());
  store().apply_results_async(reports, kNow, applied.callback());
  ASSERT_TRUE(appended.done());  // before the calls returned, on this thread
  ASSERT_TRUE(applied.done());
  EXPECT_EQ(appended.thread(), std::this_thread::get_id());
  EXPECT_EQ(appended.wait().error().kind, core::ErrorKind::unavailable);
  EXPECT_EQ(applied.wait().error().kind, core::ErrorKind::unavailable);
  EXPECT_EQ(appended.calls() + applied.calls(), 2);
}

TEST_P(StoreContract, AnAsyncCompletionMayCallTheStoreAgain) {
  // No store lock is held while a completion runs: it can start the next write (a batcher does).
  std::vector<Order> first{make_order(uuid(1))}, second{make_order(uuid(2))};
  Completed<std::int64_t> chained;
  auto* store_ptr = &store();
  auto callback = chained.callback();
  store().append_orders_async(first, [&second, store_ptr, callback](core::Result<std::int64_t> id) {
    if (!id) return callback(id.error());
    store_ptr->append_orders_async(second, callback);
  });
  auto id = chained.wait();
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(second[0].key, (OrderKey{*id, 1}));
  EXPECT_GT(second[0].key.request_id, first[0].key.request_id);
  EXPECT_EQ(store().list_orders({}).value().total, 2);
}

}  // namespace
}  // namespace herald::store::testing
