// engine::store_call (engine/store_completion.h): a coroutine awaiting a store call completed on
// another thread resumes on its own executor, keeps its io_context running meanwhile, and sees
// the exceptions of the call.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "engine/store_completion.h"

namespace herald::engine {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
constexpr auto kPatience = 20s;

// Stands for a store's writer: runs what it is handed on a thread of its own.
class FakeWriter {
 public:
  FakeWriter() : thread_([this] { loop(); }) {}
  ~FakeWriter() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  void post(std::function<void()> work) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(work));
    }
    wake_.notify_one();
  }
  std::thread::id id() const { return thread_.get_id(); }

 private:
  void loop() {
    for (;;) {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      auto work = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      work();
    }
  }
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

// An io_context run by a thread of its own until destroyed.
class IoThread {
 public:
  IoThread() : work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~IoThread() {
    work_.reset();
    thread_.join();
  }
  asio::io_context& io() { return io_; }
  std::thread::id id() const { return thread_.get_id(); }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

struct Resumption {
  core::Result<int> result;
  std::thread::id before, completed_on, after;
};

asio::awaitable<Resumption> await_value(FakeWriter& writer, int value) {
  Resumption seen;
  seen.before = std::this_thread::get_id();
  seen.result = co_await store_call<int>([&](store::StoreCompletion<int> done) {
    writer.post([&seen, value, done = std::move(done)] {
      seen.completed_on = std::this_thread::get_id();
      done(value);
    });
  });
  seen.after = std::this_thread::get_id();
  co_return seen;
}

TEST(EngineStoreCompletion, ResumesOnTheAwaitingCoroutinesOwnExecutor) {
  FakeWriter writer;
  IoThread first, second;  // two cores' io_contexts
  auto on_first = asio::co_spawn(first.io(), await_value(writer, 1), asio::use_future);
  auto on_second = asio::co_spawn(second.io(), await_value(writer, 2), asio::use_future);
  ASSERT_EQ(on_first.wait_for(kPatience), std::future_status::ready);
  ASSERT_EQ(on_second.wait_for(kPatience), std::future_status::ready);
  auto a = on_first.get(), b = on_second.get();
  EXPECT_EQ(a.result.value(), 1);
  EXPECT_EQ(b.result.value(), 2);
  EXPECT_EQ(a.completed_on, writer.id());
  EXPECT_EQ(b.completed_on, writer.id());
  EXPECT_EQ(a.before, first.id());
  EXPECT_EQ(a.after, first.id());
  EXPECT_EQ(b.before, second.id());
  EXPECT_EQ(b.after, second.id());
}

TEST(EngineStoreCompletion, ACallCompletedAtOnceStillResumesThroughTheExecutor) {
  // A closed store completes inside the call: the coroutine must not resume inside it.
  asio::io_context io;
  bool start_returned = false;
  bool resumed_after_start_returned = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto result = co_await store_call<int>([&](store::StoreCompletion<int> done) {
          done(core::unavailable("store is closed"));
          start_returned = true;
        });
        resumed_after_start_returned = start_returned && !result.ok();
      },
      asio::detached);
  io.run();
  EXPECT_TRUE(resumed_after_start_returned);
}

TEST(EngineStoreCompletion, ThePendingCallKeepsTheIoContextRunning) {
  // No work guard: io.run() returns as soon as nothing is pending. It must wait for the call.
  asio::io_context io;
  std::promise<store::StoreCompletion<int>> handed;
  bool finished = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto result = co_await store_call<int>([&](store::StoreCompletion<int> done) { handed.set_value(done); });
        finished = result.ok() && result.value() == 7;
      },
      asio::detached);
  std::thread completer([&] {
    auto future = handed.get_future();
    if (future.wait_for(kPatience) == std::future_status::ready) future.get()(7);
  });
  io.run();
  completer.join();
  EXPECT_TRUE(finished);
}

TEST(EngineStoreCompletion, AnExceptionFromStartingTheCallReachesTheCoroutine) {
  asio::io_context io;
  std::string caught;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        try {
          (void)co_await store_call<int>([](store::StoreCompletion<int>) { throw std::runtime_error("no store"); });
        } catch (const std::runtime_error& e) {
          caught = e.what();
        }
      },
      asio::detached);
  io.run();
  EXPECT_EQ(caught, "no store");
}

TEST(EngineStoreCompletion, ACompletionDroppedUncalledResumesTheCoroutineWithAnError) {
  asio::io_context io;
  bool caught = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        try {
          (void)co_await store_call<int>([](store::StoreCompletion<int> done) { done = nullptr; });
        } catch (const std::logic_error&) {
          caught = true;
        }
      },
      asio::detached);
  io.run();
  EXPECT_TRUE(caught);
}

}  // namespace
}  // namespace herald::engine
