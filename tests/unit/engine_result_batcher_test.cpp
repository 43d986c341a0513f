// engine::ResultBatcher (engine/result_batcher.h) and ResultService::apply_async on every
// backend: reports arriving while a store call is in flight share the next call, each caller
// gets exactly its own outcomes in its order, duplicates across callers come out as calls in
// sequence would, errors reach every caller of their call (and only theirs).
#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/order_listener.h"
#include "engine/result_batcher.h"
#include "engine/result_service.h"
#include "unit/async_store_fixture.h"

namespace herald::store::testing {
namespace {

namespace asio = boost::asio;
using core::Order;
using core::OrderKey;
using core::OrderStatus;
using engine::ResultBatcher;
using samples::kNow;
using samples::make_order;
using samples::uuid;
using Outcomes = std::vector<ResultOutcome>;

// The real store, except for what a test asks of apply_results_async: every call is counted
// with its number of reports; one call can be held until released; calls can be refused (an
// error, completed at once) or answered without the store.
class GatedStore final : public OrderStore {
 public:
  explicit GatedStore(OrderStore& inner) : inner_(inner) {}

  void apply_results_async(const std::vector<ResultReport>& reports, std::int64_t now,
                           StoreCompletion<Outcomes> done) override {
    {
      std::lock_guard lock(mutex_);
      call_sizes_.push_back(reports.size());
      if (hold_next_) {
        hold_next_ = false;
        held_ = [this, &reports, now, done = std::move(done)]() mutable { pass(reports, now, std::move(done)); };
        return;
      }
    }
    pass(reports, now, std::move(done));
  }

  // The next call waits for release().
  void hold_next() {
    std::lock_guard lock(mutex_);
    hold_next_ = true;
  }
  bool holding() {
    std::lock_guard lock(mutex_);
    return static_cast<bool>(held_);
  }
  void release() {
    std::function<void()> held;
    {
      std::lock_guard lock(mutex_);
      held = std::exchange(held_, nullptr);
    }
    if (held) held();
  }
  // Calls for which `refuse` gives an error complete at once with it.
  void refuse_when(std::function<std::optional<core::Error>(const std::vector<ResultReport>&)> refuse) {
    std::lock_guard lock(mutex_);
    refuse_ = std::move(refuse);
  }
  // Calls complete with not_found for every report, without the store.
  void answer_without_store() {
    std::lock_guard lock(mutex_);
    answer_without_store_ = true;
  }
  std::vector<std::size_t> call_sizes() {
    std::lock_guard lock(mutex_);
    return call_sizes_;
  }

  // The rest goes to the real store.
  core::Result<std::int64_t> append_orders(std::vector<Order>& orders) override { return inner_.append_orders(orders); }
  void append_orders_async(std::vector<Order>& orders, StoreCompletion<std::int64_t> done) override {
    inner_.append_orders_async(orders, std::move(done));
  }
  core::Result<std::optional<Order>> find_order(const OrderKey& key) override { return inner_.find_order(key); }
  core::Result<Page<Order>> list_orders(const OrderQuery& query) override { return inner_.list_orders(query); }
  core::Result<std::map<OrderStatus, std::int64_t>> count_orders_by_status() override {
    return inner_.count_orders_by_status();
  }
  core::Result<std::vector<ExpiredOrder>> expire_overdue_orders(std::int64_t now) override {
    return inner_.expire_overdue_orders(now);
  }
  core::Result<std::vector<std::int64_t>> open_order_deadlines() override { return inner_.open_order_deadlines(); }
  core::Result<std::vector<Order>> terminal_orders_before(std::int64_t cutoff, std::int64_t limit) override {
    return inner_.terminal_orders_before(cutoff, limit);
  }
  core::Status delete_orders(const std::vector<OrderKey>& keys) override { return inner_.delete_orders(keys); }
  core::Result<std::vector<Order>> pending_orders_for(const DeliveryTarget& target, std::int64_t limit) override {
    return inner_.pending_orders_for(target, limit);
  }
  core::Result<std::vector<OrderKey>> mark_orders_sent(const std::vector<OrderKey>& keys, std::int64_t now) override {
    return inner_.mark_orders_sent(keys, now);
  }
  core::Status return_orders_to_pending(const std::vector<OrderKey>& keys, std::int64_t now) override {
    return inner_.return_orders_to_pending(keys, now);
  }
  core::Result<std::vector<std::string>> agents_with_pending_orders(const std::vector<std::string>& ids) override {
    return inner_.agents_with_pending_orders(ids);
  }
  core::Result<Outcomes> apply_results(const std::vector<ResultReport>& reports, std::int64_t now) override {
    return inner_.apply_results(reports, now);
  }

 private:
  void pass(const std::vector<ResultReport>& reports, std::int64_t now, StoreCompletion<Outcomes> done) {
    std::optional<core::Error> refused;
    bool without_store = false;
    {
      std::lock_guard lock(mutex_);
      if (refuse_) refused = refuse_(reports);
      without_store = answer_without_store_;
    }
    if (refused) return done(*refused);
    if (without_store) return done(Outcomes(reports.size(), ResultOutcome::not_found));
    inner_.apply_results_async(reports, now, std::move(done));
  }

  OrderStore& inner_;
  std::mutex mutex_;
  std::vector<std::size_t> call_sizes_;
  bool hold_next_ = false;
  std::function<void()> held_;
  std::function<std::optional<core::Error>(const std::vector<ResultReport>&)> refuse_;
  bool answer_without_store_ = false;
};

ResultReport report(const Order& order, int code, std::string message) {
  return {order.key, order.agent_id, {code, std::move(message), std::nullopt}, std::nullopt};
}

// What a caller got back: its outcomes, its reports as it found them afterwards, where it resumed.
struct Answer {
  core::Result<Outcomes> outcomes;
  std::vector<ResultReport> reports;
  std::thread::id resumed_on;
};

// `count` orders, one per agent uuid(1..count), all sent.
std::vector<Order> sent_orders(Store& store, int count) {
  std::vector<Order> orders;
  for (int i = 1; i <= count; ++i) orders.push_back(make_order(uuid(i)));
  EXPECT_TRUE(store.append_orders(orders).ok());
  std::vector<OrderKey> keys;
  for (const auto& order : orders) keys.push_back(order.key);
  EXPECT_TRUE(store.mark_orders_sent(keys, kNow + 1).ok());
  return orders;
}

// One caller: a coroutine on `io` applying `reports` through the batcher.
std::future<Answer> apply(asio::io_context& io, ResultBatcher& batcher, std::vector<ResultReport> reports) {
  return spawn_on(io, [&batcher, reports = std::move(reports)]() mutable -> asio::awaitable<Answer> {
    auto outcomes = co_await batcher.apply(reports);
    co_return Answer{std::move(outcomes), std::move(reports), std::this_thread::get_id()};
  });
}

Answer answer(std::future<Answer>& future) {
  if (!ready_in_time(future)) return Answer{core::internal_error("no answer in time"), {}, {}};
  return future.get();
}

// Holds the batcher's next store call, starts one caller with `first` and waits until its call
// is held: what callers send next queues up behind it.
std::future<Answer> hold_first_call(asio::io_context& io, GatedStore& gated, ResultBatcher& batcher,
                                    std::vector<ResultReport> first) {
  gated.hold_next();
  auto future = apply(io, batcher, std::move(first));
  EXPECT_TRUE(eventually([&] { return gated.holding(); })) << "the first call never reached the store";
  return future;
}

TEST_P(ResultBatching, ReportsArrivingWhileACallIsInFlightShareTheNextCallAndEachCallerGetsItsOwn) {
  auto orders = sent_orders(store(), 21);
  GatedStore gated(store());
  ResultBatcher batcher(gated, clock_);
  auto first = hold_first_call(io_, gated, batcher, {report(orders[0], 0, "first")});

  // Callers 1..20: odd ones report progress then success, even ones a failure.
  std::vector<std::future<Answer>> callers;
  for (int i = 1; i <= 20; ++i) {
    const auto& order = orders[static_cast<std::size_t>(i)];
    std::vector<ResultReport> reports;
    if (i % 2 == 1) {
      reports = {report(order, 2, "working " + std::to_string(i)), report(order, 0, "done " + std::to_string(i))};
    } else {
      reports = {report(order, 1, "failed " + std::to_string(i))};
    }
    callers.push_back(apply(io_, batcher, std::move(reports)));
  }
  ASSERT_TRUE(eventually([&] { return batcher.queued() == 20; }));
  gated.release();

  auto head = answer(first);
  ASSERT_TRUE(head.outcomes.ok()) << head.outcomes.error().message;
  EXPECT_EQ(*head.outcomes, Outcomes{ResultOutcome::applied});
  for (int i = 1; i <= 20; ++i) {
    auto got = answer(callers[static_cast<std::size_t>(i - 1)]);
    ASSERT_TRUE(got.outcomes.ok()) << "caller " << i << ": " << got.outcomes.error().message;
    const auto& order = orders[static_cast<std::size_t>(i)];
    if (i % 2 == 1) {
      EXPECT_EQ(*got.outcomes, (Outcomes{ResultOutcome::applied, ResultOutcome::applied})) << "caller " << i;
      ASSERT_EQ(got.reports.size(), 2u);  // given back as sent
      EXPECT_EQ(got.reports[1].result.message, "done " + std::to_string(i));
      EXPECT_EQ(got.reports[1].key, order.key);
      EXPECT_EQ(store().find_order(order.key).value()->status, OrderStatus::success);
    } else {
      EXPECT_EQ(*got.outcomes, Outcomes{ResultOutcome::applied}) << "caller " << i;
      ASSERT_EQ(got.reports.size(), 1u);
      EXPECT_EQ(got.reports[0].result.message, "failed " + std::to_string(i));
      EXPECT_EQ(store().find_order(order.key).value()->status, OrderStatus::failure);
    }
    EXPECT_EQ(got.resumed_on, io_thread_id());
  }
  // 21 callers, two store calls: the held one and one for the 20 that queued behind it.
  EXPECT_EQ(gated.call_sizes(), (std::vector<std::size_t>{1, 30}));
  EXPECT_EQ(batcher.store_calls(), 2u);
}

TEST_P(ResultBatching, DuplicatesInOneMergedCallComeOutAsCallsInSequenceWould) {
  // Two identical sets of orders: one gets the callers' reports merged into one call, the other
  // the same reports as one call per caller, in the same order.
  auto merged_orders = sent_orders(store(), 3);
  auto sequence_orders = sent_orders(store(), 3);
  auto callers_reports = [](const std::vector<Order>& o) {
    return std::vector<std::vector<ResultReport>>{
        {report(o[0], 0, "ok")},                                           // applied
        {report(o[0], 0, "ok")},                                           // the same again: unchanged
        {report(o[0], 1, "boom")},                                         // another final result: already_final
        {report(o[1], 2, "in progress"), report(o[1], 2, "in progress")},  // applied, unchanged
        {report(o[1], 2, "in progress")},                                  // unchanged
        {report(o[1], 0, "done"), report(o[1], 0, "done")},                // applied, unchanged
        {report(o[2], 0, "ok"), report(o[0], 0, "ok")},                    // applied, unchanged
    };
  };
  std::vector<Outcomes> in_sequence;
  for (auto& reports : callers_reports(sequence_orders)) {
    auto outcomes = store().apply_results(reports, kNow + 2);
    ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
    in_sequence.push_back(*outcomes);
  }

  GatedStore gated(store());
  ResultBatcher batcher(gated, clock_);
  // Something unrelated holds the store while the duplicates queue up.
  auto unrelated = sent_orders(store(), 1);
  auto first = hold_first_call(io_, gated, batcher, {report(unrelated[0], 0, "ok")});
  std::vector<std::future<Answer>> callers;
  for (auto& reports : callers_reports(merged_orders)) {
    callers.push_back(apply(io_, batcher, std::move(reports)));
    // One at a time: the order in which they queue is the order of the merged call.
    ASSERT_TRUE(eventually([&] { return batcher.queued() == callers.size(); }));
  }
  gated.release();
  ASSERT_TRUE(answer(first).outcomes.ok());
  for (std::size_t i = 0; i < callers.size(); ++i) {
    auto got = answer(callers[i]);
    ASSERT_TRUE(got.outcomes.ok()) << "caller " << i << ": " << got.outcomes.error().message;
    EXPECT_EQ(*got.outcomes, in_sequence[i]) << "caller " << i;
  }
  EXPECT_EQ(in_sequence, (std::vector<Outcomes>{
                             {ResultOutcome::applied},
                             {ResultOutcome::unchanged},
                             {ResultOutcome::already_final},
                             {ResultOutcome::applied, ResultOutcome::unchanged},
                             {ResultOutcome::unchanged},
                             {ResultOutcome::applied, ResultOutcome::unchanged},
                             {ResultOutcome::applied, ResultOutcome::unchanged},
                         }));
  EXPECT_EQ(gated.call_sizes(), (std::vector<std::size_t>{1, 10}));  // all seven callers in one call
  for (std::size_t i = 0; i < merged_orders.size(); ++i) {
    auto merged = store().find_order(merged_orders[i].key).value().value();
    auto sequenced = store().find_order(sequence_orders[i].key).value().value();
    EXPECT_EQ(merged.status, sequenced.status) << i;
    ASSERT_TRUE(merged.result && sequenced.result) << i;
    EXPECT_EQ(merged.result->code, sequenced.result->code) << i;
    EXPECT_EQ(merged.result->message, sequenced.result->message) << i;
  }
}

TEST_P(ResultBatching, AStoreErrorReachesEveryCallerOfThatCall) {
  auto orders = sent_orders(store(), 6);
  GatedStore gated(store());
  ResultBatcher batcher(gated, clock_);
  auto first = hold_first_call(io_, gated, batcher, {report(orders[0], 0, "ok")});
  std::vector<std::future<Answer>> callers;
  for (std::size_t i = 1; i < orders.size(); ++i) callers.push_back(apply(io_, batcher, {report(orders[i], 0, "ok")}));
  ASSERT_TRUE(eventually([&] { return batcher.queued() == callers.size(); }));
  gated.refuse_when([](const std::vector<ResultReport>&) { return core::unavailable("database down"); });
  gated.release();  // the held call fails, and so does the next

  for (auto* future : {&first}) {
    auto got = answer(*future);
    ASSERT_FALSE(got.outcomes.ok());
    EXPECT_EQ(got.outcomes.error().kind, core::ErrorKind::unavailable);
  }
  for (auto& caller : callers) {
    auto got = answer(caller);
    ASSERT_FALSE(got.outcomes.ok());
    EXPECT_EQ(got.outcomes.error().kind, core::ErrorKind::unavailable);
    EXPECT_EQ(got.outcomes.error().message, "database down");
    EXPECT_EQ(got.reports.size(), 1u);  // given back even so
  }
  EXPECT_EQ(gated.call_sizes(), (std::vector<std::size_t>{1, 5}));  // unavailable: not tried again
  for (const auto& order : orders) EXPECT_EQ(store().find_order(order.key).value()->status, OrderStatus::sent);
}

TEST_P(ResultBatching, AnErrorOtherThanUnavailableFailsOnlyTheRequestThatCausedIt) {
  auto orders = sent_orders(store(), 5);
  const auto poisoned = orders[2].key;
  GatedStore gated(store());
  ResultBatcher batcher(gated, clock_);
  auto first = hold_first_call(io_, gated, batcher, {report(orders[0], 0, "ok")});
  std::vector<std::future<Answer>> callers;
  for (std::size_t i = 1; i < orders.size(); ++i) callers.push_back(apply(io_, batcher, {report(orders[i], 0, "ok")}));
  ASSERT_TRUE(eventually([&] { return batcher.queued() == callers.size(); }));
  gated.refuse_when([poisoned](const std::vector<ResultReport>& reports) -> std::optional<core::Error> {
    for (const auto& r : reports) {
      if (r.key == poisoned) return core::internal_error("the database refuses this report");
    }
    return std::nullopt;
  });
  gated.release();

  EXPECT_TRUE(answer(first).outcomes.ok());
  for (std::size_t i = 0; i < callers.size(); ++i) {
    auto got = answer(callers[i]);
    const bool is_poisoned = orders[i + 1].key == poisoned;
    EXPECT_EQ(got.outcomes.ok(), !is_poisoned) << "caller " << i + 1;
    if (is_poisoned) {
      EXPECT_EQ(got.outcomes.error().kind, core::ErrorKind::internal);
    } else if (got.outcomes.ok()) {
      EXPECT_EQ(*got.outcomes, Outcomes{ResultOutcome::applied});
    }
  }
  // The held call, the merged call that failed, then each of its four requests alone.
  EXPECT_EQ(gated.call_sizes(), (std::vector<std::size_t>{1, 4, 1, 1, 1, 1}));
  EXPECT_EQ(store().find_order(poisoned).value()->status, OrderStatus::sent);
  EXPECT_EQ(store().find_order(orders[4].key).value()->status, OrderStatus::success);
}

TEST_P(ResultBatching, ACallHoldsAtMostTheBoundUnlessOneRequestIsLargerAlone) {
  GatedStore gated(store());
  gated.answer_without_store();  // only the batching is under test here
  ResultBatcher batcher(gated, clock_);
  auto many = [](std::size_t count) {
    std::vector<ResultReport> reports(count);
    for (std::size_t i = 0; i < count; ++i) reports[i].key = OrderKey{1, static_cast<std::int64_t>(i + 1)};
    return reports;
  };
  constexpr auto kBound = ResultBatcher::kMaxReportsPerCall;
  auto first = hold_first_call(io_, gated, batcher, many(1));
  std::vector<std::future<Answer>> callers;
  for (auto size : {kBound / 2, kBound / 2, std::size_t{1}, kBound + 5, kBound / 3}) {
    callers.push_back(apply(io_, batcher, many(size)));
    ASSERT_TRUE(eventually([&] { return batcher.queued() == callers.size(); }));
  }
  gated.release();
  EXPECT_TRUE(answer(first).outcomes.ok());
  for (auto& caller : callers) {
    auto got = answer(caller);
    ASSERT_TRUE(got.outcomes.ok());
    EXPECT_EQ(got.outcomes->size(), got.reports.size());
  }
  EXPECT_EQ(gated.call_sizes(), (std::vector<std::size_t>{1, kBound, 1, kBound + 5, kBound / 3}));
}

TEST_P(ResultBatching, OnAClosedStoreEveryCallerGetsUnavailable) {
  auto orders = sent_orders(store(), 2);
  ResultBatcher batcher(store(), clock_);
  store().close();
  auto one = apply(io_, batcher, {report(orders[0], 0, "ok")});
  auto two = apply(io_, batcher, {report(orders[1], 0, "ok")});
  auto empty = apply(io_, batcher, {});
  for (auto* future : {&one, &two}) {
    auto got = answer(*future);
    ASSERT_FALSE(got.outcomes.ok());
    EXPECT_EQ(got.outcomes.error().kind, core::ErrorKind::unavailable);
  }
  auto nothing = answer(empty);
  ASSERT_TRUE(nothing.outcomes.ok());  // nothing to store, nothing to fail
  EXPECT_TRUE(nothing.outcomes->empty());
}

// Hears of applied results, and on which thread.
class RecordingListener final : public engine::OrderListener {
 public:
  void results_applied(const std::vector<ResultReport>& reports) override {
    std::lock_guard lock(mutex_);
    for (const auto& report : reports) keys_.push_back(report.key);
    threads_.push_back(std::this_thread::get_id());
  }
  std::vector<OrderKey> keys() {
    std::lock_guard lock(mutex_);
    return keys_;
  }
  std::vector<std::thread::id> threads() {
    std::lock_guard lock(mutex_);
    return threads_;
  }

 private:
  std::mutex mutex_;
  std::vector<OrderKey> keys_;
  std::vector<std::thread::id> threads_;
};

TEST_P(ResultBatching, ApplyAsyncTellsTheListenerOfTheAppliedReportsBeforeItReturns) {
  auto orders = sent_orders(store(), 2);
  for (bool batched : {false, true}) {
    RecordingListener listener;
    ResultBatcher batcher(store(), clock_);
    engine::ResultService results(store(), clock_, &listener, batched ? &batcher : nullptr);
    const auto& order = orders[batched ? 1 : 0];
    auto done = spawn_on(io_, [&]() -> asio::awaitable<std::pair<core::Result<Outcomes>, std::vector<OrderKey>>> {
      std::vector<ResultReport> reports{report(order, 0, "ok"),
                                        report(order, 0, "ok"),
                                        {OrderKey{999, 1}, order.agent_id, {0, "ok", std::nullopt}, std::nullopt}};
      auto outcomes = co_await results.apply_async(reports);
      co_return std::make_pair(std::move(outcomes), listener.keys());  // what the listener heard by now
    });
    ASSERT_TRUE(ready_in_time(done));
    auto [outcomes, heard] = done.get();
    ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
    EXPECT_EQ(*outcomes, (Outcomes{ResultOutcome::applied, ResultOutcome::unchanged, ResultOutcome::not_found}));
    EXPECT_EQ(heard, std::vector<OrderKey>{order.key}) << "batched " << batched;  // only the applied one
    EXPECT_EQ(listener.threads(), std::vector<std::thread::id>{io_thread_id()});
    EXPECT_EQ(batcher.store_calls(), batched ? 1u : 0u);
  }
}

}  // namespace
}  // namespace herald::store::testing
