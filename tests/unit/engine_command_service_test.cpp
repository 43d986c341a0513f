// engine::CommandService::submit_async on every backend: the orders are stored asynchronously,
// the listener hears of them (keys set) on the caller's executor before the reply, and failures
// leave nothing stored and nothing heard.
#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "core/command_parser.h"
#include "engine/blocking_pool.h"
#include "engine/command_service.h"
#include "engine/order_listener.h"
#include "unit/async_store_fixture.h"

namespace herald::store::testing {
namespace {

namespace asio = boost::asio;
using core::Order;
using samples::make_agent;
using samples::uuid;

class RecordingListener final : public engine::OrderListener {
 public:
  void orders_created(const std::vector<Order>& orders) override {
    std::lock_guard lock(mutex_);
    created_.insert(created_.end(), orders.begin(), orders.end());
    threads_.push_back(std::this_thread::get_id());
  }
  std::vector<Order> created() {
    std::lock_guard lock(mutex_);
    return created_;
  }
  std::vector<std::thread::id> threads() {
    std::lock_guard lock(mutex_);
    return threads_;
  }

 private:
  std::mutex mutex_;
  std::vector<Order> created_;
  std::vector<std::thread::id> threads_;
};

core::Command restart(std::string agent_id) {
  core::Command command;
  command.source = "Users/Services";
  command.user = "Management API";
  command.target = {core::TargetType::agent, std::move(agent_id)};
  command.action = {"restart", "{}", "6.0.0"};
  command.timeout_seconds = 100;
  return command;
}

struct Submitted {
  core::Result<engine::SubmittedRequest> result;
  std::size_t heard_before_return = 0;
  std::thread::id resumed_on;
};

TEST_P(CommandSubmission, SubmitAsyncStoresTheOrdersAndTellsTheListenerOnTheCallersExecutor) {
  ASSERT_TRUE(store().create_agent(make_agent(1)).ok());
  ASSERT_TRUE(store().create_agent(make_agent(2)).ok());
  RecordingListener listener;
  engine::BlockingPool reads(2);
  engine::CommandService commands(store(), clock_, listener);
  const std::vector<core::Command> request{restart(uuid(1)), restart(uuid(2))};
  auto done = spawn_on(io_, [&]() -> asio::awaitable<Submitted> {
    auto result = co_await commands.submit_async(request, reads);
    co_return Submitted{std::move(result), listener.created().size(), std::this_thread::get_id()};
  });
  ASSERT_TRUE(ready_in_time(done));
  auto submitted = done.get();
  ASSERT_TRUE(submitted.result.ok()) << submitted.result.error().message;
  const auto request_id = submitted.result->request_id;
  EXPECT_EQ(submitted.result->document_ids,
            (std::vector<std::string>{core::document_id({request_id, 1}), core::document_id({request_id, 2})}));
  EXPECT_EQ(submitted.resumed_on, io_thread_id());
  EXPECT_EQ(submitted.heard_before_return, 2u);
  EXPECT_EQ(listener.threads(), std::vector<std::thread::id>{io_thread_id()});
  auto heard = listener.created();
  ASSERT_EQ(heard.size(), 2u);
  EXPECT_EQ(heard[0].key, (core::OrderKey{request_id, 1}));
  EXPECT_EQ(heard[1].agent_id, std::optional<std::string>(uuid(2)));
  auto stored = store().find_order({request_id, 2});
  ASSERT_TRUE(stored.ok() && stored->has_value());  // durable by the time the listener heard
  EXPECT_EQ((*stored)->status, core::OrderStatus::pending);
}

TEST_P(CommandSubmission, NoMatchingAgentIsInvalidArgumentAndNothingIsStoredOrHeard) {
  RecordingListener listener;
  engine::BlockingPool reads(2);
  engine::CommandService commands(store(), clock_, listener);
  const std::vector<core::Command> request{restart(uuid(9))};
  auto done = spawn_on(io_, [&]() -> asio::awaitable<core::Result<engine::SubmittedRequest>> {
    co_return co_await commands.submit_async(request, reads);
  });
  ASSERT_TRUE(ready_in_time(done));
  auto result = done.get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::invalid_argument);
  EXPECT_EQ(result.error().message, core::kCannotGenerateOrders);
  EXPECT_TRUE(listener.created().empty());
  EXPECT_EQ(store().list_orders({}).value().total, 0);
}

TEST_P(CommandSubmission, OnAClosedStoreItIsUnavailableAndNothingIsHeard) {
  ASSERT_TRUE(store().create_agent(make_agent(1)).ok());
  RecordingListener listener;
  engine::BlockingPool reads(2);
  engine::CommandService commands(store(), clock_, listener);
  store().close();
  const std::vector<core::Command> request{restart(uuid(1))};
  auto done = spawn_on(io_, [&]() -> asio::awaitable<core::Result<engine::SubmittedRequest>> {
    co_return co_await commands.submit_async(request, reads);
  });
  ASSERT_TRUE(ready_in_time(done));
  auto result = done.get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::unavailable) << result.error().message;
  EXPECT_TRUE(listener.created().empty());
}

}  // namespace
}  // namespace herald::store::testing
