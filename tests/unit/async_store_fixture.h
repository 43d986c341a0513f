#pragma once
// Engine tests that await asynchronous store calls: a real store of every backend (the
// StoreContract fixture) and an io_context run by a thread of its own, standing for one core's.
// Each fixture derived from AsyncStoreTest is instantiated for every backend in
// store_backends_test.cpp.
#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <future>
#include <optional>
#include <thread>
#include <utility>

#include "core/clock.h"
#include "unit/store_test_fixture.h"

namespace herald::store::testing {

constexpr auto kAsyncPatience = std::chrono::seconds(20);  // bound on every wait

// Whether `future` is ready within kAsyncPatience.
template <class T>
bool ready_in_time(std::future<T>& future) {
  return future.wait_for(kAsyncPatience) == std::future_status::ready;
}

// Waits (polling) until `condition()` holds; false when it did not within kAsyncPatience.
template <class Condition>
bool eventually(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + kAsyncPatience;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// Runs `make()` (a callable returning an awaitable) as a coroutine on `io`; its result.
template <class Make>
auto spawn_on(boost::asio::io_context& io, Make make) {
  return boost::asio::co_spawn(io, std::move(make), boost::asio::use_future);
}

class AsyncStoreTest : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    work_.emplace(boost::asio::make_work_guard(io_));
    io_thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    work_.reset();
    if (io_thread_.joinable()) io_thread_.join();
    StoreContract::TearDown();
  }

  std::thread::id io_thread_id() const { return io_thread_.get_id(); }

  core::ManualClock clock_{samples::kNow};
  boost::asio::io_context io_;  // one core's
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread io_thread_;
};

// engine_result_batcher_test.cpp
class ResultBatching : public AsyncStoreTest {};
// engine_command_service_test.cpp
class CommandSubmission : public AsyncStoreTest {};

}  // namespace herald::store::testing
