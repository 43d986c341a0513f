#pragma once
// Runs blocking work (store calls) off the io_context threads. A coroutine writes
//   auto result = co_await pool.run([&] { return store.find_order(key); });
// and resumes on its own executor once the work is done. Exceptions thrown by the work are
// rethrown in the awaiting coroutine.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <exception>
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
    // A plain completion handler, not a child coroutine: when the awaiting coroutine is
    // cancelled (its client went away), nothing is thrown on a pool thread; the work finishes
    // and the coroutine sees the cancellation at its next suspension.
    auto initiation = [this](auto handler, F task) {
      auto executor = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                          boost::asio::execution::outstanding_work.tracked);
      boost::asio::post(pool_, [handler = std::move(handler), task = std::move(task), executor]() mutable {
        std::exception_ptr error;
        R result{};
        try {
          result = task();
        } catch (...) {
          error = std::current_exception();
        }
        boost::asio::post(executor, [handler = std::move(handler), error, result = std::move(result)]() mutable {
          std::move(handler)(error, std::move(result));
        });
      });
    };
    co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(std::exception_ptr, R)>(
        initiation, boost::asio::use_awaitable, std::move(work));
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
