#pragma once
// Runs blocking work (store calls) off the io_context threads. A coroutine writes
//   auto result = co_await pool.run([&] { return store.find_order(key); });
// and resumes on its own executor once the work is done. Exceptions thrown by the work are
// rethrown in the awaiting coroutine.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <type_traits>
#include <utility>

namespace herald::engine {

class BlockingPool {
 public:
  // Many threads on purpose: they mostly wait for the store's group commit, and the more
  // requests wait together, the more share one commit.
  explicit BlockingPool(std::size_t threads = 64) : pool_(threads) {}
  ~BlockingPool() { stop(); }
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&>> run(F work) {
    using R = std::invoke_result_t<F&>;
    // Built outside the co_await expression: g++ 12 double-destroys non-trivial temporaries
    // that live inside a co_await full-expression.
    auto task = [work = std::move(work)]() mutable -> boost::asio::awaitable<R> { co_return work(); };
    auto spawned = boost::asio::co_spawn(pool_.get_executor(), std::move(task), boost::asio::use_awaitable);
    co_return co_await std::move(spawned);
  }

  // Runs `work` on the pool without waiting for it (fire and forget).
  template <class F>
  void post(F work) {
    boost::asio::post(pool_, std::move(work));
  }

  // Lets queued work finish and joins the threads. Idempotent.
  void stop() {
    pool_.wait();
  }

 private:
  boost::asio::thread_pool pool_;
};

}  // namespace herald::engine
